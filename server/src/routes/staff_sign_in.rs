//! The sign-in and sign-out form posts. Each answers with a redirect (post/redirect/get),
//! and every failure with the same one, so the forms work without JavaScript and say
//! nothing about which part was wrong.

use super::AppState;
use super::Back;
use crate::client_ip::{ClientAddress, rate_subject};
use crate::plain::Plain;
use crate::staff_auth::CurrentStaff;
use app::outcome::{ErrorCode, SignInNote};
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use breachcheck::staff::sign_in::{Attempt, SignInError};
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Where a failed step sends the browser back to, with why.
fn failure(page: &str, error: SignInError) -> Response {
    match error {
        SignInError::Rejected => Back::to(page).error(ErrorCode::Rejected).into_response(),
        SignInError::Throttled { retry_after } => {
            let mut response = Back::to("/staff/login")
                .error(ErrorCode::Throttled)
                .into_response();
            if let Ok(value) = retry_after.as_secs().to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        SignInError::Busy(_) => Back::to(page).error(ErrorCode::Busy).into_response(),
        SignInError::Storage(error) => {
            tracing::error!(%error, "sign-in failed on storage");
            Plain::ServerError.into_response()
        }
    }
}

/// The client as the public check counts it, and the browser's mark if it has one.
fn attempt<'a>(state: &AppState, client: &'a str, headers: &'a HeaderMap) -> Attempt<'a> {
    Attempt {
        client,
        browser_mark: state.browser_mark_cookie.read(headers),
    }
}

pub async fn password_step(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let client = rate_subject(client);
    match state
        .sign_in
        .password_step(
            &form.email,
            form.password,
            &attempt(&state, &client, &headers),
        )
        .await
    {
        Ok(pending) => Back::to("/staff/login/code")
            .set_cookie(state.session_cookie.set(&pending))
            .into_response(),
        Err(error) => failure("/staff/login", error),
    }
}

pub async fn code_step(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(pending) = state.session_cookie.read(&headers) else {
        return Back::to("/staff/login")
            .error(ErrorCode::Rejected)
            .into_response();
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let client = rate_subject(client);
    match state
        .sign_in
        .code_step(
            &pending,
            &form.code,
            &attempt(&state, &client, &headers),
            now,
        )
        .await
    {
        Ok(signed_in) => Back::to("/staff")
            .set_cookie(state.session_cookie.set(signed_in.token()))
            .set_cookie(
                state
                    .browser_mark_cookie
                    .set(&state.sign_in.browser_mark(&signed_in)),
            )
            .into_response(),
        Err(error) => failure("/staff/login/code", error),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
) -> Response {
    if let Err(error) = state.sign_in.sign_out(&staff).await {
        return failure("/staff", error);
    }
    Back::to("/staff/login")
        .note(SignInNote::SignedOut)
        .set_cookie(state.session_cookie.clear())
        .into_response()
}
