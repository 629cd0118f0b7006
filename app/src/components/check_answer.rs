//! A lookup's answer, as the customer and the helpdesk read it (DESIGN.md, "What a result
//! says"). Both answers have the same shape; only the words differ.

use super::HelpdeskDetails;
use crate::check_api::{AffectedIncident, CheckResult, CheckView, Factor, PublishedList};
use crate::i18n::{dates, fill};
use crate::{use_locale, use_strings};
use leptos::prelude::*;

/// Picks the text of the page's language.
#[component]
fn Incident(incident: AffectedIncident) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let AffectedIncident {
        title,
        occurred_from,
        occurred_to,
        categories,
        advice,
        factor,
        notice,
        contracts,
    } = incident;
    let contracts = contracts.map(|count| {
        view! {
            <p class="contracts" data-contracts=count>
                {move || fill(s().check.domain_contracts, &[("count", &count.to_string())])}
            </p>
        }
    });
    let notice = notice.map(|href| {
        view! {
            <p>
                <a href=href>{move || s().notice.read_more}</a>
            </p>
        }
    });
    let period = (occurred_from.is_some() || occurred_to.is_some()).then(|| {
        let period = move || {
            dates::period(
                locale.get(),
                occurred_from.as_deref(),
                occurred_to.as_deref(),
            )
        };
        view! {
            <p>
                <strong>{move || s().check.period} ": "</strong>
                {period}
            </p>
        }
    });
    let categories = categories
        .into_iter()
        .map(|label| view! { <li>{move || label.get(locale.get()).clone()}</li> })
        .collect_view();
    let advice = move || {
        let text = advice.get(locale.get()).clone();
        if text.trim().is_empty() {
            s().check.advice_default.to_owned()
        } else {
            text
        }
    };
    let factor = factor.map(|factor| {
        let text = move || match factor {
            Factor::NotCarried => s().check.factor_not_carried,
            Factor::Matched => s().check.factor_matched,
            Factor::Mismatched => s().check.factor_mismatched,
            Factor::NotGiven => s().check.factor_not_given,
            Factor::NotApplicable => s().check.factor_not_applicable,
        };
        view! {
            <p class="factor" data-factor=format!("{factor:?}")>
                <strong>{move || s().check.factor_heading} ": "</strong>
                {text}
            </p>
        }
    });
    view! {
        <article class="affected-incident">
            <h3>{move || title.get(locale.get()).clone()}</h3>
            {period}
            {contracts}
            {factor}
            <h4>{move || s().check.exposed}</h4>
            <ul class="categories">{categories}</ul>
            <h4>{move || s().check.advice}</h4>
            <p class="advice">{advice}</p>
            {notice}
        </article>
    }
}

/// "Not found with the details entered". The public sees this page for an unlisted number
/// and for a listed one whose phone did not match (or that the list has no phone for):
/// every sentence on it is true in all of those cases, and none says "not in the list".
#[component]
fn NotFound(
    lists: Vec<PublishedList>,
    for_staff: bool,
    by_domain: bool,
    /// An earlier answer the helpdesk found: it speaks of the lists that answer covered.
    earlier: bool,
) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let none = lists.is_empty();
    let lists = lists
        .into_iter()
        .map(|list| {
            let href = list.notice.clone();
            let text = move || {
                let title = list.title.get(locale.get()).clone();
                let template = if by_domain {
                    s().check.domain_not_found_list
                } else if for_staff {
                    s().check.staff_not_found_list
                } else {
                    s().check.not_found_list
                };
                let date = dates::date(locale.get(), &list.published_on);
                fill(template, &[("title", &title), ("date", &date)])
            };
            let notice = href.map(|href| {
                view! {
                    " "
                    <a href=href>{move || s().notice.read_more}</a>
                }
            });
            view! { <li>{text} {notice}</li> }
        })
        .collect_view();
    // What "not found" means speaks of the lists published today: only when there are some.
    let meaning = (!none).then(|| {
        view! {
            <p>
                {move || {
                    if by_domain {
                        s().check.domain_not_found_means
                    } else {
                        s().check.not_found_means
                    }
                }}
            </p>
            <p>
                {move || {
                    if by_domain {
                        s().check.domain_not_found_does_not_mean
                    } else {
                        s().check.not_found_does_not_mean
                    }
                }}
            </p>
        }
    });
    let explanation = (!for_staff).then(|| {
        view! {
            {meaning}
            <p>{move || s().check.lists_change}</p>
            <h3>{move || s().check.contact}</h3>
            <p>{move || s().check.not_found_call}</p>
            <HelpdeskDetails/>
        }
    });
    view! {
        <h2 id="check-answer-heading">
            {move || {
                if by_domain {
                    s().check.domain_not_found_heading
                } else if earlier {
                    s().check.staff_earlier_not_found
                } else if for_staff {
                    s().check.staff_not_found
                } else {
                    s().check.not_found_heading
                }
            }}
        </h2>
        {if none {
            let text = move || {
                if earlier { s().check.staff_earlier_none } else { s().check.not_found_none }
            };
            view! { <p>{text}</p> }.into_any()
        } else {
            view! { <ul class="lists">{lists}</ul> }.into_any()
        }}
        {explanation}
    }
}

