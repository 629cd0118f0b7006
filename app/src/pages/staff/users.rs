//! `/staff/users`: admins list, add, disable/enable, change the role of, and reset the
//! password of staff accounts. Every change is a plain form post answered by a redirect
//! back here with what happened; the server checks the rights on each one.

use super::home::StaffView;
use super::outcome::PostOutcome;
use crate::components::PageTitle;
use crate::head_text;
use crate::i18n::Strings;
use crate::staff_api::list_staff;
use crate::use_strings;
use breachcheck::staff::{Role, StaffSummary};
use leptos::prelude::*;

fn role_name(s: &'static Strings, role: Role) -> &'static str {
    match role {
        Role::Admin => s.staff_role_admin,
        Role::Helpdesk => s.staff_role_helpdesk,
    }
}

#[component]
fn StaffRow(staff: StaffSummary, is_me: bool) -> impl IntoView {
    let s = use_strings();
    let id = staff.id.0;
    let toggle = if staff.disabled { "enable" } else { "disable" };
    let disabled = staff.disabled;
    let role = staff.role;
    let name = staff.display_name.clone();
    let password_label = move || format!("{} – {}", s().users_new_password, name);
    let role_label = {
        let name = staff.display_name.clone();
        move || format!("{} – {}", s().users_role, name)
    };
    view! {
        <tr>
            <td>
                {staff.display_name.clone()}
                {is_me.then(|| view! { " " {move || s().users_you} })}
            </td>
            <td>{staff.email}</td>
            <td>{move || role_name(s(), role)}</td>
            <td>
                {move || if disabled { s().users_disabled } else { s().users_active }}
            </td>
            <td class="row-actions">
                <form method="post" action=format!("/staff/users/{id}/{toggle}")>
                    <button type="submit">
                        {move || if disabled { s().users_enable } else { s().users_disable }}
                    </button>
                </form>
                <form method="post" action=format!("/staff/users/{id}/role")>
                    <select name="role" aria-label=role_label>
                        <option value="helpdesk" selected=role == Role::Helpdesk>
                            {move || s().staff_role_helpdesk}
                        </option>
                        <option value="admin" selected=role == Role::Admin>
                            {move || s().staff_role_admin}
                        </option>
                    </select>
                    <button type="submit">{move || s().users_change_role}</button>
                </form>
                <form method="post" action=format!("/staff/users/{id}/password")>
                    <input
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        minlength="12"
                        required
                        aria-label=password_label
                    />
                    <button type="submit">{move || s().users_reset_password}</button>
                </form>
            </td>
        </tr>
    }
}

#[component]
fn AddStaffForm() -> impl IntoView {
    let s = use_strings();
    view! {
        <h2>{move || s().users_add_heading}</h2>
        <form class="form" method="post" action="/staff/users">
            <label for="new-email">{move || s().staff_email}</label>
            <input id="new-email" name="email" type="email" autocomplete="off" required/>
            <label for="new-name">{move || s().users_name}</label>
            <input id="new-name" name="name" type="text" autocomplete="off" required/>
            <label for="new-role">{move || s().users_role}</label>
            <select id="new-role" name="role">
                <option value="helpdesk">{move || s().staff_role_helpdesk}</option>
                <option value="admin">{move || s().staff_role_admin}</option>
            </select>
            <label for="new-password">{move || s().users_initial_password()}</label>
            <input
                id="new-password"
                name="password"
                type="password"
                autocomplete="new-password"
                minlength="12"
                required
            />
            <button type="submit">{move || s().users_add_button}</button>
        </form>
    }
}

#[component]
pub fn StaffUsersPage() -> impl IntoView {
    let s = use_strings();
    let me = StaffView::from_request();
    let is_admin = me.role == Some(Role::Admin);
    let my_email = me.email.clone();
    let staff = Resource::new_blocking(|| (), |_| list_staff());

    let listing = move || {
        let my_email = my_email.clone();
        Suspend::new(async move {
            match staff.await {
                Ok(list) => {
                    let rows = list
                        .into_iter()
                        .map(|staff| {
                            let is_me = staff.email == my_email;
                            // Erased: the typed view of a whole table overflows rustc's limits.
                            view! { <StaffRow staff is_me/> }.into_any()
                        })
                        .collect_view();
                    view! {
                        <div class="table-wrap" tabindex="0">
                            <table class="staff-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || s().users_name}</th>
                                        <th scope="col">{move || s().staff_email}</th>
                                        <th scope="col">{move || s().users_role}</th>
                                        <th scope="col">{move || s().users_status}</th>
                                        <th scope="col">{move || s().users_actions}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        <AddStaffForm/>
                    }
                    .into_any()
                }
                Err(_) => {
                    let text = move || {
                        if is_admin {
                            s().users_load_failed
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
        <PageTitle text=head_text(|s| s.users_title.to_owned())/>
        <h1>{move || s().users_title}</h1>
        <PostOutcome done=|s, _| s.users_done/>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{listing}</Suspense>
    }
}
