//! `/staff/lookup`: the helpdesk looks a caller up, with a ticket reference. The form posts
//! to the server, which audits the lookup and answers with this page and the result.

use crate::check_api::{CheckProblem, CheckView};
use crate::components::PageTitle;
use crate::components::{CheckAnswer, CheckNotice};
use crate::head_text;
use crate::pages::check::{ProblemFor, use_check_view, use_entered};
use crate::use_strings;
use leptos::prelude::*;

#[component]
pub fn StaffLookupPage() -> impl IntoView {
    let s = use_strings();
    let outcome = use_check_view();
    let entered = use_entered();
    // The form that was sent gets its fields back; the other stays empty.
    let by_domain = !entered.domain.trim().is_empty();
    let (contract_ticket, domain_ticket) = if by_domain {
        (String::new(), entered.ticket.clone())
    } else {
        (entered.ticket.clone(), String::new())
    };
    let problem = RwSignal::new(match &outcome {
        Some(CheckView::Refused(problem)) => Some(problem.clone()),
        _ => None,
    });
    let is_contract = |p: &CheckProblem| matches!(p, CheckProblem::Contract(_));
    let is_phone =
        |p: &CheckProblem| matches!(p, CheckProblem::Phone(_) | CheckProblem::PhoneMissing);
    let is_ticket = |p: &CheckProblem| matches!(p, CheckProblem::Ticket);
    let is_domain = |p: &CheckProblem| matches!(p, CheckProblem::Domain(_));
    let answer = match outcome {
        Some(CheckView::Answered(result)) => {
            Some(view! { <CheckAnswer result for_staff=true/> }.into_any())
        }
        Some(view @ (CheckView::Limited { .. } | CheckView::Busy { .. })) => {
            Some(view! { <CheckNotice view/> }.into_any())
        }
        _ => None,
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
            <ProblemFor problem id="lookup-ticket-error" applies=is_ticket/>
            <label for="lookup-contract">{move || s().check.contract}</label>
            <input
                id="lookup-contract"
                name="contract"
                value=entered.contract.clone()
                required
                maxlength="64"
                autocomplete="off"
                spellcheck="false"
            />
            <ProblemFor problem id="lookup-contract-error" applies=is_contract/>
            <label for="lookup-phone">{move || s().check.staff_phone}</label>
            <input
                id="lookup-phone"
                name="phone"
                type="tel"
                autocomplete="off"
                value=entered.phone.clone()
            />
            <ProblemFor problem id="lookup-phone-error" applies=is_phone/>
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
            <ProblemFor problem id="lookup-domain-error" applies=is_domain/>
            <button type="submit">{move || s().check.submit}</button>
        </form>
        <p>
            <a href="/staff">{move || s().staff_home_title}</a>
        </p>
    }
}
