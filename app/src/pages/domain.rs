//! The domain self-check's pages: the form (`/check/domain`), the challenge with its two
//! ways to prove control (`/check/domain/c/:token`), the answer (`/check/domain/result`)
//! and the mailed link's failure (`/check/domain/confirm/:link`, rendered by the server).
//! No page says whether a domain is listed before control is proven.

use super::check::PowFields;
use crate::check_api::CheckView;
use crate::components::PageTitle;
use crate::components::{CheckAnswer, CheckNotice};
use crate::domain_api::{
    ChallengeStatus, ChallengeView, DnsFinding, DomainProblem, DomainView, load_challenge,
    load_domain_result, set_page_status, use_domain_view,
};
use crate::i18n::{Locale, Strings};
use crate::i18n::{dates, fill};
use crate::{head_text, provide_locale, use_locale, use_strings};
use breachcheck::identifier::{DomainRejection, ROLE_LOCAL_PARTS};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The sentence for a domain the parser refused.
pub fn rejection_text(s: &'static Strings, rejection: &DomainRejection) -> &'static str {
    let d = s.domain;
    match rejection {
        DomainRejection::Empty => d.error_domain_empty,
        DomainRejection::Malformed => d.error_domain_malformed,
        DomainRejection::IpAddress => d.error_domain_ip,
        DomainRejection::PublicSuffix => d.error_domain_suffix,
        DomainRejection::UnknownSuffix => d.error_domain_unknown,
    }
}

fn problem_text(s: &'static Strings, problem: &DomainProblem) -> &'static str {
    match problem {
        DomainProblem::Domain(rejection) => rejection_text(s, rejection),
        DomainProblem::Proof => s.check.proof_invalid,
        DomainProblem::Role => s.domain.error_role,
    }
}

/// A limit or a busy server, said as the public check says it.
fn pause(view: &DomainView) -> Option<AnyView> {
    let view = match view {
        DomainView::Limited { retry_after_secs } => CheckView::Limited {
            retry_after_secs: *retry_after_secs,
        },
        DomainView::Busy { retry_after_secs } => CheckView::Busy {
            retry_after_secs: *retry_after_secs,
        },
        _ => return None,
    };
    Some(view! { <CheckNotice view/> }.into_any())
}

#[component]
pub fn DomainCheckPage() -> impl IntoView {
    let s = use_strings();
    let decided = use_domain_view();
    let problem = match &decided {
        Some(DomainView::Refused(problem)) => Some(problem.clone()),
        _ => None,
    };
    let notice = decided.as_ref().and_then(pause);
    view! {
        <PageTitle text=head_text(|s| s.domain.title.to_owned())/>
        <Meta name="description" content=head_text(|s| s.domain.intro.to_owned())/>
        <h1>{move || s().domain.title}</h1>
        <p class="lead">{move || s().domain.intro}</p>
        {notice}
        <DomainEntry locale=use_locale().get_untracked() problem/>
        <p class="hint">{move || s().domain.no_answer_yet}</p>
    }
}

/// The form's island: once hydrated it solves the proof of work before it posts.
#[island]
fn DomainEntry(locale: Locale, problem: Option<DomainProblem>) -> impl IntoView {
    provide_locale(locale);
    let s = use_strings();
    let invalid = problem.is_some().to_string();
    let error = problem.map(|problem| {
        view! {
            <p id="domain-error" class="field-error" role="alert">
                {move || problem_text(s(), &problem)}
            </p>
        }
    });
    let working = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let pow_refs: [NodeRef<leptos::html::Input>; 4] = std::array::from_fn(|_| NodeRef::new());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get() {
            event.prevent_default();
            if working.get_untracked() {
                return;
            }
            working.set(true);
            super::check::enhance::solve_and_post(form, pow_refs);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, form_ref, pow_refs);
    };
    view! {
        <form
            class="form domain-form"
            method="post"
            action="/check/domain"
            node_ref=form_ref
            on:submit=on_submit
        >
            <label for="domain-input">{move || s().domain.field}</label>
            <input
                id="domain-input"
                name="domain"
                required
                maxlength="300"
                autocomplete="url"
                aria-describedby="domain-hint"
                aria-invalid=invalid
            />
            <p id="domain-hint" class="hint">{move || s().domain.hint}</p>
            {error}
            <PowFields refs=pow_refs/>
            <button type="submit" disabled=move || working.get()>
                {move || if working.get() { s().domain.working } else { s().domain.start }}
            </button>
        </form>
    }
}

/// A value with a button that copies it, once the island is hydrated (without JavaScript
/// the value is there to select).
#[island]
fn Copyable(locale: Locale, id: String, value: String) -> impl IntoView {
    provide_locale(locale);
    let s = use_strings();
    let described_by = id.clone();
    let hydrated = RwSignal::new(false);
    let copied = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let for_copy = value.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let written = window().navigator().clipboard().write_text(&for_copy);
            // "Copied" only once the browser says so: it refuses without permission or
            // outside a secure context, and then the value is still there to select.
            leptos::task::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(written).await.is_ok();
                copied.set(done);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &for_copy;
    };
    view! {
        <code id=id class="record">{value}</code>
        {move || {
            hydrated
                .get()
                .then(|| {
                    view! {
                        <button type="button" class="copy" on:click=copy.clone() aria-describedby=described_by.clone()>
                            {move || if copied.get() { s().domain.copied } else { s().domain.copy }}
                        </button>
                    }
                })
        }}
    }
}

