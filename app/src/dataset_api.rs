//! Server functions of the incident and affected-list pages (admins only). They read;
//! every change is a form post handled by the server's routes.

use breachcheck::dataset::Status;
use breachcheck::import::JobStatus;
use breachcheck::import::report::ImportReport;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the server tells the pages about dataset rules; provided as context on the server.
#[derive(Clone, Copy, Debug)]
pub struct DatasetRules {
    pub two_person: bool,
    pub upload_limit_bytes: u64,
}

/// A category's name, in both languages.
pub type CategoryLabel = crate::i18n::Localized<String>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: i64,
    pub slug: String,
    pub title: crate::i18n::Localized<String>,
    pub occurred_from: Option<String>,
    pub occurred_to: Option<String>,
    pub announced_on: Option<String>,
    pub categories: Vec<CategoryLabel>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetRow {
    pub id: i64,
    pub status: Status,
    pub row_count: i64,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentDatasets {
    pub incident: IncidentView,
    pub datasets: Vec<DatasetRow>,
}

/// Rejected rows sent to the list's page; the CSV download has all of them.
pub const REJECTED_SHOWN: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetDetail {
    pub row: DatasetRow,
    pub incident: IncidentView,
    pub profile: String,
    pub has_phone: bool,
    pub fingerprint: Option<String>,
    /// Display names; `None` for an upload from the command line.
    pub uploaded_by: Option<String>,
    pub approved_by: Option<String>,
    pub activated_by: Option<String>,
    /// Whether the caller may approve it now (a draft, and not their own upload when two
    /// people are required).
    pub may_approve: bool,
    pub job: Option<i64>,
    /// The import report, with at most [`REJECTED_SHOWN`] rejected rows listed.
    pub report: Option<ImportReport>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub job: i64,
    pub dataset: i64,
    pub status: JobStatus,
    pub total_rows: i64,
    pub done_rows: i64,
    pub rows_per_second: Option<u64>,
    pub seconds_left: Option<u64>,
    pub error: Option<String>,
}

impl ProgressView {
    pub fn percent(&self) -> u64 {
        match self.status {
            JobStatus::Done => 100,
            _ if self.total_rows <= 0 => 0,
            _ => (self.done_rows.max(0) as u64 * 100 / self.total_rows as u64).min(100),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadForm {
    pub incidents: Vec<IncidentView>,
    pub limit_bytes: u64,
}

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use super::*;
    use breachcheck::dataset::incident::Incident;
    use breachcheck::dataset::lifecycle::Dataset;

    pub fn incident(incident: Incident) -> IncidentView {
        IncidentView {
            id: incident.id.0,
            categories: incident.categories.iter().map(|c| c.labels()).collect(),
            slug: incident.slug,
            title: incident.title,
            occurred_from: incident.occurred_from,
            occurred_to: incident.occurred_to,
            announced_on: incident.announced_on,
        }
    }

    pub fn row(dataset: &Dataset) -> DatasetRow {
        DatasetRow {
            id: dataset.id.0,
            status: dataset.status,
            row_count: dataset.row_count,
            created_at: breachcheck::clock::japan_time_exact(dataset.created_at),
        }
    }

    /// Rows per second since the job started, and the seconds the rest should take.
    pub fn rate(progress: &breachcheck::import::job::Progress) -> (Option<u64>, Option<u64>) {
        let elapsed_ms = (progress.updated_at - progress.started_at).max(0) as u64;
        if progress.done_rows <= 0 || elapsed_ms == 0 {
            return (None, None);
        }
        let done = progress.done_rows as u64;
        let per_second = done * 1000 / elapsed_ms;
        let left = (progress.total_rows.max(0) as u64).saturating_sub(done);
        let seconds_left = (left * elapsed_ms).div_ceil(done * 1000);
        (Some(per_second), Some(seconds_left))
    }
}

#[server(endpoint = "staff/incidents", output = crate::codec::TextJson)]
pub async fn list_incidents() -> Result<Vec<IncidentView>, ServerFnError> {
    use crate::staff_api::access;
    let me = access::caller()?;
    access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let incidents = breachcheck::dataset::incident::list(&db)
        .await
        .map_err(access::internal)?;
    Ok(incidents.into_iter().map(convert::incident).collect())
}

#[server(endpoint = "staff/upload_form", output = crate::codec::TextJson)]
pub async fn load_upload_form() -> Result<UploadForm, ServerFnError> {
    let incidents = list_incidents().await?;
    let rules = expect_context::<DatasetRules>();
    Ok(UploadForm {
        incidents,
        limit_bytes: rules.upload_limit_bytes,
    })
}

#[server(endpoint = "staff/datasets", output = crate::codec::TextJson)]
pub async fn list_datasets() -> Result<Vec<IncidentDatasets>, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::dataset::{incident, lifecycle};
    let me = access::caller()?;
    access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let mut listing = Vec::new();
    for found in incident::list(&db).await.map_err(access::internal)? {
        let datasets = lifecycle::list(&db, found.id)
            .await
            .map_err(access::internal)?;
        listing.push(IncidentDatasets {
            incident: convert::incident(found),
            datasets: datasets.iter().map(convert::row).collect(),
        });
    }
    Ok(listing)
}

#[server(endpoint = "staff/dataset", output = crate::codec::TextJson)]
pub async fn load_dataset(id: i64) -> Result<DatasetDetail, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::dataset::{DatasetId, Status, incident, lifecycle};
    use breachcheck::import::job;
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let rules = expect_context::<DatasetRules>();
    let dataset = lifecycle::find(&db, DatasetId(id))
        .await
        .map_err(access::internal)?
        .ok_or_else(access::not_found)?;
    let owner = incident::find(&db, dataset.incident_id)
        .await
        .map_err(access::internal)?
        .ok_or_else(access::not_found)?;
    let staff = breachcheck::staff::admin::list(&admin, &db)
        .await
        .map_err(access::internal)?;
    let name = |who: Option<breachcheck::staff::StaffId>| {
        who.map(|id| {
            staff
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| format!("#{}", id.0), |s| s.display_name.clone())
        })
    };
    let may_approve = dataset.status == Status::Draft
        && !(rules.two_person && dataset.uploaded_by == Some(me.staff_id()));
    let mut report = job::report_of(&db, dataset.id)
        .await
        .map_err(access::internal)?;
    // Up to 10,000 listed rows are stored; the page needs the first few, not all of them
    // twice (in the HTML and in its hydration data).
    if let Some(report) = report.as_mut() {
        report.rejected.truncate(REJECTED_SHOWN);
    }
    let job = job::job_of(&db, dataset.id)
        .await
        .map_err(access::internal)?;
    Ok(DatasetDetail {
        row: convert::row(&dataset),
        incident: convert::incident(owner),
        profile: dataset.profile.clone(),
        has_phone: dataset.has_phone,
        fingerprint: dataset.fingerprint.clone(),
        uploaded_by: name(dataset.uploaded_by),
        approved_by: name(dataset.approved_by),
        activated_by: name(dataset.activated_by),
        may_approve,
        job: job.map(|j| j.0),
        report,
    })
}

