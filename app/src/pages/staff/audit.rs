//! `/staff/audit`: the audit log, newest first, filtered by a GET form. Admins read every
//! entry; a helpdesk member reads their own lookups (the server decides which, see
//! `staff_api::readable_audit`), so their page offers no action, actor or chain controls.

use super::home::StaffView;
use crate::components::PageTitle;
use crate::head_text;
use crate::i18n::Strings;
use crate::i18n::dates;
use crate::i18n::fill;
use crate::staff_api::{
    AUDIT_SHOWN, AuditListing, AuditQuery, AuditRow, ChainCheck, DetailValue, list_audit,
    verify_audit_chain,
};
use crate::use_strings;
use breachcheck::audit_action::Action;
use breachcheck::staff::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A detail's value in words: yes and no, a role, a kind of identifier; the rest as stored.
fn detail_text(s: &'static Strings, key: &str, value: &DetailValue) -> String {
    use breachcheck::identifier::Kind;
    match value {
        DetailValue::Yes => s.audit.yes.to_owned(),
        DetailValue::No => s.audit.no.to_owned(),
        DetailValue::Text(text) => match key {
            "role" => match Role::parse(text) {
                Some(Role::Admin) => s.staff_role_admin.to_owned(),
                Some(Role::Helpdesk) => s.staff_role_helpdesk.to_owned(),
                None => text.clone(),
            },
            "kind" => {
                Kind::parse(text).map_or_else(|| text.clone(), |kind| s.data.kind(kind).to_owned())
            }
            _ => text.clone(),
        },
    }
}

#[component]
pub(crate) fn AuditTable(rows: Vec<AuditRow>) -> impl IntoView {
    let s = use_strings();
    let locale = crate::use_locale();
    if rows.is_empty() {
        return view! { <p class="notice" role="status">{move || s().audit_empty}</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            let (seq, at, fields) = (row.seq, row.at.clone(), row.fields.clone());
            let actor = row.actor.clone();
            view! {
                <tr>
                    <td>{seq}</td>
                    <td>{move || dates::moment(locale.get(), &at)}</td>
                    <td>{move || actor.text(s())}</td>
                    <td>{move || row.action_text(s())}</td>
                    <td>
                        <dl class="audit-detail">
                            {fields
                                .into_iter()
                                .map(|(key, value)| {
                                    let name = key.clone();
                                    view! {
                                        <dt>{move || s().audit.field(&name)}</dt>
                                        <dd>{move || detail_text(s(), &key, &value)}</dd>
                                    }
                                })
                                .collect_view()}
                        </dl>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <p>{move || s().audit_newest()}</p>
        <div class="table-wrap" tabindex="0">
            <table class="staff-table">
                <thead>
                    <tr>
                        <th scope="col">{move || s().audit_seq}</th>
                        <th scope="col">{move || s().audit_time}</th>
                        <th scope="col">{move || s().audit_actor}</th>
                        <th scope="col">{move || s().audit_action}</th>
                        <th scope="col">{move || s().audit_detail}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn StaffAuditPage() -> impl IntoView {
    let s = use_strings();
    let me = StaffView::from_request();
    let is_admin = me.role == Some(Role::Admin);
    let query = use_query_map();
    let asked = move || {
        let query = query.read();
        let text = |key: &str| query.get(key).unwrap_or_default();
        AuditQuery {
            action: text("action"),
            actor: text("actor"),
            from: text("from"),
            to: text("to"),
            before: query.get("before").and_then(|b| b.parse().ok()),
        }
    };
    let entries = Resource::new_blocking(asked, |q| {
        list_audit(
            Some(q.action),
            Some(q.actor),
            Some(q.from),
            Some(q.to),
            q.before,
        )
    });
    let current = move |key: &'static str| query.read().get(key).unwrap_or_default();
    let csv = move || format!("/staff/audit.csv?{}", asked().to_query(None));
    // The chain is walked only when asked (the button), not on every visit.
    let verify_asked = move || query.read().get("verify").is_some();
    let chain = Resource::new_blocking(verify_asked, |asked| async move {
        if asked {
            Some(verify_audit_chain().await)
        } else {
            None
        }
    });
    let chain_result = move || {
        Suspend::new(async move {
            chain.await.map(|checked| {
                let (class, text) = match checked {
                    Ok(ChainCheck::Intact { entries }) => (
                        "notice",
                        fill(s().audit.chain_intact, &[("entries", &entries.to_string())]),
                    ),
                    Ok(ChainCheck::Broken { seq }) => (
                        "notice notice--error",
                        fill(s().audit.chain_broken, &[("seq", &seq.to_string())]),
                    ),
                    Err(_) => ("notice notice--error", s().error_generic.to_owned()),
                };
                view! { <p class=class role="status" id="audit-chain">{text}</p> }
            })
        })
    };

    let listing = move || {
        Suspend::new(async move {
            match entries.await {
                Ok(AuditListing::Entries(rows)) => {
                    // A full page may have older entries behind it.
                    let older = (rows.len() as i64 == AUDIT_SHOWN)
                        .then(|| rows.last().map(|row| row.seq))
                        .flatten()
                        .map(|last| {
                            let href = format!("/staff/audit?{}", asked().to_query(Some(last)));
                            view! {
                                <p>
                                    <a class="older" href=href>{move || s().audit.older}</a>
                                </p>
                            }
                        });
                    view! {
                        <AuditTable rows/>
                        {older}
                    }
                    .into_any()
                }
                Ok(AuditListing::Refused(refused)) => view! {
                    <p class="notice notice--error" role="alert">
                        {move || s().audit.refused(refused)}
                    </p>
                }
                .into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };

    let admin_filters = is_admin.then(|| {
        view! {
            <label for="audit-action">{move || s().audit_action}</label>
            <select id="audit-action" name="action">
                <option value="" selected=move || current("action").is_empty()>
                    {move || s().audit.all_actions}
                </option>
                {Action::ALL
                    .iter()
                    .map(|&action| {
                        view! {
                            <option
                                value=action.as_str()
                                selected=move || current("action") == action.as_str()
                            >
                                {move || s().audit.action(action)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="audit-actor">{move || s().audit.actor_name}</label>
            <input id="audit-actor" name="actor" type="text" value=move || current("actor")/>
        }
    });
    let verify = is_admin.then(|| {
        view! {
            <form class="form form--inline" method="get" action="/staff/audit">
                <input type="hidden" name="verify" value="1"/>
                <button type="submit">{move || s().audit.verify}</button>
            </form>
            <Suspense fallback=|| ()>{chain_result}</Suspense>
        }
    });
    let title = move |s: &'static Strings| {
        if is_admin {
            s.audit_title
        } else {
            s.audit.own_title
        }
    };
    view! {
        <PageTitle text=head_text(move |s| title(s).to_owned())/>
        <h1>{move || title(s())}</h1>
        {(!is_admin).then(|| view! { <p>{move || s().audit.own_intro}</p> })}
        <form class="form form--inline" method="get" action="/staff/audit">
            {admin_filters}
            <label for="audit-from">{move || s().audit.from}</label>
            <input id="audit-from" name="from" type="date" value=move || current("from")/>
            <label for="audit-to">{move || s().audit.to}</label>
            <input id="audit-to" name="to" type="date" value=move || current("to")/>
            <button type="submit">{move || s().audit_filter}</button>
        </form>
        <p>
            <a class="csv" href=csv>{move || s().audit.csv}</a>
        </p>
        {verify}
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{listing}</Suspense>
    }
}
