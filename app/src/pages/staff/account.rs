//! `/staff/account`: what every staff member may change about their own account.

use super::users::error_message;
use crate::use_strings;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let error = move || query.read().get("error");

    view! {
        <Title text=move || s().account_title/>
        <h1>{move || s().account_title}</h1>
        {move || {
            error()
                .map(|code| {
                    view! {
                        <p class="notice notice--error" role="alert">
                            {move || error_message(s(), &code)}
                        </p>
                    }
                })
        }}
        <h2>{move || s().account_password_heading}</h2>
        <p>{move || s().account_relogin_note}</p>
        <form class="form" method="post" action="/staff/account/password">
            <label for="current-password">{move || s().account_current_password}</label>
            <input
                id="current-password"
                name="current"
                type="password"
                autocomplete="current-password"
                required
            />
            <label for="new-password">{move || s().account_new_password}</label>
            <input
                id="new-password"
                name="password"
                type="password"
                autocomplete="new-password"
                minlength="12"
                required
            />
            <button type="submit">{move || s().account_change_button}</button>
        </form>
    }
}
