//! The form posts of `/staff/account`. Each acts on the caller's own account only.

use super::AppState;
use crate::staff_auth::CurrentStaff;
use axum::{
    Form,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::staff::account::{self, AccountError};
use breachcheck::staff::policy::PasswordRejection;
use breachcheck::staff::store::StaffError;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

fn error_code(error: &AccountError) -> &'static str {
    match error {
        AccountError::WrongPassword => "wrong_password",
        AccountError::Password(PasswordRejection::TooShort) => "password_short",
        AccountError::Password(PasswordRejection::TooLong) => "password_long",
        AccountError::Password(PasswordRejection::Common) => "password_common",
        AccountError::Password(PasswordRejection::ContainsEmail) => "password_email",
        AccountError::Busy(_) => "busy",
        AccountError::Email(_) | AccountError::Staff(_) => "failed",
    }
}

/// Changes the caller's password; all their sessions end, so they sign in again.
pub async fn change_password(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Form(form): Form<PasswordForm>,
) -> Response {
    let db = &state.database;
    let pool = &state.sign_in.pool;
    match account::change_password(&me, db, pool, form.current, &form.password).await {
        Ok(()) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::LOCATION,
                    "/staff/login?password_changed=1".to_owned(),
                ),
                (header::SET_COOKIE, state.session_cookie.clear()),
            ],
        )
            .into_response(),
        Err(error) => {
            if matches!(error, AccountError::Staff(StaffError::Storage(_))) {
                tracing::error!(%error, "password change failed");
            }
            let location = format!("/staff/account?error={}", error_code(&error));
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
    }
}