/// An incident as its edit form shows it.
#[server(endpoint = "staff/incident", output = crate::codec::TextJson)]
pub async fn incident_form(
    slug: String,
) -> Result<crate::pages::staff::outcome::IncidentFields, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::dataset::category::Standard;
    use breachcheck::dataset::incident;
    let me = access::caller()?;
    access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let found = incident::find_by_slug(&db, &slug)
        .await
        .map_err(access::internal)?
        .ok_or_else(access::not_found)?;
    let (standard, free): (Vec<_>, Vec<_>) = found
        .categories
        .iter()
        .partition(|c| Standard::from_key(&c.key).is_some());
    // A free category's line, as the form reads it back (`日本語 / English`).
    let free_line = |c: &breachcheck::dataset::category::Category| {
        let names = c.labels();
        if names.ja == names.en {
            names.ja
        } else {
            format!("{} / {}", names.ja, names.en)
        }
    };
    Ok(crate::pages::staff::outcome::IncidentFields {
        slug: found.slug.clone(),
        title_ja: found.title.ja.clone(),
        title_en: found.title.en.clone(),
        occurred_from: found.occurred_from.clone().unwrap_or_default(),
        occurred_to: found.occurred_to.clone().unwrap_or_default(),
        announced_on: found.announced_on.clone().unwrap_or_default(),
        category: standard.iter().map(|c| c.key.clone()).collect(),
        free_categories: free
            .iter()
            .map(|c| free_line(c))
            .collect::<Vec<_>>()
            .join("\n"),
        advice_ja: found.advice.ja.clone(),
        advice_en: found.advice.en.clone(),
    })
}

/// What publishing a list would change for the public (see `lifecycle::preview`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeView {
    /// Contract numbers the list names.
    pub listed: u64,
    /// The incident's list published now, which publishing this one would replace.
    pub replaces: Option<ReplacedView>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplacedView {
    pub dataset: i64,
    pub listed: u64,
    /// `None` when the two lists were hashed differently and cannot be compared.
    pub added: Option<u64>,
    pub removed: Option<u64>,
}

/// Asked only when an admin is about to confirm a step: counting the difference of two
/// long lists is not free.
#[server(endpoint = "staff/dataset_change", output = crate::codec::TextJson)]
pub async fn dataset_change(id: i64) -> Result<ChangeView, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::dataset::{DatasetError, DatasetId, lifecycle};
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let preview = match lifecycle::preview(&admin, &db, DatasetId(id)).await {
        Ok(preview) => preview,
        Err(DatasetError::NotFound) => return Err(access::not_found()),
        Err(error) => return Err(access::internal(error)),
    };
    Ok(ChangeView {
        listed: preview.listed,
        replaces: preview.replaces.map(|old| ReplacedView {
            dataset: old.dataset.0,
            listed: old.listed,
            added: old.difference.map(|d| d.added),
            removed: old.difference.map(|d| d.removed),
        }),
    })
}

#[server(endpoint = "staff/import_progress", output = crate::codec::TextJson)]
pub async fn import_progress(job: i64) -> Result<ProgressView, ServerFnError> {
    use crate::staff_api::access;
    use breachcheck::import::job::{JobId, progress_of};
    let me = access::caller()?;
    access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let progress = progress_of(&db, JobId(job))
        .await
        .map_err(access::internal)?
        .ok_or_else(access::not_found)?;
    let (rows_per_second, seconds_left) = convert::rate(&progress);
    Ok(ProgressView {
        job: progress.job.0,
        dataset: progress.dataset.0,
        status: progress.status,
        total_rows: progress.total_rows,
        done_rows: progress.done_rows,
        rows_per_second,
        seconds_left,
        error: progress.error,
    })
}
