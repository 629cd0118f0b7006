//! `/staff/account`: what every staff member may change about their own account.

use crate::components::CodeInput;
use crate::components::PageTitle;
use crate::head_text;
use crate::outcome::{Done, ErrorCode};
use crate::staff_api::pending_totp;
use crate::use_strings;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let error = move || query.read().get("error");
    let totp_done = move || {
        query
            .read()
            .get("done")
            .is_some_and(|code| Done::parse(&code) == Some(Done::Totp))
    };

    view! {
        <PageTitle text=head_text(|s| s.account_title.to_owned())/>
        <h1>{move || s().account_title}</h1>
        {move || {
            error()
                .map(|code| {
                    view! {
                        <p class="notice notice--error" role="alert">
                            {move || ErrorCode::text_of(s(), &code)}
                        </p>
                    }
                })
        }}
        {move || {
            totp_done()
                .then(|| {
                    view! {
                        <p class="notice" role="status">{move || s().account_totp_done}</p>
                    }
                })
        }}
        <PasswordSection/>
        <AuthenticatorSection/>
    }
}

#[component]
fn PasswordSection() -> impl IntoView {
    let s = use_strings();
    view! {
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
            <label for="new-password">{move || s().account_new_password()}</label>
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

/// Re-enrolment: a code from the current app, then (while a new secret waits) its QR code
/// and a code from the new app.
#[component]
fn AuthenticatorSection() -> impl IntoView {
    let s = use_strings();
    let pending = Resource::new_blocking(|| (), |_| pending_totp());
    let body = move || {
        Suspend::new(async move {
            match pending.await {
                Ok(Some(enrolment)) => view! {
                    <p>{move || s().account_totp_scan()}</p>
                    <div class="qr" inner_html=enrolment.qr_svg></div>
                    <p>{move || s().enrolment_manual}</p>
                    <p>
                        <code class="enrolment-uri">{enrolment.uri}</code>
                    </p>
                    <form class="form" method="post" action="/staff/account/totp/confirm">
                        <label for="new-code">{move || s().account_new_code()}</label>
                        <CodeInput id="new-code"/>
                        <button type="submit">{move || s().account_totp_confirm_button}</button>
                    </form>
                }
                .into_any(),
                Ok(None) => view! {
                    <p>{move || s().account_totp_intro}</p>
                    <form class="form" method="post" action="/staff/account/totp">
                        <label for="current-code">{move || s().account_current_code()}</label>
                        <CodeInput id="current-code"/>
                        <button type="submit">{move || s().account_totp_start_button}</button>
                    </form>
                }
                .into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <h2>{move || s().account_totp_heading}</h2>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}
