//! `/staff/datasets/:id`: one affected-customer list — its import report, who did what,
//! and the next step of publishing it (approve, publish, roll back, stop publishing).

use super::outcome::{DataOutcome, incident_title};
use crate::components::PageTitle;
use crate::components::TableHead;
use crate::dataset_api::{ChangeView, DatasetDetail, dataset_change, load_dataset};
use crate::head_text;
use crate::i18n::numbered::grouped;
use crate::i18n::{Strings, fill};
use crate::outcome::{CONFIRMED_FIELD, Confirm};
use crate::use_strings;
use breachcheck::dataset::Status;
use breachcheck::import::report::ImportReport;
use leptos::prelude::*;

/// The step the page is asked to confirm (`?confirm=`), if it names one.
fn confirm_asked(query: &leptos_router::params::ParamsMap) -> Option<Confirm> {
    query.get("confirm").and_then(|code| Confirm::parse(&code))
}

/// The page's count of what a confirmed step would change (see `StaffDatasetPage`).
#[derive(Clone, Copy)]
struct ChangeResource(Resource<Result<Option<ChangeView>, ServerFnError>>);

#[component]
fn Report(id: i64, report: ImportReport) -> impl IntoView {
    let s = use_strings();
    let identifiers = report
        .identifiers
        .iter()
        .map(|(&kind, count)| {
            view! {
                <dt>{move || s().data.kind(kind)}</dt>
                <dd>{*count}</dd>
            }
        })
        .collect_view();
    let columns = report.columns.clone();
    let used = move || {
        columns
            .iter()
            .map(|c| s().data.column(*c))
            .collect::<Vec<_>>()
            .join(s().list_separator)
    };
    let encoding = match report.encoding {
        Some(breachcheck::import::TextEncoding::ShiftJis) => "Shift_JIS (CP932)",
        _ => "UTF-8",
    };
    let rejected = report
        .rejected
        .iter()
        .flat_map(|row| {
            row.reasons
                .iter()
                .map(move |reason| (row.line, reason.clone()))
        })
        .map(|(line, reason)| {
            let column = reason.column();
            view! {
                <tr>
                    <td>{line}</td>
                    <td>{move || column.map(|c| s().data.column(c)).unwrap_or("—")}</td>
                    <td>{move || s().data.reason(&reason)}</td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    // The server sends the first rows only (`dataset_api::REJECTED_SHOWN`).
    let listed = report.rejected.len();
    let total = report.rejected_rows;
    let only_first = move || {
        fill(
            s().data.report_only_first,
            &[
                ("shown", &listed.to_string()),
                ("total", &total.to_string()),
            ],
        )
    };
    let percent = format!("{:.1}", report.rejected_percent());
    let rejected_count = report.rejected_rows;
    let rows = move |n: u64| fill(s().data.report_rows, &[("rows", &n.to_string())]);
    let top_reasons = report
        .reasons
        .iter()
        .take(3)
        .map(|count| {
            let (reason, n) = (count.reason.clone(), count.rows);
            let column = reason.column();
            view! {
                <li>
                    {move || column.map(|c| format!("{}: ", s().data.column(c)))}
                    {move || s().data.reason(&reason)} " (" {move || rows(n)} ")"
                </li>
            }
        })
        .collect_view();
    let without_phone = report.accepted_without_phone;
    let ignored = if report.ignored_columns.is_empty() {
        "—".to_owned()
    } else {
        report.ignored_columns.join(", ")
    };
    view! {
        <h2>{move || s().data.report_heading}</h2>
        <dl class="facts report">
            <dt>{move || s().data.report_encoding}</dt>
            <dd>{encoding} {report.tab_separated.then_some(" / TSV")}</dd>
            <dt>{move || s().data.report_rows_read}</dt>
            <dd data-figure="rows-read">{report.rows_read}</dd>
            <dt>{move || s().data.report_blank}</dt>
            <dd>{report.blank_rows}</dd>
            <dt>{move || s().data.report_customers}</dt>
            <dd data-figure="accepted">{report.customers()}</dd>
            <dt>{move || s().data.report_rejected}</dt>
            <dd>
                <span data-figure="rejected">{rejected_count}</span>
                " (" <span data-figure="rejected-percent">{percent}</span> "%)"
            </dd>
            {(report.has_phone)
                .then(|| {
                    view! {
                        <dt>{move || s().data.report_without_phone}</dt>
                        <dd>
                            <span data-figure="without-phone">{without_phone}</span>
                            <br/>
                            <small>{move || s().data.report_without_phone_hint}</small>
                        </dd>
                    }
                })}
            <dt>{move || s().data.report_duplicates}</dt>
            <dd data-figure="duplicates">{report.duplicates_merged}</dd>
            <dt>{move || s().data.report_columns}</dt>
            <dd>{used}</dd>
            <dt>{move || s().data.report_ignored}</dt>
            <dd data-figure="ignored-columns">{ignored}</dd>
        </dl>
        {(rejected_count > 0)
            .then(|| {
                view! {
                    <h3>{move || s().data.report_top_reasons}</h3>
                    <ol class="top-reasons">{top_reasons}</ol>
                }
            })}
        <h3>{move || s().data.report_identifiers}</h3>
        <p>{move || s().data.report_identifiers_intro}</p>
        <dl class="facts identifiers">{identifiers}</dl>
        {(total > 0)
            .then(|| {
                view! {
                    <h3>{move || s().data.report_rejected_heading}</h3>
                    {(total > listed as u64).then(|| view! { <p>{only_first}</p> })}
                    <div class="table-wrap" tabindex="0">
                        <table class="staff-table rejected-rows">
                            <TableHead columns=vec![
                                |s| s.data.report_line,
                                |s| s.data.report_column,
                                |s| s.data.report_reason,
                            ]/>
                            <tbody>{rejected}</tbody>
                        </table>
                    </div>
                    <p>
                        <a href=format!(
                            "/staff/datasets/{id}/rejected.csv",
                        )>{move || s().data.report_download}</a>
                    </p>
                }
            })}
    }
    .into_any()
}

/// Approving a list whose import refused rows asks the approver to say they read them
/// (the server refuses the approval without it).
#[component]
fn ApproveForm(id: i64, rejected: u64) -> impl IntoView {
    let s = use_strings();
    let acknowledge = (rejected > 0).then(|| {
        let text = move || {
            fill(
                s().data.approve_acknowledge,
                &[("rows", &rejected.to_string())],
            )
        };
        view! {
            <p class="field field--check">
                <input
                    type="checkbox"
                    id="acknowledge-rejected"
                    name="acknowledge_rejected"
                    value="yes"
                    required
                />
                <label for="acknowledge-rejected">{text}</label>
            </p>
        }
    });
    view! {
        <form class="form" method="post" action=format!("/staff/datasets/{id}/approve")>
            {acknowledge}
            <button type="submit">{move || s().data.action_approve}</button>
        </form>
    }
}

/// What a step will change, as sentences (the counts come from the server).
fn change_lines(
    s: &'static Strings,
    step: Confirm,
    change: ChangeView,
    has_phone: bool,
) -> Vec<String> {
    let n = |value: u64| grouped(value);
    let mut lines = Vec::new();
    if step == Confirm::Retire {
        lines.push(fill(
            s.data.confirm_retire,
            &[("listed", &n(change.listed))],
        ));
        return lines;
    }
    match change.replaces {
        None => lines.push(fill(s.data.confirm_first, &[("listed", &n(change.listed))])),
        Some(old) => {
            let number = format!("{}", old.dataset);
            lines.push(fill(
                s.data.confirm_replaces,
                &[("old", &number), ("old_listed", &n(old.listed))],
            ));
            match (old.added, old.removed) {
                (Some(added), Some(removed)) => {
                    lines.push(fill(
                        s.data.confirm_added,
                        &[("added", &n(added)), ("old", &number)],
                    ));
                    lines.push(fill(
                        s.data.confirm_removed,
                        &[("removed", &n(removed)), ("old", &number)],
                    ));
                }
                _ => lines.push(s.data.confirm_incomparable.to_owned()),
            }
        }
    }
    if has_phone {
        lines.push(s.data.confirm_phone.to_owned());
    }
    lines
}

/// The second step of a risky one: what it will change, and the post that makes it.
#[component]
fn ConfirmStep(
    id: i64,
    step: Confirm,
    label: fn(&'static Strings) -> &'static str,
    has_phone: bool,
    acknowledged: bool,
) -> impl IntoView {
    let s = use_strings();
    let change = expect_context::<ChangeResource>().0;
    let lines = move || {
        Suspend::new(async move {
            let lines = match step {
                Confirm::Approve => Ok(vec![s().data.confirm_approve.to_owned()]),
                // Counted for every other step this page confirms.
                _ => match change.await {
                    Ok(Some(change)) => Ok(change_lines(s(), step, change, has_phone)),
                    Ok(None) | Err(_) => Err(()),
                },
            };
            match lines {
                Ok(lines) => lines
                    .into_iter()
                    .map(|line| view! { <p>{line}</p> })
                    .collect_view()
                    .into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };
    let heading = move || fill(s().data.confirm_heading, &[("action", label(s()))]);
    view! {
        <section class="confirm" id="confirm" aria-labelledby="confirm-heading">
            <h2 id="confirm-heading">{heading}</h2>
            <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{lines}</Suspense>
            <form class="form form--inline" method="post" action=format!("/staff/datasets/{id}/{}", step.as_str())>
                <input type="hidden" name=CONFIRMED_FIELD value="yes"/>
                {acknowledged.then(|| view! { <input type="hidden" name="acknowledge_rejected" value="yes"/> })}
                <button type="submit">{move || s().data.confirm_yes}</button>
                <a href=format!("/staff/datasets/{id}")>{move || s().data.confirm_cancel}</a>
            </form>
        </section>
    }
}

#[component]
fn Actions(detail: DatasetDetail) -> impl IntoView {
    let s = use_strings();
    let id = detail.row.id;
    // The step this page is asked to confirm, if it is the one the list's status allows.
    let query = leptos_router::hooks::use_query_map();
    let asked = query.with_untracked(confirm_asked);
    let acknowledged = query
        .read_untracked()
        .get("acknowledge_rejected")
        .as_deref()
        == Some("yes");
    let (next, label): (Option<Confirm>, fn(&'static Strings) -> &'static str) = match detail
        .row
        .status
    {
        Status::Draft if detail.may_approve => (Some(Confirm::Approve), |s| s.data.action_approve),
        Status::Approved => (Some(Confirm::Activate), |s| s.data.action_activate),
        Status::Active => (Some(Confirm::Retire), |s| s.data.action_retire),
        Status::Retired => (Some(Confirm::RollBack), |s| s.data.action_roll_back),
        _ => (None, |s| s.data.action_approve),
    };
    if let Some(step) = next.filter(|next| asked == Some(*next)) {
        let has_phone = detail.has_phone;
        return view! { <ConfirmStep id step label has_phone acknowledged/> }.into_any();
    }
    let button = move |step: &'static str,
                       label: fn(&'static crate::i18n::Strings) -> &'static str| {
        view! {
            <form class="form form--inline" method="post" action=format!("/staff/datasets/{id}/{step}")>
                <button type="submit">{move || label(s())}</button>
            </form>
        }
        .into_any()
    };
    let rejected = detail.report.as_ref().map_or(0, |r| r.rejected_rows);
    match detail.row.status {
        Status::Draft if detail.may_approve => view! { <ApproveForm id rejected/> }.into_any(),
        Status::Draft => view! { <p>{move || s().data.action_needs_second_admin}</p> }.into_any(),
        Status::Approved => button("activate", |s| s.data.action_activate),
        Status::Active => button("retire", |s| s.data.action_retire),
        Status::Retired => button("roll-back", |s| s.data.action_roll_back),
        Status::Importing => match detail.job {
            Some(job) => view! {
                <p>
                    <a href=format!("/staff/imports/{job}")>{move || s().data.progress_title}</a>
                </p>
            }
            .into_any(),
            None => ().into_any(),
        },
        Status::Failed => ().into_any(),
    }
}

#[component]
fn DatasetFacts(detail: DatasetDetail) -> impl IntoView {
    let s = use_strings();
    let title = incident_title(detail.incident.title.clone());
    let status = detail.row.status;
    let status_name = move || s().data.status(status);
    let who = move |name: Option<String>| {
        move || {
            name.clone()
                .unwrap_or_else(|| s().data.dataset_command_line.to_owned())
        }
    };
    let has_phone = detail.has_phone;
    let report = match detail.report.clone() {
        Some(report) => view! { <Report id=detail.row.id report/> }.into_any(),
        None => view! { <p>{move || s().data.report_none}</p> }.into_any(),
    };
    view! {
        <dl class="facts">
            <dt>{move || s().data.dataset_incident}</dt>
            <dd>{title}</dd>
            <dt>{move || s().data.dataset_status}</dt>
            <dd data-status=status.as_str()>{status_name}</dd>
            <dt>{move || s().data.dataset_rows}</dt>
            <dd>{detail.row.row_count}</dd>
            <dt>{move || s().data.dataset_phone_factor}</dt>
            <dd>{move || if has_phone { s().data.yes } else { s().data.no }}</dd>
            <dt>{move || s().data.dataset_profile}</dt>
            <dd><code>{detail.profile.clone()}</code></dd>
            <dt>{move || s().data.dataset_fingerprint}</dt>
            <dd><code class="fingerprint">{detail.fingerprint.clone().unwrap_or_default()}</code></dd>
            <dt>{move || s().data.dataset_uploaded_by}</dt>
            <dd>{who(detail.uploaded_by.clone())}</dd>
            <dt>{move || s().data.dataset_approved_by}</dt>
            <dd>{detail.approved_by.clone().unwrap_or_else(|| "—".to_owned())}</dd>
            <dt>{move || s().data.dataset_activated_by}</dt>
            <dd>{detail.activated_by.clone().unwrap_or_else(|| "—".to_owned())}</dd>
        </dl>
        <Actions detail=detail.clone()/>
        {report}
    }
    .into_any()
}

#[component]
pub fn StaffDatasetPage() -> impl IntoView {
    let s = use_strings();
    let id = super::numeric_param("id");
    let detail = Resource::new_blocking(id, load_dataset);
    // What a confirmed step would change, counted only when the page is asked to confirm
    // one that changes the published lists. Made here, beside `detail`, and not in the
    // component that shows it: a resource created inside a suspended view is created again
    // each time Leptos walks that view while rendering on the server, a pattern known to
    // leave such a render unfinished (CI once saw this page time out with a 503).
    let query = leptos_router::hooks::use_query_map();
    let change = Resource::new_blocking(
        move || (id(), query.with(confirm_asked)),
        |(id, asked)| async move {
            match asked {
                Some(Confirm::Activate | Confirm::Retire | Confirm::RollBack) => {
                    dataset_change(id).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    provide_context(ChangeResource(change));
    let body = move || {
        Suspend::new(async move {
            match detail.await {
                Ok(detail) => view! { <DatasetFacts detail/> }.into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">
                        {move || s().data.error_dataset_not_found}
                    </p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.data.dataset_title.to_owned())/>
        <h1>{move || s().data.dataset_title} " " {move || format!("#{}", id())}</h1>
        <DataOutcome done=|s| s.data.action_done/>
        <p><a href="/staff/datasets">{move || s().data.datasets_title}</a></p>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}
