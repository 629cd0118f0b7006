//! Notices in the database: revisions saved and restored, publishing and unpublishing
//! (each audited), and what the public may read.

use super::MAX_NOTE;
use super::markdown::render;
use super::{ContentRejection, Missing, NoticeContent, RenderedFaq, RenderedNotice, RenderedText};
use crate::audit::Action;
use crate::audit::{self, Actor, NewEntry};
use crate::dataset::category::Categories;
use crate::dataset::incident::IncidentId;
use crate::locale::Localized;
use crate::now_millis;
use crate::staff::admin::Admin;
use crate::storage::{Database, StorageError};
use serde_json::json;
use sqlx::Row;

impl RenderedNotice {
    pub fn of(content: &NoticeContent) -> Self {
        let text = |t: &super::NoticeText| RenderedText {
            title: t.title.trim().to_owned(),
            summary: t.summary.trim().to_owned(),
            body_html: render(&t.body),
            contact_html: render(&t.contact),
        };
        Self {
            text: content.text.as_ref().map(text),
            timeline: content.timeline.clone(),
            actions: content.actions.clone(),
            faq: content
                .faq
                .iter()
                .map(|entry| RenderedFaq {
                    question: entry.question.as_ref().map(|q| q.trim().to_owned()),
                    answer_html: entry.answer.as_ref().map(|a| render(a)),
                })
                .collect(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("no such incident")]
    IncidentNotFound,
    #[error("no such revision")]
    RevisionNotFound,
    #[error(transparent)]
    Content(#[from] ContentRejection),
    #[error("a notice needs a title and a body in both languages before it is published")]
    Incomplete(Vec<Missing>),
    #[error("the notice is not published")]
    NotPublished,
    #[error("a revision was saved after the one being published")]
    Changed,
    #[error(transparent)]
    Note(#[from] NoteRejection),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for NoticeError {
    fn from(error: sqlx::Error) -> Self {
        NoticeError::Storage(error.into())
    }
}

/// A saved revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub number: i64,
    pub content: NoticeContent,
    pub rendered: RenderedNotice,
    pub created_by: i64,
    pub created_at: i64,
}

/// Where a notice stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoticeState {
    pub revisions: i64,
    pub published_revision: Option<i64>,
    pub first_published_at: Option<i64>,
    pub published_at: Option<i64>,
}

/// A published notice as the public reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedNotice {
    pub incident: IncidentId,
    pub slug: String,
    pub rendered: RenderedNotice,
    /// The incident's data categories.
    pub categories: Categories,
    pub first_published_at: i64,
    /// Later than `first_published_at` once an update was published.
    pub published_at: i64,
    /// Every publication, the first first.
    pub history: Vec<Publication>,
}

/// One publication of a notice: the first (第1報) or an update, with its note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publication {
    /// 1 for the first publication.
    pub number: i64,
    pub published_at: i64,
    /// What changed, in a line per language; empty for the first.
    pub note: Localized<String>,
}

/// What an update of a published notice changed, one line in each language: every
/// publication after the first carries one, and the public notice lists them by date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateNote(Localized<String>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteRejection {
    #[error("an update needs a note of what changed in both languages")]
    Missing,
    #[error("a note of what changed is one line of at most {MAX_NOTE} characters")]
    TooLong,
}

impl UpdateNote {
    pub fn parse(note: Localized<String>) -> Result<Self, NoteRejection> {
        let note = note.map(|text| text.trim().to_owned());
        for text in [&note.ja, &note.en] {
            if text.is_empty() {
                return Err(NoteRejection::Missing);
            }
            if text.chars().count() > MAX_NOTE || text.contains(['\n', '\r']) {
                return Err(NoteRejection::TooLong);
            }
        }
        Ok(Self(note))
    }

    /// The note of a first publication, which has nothing to say.
    pub fn first() -> Self {
        Self(Localized::default())
    }
}

fn corrupt(_: serde_json::Error) -> NoticeError {
    NoticeError::Storage(StorageError::Corrupt("a notice revision is not valid JSON"))
}

fn entry(admin: &Admin<'_>, action: Action, incident: IncidentId, number: i64) -> NewEntry {
    NewEntry {
        actor: Actor::Staff(admin.staff_id().0),
        action,
        subject: None,
        detail: json!({ "incident_id": incident.0, "revision": number }),
    }
}

async fn bump_version(tx: &mut crate::storage::WriteTx) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE content_versions SET version = version + 1 WHERE name = 'notices'")
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Saves `content` as the incident's next revision, rendered now. Returns its number.
pub async fn save(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
    content: &NoticeContent,
) -> Result<i64, NoticeError> {
    save_as(admin, db, incident, content, Action::NoticeRevised).await
}

