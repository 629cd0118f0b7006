//! Signing in: email and password, then the TOTP code. Plain forms posted to the server,
//! which answers with a redirect, so they work the same with JavaScript off.

use crate::components::CodeInput;
use crate::components::PageTitle;
use crate::head_text;
use crate::outcome::{ErrorCode, SignInNote};
use crate::{i18n::Strings, use_strings};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the last attempt said, from the redirect's query string.
fn outcome_message(
    s: &'static Strings,
    error: Option<String>,
) -> Option<std::borrow::Cow<'static, str>> {
    error.map(|code| ErrorCode::text_of(s, &code))
}

#[component]
fn Outcome() -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let error = move || outcome_message(s(), query.read().get("error"));
    let note = move || {
        query
            .read()
            .get("note")
            .and_then(|code| SignInNote::parse(&code))
    };
    view! {
        {move || error().map(|text| view! { <p class="notice notice--error" role="alert">{text}</p> })}
        {move || {
            note().map(|note| view! { <p class="notice" role="status">{move || note.text(s())}</p> })
        }}
    }
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let s = use_strings();
    view! {
        <PageTitle text=head_text(|s| s.staff_sign_in_title.to_owned())/>
        <h1>{move || s().staff_sign_in_title}</h1>
        <Outcome/>
        <form class="form" method="post" action="/staff/login">
            <label for="email">{move || s().staff_email}</label>
            <input id="email" name="email" type="email" autocomplete="username" required/>
            <label for="password">{move || s().staff_password}</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="current-password"
                required
            />
            <button type="submit">{move || s().staff_continue}</button>
        </form>
    }
}

#[component]
pub fn StaffCodePage() -> impl IntoView {
    let s = use_strings();
    view! {
        <PageTitle text=head_text(|s| s.staff_code_title.to_owned())/>
        <h1>{move || s().staff_code_title}</h1>
        <Outcome/>
        <p>{move || s().staff_code_intro()}</p>
        <form class="form" method="post" action="/staff/login/code">
            <label for="code">{move || s().staff_code}</label>
            <CodeInput id="code"/>
            <button type="submit">{move || s().staff_sign_in}</button>
        </form>
        <p>
            <a href="/staff/login">{move || s().staff_start_again}</a>
        </p>
    }
}
