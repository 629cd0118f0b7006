//! `/staff/audit`: the audit log for admins, newest first, filtered by a GET form.

use super::home::StaffView;
use crate::components::PageTitle;
use crate::head_text;
use crate::i18n::Strings;
use crate::i18n::dates;
use crate::staff_api::{AuditActor, AuditRow, list_audit};
use crate::use_strings;
use breachcheck::audit_action::Action;
use breachcheck::staff::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn actor_text(s: &'static Strings, actor: &AuditActor) -> String {
    match actor {
        AuditActor::Staff(name) => name.clone(),
        AuditActor::Public => s.audit.actor_public.to_owned(),
        AuditActor::System => s.audit.actor_system.to_owned(),
    }
}

#[component]
fn AuditTable(rows: Vec<AuditRow>) -> impl IntoView {
    let s = use_strings();
    let locale = crate::use_locale();
    if rows.is_empty() {
        return view! { <p class="notice" role="status">{move || s().audit_empty}</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <td>{row.seq}</td>
                    <td>{move || dates::moment(locale.get(), &row.at)}</td>
                    <td>{move || actor_text(s(), &row.actor)}</td>
                    <td>
                        {move || {
                            row.action
                                .map_or_else(|| row.action_code.clone(), |a| s().audit.action(a).to_owned())
                        }}
                    </td>
                    <td>
                        <code>{row.detail}</code>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <p>{move || s().audit_newest()}</p>
        <div class="table-wrap">
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
    let filter = move || {
        let query = query.read();
        (query.get("action"), query.get("actor"))
    };
    let entries = Resource::new_blocking(filter, |(action, actor)| list_audit(action, actor));
    let current = move |key: &'static str| query.read().get(key).unwrap_or_default();

    let listing = move || {
        Suspend::new(async move {
            match entries.await {
                Ok(rows) => view! { <AuditTable rows/> }.into_any(),
                Err(_) => {
                    let text = move || {
                        if is_admin {
                            s().error_generic
                        } else {
                            s().staff_forbidden_body
                        }
                    };
                    view! { <p class="notice notice--error" role="alert">{text}</p> }.into_any()
                }
            }
        })
    };

    view! {
        <PageTitle text=head_text(|s| s.audit_title.to_owned())/>
        <h1>{move || s().audit_title}</h1>
        <form class="form form--inline" method="get" action="/staff/audit">
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
            <button type="submit">{move || s().audit_filter}</button>
        </form>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{listing}</Suspense>
    }
}
