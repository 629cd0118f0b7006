//! Server functions of the notice pages: what the public reads (from the in-memory
//! snapshot of published notices, never the database) and what the editor needs (admins
//! only). Saving, publishing and restoring are form posts handled by the server's routes.

use crate::dataset_api::{CategoryLabel, IncidentView};
use breachcheck::locale::Localized;
use breachcheck::notice::{Missing, NoticeContent, RenderedNotice};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One language's line in the list of notices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    pub title: String,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeListing {
    pub slug: String,
    pub headline: Localized<Headline>,
    /// Dates in Japan, `YYYY-MM-DD`.
    pub published_on: String,
    pub updated_on: Option<String>,
}

/// A published notice as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub slug: String,
    pub notice: RenderedNotice,
    pub categories: Vec<CategoryLabel>,
    pub published_on: Option<String>,
    pub updated_on: Option<String>,
    /// Every publication, the first first: its date (`YYYY-MM-DD`, Japan) and note.
    pub history: Vec<HistoryEntry>,
}

/// One publication of a notice as its page lists it (第1報, 第2報, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub number: i64,
    pub date: String,
    /// What changed; empty for the first publication.
    pub note: crate::i18n::Localized<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionRow {
    pub number: i64,
    pub saved_at: String,
    pub saved_by: String,
}

/// Everything the editor shows: the newest revision's text to edit, its rendering for the
/// preview, and where publishing stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeEditor {
    pub incident: IncidentView,
    pub content: NoticeContent,
    pub preview: Option<NoticeView>,
    pub revisions: Vec<RevisionRow>,
    pub published_revision: Option<i64>,
    /// How many times it was published: each publication after the first needs a note.
    pub publications: i64,
    pub missing: Vec<Missing>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionView {
    pub incident: IncidentView,
    pub row: RevisionRow,
    pub view: NoticeView,
}

#[cfg(feature = "ssr")]
pub mod source {
    use super::*;
    use crate::check_api::japan_date;
    use breachcheck::dataset::category::Categories;
    use breachcheck::notice::snapshot::PublishedNotices;
    use breachcheck::notice::store::PublishedNotice;

    pub fn labels(categories: &Categories) -> Vec<CategoryLabel> {
        categories.iter().map(|c| c.labels()).collect()
    }

    fn updated_on(notice: &PublishedNotice) -> Option<String> {
        (notice.published_at > notice.first_published_at).then(|| japan_date(notice.published_at))
    }

    pub fn listing(notice: &PublishedNotice) -> NoticeListing {
        let headline = |text: &breachcheck::notice::RenderedText| Headline {
            title: text.title.clone(),
            summary: text.summary.clone(),
        };
        NoticeListing {
            slug: notice.slug.clone(),
            headline: notice.rendered.text.as_ref().map(headline),
            published_on: japan_date(notice.first_published_at),
            updated_on: updated_on(notice),
        }
    }

    pub fn view(notice: &PublishedNotice) -> NoticeView {
        NoticeView {
            slug: notice.slug.clone(),
            notice: notice.rendered.clone(),
            categories: labels(&notice.categories),
            published_on: Some(japan_date(notice.first_published_at)),
            updated_on: updated_on(notice),
            history: notice
                .history
                .iter()
                .map(|p| HistoryEntry {
                    number: p.number,
                    date: japan_date(p.published_at),
                    note: p.note.clone(),
                })
                .collect(),
        }
    }

    pub async fn snapshot()
    -> Result<std::sync::Arc<breachcheck::notice::snapshot::Snapshot>, ServerFnError> {
        expect_context::<PublishedNotices>()
            .current()
            .await
            .map_err(|error| {
                tracing::error!(%error, "could not read the published notices");
                ServerFnError::new("notices unavailable")
            })
    }
}

/// The published notices, the first published first.
#[server(endpoint = "notices", output = crate::codec::TextJson)]
pub async fn list_notices() -> Result<Vec<NoticeListing>, ServerFnError> {
    let snapshot = source::snapshot().await?;
    let mut notices: Vec<_> = snapshot.notices.iter().collect();
    notices.sort_by_key(|notice| std::cmp::Reverse(notice.first_published_at));
    Ok(notices.into_iter().map(source::listing).collect())
}

