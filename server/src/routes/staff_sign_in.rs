//! The sign-in and sign-out form posts. Each answers with a redirect (post/redirect/get),
//! and every failure with the same one, so the forms work without JavaScript and say
//! nothing about which part was wrong.

use super::AppState;
use crate::staff_auth::CurrentStaff;
use axum::{
    Form,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::staff::sign_in::SignInError;
use serde::Deserialize;
use std::net::SocketAddr;
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

fn see_other(location: &str, cookie: Option<String>) -> Response {
    let mut response = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response();
    if let Some(value) = cookie.and_then(|cookie| cookie.parse().ok()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Where a failed step sends the browser back to, with why.
fn failure(page: &str, error: SignInError) -> Response {
    match error {
        SignInError::Rejected => see_other(&format!("{page}?error=rejected"), None),
        SignInError::Throttled { retry_after } => {
            let mut response = see_other("/staff/login?error=throttled", None);
            if let Ok(value) = retry_after.as_secs().to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        SignInError::Busy(_) => see_other(&format!("{page}?error=busy"), None),
        SignInError::Storage(error) => {
            tracing::error!(%error, "sign-in failed on storage");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "エラーが発生しました。 / Something went wrong.\n",
            )
                .into_response()
        }
    }
}

pub async fn password_step(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let ip = peer.ip().to_string();
    match state
        .sign_in
        .password_step(&form.email, form.password, &ip)
        .await
    {
        Ok(pending) => see_other(
            "/staff/login/code",
            Some(state.session_cookie.set(&pending)),
        ),
        Err(error) => failure("/staff/login", error),
    }
}

pub async fn code_step(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(pending) = state.session_cookie.read(&headers) else {
        return see_other("/staff/login?error=rejected", None);
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let ip = peer.ip().to_string();
    match state
        .sign_in
        .code_step(&pending, &form.code, &ip, now)
        .await
    {
        Ok(signed_in) => see_other("/staff", Some(state.session_cookie.set(signed_in.token()))),
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
    see_other(
        "/staff/login?signed_out=1",
        Some(state.session_cookie.clear()),
    )
}
