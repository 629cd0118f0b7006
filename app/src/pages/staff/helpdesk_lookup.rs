//! `/staff/lookup`: the helpdesk looks a caller up, with a ticket reference. The form posts
//! to the server, which audits the lookup and answers with this page and the result.

use super::audit::AuditTable;
use crate::check_api::{CheckProblem, CheckView};
use crate::components::PageTitle;
use crate::components::{CheckAnswer, CheckNotice};
use crate::head_text;
use crate::i18n::{dates, fill};
use crate::pages::check::{ProblemFor, use_check_view, use_entered};
use crate::staff_api::own_lookups_today;
use crate::use_strings;
use leptos::prelude::*;

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
            <label for="lookup-ticket">{move || s().check.ticket}</label>
            <input
                id="lookup-ticket"
                name="ticket"
                value=contract_ticket
                required
                maxlength="64"
                autocomplete="off"
                aria-describedby="lookup-ticket-hint"
            />
            <p id="lookup-ticket-hint" class="hint">{move || s().check.ticket_hint}</p>
            <ProblemFor problem=contract_problem id="lookup-ticket-error" applies=is_ticket/>
            <label for="lookup-contract">{move || s().check.contract}</label>
            <input
                id="lookup-contract"
                name="contract"
                value=contract
                required
                maxlength="64"
                autocomplete="off"
                spellcheck="false"
            />
            <ProblemFor problem=contract_problem id="lookup-contract-error" applies=is_contract/>
            <label for="lookup-phone">{move || s().check.staff_phone}</label>
            <input
                id="lookup-phone"
                name="phone"
                type="tel"
                autocomplete="off"
                value=phone
            />
            <ProblemFor problem=contract_problem id="lookup-phone-error" applies=is_phone/>
            <button type="submit">{move || s().check.submit}</button>
        </form>
        <h2>{move || s().check.staff_domain_heading}</h2>
        <p class="hint">{move || s().check.staff_domain_hint}</p>
        <form class="form" method="post" action="/staff/lookup">
            <label for="lookup-domain-ticket">{move || s().check.ticket}</label>
            <input
                id="lookup-domain-ticket"
                name="ticket"
                value=domain_ticket
                required
                maxlength="64"
                autocomplete="off"
                aria-describedby="lookup-ticket-hint"
            />
            <ProblemFor problem=domain_problem id="lookup-domain-ticket-error" applies=is_ticket/>
            <label for="lookup-domain">{move || s().domain.field}</label>
            <input
                id="lookup-domain"
                name="domain"
                value=entered.domain.clone()
                required
                maxlength="300"
                autocomplete="off"
                spellcheck="false"
                aria-describedby="lookup-domain-hint"
            />
            <p id="lookup-domain-hint" class="hint">{move || s().domain.hint}</p>
            <ProblemFor problem=domain_problem id="lookup-domain-error" applies=is_domain/>
            <button type="submit">{move || s().check.submit}</button>
        </form>
        <h2>{move || s().check.reference_heading}</h2>
        <p class="hint" id="lookup-reference-hint">{move || s().check.reference_search_hint()}</p>
        <form class="form" method="post" action="/staff/lookup">
            <label for="lookup-reference-ticket">{move || s().check.ticket}</label>
            <input
                id="lookup-reference-ticket"
                name="ticket"
                value=reference_ticket
                required
                maxlength="64"
                autocomplete="off"
                aria-describedby="lookup-ticket-hint"
            />
            <ProblemFor problem=reference_problem id="lookup-reference-ticket-error" applies=is_ticket/>
            <label for="lookup-reference">{move || s().check.reference_field}</label>
            <input
                id="lookup-reference"
                name="reference"
                value=entered.reference.clone()
                required
                maxlength="32"
                autocomplete="off"
                spellcheck="false"
                aria-describedby="lookup-reference-hint"
            />
            <ProblemFor problem=reference_problem id="lookup-reference-error" applies=is_reference/>
            <label for="lookup-reference-contract">{move || s().check.contract}</label>
            <input
                id="lookup-reference-contract"
                name="contract"
                value=reference_contract
                required
                maxlength="64"
                autocomplete="off"
                spellcheck="false"
            />
            <ProblemFor
                problem=reference_problem
                id="lookup-reference-contract-error"
                applies=is_contract
            />
            <label for="lookup-reference-phone">{move || s().check.staff_phone}</label>
            <input
                id="lookup-reference-phone"
                name="phone"
                type="tel"
                autocomplete="off"
                value=reference_phone
            />
            <ProblemFor
                problem=reference_problem
                id="lookup-reference-phone-error"
                applies=is_phone
            />
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