/// A published notice; `None` (and status 404) for anything else.
#[server(endpoint = "notice", output = crate::codec::TextJson)]
pub async fn load_notice(slug: String) -> Result<Option<NoticeView>, ServerFnError> {
    let snapshot = source::snapshot().await?;
    let found = snapshot.by_slug(&slug).map(source::view);
    if found.is_none()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    Ok(found)
}

#[cfg(feature = "ssr")]
mod editing {
    use super::*;
    use crate::staff_api::access;
    use breachcheck::dataset::incident::{self, Incident};
    use breachcheck::notice::store::Revision;
    use breachcheck::staff::admin::Admin;
    use breachcheck::storage::Database;

    pub async fn incident(db: &Database, slug: &str) -> Result<Incident, ServerFnError> {
        incident::find_by_slug(db, slug)
            .await
            .map_err(access::internal)?
            .ok_or_else(access::not_found)
    }

    /// Display names of the staff, for "saved by".
    pub async fn names(
        admin: &Admin<'_>,
        db: &Database,
    ) -> Result<impl Fn(i64) -> String, ServerFnError> {
        let staff = breachcheck::staff::admin::list(admin, db)
            .await
            .map_err(access::internal)?;
        Ok(move |id: i64| {
            staff
                .iter()
                .find(|s| s.id.0 == id)
                .map_or_else(|| format!("#{id}"), |s| s.display_name.clone())
        })
    }

    pub fn row(revision: &Revision, name: &impl Fn(i64) -> String) -> RevisionRow {
        RevisionRow {
            number: revision.number,
            saved_at: breachcheck::clock::japan_time_exact(revision.created_at),
            saved_by: name(revision.created_by),
        }
    }

    /// A revision as the public would see it, with the incident's categories.
    pub fn preview(incident: &Incident, rendered: RenderedNotice) -> NoticeView {
        NoticeView {
            slug: incident.slug.clone(),
            notice: rendered,
            categories: super::source::labels(&incident.categories),
            published_on: None,
            updated_on: None,
            history: Vec::new(),
        }
    }
}

#[server(endpoint = "staff/notice", output = crate::codec::TextJson)]
pub async fn load_notice_editor(slug: String) -> Result<NoticeEditor, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::notice::store;
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let incident = editing::incident(&db, &slug).await?;
    let state = store::state(&db, incident.id)
        .await
        .map_err(access::internal)?;
    let revisions = store::revisions(&db, incident.id)
        .await
        .map_err(access::internal)?;
    let name = editing::names(&admin, &db).await?;
    let content = revisions
        .first()
        .map(|latest| latest.content.clone())
        .unwrap_or_default();
    Ok(NoticeEditor {
        preview: revisions
            .first()
            .map(|latest| editing::preview(&incident, latest.rendered.clone())),
        missing: content.missing(),
        content,
        revisions: revisions.iter().map(|r| editing::row(r, &name)).collect(),
        published_revision: state.published_revision,
        publications: store::publications(&db, incident.id)
            .await
            .map_err(access::internal)?,
        incident: crate::dataset_api::convert::incident(incident),
    })
}

#[server(endpoint = "staff/notice_revision", output = crate::codec::TextJson)]
pub async fn load_notice_revision(
    slug: String,
    number: i64,
) -> Result<RevisionView, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::notice::store;
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let incident = editing::incident(&db, &slug).await?;
    let revision = store::revision(&db, incident.id, number)
        .await
        .map_err(access::internal)?
        .ok_or_else(access::not_found)?;
    let name = editing::names(&admin, &db).await?;
    Ok(RevisionView {
        row: editing::row(&revision, &name),
        view: editing::preview(&incident, revision.rendered),
        incident: crate::dataset_api::convert::incident(incident),
    })
}

/// The live preview: the text being typed, rendered and sanitised exactly as a save would.
#[server(endpoint = "staff/notice_preview", input = Json, output = crate::codec::TextJson)]
pub async fn preview_notice(content: NoticeContent) -> Result<RenderedNotice, ServerFnError> {
    use crate::staff_api::access;
    let me = access::caller()?;
    access::admin(&me)?;
    content.check().map_err(access::invalid)?;
    Ok(RenderedNotice::of(&content))
}
