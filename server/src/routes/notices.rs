//! The form posts of the notice editor: save a revision, publish, unpublish, restore.
//! Each needs admin rights (else 403), answers with a redirect to the editor saying what
//! happened, and after a change to what the public sees, refreshes this replica's notices
//! at once (other replicas notice within their refresh interval).

use super::{AppState, Back};
use crate::staff_auth::CurrentAdmin;
use app::outcome::{Done, ErrorCode};
use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use breachcheck::dataset::incident::{self, Incident};
use breachcheck::notice::store::{self, NoticeError};
use breachcheck::notice::{ContentRejection, NoticeContent};
use breachcheck::staff::admin::Admin;

/// Why a change to a notice was refused, as the editor will say it.
fn error_code(error: &NoticeError) -> ErrorCode {
    match error {
        NoticeError::IncidentNotFound => ErrorCode::IncidentNotFound,
        NoticeError::RevisionNotFound => ErrorCode::Revision,
        NoticeError::Content(ContentRejection::TitleTooLong) => ErrorCode::TitleLong,
        NoticeError::Content(ContentRejection::SummaryTooLong) => ErrorCode::SummaryLong,
        NoticeError::Content(ContentRejection::TooLong) => ErrorCode::TooLong,
        NoticeError::Content(ContentRejection::TimelineDate) => ErrorCode::TimelineDate,
        NoticeError::Incomplete(_) => ErrorCode::Incomplete,
        NoticeError::NotPublished => ErrorCode::NotPublished,
        NoticeError::Changed => ErrorCode::Changed,
        NoticeError::Storage(error) => {
            tracing::error!(%error, "a notice change failed");
            ErrorCode::Failed
        }
    }
}

fn editor(slug: &str) -> String {
    format!("/staff/incidents/{slug}/notice")
}

fn outcome(slug: &str, result: Result<Done, NoticeError>) -> Response {
    let back = Back::to(editor(slug));
    match result {
        Ok(done) => back.done(done),
        Err(error) => back.error(error_code(&error)),
    }
    .into_response()
}

/// Runs `change` on the incident the path names.
async fn as_admin_on<F>(state: &AppState, staff: &CurrentAdmin, slug: &str, change: F) -> Response
where
    F: AsyncFnOnce(&Admin<'_>, Incident) -> Result<Done, NoticeError>,
{
    let admin = staff.admin();
    let found = match incident::find_by_slug(&state.database, slug).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Back::to("/staff/incidents")
                .error(ErrorCode::IncidentNotFound)
                .into_response();
        }
        Err(error) => {
            tracing::error!(%error, "could not read an incident");
            return Back::to(editor(slug))
                .error(ErrorCode::Failed)
                .into_response();
        }
    };
    let slug = found.slug.clone();
    outcome(&slug, change(&admin, found).await)
}

pub async fn save(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let content = NoticeContent::from_form(&fields);
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        store::save(admin, &state.database, found.id, &content).await?;
        Ok(Done::Saved)
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct PublishForm {
    /// The revision the admin was looking at; anything saved since must be seen first.
    revision: Option<i64>,
}

pub async fn publish(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(slug): Path<String>,
    Form(form): Form<PublishForm>,
) -> Response {
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        let seen = form.revision.ok_or(NoticeError::Changed)?;
        store::publish_seen(admin, &state.database, found.id, seen).await?;
        state.notices.invalidate();
        Ok(Done::Published)
    })
    .await
}

pub async fn unpublish(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(slug): Path<String>,
) -> Response {
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        store::unpublish(admin, &state.database, found.id).await?;
        state.notices.invalidate();
        Ok(Done::Unpublished)
    })
    .await
}

pub async fn restore(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path((slug, number)): Path<(String, i64)>,
) -> Response {
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        store::restore(admin, &state.database, found.id, number).await?;
        Ok(Done::Restored)
    })
    .await
}
