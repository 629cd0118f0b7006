//! `/check`: the public self-check. The form posts to the server, which answers with this
//! page and a [`CheckView`] in context (the answer, or why there is none). Without
//! JavaScript that is all; the form is an island, and once hydrated it checks the number
//! with the server's own parser and solves a proof of work before it posts.

use crate::check_api::{CheckForm, CheckProblem, CheckView, Entered, load_check_form};
use crate::components::PageTitle;
use crate::components::{CheckAnswer, CheckNotice};
use crate::head_text;
use crate::i18n::{Locale, Strings, dates, fill};
use crate::{provide_locale, use_locale, use_strings};
use leptos::prelude::*;
use leptos_meta::Meta;

/// The sentence for a problem with what was typed.
pub fn problem_text(s: &'static Strings, problem: &CheckProblem) -> String {
    match problem {
        CheckProblem::Contract(rejection) => s.data.contract(rejection),
        CheckProblem::Phone(rejection) => s.data.phone(rejection).to_owned(),
        CheckProblem::PhoneMissing => s.check.phone_missing.to_owned(),
        CheckProblem::Domain(rejection) => super::domain::rejection_text(s, rejection).to_owned(),
        CheckProblem::Proof => s.check.proof_invalid.to_owned(),
        CheckProblem::Ticket => s.check.ticket_invalid.to_owned(),
        CheckProblem::Reference => s.check.reference_invalid.to_owned(),
    }
}

/// What the server decided for this request.
pub fn use_check_view() -> Option<CheckView> {
    use_context::<CheckView>()
}

/// What was typed into the form that came back.
pub fn use_entered() -> Entered {
    use_context::<Entered>().unwrap_or_default()
}

/// The page title for what the server decided: the answer's heading once there is one.
pub fn title_for(view: Option<&CheckView>) -> fn(&'static Strings) -> String {
    match view {
        Some(CheckView::Answered(result)) if result.affected.is_empty() => {
            |s| format!("{} | {}", s.check.not_found_heading, s.check.title)
        }
        Some(CheckView::Answered(_)) => {
            |s| format!("{} | {}", s.check.affected_heading, s.check.title)
        }
        Some(CheckView::Refused(_)) => |s| format!("{} | {}", s.check.error_heading, s.check.title),
        Some(CheckView::Limited { .. }) => {
            |s| format!("{} | {}", s.check.limited_heading, s.check.title)
        }
        Some(CheckView::Busy { .. }) => |s| format!("{} | {}", s.check.busy_heading, s.check.title),
        // Only the helpdesk's search by reference code says so; its page has its own title.
        Some(CheckView::NoSuchReference) | None => |s| s.check.title.to_owned(),
    }
}

/// The message under a field, when the problem is about that field.
#[component]
pub fn ProblemFor(
    problem: RwSignal<Option<CheckProblem>>,
    #[prop(into)] id: String,
    applies: fn(&CheckProblem) -> bool,
) -> impl IntoView {
    let s = use_strings();
    move || {
        problem.get().filter(applies).map(|p| {
            view! {
                <p id=id.clone() class="field-error" role="alert">
                    {move || problem_text(s(), &p)}
                </p>
            }
        })
    }
}

/// The proof of work's four hidden fields, filled in by the hydrated page before it posts
/// (see `enhance::solve_and_post`); empty without JavaScript.
#[component]
pub fn PowFields(refs: [NodeRef<leptos::html::Input>; 4]) -> impl IntoView {
    ["pow_challenge", "pow_number", "pow_salt", "pow_signature"]
        .into_iter()
        .zip(refs)
        .map(|(name, node_ref)| view! { <input type="hidden" name=name value="" node_ref=node_ref/> })
        .collect_view()
}

/// The form, as the server renders it for this request.
#[component]
fn CheckFormView(form: CheckForm, problem: Option<CheckProblem>) -> impl IntoView {
    view! {
        <CheckEntry
            locale=use_locale().get_untracked()
            pattern=form.pattern
            asks_phone=form.asks_phone
            problem
            entered=use_entered()
        />
    }
}

