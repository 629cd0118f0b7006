//! `/staff/lookup`: the helpdesk looks a caller up, with a ticket reference. The form posts
//! to the server, which audits the lookup and answers with this page and the result.

use super::audit::AuditTable;
use crate::check_api::{CheckProblem, CheckView};
use crate::components::PageTitle;
use crate::components::{CheckAnswer, CheckNotice};
use crate::head_text;
use crate::i18n::Strings;
use crate::i18n::{dates, fill};
use crate::pages::check::{ProblemFor, use_check_view, use_entered};
use crate::staff_api::own_lookups_today;
use crate::use_strings;
use leptos::prelude::*;

/// One labelled field of the lookup forms, with the problem under it when it is its own
/// (`{id}-error`). Every field but the phone is required.
#[component]
fn Field(
    id: &'static str,
    name: &'static str,
    label: fn(&'static Strings) -> &'static str,
    value: String,
    problem: RwSignal<Option<CheckProblem>>,
    applies: fn(&CheckProblem) -> bool,
    #[prop(optional)] describedby: Option<&'static str>,
    #[prop(default = "64")] maxlength: &'static str,
    /// The caller's phone: optional, typed as a telephone number.
    #[prop(optional)]
    phone: bool,
) -> impl IntoView {
    let s = use_strings();
    view! {
        <label for=id>{move || label(s())}</label>
        <input
            id=id
            name=name
            value=value
            type=if phone { "tel" } else { "text" }
            required=!phone
            maxlength=maxlength
            autocomplete="off"
            spellcheck="false"
            aria-describedby=describedby
        />
        <ProblemFor problem id=format!("{id}-error") applies/>
    }
}

#[component]
pub fn StaffLookupPage() -> impl IntoView {
    let s = use_strings();
    let outcome = use_check_view();
    let entered = use_entered();
    let locale = crate::use_locale();
    // The form that was sent gets its fields back; the others stay empty.
    let by_domain = !entered.domain.trim().is_empty();
    let by_reference = !by_domain && !entered.reference.trim().is_empty();
    let sent = |this: bool, value: &String| if this { value.clone() } else { String::new() };
    let by_contract = !by_domain && !by_reference;
    let contract_ticket = sent(by_contract, &entered.ticket);
    let domain_ticket = sent(by_domain, &entered.ticket);
    let reference_ticket = sent(by_reference, &entered.ticket);
    let contract = sent(by_contract, &entered.contract);
    let phone = sent(by_contract, &entered.phone);
    let reference_contract = sent(by_reference, &entered.contract);
    let reference_phone = sent(by_reference, &entered.phone);
    let problem = match &outcome {
        Some(CheckView::Refused(problem)) => Some(problem.clone()),
        _ => None,
    };
    let is_contract = |p: &CheckProblem| matches!(p, CheckProblem::Contract(_));
    let is_phone =
        |p: &CheckProblem| matches!(p, CheckProblem::Phone(_) | CheckProblem::PhoneMissing);
    let is_ticket = |p: &CheckProblem| matches!(p, CheckProblem::Ticket);
    let is_domain = |p: &CheckProblem| matches!(p, CheckProblem::Domain(_));
    let is_reference = |p: &CheckProblem| matches!(p, CheckProblem::Reference);
    // A problem is shown under the form that was sent.
    let problem_in = |this: bool| RwSignal::new(problem.clone().filter(|_| this));
    let contract_problem = problem_in(by_contract);
    let domain_problem = problem_in(by_domain);
    let reference_problem = problem_in(by_reference);
    let answer = match outcome {
        Some(CheckView::Answered(result)) => {
            let found = result.given_on.clone().map(|day| {
                let code = result.reference.clone();
                let text = move || {
                    let date = dates::date(locale.get(), &day);
                    fill(
                        s().check.reference_found,
                        &[("code", &code), ("date", &date)],
                    )
                };
                view! { <p class="notice" role="status" id="reference-found">{text}</p> }
            });
            Some(view! { {found} <CheckAnswer result for_staff=true/> }.into_any())
        }
        Some(CheckView::NoSuchReference) => Some(
            view! {
                <p class="notice notice--error" role="alert" id="reference-none">
                    {move || s().check.reference_none()}
                </p>
            }
            .into_any(),
        ),
        Some(view @ (CheckView::Limited { .. } | CheckView::Busy { .. })) => {
            Some(view! { <CheckNotice view/> }.into_any())
        }
        _ => None,
    };
    // Read after this request's own lookup (if any) is in the log, so it is listed too.
    let own = Resource::new_blocking(|| (), |_| own_lookups_today());
    let own_today = move || {
        Suspend::new(async move {
            match own.await {
                Ok(rows) => view! { <AuditTable rows/> }.into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.check.staff_title.to_owned())/>
        <h1>{move || s().check.staff_title}</h1>
        <p>{move || s().check.staff_intro}</p>
        {answer}
        <form class="form" method="post" action="/staff/lookup">
            <Field id="lookup-ticket" name="ticket" label=|s| s.check.ticket value=contract_ticket problem=contract_problem applies=is_ticket describedby="lookup-ticket-hint"/>
            <p id="lookup-ticket-hint" class="hint">{move || s().check.ticket_hint}</p>
            <Field id="lookup-contract" name="contract" label=|s| s.check.contract value=contract problem=contract_problem applies=is_contract/>
            <Field id="lookup-phone" name="phone" label=|s| s.check.staff_phone value=phone problem=contract_problem applies=is_phone phone=true/>
            <button type="submit">{move || s().check.submit}</button>
        </form>
        <h2>{move || s().check.staff_domain_heading}</h2>
        <p class="hint">{move || s().check.staff_domain_hint}</p>
        <form class="form" method="post" action="/staff/lookup">
            <Field id="lookup-domain-ticket" name="ticket" label=|s| s.check.ticket value=domain_ticket problem=domain_problem applies=is_ticket describedby="lookup-ticket-hint"/>
            <Field id="lookup-domain" name="domain" label=|s| s.domain.field value=entered.domain.clone() problem=domain_problem applies=is_domain describedby="lookup-domain-hint" maxlength="300"/>
            <p id="lookup-domain-hint" class="hint">{move || s().domain.hint}</p>
            <button type="submit">{move || s().check.submit}</button>
        </form>
        <h2>{move || s().check.reference_heading}</h2>
        <p class="hint" id="lookup-reference-hint">{move || s().check.reference_search_hint()}</p>
        <form class="form" method="post" action="/staff/lookup">
            <Field id="lookup-reference-ticket" name="ticket" label=|s| s.check.ticket value=reference_ticket problem=reference_problem applies=is_ticket describedby="lookup-ticket-hint"/>
            <Field id="lookup-reference" name="reference" label=|s| s.check.reference_field value=entered.reference.clone() problem=reference_problem applies=is_reference describedby="lookup-reference-hint" maxlength="32"/>
            <Field id="lookup-reference-contract" name="contract" label=|s| s.check.contract value=reference_contract problem=reference_problem applies=is_contract/>
            <Field id="lookup-reference-phone" name="phone" label=|s| s.check.staff_phone value=reference_phone problem=reference_problem applies=is_phone phone=true/>
            <button type="submit">{move || s().check.reference_submit}</button>
        </form>
        <section aria-labelledby="own-lookups-heading">
            <h2 id="own-lookups-heading">{move || s().check.own_today}</h2>
            <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{own_today}</Suspense>
            <p>
                <a href="/staff/audit">{move || s().check.own_all}</a>
            </p>
        </section>
        <p>
            <a href="/staff">{move || s().staff_home_title}</a>
        </p>
    }
}
