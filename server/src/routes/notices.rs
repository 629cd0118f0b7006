//! The form posts of the notice editor: save a revision, publish, unpublish, restore.
//! Each needs admin rights (else 403), answers with a redirect to the editor saying what
//! happened, and after a change to what the public sees, refreshes this replica's notices
//! at once (other replicas notice within their refresh interval).

use super::{AppState, forbidden, see_other};
use crate::staff_auth::CurrentStaff;
use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use breachcheck::dataset::incident::{self, Incident};
use breachcheck::notice::store::{self, NoticeError};
use breachcheck::notice::{ContentRejection, NoticeContent};
use breachcheck::staff::admin::Admin;

/// The `?error=` code the editor turns into a sentence (see
/// `app::pages::staff::notice::error_text`).
fn error_code(error: &NoticeError) -> &'static str {
    match error {
        NoticeError::IncidentNotFound => "incident_not_found",
        NoticeError::RevisionNotFound => "revision",
        NoticeError::Content(ContentRejection::TitleTooLong) => "title_long",
        NoticeError::Content(ContentRejection::SummaryTooLong) => "summary_long",
        NoticeError::Content(ContentRejection::TooLong) => "too_long",
        NoticeError::Content(ContentRejection::TimelineDate) => "timeline_date",
        NoticeError::Incomplete(_) => "incomplete",
        NoticeError::NotPublished => "not_published",
        NoticeError::Changed => "changed",
        NoticeError::Storage(error) => {
            tracing::error!(%error, "a notice change failed");
            "failed"
        }
    }
}

fn editor(slug: &str) -> String {
    format!("/staff/incidents/{slug}/notice")
}

fn outcome(slug: &str, result: Result<&'static str, NoticeError>) -> Response {
    match result {
        Ok(done) => see_other(format!("{}?done={done}", editor(slug))),
        Err(error) => see_other(format!("{}?error={}", editor(slug), error_code(&error))),
    }
}

/// Runs `change` for an admin on the incident the path names.
async fn as_admin_on<F>(state: &AppState, staff: &CurrentStaff, slug: &str, change: F) -> Response
where
    F: AsyncFnOnce(&Admin<'_>, Incident) -> Result<&'static str, NoticeError>,
{
    let Some(admin) = staff.0.as_admin() else {
        return forbidden();
    };
    let found = match incident::find_by_slug(&state.database, slug).await {
        Ok(Some(found)) => found,
        Ok(None) => return see_other("/staff/incidents?error=incident_not_found".to_owned()),
        Err(error) => {
            tracing::error!(%error, "could not read an incident");
            return see_other(format!("{}?error=failed", editor(slug)));
        }
    };
    let slug = found.slug.clone();
    outcome(&slug, change(&admin, found).await)
}

pub async fn save(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let content = NoticeContent::from_form(&fields);
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        store::save(admin, &state.database, found.id, &content).await?;
        Ok("saved")
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
    staff: CurrentStaff,
    Path(slug): Path<String>,
    Form(form): Form<PublishForm>,
) -> Response {
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        let seen = form.revision.ok_or(NoticeError::Changed)?;
        store::publish_seen(admin, &state.database, found.id, seen).await?;
        state.notices.invalidate();
        Ok("published")
    })
    .await
}

pub async fn unpublish(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(slug): Path<String>,
) -> Response {
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        store::unpublish(admin, &state.database, found.id).await?;
        state.notices.invalidate();
        Ok("unpublished")
    })
    .await
}

pub async fn restore(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path((slug, number)): Path<(String, i64)>,
) -> Response {
    as_admin_on(&state, &staff, &slug, async |admin, found| {
        store::restore(admin, &state.database, found.id, number).await?;
        Ok("restored")
    })
    .await
}