/// The answer to a lookup. `for_staff` adds how each list's phone factor fared. It says
/// what was asked and when, with the reference code, so that a printed or saved answer
/// stands on its own; it takes the focus when the page opens.
#[component]
pub fn CheckAnswer(result: CheckResult, #[prop(optional)] for_staff: bool) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let CheckResult {
        affected,
        lists,
        reference,
        asked,
        answered_at,
        given_on,
    } = result;
    let earlier = given_on.is_some();
    let outcome = if affected.is_empty() {
        "not-affected"
    } else {
        "affected"
    };
    let by_domain = asked.is_domain();
    let body = if affected.is_empty() {
        view! { <NotFound lists for_staff by_domain earlier/> }.into_any()
    } else {
        let incidents = affected
            .into_iter()
            .map(|incident| view! { <Incident incident/> })
            .collect_view();
        view! {
            <h2 id="check-answer-heading">
                {move || {
                    if by_domain {
                        s().check.domain_affected_heading
                    } else {
                        s().check.affected_heading
                    }
                }}
            </h2>
            <p>
                {move || {
                    if by_domain { s().check.domain_affected_intro } else { s().check.affected_intro }
                }}
            </p>
            {incidents}
            <h3>{move || s().check.contact}</h3>
            <HelpdeskDetails/>
        }
        .into_any()
    };
    let label = move || {
        if by_domain {
            s().domain.field
        } else {
            s().check.contract
        }
    };
    let asked = asked.text().map(str::to_owned).map(|text| {
        view! {
            <dt>{label}</dt>
            <dd class="asked">{text}</dd>
        }
    });
    view! {
        <section
            class="check-answer"
            id="check-answer"
            data-outcome=outcome
            tabindex="-1"
            autofocus
            aria-labelledby="check-answer-heading"
        >
            {body}
            <dl class="answer-facts">
                {asked}
                {match given_on {
                    Some(day) => {
                        view! {
                            <dt>{move || s().check.given_on}</dt>
                            <dd class="given-on">{move || dates::date(locale.get(), &day)}</dd>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <dt>{move || s().check.answered_at}</dt>
                            <dd class="answered-at">
                                {move || dates::moment(locale.get(), &answered_at)}
                            </dd>
                        }
                            .into_any()
                    }
                }}
                <dt>{move || s().check.reference}</dt>
                <dd>
                    <code class="reference-code">{reference}</code>
                    <br/>
                    <span class="hint">{move || s().check.reference_hint}</span>
                </dd>
            </dl>
        </section>
    }
}

/// A lookup that was not answered: over a limit (429) or the server busy (503).
#[component]
pub fn CheckNotice(view: CheckView) -> impl IntoView {
    let s = use_strings();
    let (limited, seconds) = match view {
        CheckView::Limited { retry_after_secs } => (true, retry_after_secs),
        CheckView::Busy { retry_after_secs } => (false, retry_after_secs),
        _ => (false, 0),
    };
    let heading = move || {
        if limited {
            s().check.limited_heading
        } else {
            s().check.busy_heading
        }
    };
    let body = move || {
        if limited {
            let minutes = seconds.div_ceil(60).max(1).to_string();
            fill(s().check.limited_body, &[("minutes", &minutes)])
        } else {
            fill(s().check.busy_body, &[("seconds", &seconds.to_string())])
        }
    };
    view! {
        <section class="notice notice--error" role="alert">
            <h2>{heading}</h2>
            <p>{body}</p>
        </section>
    }
}