async fn save_as(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
    content: &NoticeContent,
    action: Action,
) -> Result<i64, NoticeError> {
    content.check()?;
    let rendered = RenderedNotice::of(content);
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM incidents WHERE id = $1")
        .bind(incident.0)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(NoticeError::IncidentNotFound);
    }
    sqlx::query(
        "INSERT INTO notices (incident_id, created_at) VALUES ($1, $2) \
         ON CONFLICT (incident_id) DO NOTHING",
    )
    .bind(incident.0)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // The row lock this update takes orders concurrent saves of one notice.
    let number: i64 = sqlx::query_scalar(
        "UPDATE notices SET revisions = revisions + 1 WHERE incident_id = $1 RETURNING revisions",
    )
    .bind(incident.0)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO notice_revisions (incident_id, number, content, rendered, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(incident.0)
    .bind(number)
    .bind(serde_json::to_string(content).expect("notice content serialises"))
    .bind(serde_json::to_string(&rendered).expect("a rendered notice serialises"))
    .bind(admin.staff_id().0)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::commit_with(tx, entry(admin, action, incident, number)).await?;
    Ok(number)
}

/// Saves an earlier revision's text again, as the newest revision.
pub async fn restore(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
    number: i64,
) -> Result<i64, NoticeError> {
    let old = revision(db, incident, number)
        .await?
        .ok_or(NoticeError::RevisionNotFound)?;
    save_as(admin, db, incident, &old.content, Action::NoticeRestored).await
}

pub async fn state(db: &Database, incident: IncidentId) -> Result<NoticeState, NoticeError> {
    let row = sqlx::query(
        "SELECT revisions, published_revision, first_published_at, published_at FROM notices \
         WHERE incident_id = $1",
    )
    .bind(incident.0)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(NoticeState::default());
    };
    Ok(NoticeState {
        revisions: row.try_get(0)?,
        published_revision: row.try_get(1)?,
        first_published_at: row.try_get(2)?,
        published_at: row.try_get(3)?,
    })
}

