//! The form posts of `/staff/users`. Each takes the caller's proof of sign-in and needs
//! admin rights from it (else 403), then answers with a redirect back to the page saying
//! what happened (post/redirect/get).

use super::{AppState, forbidden, password_error_code, see_other};
use crate::staff_auth::CurrentStaff;
use axum::{
    Form,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::staff::admin::{self, Admin, AdminError};
use breachcheck::staff::store::StaffError;
use breachcheck::staff::{EmailRejection, Role, StaffId};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

fn back(query: &str) -> Response {
    see_other(format!("/staff/users?{query}"))
}

/// The `?error=` code the page turns into a translated sentence.
fn error_code(error: &AdminError) -> &'static str {
    match error {
        AdminError::Email(EmailRejection::Malformed | EmailRejection::TooLong) => "email_invalid",
        AdminError::Name(_) => "name_invalid",
        AdminError::Password(rejection) => password_error_code(rejection),
        AdminError::DisableSelf => "disable_self",
        AdminError::Staff(StaffError::EmailTaken) => "email_taken",
        AdminError::Staff(StaffError::NotFound) => "not_found",
        AdminError::Staff(StaffError::LastAdmin) => "last_admin",
        AdminError::Busy(_) => "busy",
        AdminError::Staff(StaffError::Storage(_)) => "failed",
    }
}

fn outcome(result: Result<(), AdminError>) -> Response {
    match result {
        Ok(()) => back("done=1"),
        Err(error) => {
            if matches!(error, AdminError::Staff(StaffError::Storage(_))) {
                tracing::error!(%error, "staff change failed");
            }
            back(&format!("error={}", error_code(&error)))
        }
    }
}

/// Runs `change` with the caller's admin proof, or answers 403.
async fn as_admin<F>(staff: &CurrentStaff, change: F) -> Response
where
    F: AsyncFnOnce(&Admin<'_>) -> Response,
{
    match staff.0.as_admin() {
        Some(admin) => change(&admin).await,
        None => forbidden(),
    }
}

pub async fn add(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Form(form): Form<AddForm>,
) -> Response {
    as_admin(&staff, async |admin| {
        let Some(role) = Role::parse(&form.role) else {
            return back("error=role_invalid");
        };
        let db = &state.database;
        let pool = &state.sign_in.pool;
        match admin::add(
            admin,
            db,
            pool,
            &form.email,
            &form.name,
            role,
            &form.password,
        )
        .await
        {
            Ok((id, _)) => (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, format!("/staff/users/{id}/enrolment"))],
            )
                .into_response(),
            Err(error) => outcome(Err(error)),
        }
    })
    .await
}

pub async fn disable(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(id): Path<i64>,
) -> Response {
    as_admin(&staff, async |admin| {
        outcome(admin::set_disabled(admin, &state.database, StaffId(id), true).await)
    })
    .await
}

pub async fn enable(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(id): Path<i64>,
) -> Response {
    as_admin(&staff, async |admin| {
        outcome(admin::set_disabled(admin, &state.database, StaffId(id), false).await)
    })
    .await
}

pub async fn change_role(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Response {
    as_admin(&staff, async |admin| {
        let Some(role) = Role::parse(&form.role) else {
            return back("error=role_invalid");
        };
        outcome(admin::set_role(admin, &state.database, StaffId(id), role).await)
    })
    .await
}

pub async fn reset_password(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> Response {
    as_admin(&staff, async |admin| {
        let db = &state.database;
        let pool = &state.sign_in.pool;
        outcome(admin::reset_password(admin, db, pool, StaffId(id), &form.password).await)
    })
    .await
}