#[component]
fn DnsResult(finding: DnsFinding) -> impl IntoView {
    let s = use_strings();
    match finding {
        DnsFinding::NoRecord => view! {
            <p class="notice notice--error" role="alert">{move || s().domain.dns_no_record}</p>
        }
        .into_any(),
        DnsFinding::Failed => view! {
            <p class="notice notice--error" role="alert">{move || s().domain.dns_failed}</p>
        }
        .into_any(),
        DnsFinding::WrongToken { found } => {
            let items = found
                .into_iter()
                .map(|value| view! { <li><code>{value}</code></li> })
                .collect_view();
            view! {
                <div class="notice notice--error" role="alert">
                    <p>{move || s().domain.dns_wrong_token}</p>
                    <ul>{items}</ul>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn Challenge(challenge: ChallengeView, decided: Option<DomainView>) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale().get_untracked();
    let query = use_query_map();
    let ChallengeView {
        token,
        domain,
        record_name,
        record_value,
        expires_at,
        roles,
    } = challenge;
    let intro = {
        let domain = domain.clone();
        move || fill(s().domain.challenge_intro, &[("domain", &domain)])
    };
    let expires = move || {
        let time = dates::moment(locale, &expires_at);
        fill(s().domain.expires, &[("time", &time)])
    };
    let dns = match &decided {
        Some(DomainView::Dns(finding)) => Some(view! { <DnsResult finding=finding.clone()/> }),
        _ => None,
    };
    let role_problem = match &decided {
        Some(DomainView::Refused(problem)) => Some(problem.clone()),
        _ => None,
    };
    let notice = decided.as_ref().and_then(pause);
    let sent = {
        let domain = domain.clone();
        move || {
            // Only a role the site mails to: the query string is anybody's to edit.
            let sent = query.read().get("sent");
            sent.filter(|role| ROLE_LOCAL_PARTS.contains(&role.as_str()))
                .map(|role| {
                    let address = format!("{role}@{domain}");
                    view! {
                        <p class="notice" role="status">
                            {move || fill(s().domain.mail_sent, &[("address", &address)])}
                        </p>
                    }
                })
        }
    };
    let options = roles
        .into_iter()
        .enumerate()
        .map(|(i, address)| {
            let id = format!("role-{i}");
            let label_for = id.clone();
            let role = address.split('@').next().unwrap_or_default().to_owned();
            view! {
                <label class="checkbox" for=label_for>
                    <input type="radio" id=id name="role" value=role required checked=i == 0/>
                    {address}
                </label>
            }
        })
        .collect_view();
    let role_error = role_problem.map(|problem| {
        view! { <p class="field-error" role="alert">{move || problem_text(s(), &problem)}</p> }
    });
    let waiting = token.clone();
    view! {
        <p class="lead">{intro}</p>
        <p class="hint">{expires}</p>
        <WaitForProof locale token=waiting/>
        {notice}
        <section class="domain-way" aria-labelledby="dns-heading">
            <h2 id="dns-heading">{move || s().domain.dns_heading}</h2>
            <p>{move || s().domain.dns_intro}</p>
            <dl class="facts record-facts">
                <dt>{move || s().domain.record_name}</dt>
                <dd>
                    <Copyable locale id="record-name".to_owned() value=record_name/>
                </dd>
                <dt>{move || s().domain.record_type}</dt>
                <dd>
                    <code>"TXT"</code>
                </dd>
                <dt>{move || s().domain.record_value}</dt>
                <dd>
                    <Copyable locale id="record-value".to_owned() value=record_value/>
                </dd>
            </dl>
            {dns}
            <form class="form form--inline" method="post" action=format!("/check/domain/c/{token}/dns")>
                <button type="submit">{move || s().domain.verify}</button>
            </form>
        </section>
        <section class="domain-way" aria-labelledby="mail-heading">
            <h2 id="mail-heading">{move || s().domain.mail_heading}</h2>
            <p>{move || s().domain.mail_intro}</p>
            {sent}
            <form class="form" method="post" action=format!("/check/domain/c/{token}/mail")>
                <fieldset>
                    <legend>{move || s().domain.mail_choose}</legend>
                    {options}
                </fieldset>
                {role_error}
                <button type="submit">{move || s().domain.mail_send}</button>
            </form>
        </section>
    }
}

/// The check this browser started was proven (here, or through the mailed link on another
/// device): the answer is one click away.
#[component]
fn Proven() -> impl IntoView {
    let s = use_strings();
    view! {
        <section class="notice" role="status">
            <h2>{move || s().domain.proven_title}</h2>
            <p>{move || s().domain.proven_body}</p>
            <p>
                <a class="button" href="/check/domain/result">
                    {move || s().domain.confirm_button}
                </a>
            </p>
        </section>
    }
}

/// Once hydrated, the challenge page asks every few seconds whether control was proven
/// (through the mailed link, perhaps on another device) and then opens the answer: the
/// server's reply carries this browser's grant. Without JavaScript the page says to reload.
#[island]
fn WaitForProof(locale: Locale, token: String) -> impl IntoView {
    provide_locale(locale);
    let s = use_strings();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let token = token.clone();
        let handle = set_interval_with_handle(
            move || {
                let token = token.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(ChallengeStatus::Proven) = load_challenge(token).await {
                        let _ = window().location().assign("/check/domain/result");
                    }
                });
            },
            std::time::Duration::from_secs(5),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = token;
    view! { <p class="hint">{move || s().domain.waiting_hint}</p> }
}

#[component]
fn Unknown() -> impl IntoView {
    set_page_status(404);
    let s = use_strings();
    view! {
        <h2>{move || s().domain.unknown_title}</h2>
        <p>{move || s().domain.unknown_body}</p>
        <p>
            <a href="/check/domain">{move || s().domain.start_again}</a>
        </p>
    }
}

#[component]
pub fn DomainChallengePage() -> impl IntoView {
    let s = use_strings();
    let decided = use_domain_view();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let challenge = Resource::new_blocking(token, load_challenge);
    let body = move || {
        let decided = decided.clone();
        Suspend::new(async move {
            match challenge.await {
                Ok(ChallengeStatus::Open(challenge)) => {
                    view! { <Challenge challenge decided/> }.into_any()
                }
                Ok(ChallengeStatus::Proven) => view! { <Proven/> }.into_any(),
                Ok(ChallengeStatus::Unknown) => view! { <Unknown/> }.into_any(),
                Err(_) => view! { <CheckNotice view=CheckView::Busy { retry_after_secs: 10 }/> }
                    .into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.domain.challenge_title.to_owned())/>
        <h1>{move || s().domain.challenge_title}</h1>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}

#[component]
pub fn DomainResultPage() -> impl IntoView {
    let s = use_strings();
    let result = Resource::new_blocking(|| (), |_| load_domain_result());
    let body = move || {
        Suspend::new(async move {
            match result.await {
                Ok(Some(result)) => view! { <CheckAnswer result/> }.into_any(),
                Ok(None) => {
                    set_page_status(403);
                    view! {
                        <p>{move || s().domain.result_none}</p>
                        <p>
                            <a href="/check/domain">{move || s().domain.start_again}</a>
                        </p>
                    }
                    .into_any()
                }
                Err(_) => view! { <CheckNotice view=CheckView::Busy { retry_after_secs: 10 }/> }
                    .into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.domain.result_title.to_owned())/>
        <h1>{move || s().domain.result_title}</h1>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}

/// The mailed link's page. Opening it (a GET, which corporate mail scanners do before any
/// person) uses nothing: it offers a button, and only the button's POST uses the link.
/// After a failed POST the server renders this page again with why.
#[component]
pub fn DomainConfirmPage() -> impl IntoView {
    let s = use_strings();
    let decided = use_domain_view();
    if let Some(decided) = decided {
        let notice = pause(&decided);
        return view! {
            <PageTitle text=head_text(|s| s.domain.link_invalid_title.to_owned())/>
            <h1>{move || s().domain.link_invalid_title}</h1>
            {notice}
            <p>{move || s().domain.link_invalid_body}</p>
            <p>
                <a href="/check/domain">{move || s().domain.start_again}</a>
            </p>
        }
        .into_any();
    }
    let params = use_params_map();
    let action = move || {
        format!(
            "/check/domain/confirm/{}",
            params.read().get("link").unwrap_or_default()
        )
    };
    view! {
        <PageTitle text=head_text(|s| s.domain.confirm_title.to_owned())/>
        <h1>{move || s().domain.confirm_title}</h1>
        <p>{move || s().domain.confirm_body}</p>
        <form class="form" method="post" action=action>
            <button type="submit">{move || s().domain.confirm_button}</button>
        </form>
    }
    .into_any()
}