fn revision_of(row: &sqlx::any::AnyRow) -> Result<Revision, NoticeError> {
    let content: String = row.try_get("content")?;
    let rendered: String = row.try_get("rendered")?;
    Ok(Revision {
        number: row.try_get("number")?,
        content: serde_json::from_str(&content).map_err(corrupt)?,
        rendered: serde_json::from_str(&rendered).map_err(corrupt)?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn revision(
    db: &Database,
    incident: IncidentId,
    number: i64,
) -> Result<Option<Revision>, NoticeError> {
    let row = sqlx::query(
        "SELECT number, content, rendered, created_by, created_at FROM notice_revisions \
         WHERE incident_id = $1 AND number = $2",
    )
    .bind(incident.0)
    .bind(number)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(revision_of).transpose()
}

/// Every revision, newest first.
pub async fn revisions(db: &Database, incident: IncidentId) -> Result<Vec<Revision>, NoticeError> {
    let rows = sqlx::query(
        "SELECT number, content, rendered, created_by, created_at FROM notice_revisions \
         WHERE incident_id = $1 ORDER BY number DESC",
    )
    .bind(incident.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(revision_of).collect()
}

/// Shows the newest revision to the public: a first publish, or an update.
pub async fn publish(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
    note: &UpdateNote,
) -> Result<i64, NoticeError> {
    publish_checked(admin, db, incident, None, note).await
}

/// [`publish`], refused with [`NoticeError::Changed`] unless the newest revision is `seen`,
/// the one the admin reviewed: a save by someone else since then must be read first.
pub async fn publish_seen(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
    seen: i64,
    note: &UpdateNote,
) -> Result<i64, NoticeError> {
    publish_checked(admin, db, incident, Some(seen), note).await
}

/// How many times the notice was published: an update needs a note, the first does not.
pub async fn publications(db: &Database, incident: IncidentId) -> Result<i64, NoticeError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM notice_publications WHERE incident_id = $1")
            .bind(incident.0)
            .fetch_one(db.pool())
            .await?,
    )
}

async fn publish_checked(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
    seen: Option<i64>,
    note: &UpdateNote,
) -> Result<i64, NoticeError> {
    let current = state(db, incident).await?;
    if seen.is_some_and(|seen| seen != current.revisions) {
        return Err(NoticeError::Changed);
    }
    let latest = revision(db, incident, current.revisions)
        .await?
        .ok_or(NoticeError::RevisionNotFound)?;
    let missing = latest.content.missing();
    if !missing.is_empty() {
        return Err(NoticeError::Incomplete(missing));
    }
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    // Published only if no save slipped in since the revision was read.
    let done = sqlx::query(
        "UPDATE notices SET published_revision = $1, published_at = $2, \
         first_published_at = COALESCE(first_published_at, $3) \
         WHERE incident_id = $4 AND revisions = $5",
    )
    .bind(latest.number)
    .bind(now)
    .bind(now)
    .bind(incident.0)
    .bind(latest.number)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(NoticeError::Changed);
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM notice_publications WHERE incident_id = $1",
    )
    .bind(incident.0)
    .fetch_one(&mut *tx)
    .await?;
    if number > 1 && note.0.ja.is_empty() {
        return Err(NoteRejection::Missing.into());
    }
    sqlx::query(
        "INSERT INTO notice_publications \
         (incident_id, number, revision, published_at, note_ja, note_en) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(incident.0)
    .bind(number)
    .bind(latest.number)
    .bind(now)
    .bind(if number > 1 { note.0.ja.as_str() } else { "" })
    .bind(if number > 1 { note.0.en.as_str() } else { "" })
    .execute(&mut *tx)
    .await?;
    bump_version(&mut tx).await?;
    let action = if current.published_revision.is_some() {
        Action::NoticeUpdated
    } else {
        Action::NoticePublished
    };
    audit::commit_with(tx, entry(admin, action, incident, latest.number)).await?;
    Ok(latest.number)
}

/// Hides the notice from the public; its revisions stay.
pub async fn unpublish(
    admin: &Admin<'_>,
    db: &Database,
    incident: IncidentId,
) -> Result<(), NoticeError> {
    let mut tx = db.begin_write().await?;
    let shown: Option<Option<i64>> =
        sqlx::query_scalar("SELECT published_revision FROM notices WHERE incident_id = $1")
            .bind(incident.0)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(Some(number)) = shown else {
        return Err(NoticeError::NotPublished);
    };
    sqlx::query(
        "UPDATE notices SET published_revision = NULL, published_at = NULL, \
         first_published_at = NULL WHERE incident_id = $1",
    )
    .bind(incident.0)
    .execute(&mut *tx)
    .await?;
    bump_version(&mut tx).await?;
    audit::commit_with(
        tx,
        entry(admin, Action::NoticeUnpublished, incident, number),
    )
    .await?;
    Ok(())
}

const PUBLISHED: &str = "SELECT n.incident_id, i.slug, r.rendered, n.first_published_at, \
     n.published_at, i.categories FROM notices n JOIN incidents i ON i.id = n.incident_id \
     JOIN notice_revisions r ON r.incident_id = n.incident_id AND r.number = n.published_revision";

fn published_of(row: &sqlx::any::AnyRow) -> Result<PublishedNotice, NoticeError> {
    let rendered: String = row.try_get(2)?;
    let categories: String = row.try_get(5)?;
    Ok(PublishedNotice {
        categories: serde_json::from_str(&categories).map_err(corrupt)?,
        incident: IncidentId(row.try_get(0)?),
        slug: row.try_get(1)?,
        rendered: serde_json::from_str(&rendered).map_err(corrupt)?,
        first_published_at: row.try_get(3)?,
        published_at: row.try_get(4)?,
        history: Vec::new(),
    })
}

/// `notice` with its publications.
async fn with_history(
    db: &Database,
    mut notice: PublishedNotice,
) -> Result<PublishedNotice, NoticeError> {
    let rows = sqlx::query(
        "SELECT number, published_at, note_ja, note_en FROM notice_publications \
         WHERE incident_id = $1 ORDER BY number",
    )
    .bind(notice.incident.0)
    .fetch_all(db.pool())
    .await?;
    notice.history = rows
        .iter()
        .map(|row| {
            Ok(Publication {
                number: row.try_get(0)?,
                published_at: row.try_get(1)?,
                note: Localized::new(row.try_get(2)?, row.try_get(3)?),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(notice)
}

/// Every published notice, the most recently published first.
pub async fn published(db: &Database) -> Result<Vec<PublishedNotice>, NoticeError> {
    let rows = sqlx::query(&format!("{PUBLISHED} ORDER BY n.published_at DESC"))
        .fetch_all(db.pool())
        .await?;
    let mut notices = Vec::with_capacity(rows.len());
    for row in &rows {
        notices.push(with_history(db, published_of(row)?).await?);
    }
    Ok(notices)
}

pub async fn published_by_slug(
    db: &Database,
    slug: &str,
) -> Result<Option<PublishedNotice>, NoticeError> {
    let row = sqlx::query(&format!("{PUBLISHED} WHERE i.slug = $1"))
        .bind(slug.trim().to_lowercase())
        .fetch_optional(db.pool())
        .await?;
    match row.as_ref().map(published_of).transpose()? {
        Some(notice) => Ok(Some(with_history(db, notice).await?)),
        None => Ok(None),
    }
}

/// Changes whenever what the public may read changes (publish, update, unpublish).
pub async fn version(db: &Database) -> Result<i64, NoticeError> {
    Ok(
        sqlx::query_scalar("SELECT version FROM content_versions WHERE name = 'notices'")
            .fetch_one(db.pool())
            .await?,
    )
}
