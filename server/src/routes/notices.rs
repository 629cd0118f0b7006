//! The form posts of the notice editor: save a revision, publish, unpublish, restore.
//! Each needs admin rights (else 403), answers with a redirect to the editor saying what
//! happened, and after a change to what the public sees, refreshes this replica's notices
//! at once (other replicas notice within their refresh interval).

use super::{AppState, Back};
use crate::staff_auth::CurrentAdmin;
use app::outcome::{Confirm, Done, ErrorCode};
use axum::extract::rejection::FormRejection;
use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use breachcheck::dataset::incident::Incident;
use breachcheck::locale::Localized;
use breachcheck::notice::store::{self, NoteRejection, NoticeError, UpdateNote};
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
        NoticeError::Note(NoteRejection::Missing) => ErrorCode::NoteMissing,
        NoticeError::Note(NoteRejection::TooLong) => ErrorCode::NoteLong,
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
    let found = match super::back::incident_named(&state.database, slug, &editor(slug)).await {
        Ok(found) => found,
        Err(answer) => return answer,
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

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PublishForm {
    /// The revision the admin was looking at; anything saved since must be seen first.
    revision: Option<i64>,
    /// `yes` on the second post: publishing and unpublishing ask once more.
    confirmed: Option<String>,
    /// What an update changes (every publication after the first says it).
    note_ja: String,
    note_en: String,
}

impl PublishForm {
    /// Back to the editor asking once more about `step` (with the revision it was about).
    fn ask_again(&self, slug: &str, step: Confirm) -> Back {
        let back = Back::to(editor(slug)).confirm(step);
        match self.revision {
            Some(revision) => back.with("revision", &revision.to_string()),
            None => back,
        }
    }

    /// The first post of a step changes nothing: it asks once more.
    fn unconfirmed(&self, slug: &str, step: Confirm) -> Option<Response> {
        (self.confirmed.as_deref() != Some("yes"))
            .then(|| self.ask_again(slug, step).into_response())
    }
}

pub async fn publish(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(slug): Path<String>,
    form: Result<Form<PublishForm>, FormRejection>,
) -> Response {
    // A body that is not the form asks once more, like an empty one.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    if let Some(ask) = form.unconfirmed(&slug, Confirm::Publish) {
        return ask;
    }
    let found = match super::back::incident_named(&state.database, &slug, &editor(&slug)).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let admin = staff.admin();
    let published = async {
        let seen = form.revision.ok_or(NoticeError::Changed)?;
        // An update says what it changes; the first publication has nothing to say.
        let note = match store::publications(&state.database, found.id).await? {
            0 => UpdateNote::first(),
            _ => UpdateNote::parse(Localized::new(form.note_ja.clone(), form.note_en.clone()))?,
        };
        store::publish_seen(&admin, &state.database, found.id, seen, &note).await?;
        state.notices.invalidate();
        Ok(Done::Published)
    }
    .await;
    match published {
        // A note refused goes back to the confirmation, with what was typed.
        Err(NoticeError::Note(refused)) => form
            .ask_again(&found.slug, Confirm::Publish)
            .with("note_ja", &form.note_ja)
            .with("note_en", &form.note_en)
            .error(error_code(&NoticeError::Note(refused)))
            .into_response(),
        other => outcome(&found.slug, other),
    }
}

pub async fn unpublish(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(slug): Path<String>,
    form: Result<Form<PublishForm>, FormRejection>,
) -> Response {
    // A body that is not the form asks once more, like an empty one.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    if let Some(ask) = form.unconfirmed(&slug, Confirm::Unpublish) {
        return ask;
    }
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