/// The form's island: everything it needs arrives as props, serialised into the page.
#[island]
fn CheckEntry(
    locale: Locale,
    pattern: String,
    asks_phone: bool,
    problem: Option<CheckProblem>,
    entered: Entered,
) -> impl IntoView {
    provide_locale(locale);
    let s = use_strings();
    let problem = RwSignal::new(problem);
    let working = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let contract_ref = NodeRef::<leptos::html::Input>::new();
    let phone_ref = NodeRef::<leptos::html::Input>::new();
    let pow_refs: [NodeRef<leptos::html::Input>; 4] = std::array::from_fn(|_| NodeRef::new());
    let is_contract = |p: &CheckProblem| matches!(p, CheckProblem::Contract(_));
    let is_phone =
        |p: &CheckProblem| matches!(p, CheckProblem::Phone(_) | CheckProblem::PhoneMissing);
    let is_other = |p: &CheckProblem| {
        matches!(
            p,
            CheckProblem::Proof | CheckProblem::Ticket | CheckProblem::Reference
        )
    };
    let described =
        move |hint: &'static str, error: &'static str, applies: fn(&CheckProblem) -> bool| {
            move || {
                if problem.get().is_some_and(|p| applies(&p)) {
                    format!("{hint} {error}")
                } else {
                    hint.to_owned()
                }
            }
        };

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        enhance::submit(
            event,
            enhance::Fields {
                form: form_ref,
                contract: contract_ref,
                phone: asks_phone.then_some(phone_ref),
                pow: pow_refs,
            },
            &pattern,
            problem,
            working,
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (
            event,
            &pattern,
            working,
            form_ref,
            contract_ref,
            phone_ref,
            pow_refs,
        );
    };

    let phone = asks_phone.then(|| {
        view! {
            <label for="check-phone">{move || s().check.phone}</label>
            <input
                id="check-phone"
                name="phone"
                type="tel"
                autocomplete="tel"
                required
                value=entered.phone.clone()
                node_ref=phone_ref
                aria-describedby=described("check-phone-hint", "check-phone-error", is_phone)
                aria-invalid=move || problem.get().is_some_and(|p| is_phone(&p)).to_string()
            />
            <p id="check-phone-hint" class="hint">{move || s().check.phone_hint}</p>
            <ProblemFor problem id="check-phone-error" applies=is_phone/>
        }
    });
    view! {
        <ProblemFor problem id="check-error" applies=is_other/>
        <form
            class="form check-form"
            method="post"
            action="/check"
            node_ref=form_ref
            on:submit=on_submit
        >
            <label for="check-contract">{move || s().check.contract}</label>
            <input
                id="check-contract"
                name="contract"
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                required
                maxlength="64"
                value=entered.contract
                node_ref=contract_ref
                aria-describedby=described("check-contract-hint", "check-contract-error", is_contract)
                aria-invalid=move || problem.get().is_some_and(|p| is_contract(&p)).to_string()
            />
            <p id="check-contract-hint" class="hint">{move || s().check.contract_hint}</p>
            <ProblemFor problem id="check-contract-error" applies=is_contract/>
            {phone}
            <PowFields refs=pow_refs/>
            <button type="submit" disabled=move || working.get()>
                {move || if working.get() { s().check.working } else { s().check.submit }}
            </button>
        </form>
        <p class="hint">{move || s().check.privacy}</p>
    }
}

