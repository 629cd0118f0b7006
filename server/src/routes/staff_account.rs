//! The form posts of `/staff/account`. Each acts on the caller's own account only.

use super::{AppState, Back, password_error};
use crate::staff_auth::CurrentStaff;
use app::outcome::{Done, ErrorCode, SignInNote};
use axum::{
    Form,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use breachcheck::staff::account::{self, AccountError};
use breachcheck::staff::store::StaffError;
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn error_code(error: &AccountError) -> ErrorCode {
    match error {
        AccountError::WrongPassword => ErrorCode::WrongPassword,
        AccountError::WrongCode => ErrorCode::WrongCode,
        AccountError::NothingPending => ErrorCode::NothingPending,
        AccountError::Throttled { .. } => ErrorCode::Throttled,
        AccountError::Password(rejection) => password_error(rejection),
        AccountError::Busy(_) => ErrorCode::Busy,
        AccountError::Email(_) | AccountError::Staff(_) => ErrorCode::Failed,
    }
}

fn back_to_account() -> Back {
    Back::to("/staff/account")
}

fn failure(error: AccountError) -> Response {
    if matches!(error, AccountError::Staff(StaffError::Storage(_))) {
        tracing::error!(%error, "account change failed");
    }
    let mut response = back_to_account().error(error_code(&error)).into_response();
    if let AccountError::Throttled { retry_after } = error
        && let Ok(value) = retry_after.as_secs().to_string().parse()
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Changes the caller's password; all their sessions end, so they sign in again.
pub async fn change_password(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Form(form): Form<PasswordForm>,
) -> Response {
    match account::change_password(&me, &state.sign_in, form.current, &form.password).await {
        Ok(()) => Back::to("/staff/login")
            .note(SignInNote::PasswordChanged)
            .set_cookie(state.session_cookie.clear())
            .into_response(),
        Err(error) => failure(error),
    }
}

/// A code from the current authenticator starts the move to a new one; the page then shows
/// the new secret's QR code.
pub async fn begin_totp(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Form(form): Form<CodeForm>,
) -> Response {
    match account::begin_totp_reenrolment(&me, &state.sign_in, &form.code, unix_seconds()).await {
        Ok(()) => back_to_account().with("totp", "pending").into_response(),
        Err(error) => failure(error),
    }
}

/// A code from the new authenticator completes the move.
pub async fn confirm_totp(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Form(form): Form<CodeForm>,
) -> Response {
    match account::complete_totp_reenrolment(&me, &state.sign_in, &form.code, unix_seconds()).await
    {
        Ok(()) => back_to_account().done(Done::Totp).into_response(),
        Err(error) => failure(error),
    }
}
