//! The form posts of `/staff/users`. Each takes the caller's proof of sign-in and needs
//! admin rights from it (else 403), then answers with a redirect back to the page saying
//! what happened (post/redirect/get).

use super::{AppState, Back, password_error};
use crate::staff_auth::CurrentAdmin;
use app::outcome::{Done, ErrorCode};
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

fn back() -> Back {
    Back::to("/staff/users")
}

/// Why a change to a staff account was refused, as the page will say it.
fn error_code(error: &AdminError) -> ErrorCode {
    match error {
        AdminError::Email(EmailRejection::Malformed | EmailRejection::TooLong) => {
            ErrorCode::EmailInvalid
        }
        AdminError::Name(_) => ErrorCode::NameInvalid,
        AdminError::Password(rejection) => password_error(rejection),
        AdminError::DisableSelf => ErrorCode::DisableSelf,
        AdminError::Staff(StaffError::EmailTaken) => ErrorCode::EmailTaken,
        AdminError::Staff(StaffError::NotFound) => ErrorCode::NotFound,
        AdminError::Staff(StaffError::LastAdmin) => ErrorCode::LastAdmin,
        AdminError::Busy(_) => ErrorCode::Busy,
        AdminError::Staff(StaffError::Storage(_)) => ErrorCode::Failed,
    }
}

fn outcome(result: Result<(), AdminError>) -> Response {
    match result {
        Ok(()) => back().done(Done::Made).into_response(),
        Err(error) => {
            if matches!(error, AdminError::Staff(StaffError::Storage(_))) {
                tracing::error!(%error, "staff change failed");
            }
            back().error(error_code(&error)).into_response()
        }
    }
}

/// Runs `change` with the caller's admin proof.
async fn as_admin<F>(staff: &CurrentAdmin, change: F) -> Response
where
    F: AsyncFnOnce(&Admin<'_>) -> Response,
{
    change(&staff.admin()).await
}

pub async fn add(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Form(form): Form<AddForm>,
) -> Response {
    as_admin(&staff, async |admin| {
        let Some(role) = Role::parse(&form.role) else {
            return back().error(ErrorCode::RoleInvalid).into_response();
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
    staff: CurrentAdmin,
    Path(id): Path<i64>,
) -> Response {
    as_admin(&staff, async |admin| {
        outcome(admin::set_disabled(admin, &state.database, StaffId(id), true).await)
    })
    .await
}

pub async fn enable(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(id): Path<i64>,
) -> Response {
    as_admin(&staff, async |admin| {
        outcome(admin::set_disabled(admin, &state.database, StaffId(id), false).await)
    })
    .await
}

pub async fn change_role(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Response {
    as_admin(&staff, async |admin| {
        let Some(role) = Role::parse(&form.role) else {
            return back().error(ErrorCode::RoleInvalid).into_response();
        };
        outcome(admin::set_role(admin, &state.database, StaffId(id), role).await)
    })
    .await
}

pub async fn reset_password(
    State(state): State<AppState>,
    staff: CurrentAdmin,
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