#[component]
pub fn CheckPage() -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let outcome = use_check_view();
    let title = title_for(outcome.as_ref());
    // Only a page with the form reads the published lists for it: an answer, a limit or
    // a busy notice has no form, and every public answer is rendered more than once (see
    // the server's padding), so reading them anyway would cost a lookup its queries twice.
    let needs_form = matches!(outcome, None | Some(CheckView::Refused(_)));
    let form = needs_form.then(|| Resource::new_blocking(|| (), |_| load_check_form()));
    let body = move || {
        let outcome = outcome.clone();
        Suspend::new(async move {
            let form = match form {
                Some(form) => form.await.ok(),
                None => None,
            };
            let busy = || {
                view! { <CheckNotice view=CheckView::Busy { retry_after_secs: 10 }/> }.into_any()
            };
            match outcome {
                Some(CheckView::Answered(result)) => view! {
                    <CheckAnswer result/>
                    <p>
                        <a href="/check">{move || s().check.again}</a>
                    </p>
                }
                .into_any(),
                Some(view @ (CheckView::Limited { .. } | CheckView::Busy { .. })) => view! {
                    <CheckNotice view/>
                    <p>
                        <a href="/">{move || s().back_home}</a>
                    </p>
                }
                .into_any(),
                Some(CheckView::Refused(problem)) => {
                    let Some(form) = form else { return busy() };
                    view! { <CheckFormView form problem=Some(problem)/> }.into_any()
                }
                Some(CheckView::NoSuchReference) | None => {
                    let Some(form) = form else { return busy() };
                    let none = form.lists.is_empty();
                    // What the public now sees of a list taken down: said, not left to guess.
                    let withdrawn = form
                        .withdrawn
                        .iter()
                        .cloned()
                        .map(|list| {
                            let notice = list.notice.clone().map(|href| {
                                view! {
                                    " "
                                    <a href=href>{move || s().notice.read_more}</a>
                                }
                            });
                            let text = move || {
                                let locale = locale.get();
                                fill(
                                    s().check.withdrawn,
                                    &[
                                        ("title", list.title.get(locale)),
                                        ("published", &dates::date(locale, &list.published_on)),
                                        ("withdrawn", &dates::date(locale, &list.withdrawn_on)),
                                    ],
                                )
                            };
                            view! { <p class="notice withdrawn" role="note">{text} {notice}</p> }
                        })
                        .collect_view();
                    view! {
                        {none.then(|| view! { <p class="notice">{move || s().check.no_lists}</p> })}
                        {withdrawn}
                        <CheckFormView form problem=None/>
                    }
                    .into_any()
                }
            }
        })
    };
    view! {
        <PageTitle text=head_text(title)/>
        <Meta name="description" content=head_text(|s| s.check.intro.to_owned())/>
        <h1>{move || s().check.title}</h1>
        <p class="lead">{move || s().check.intro}</p>
        <p>
            <a href="/check/domain">{move || s().domain.link}</a>
        </p>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}

/// The hydrated form: validate with the server's parsers, then solve the server's proof
/// of work and post. Anything unexpected posts the form as it is (the server then applies
/// the stricter limit for browsers without the proof).
#[cfg(feature = "hydrate")]
pub(crate) mod enhance {
    use crate::check_api::{CheckProblem, new_challenge};
    use breachcheck::check::pow::solve;
    use breachcheck::identifier::{ContractNumber, ContractPattern, Phone};
    use leptos::prelude::*;

    pub struct Fields {
        pub form: NodeRef<leptos::html::Form>,
        pub contract: NodeRef<leptos::html::Input>,
        pub phone: Option<NodeRef<leptos::html::Input>>,
        pub pow: [NodeRef<leptos::html::Input>; 4],
    }

    pub fn submit(
        event: leptos::ev::SubmitEvent,
        fields: Fields,
        pattern: &str,
        problem: RwSignal<Option<CheckProblem>>,
        working: RwSignal<bool>,
    ) {
        let (Some(form), Some(contract)) = (fields.form.get(), fields.contract.get()) else {
            return;
        };
        event.prevent_default();
        if working.get_untracked() {
            return;
        }
        if let Ok(pattern) = ContractPattern::parse(pattern)
            && let Err(rejection) = ContractNumber::parse(&contract.value(), &pattern)
        {
            problem.set(Some(CheckProblem::Contract(rejection)));
            let _ = contract.focus();
            return;
        }
        if let Some(phone) = fields.phone.and_then(|phone| phone.get()) {
            let value = phone.value();
            let refused = if value.trim().is_empty() {
                Some(CheckProblem::PhoneMissing)
            } else {
                Phone::parse(&value).err().map(CheckProblem::Phone)
            };
            if refused.is_some() {
                problem.set(refused);
                let _ = phone.focus();
                return;
            }
        }
        problem.set(None);
        working.set(true);
        solve_and_post(form, fields.pow);
    }

    /// Solves a fresh proof of work into the form's four hidden fields, then posts the
    /// form. If anything fails the form posts without it (and the server applies the
    /// stricter limit for browsers without the proof).
    pub fn solve_and_post(
        form: leptos::web_sys::HtmlFormElement,
        pow: [NodeRef<leptos::html::Input>; 4],
    ) {
        leptos::task::spawn_local(async move {
            if let Ok(challenge) = new_challenge().await
                && let Some(solution) = solve(&challenge)
            {
                let values = [
                    solution.challenge,
                    solution.number.to_string(),
                    solution.salt,
                    solution.signature,
                ];
                for (node, value) in pow.iter().zip(values) {
                    if let Some(input) = node.get_untracked() {
                        input.set_value(&value);
                    }
                }
            }
            // `submit()` does not fire the submit event again: the post goes straight out.
            let _ = form.submit();
        });
    }
}
