//! The form posts of the incident and affected-list pages, and the rejected-rows download.
//! Each needs admin rights from the caller's proof of sign-in (else 403) and answers with
//! a redirect saying what happened (post/redirect/get).

use super::check::render_page;
use super::{AppState, Back};
use crate::plain::Plain;
use crate::staff_auth::CurrentAdmin;
use app::i18n::LocaleText;
use app::outcome::{Confirm, Done, ErrorCode};
use app::pages::staff::outcome::{IncidentFields, Returned};
use axum::http::request::Parts;
use axum::{
    Form,
    extract::{
        Multipart, Path, State,
        multipart::{MultipartError, MultipartRejection},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::dataset::category::{Categories, CategoriesRejection, Category, Standard};
use breachcheck::dataset::incident::{
    self, CalendarDate, IncidentDetails, IncidentId, NewIncident, Slug,
};
use breachcheck::dataset::{DatasetError, DatasetId, lifecycle};
use breachcheck::import::columns::{Column, HeaderProblem, Mapping, looks_like_data};
use breachcheck::import::job::{self, ImportError, Uploader};
use breachcheck::import::source::SourceError;
use breachcheck::locale::Localized;
use leptos::prelude::provide_context;

/// Why a change to an incident or a list was refused, as the page will say it.
fn error_code(error: &DatasetError) -> ErrorCode {
    match error {
        DatasetError::SlugInvalid => ErrorCode::SlugInvalid,
        DatasetError::SlugTaken => ErrorCode::SlugTaken,
        DatasetError::TitleInvalid => ErrorCode::TitleInvalid,
        DatasetError::AdviceTooLong => ErrorCode::AdviceLong,
        DatasetError::DateInvalid => ErrorCode::DateInvalid,
        DatasetError::DateOrder => ErrorCode::DateOrder,
        DatasetError::Categories(CategoriesRejection::Removed) => ErrorCode::CategoryRemoved,
        DatasetError::Categories(_) => ErrorCode::CategoriesInvalid,
        DatasetError::IncidentNotFound => ErrorCode::IncidentNotFound,
        DatasetError::NotFound => ErrorCode::DatasetNotFound,
        DatasetError::WrongStatus(_) => ErrorCode::WrongStatus,
        DatasetError::SameAdmin => ErrorCode::SameAdmin,
        DatasetError::RejectedRowsNotAcknowledged => ErrorCode::RejectedNotAcknowledged,
        DatasetError::Busy(_) => ErrorCode::Busy,
        DatasetError::Storage(error) => {
            tracing::error!(%error, "dataset change failed");
            ErrorCode::Failed
        }
    }
}

/// An incident from the form's fields: the ticked standard categories and one free-text
/// line per extra category.
fn new_incident(fields: &IncidentFields) -> Result<NewIncident, DatasetError> {
    let mut list: Vec<Category> = Vec::new();
    for key in &fields.category {
        let standard = Standard::from_key(key).ok_or(CategoriesRejection::Empty)?;
        list.push(Category::standard(standard));
    }
    for (index, label) in free_lines(fields).enumerate() {
        list.push(Category::free(index + 1, label));
    }
    Ok(NewIncident {
        slug: Slug::parse(&fields.slug)?,
        details: details(fields, Categories::new(list)?)?,
    })
}

fn free_lines(fields: &IncidentFields) -> impl Iterator<Item = &str> {
    fields
        .free_categories
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
}

fn details(
    fields: &IncidentFields,
    categories: Categories,
) -> Result<IncidentDetails, DatasetError> {
    Ok(IncidentDetails {
        title: Localized::new(fields.title_ja.trim(), fields.title_en.trim()).map(str::to_owned),
        occurred_from: CalendarDate::parse_optional(&fields.occurred_from)?,
        occurred_to: CalendarDate::parse_optional(&fields.occurred_to)?,
        announced_on: CalendarDate::parse_optional(&fields.announced_on)?,
        categories,
        advice: Localized::new(fields.advice_ja.clone(), fields.advice_en.clone()),
    })
}

/// An edited incident from the form: its categories stay in their places (lists record
/// them by place), each standard one still ticked and each free one renamed by its line;
/// newly ticked standard ones and extra lines come after them. A category left out is
/// refused (by the core, which checks the places again).
fn edited_details(
    fields: &IncidentFields,
    before: &Categories,
) -> Result<IncidentDetails, DatasetError> {
    let free: Vec<&str> = free_lines(fields).collect();
    let mut list: Vec<Category> = Vec::new();
    let mut free_used = 0;
    for category in before.iter() {
        if Standard::from_key(&category.key).is_some() {
            if !fields.category.contains(&category.key) {
                return Err(CategoriesRejection::Removed.into());
            }
            list.push(category.clone());
        } else {
            let label = free.get(free_used).ok_or(CategoriesRejection::Removed)?;
            free_used += 1;
            list.push(Category {
                names: Category::free(free_used, label).names,
                ..category.clone()
            });
        }
    }
    for key in &fields.category {
        let standard = Standard::from_key(key).ok_or(CategoriesRejection::Empty)?;
        if !list.iter().any(|c| c.key == standard.key()) {
            list.push(Category::standard(standard));
        }
    }
    let free_keys = before
        .iter()
        .filter(|c| Standard::from_key(&c.key).is_none())
        .count();
    for (offset, label) in free[free_used..].iter().enumerate() {
        list.push(Category::free(free_keys + offset + 1, label));
    }
    details(fields, Categories::new(list)?)
}

/// Registers an incident. A refusal renders the page again with everything that was
/// typed (a redirect would lose two long pieces of advice to one mistyped short name).
pub async fn create_incident(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    parts: Parts,
    axum_extra::extract::Form(fields): axum_extra::extract::Form<IncidentFields>,
) -> Response {
    let admin = staff.admin();
    let created = match new_incident(&fields) {
        Ok(new) => incident::create(&admin, &state.database, new).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(_) => Back::to("/staff/incidents")
            .done(Done::Made)
            .into_response(),
        Err(DatasetError::Storage(error)) => {
            tracing::error!(%error, "could not register an incident");
            Back::to("/staff/incidents")
                .error(ErrorCode::Failed)
                .into_response()
        }
        Err(error) => form_again(&state, parts, fields, &error).await,
    }
}

/// The incident form refused: the page rendered again (422) with everything that was typed
/// and the reason (a redirect would lose two long pieces of advice to one mistyped field).
async fn form_again(
    state: &AppState,
    parts: Parts,
    fields: IncidentFields,
    error: &DatasetError,
) -> Response {
    let returned = Returned {
        fields,
        error: error_code(error),
    };
    let extra = move || provide_context(returned.clone());
    render_page(
        state,
        parts,
        extra,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        None,
    )
    .await
}

/// What the upload form carried. The file stays in memory: a plaintext list never
/// touches the disk.
#[derive(Default)]
struct Upload {
    incident: Option<i64>,
    mapping: Mapping,
    file: Vec<u8>,
}

enum UploadRefusal {
    Form,
    TooLarge,
    Missing,
}

async fn read_upload(mut form: Multipart, limit: usize) -> Result<Upload, UploadRefusal> {
    let mut upload = Upload::default();
    let mut header: Option<String> = None;
    let malformed = |_: MultipartError| UploadRefusal::Form;
    while let Some(mut field) = form.next_field().await.map_err(malformed)? {
        match field.name().unwrap_or_default() {
            "incident" => {
                let text = field.text().await.map_err(malformed)?;
                upload.incident = text.trim().parse().ok();
            }
            "map_header" => header = Some(field.text().await.map_err(malformed)?),
            "map_column" => {
                let choice = field.text().await.map_err(malformed)?;
                let Some(name) = header.take() else {
                    return Err(UploadRefusal::Form);
                };
                let column = match choice.trim() {
                    "ignore" => None,
                    key => Some(Column::from_key(key).ok_or(UploadRefusal::Form)?),
                };
                upload.mapping.insert(name.trim().to_owned(), column);
            }
            "file" => {
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        UploadRefusal::TooLarge
                    } else {
                        UploadRefusal::Form
                    }
                })? {
                    if upload.file.len() + chunk.len() > limit {
                        return Err(UploadRefusal::TooLarge);
                    }
                    upload.file.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
    }
    if upload.file.is_empty() {
        return Err(UploadRefusal::Missing);
    }
    Ok(upload)
}

/// Where to send the admin back to when an upload cannot start: the form, with the
/// reason, and for headers it could not place, each header so the form can ask about it.
fn back_to_form(incident: Option<i64>, error: &ImportError) -> Back {
    let mut back = Back::to("/staff/datasets/new");
    if let Some(id) = incident {
        back = back.with("incident", &id.to_string());
    }
    let code = match error {
        ImportError::Source(SourceError::UnknownEncoding {
            utf8_offset,
            shift_jis_offset,
        }) => {
            back = back
                .with("utf8", &utf8_offset.to_string())
                .with("sjis", &shift_jis_offset.to_string());
            ErrorCode::Encoding
        }
        ImportError::Source(SourceError::Empty) => ErrorCode::FileEmpty,
        ImportError::Source(SourceError::Io(_)) | ImportError::Csv(_) => ErrorCode::Csv,
        ImportError::Header(HeaderProblem::NoHeader) => ErrorCode::NoHeader,
        // A first row that looks like data is probably a customer, not a header: it is
        // not sent back (the URL would keep it in the browser's history).
        ImportError::Header(HeaderProblem::NoIdentifierColumn { headers })
            if headers.iter().any(|h| looks_like_data(h)) =>
        {
            ErrorCode::HeaderIsData
        }
        ImportError::Header(HeaderProblem::NoIdentifierColumn { headers }) => {
            for header in headers.iter().filter(|h| !h.is_empty()) {
                back = back.with("header", header);
            }
            ErrorCode::NoIdentifierColumn
        }
        ImportError::Header(HeaderProblem::Duplicate(_)) => ErrorCode::DuplicateColumn,
        ImportError::Stopped => ErrorCode::Failed,
        ImportError::Dataset(error) => error_code(error),
    };
    back.error(code)
}

pub async fn upload(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    // Rights first: a helpdesk account learns nothing about the form it sent.
    let admin = staff.admin();
    let Ok(form) = form else {
        return Back::to("/staff/datasets/new")
            .error(ErrorCode::UploadForm)
            .into_response();
    };
    let upload = match read_upload(form, state.datasets.upload_limit_bytes).await {
        Ok(upload) => upload,
        Err(refusal) => {
            let code = match refusal {
                UploadRefusal::Form => ErrorCode::UploadForm,
                UploadRefusal::TooLarge => ErrorCode::FileTooLarge,
                UploadRefusal::Missing => ErrorCode::FileMissing,
            };
            return Back::to("/staff/datasets/new").error(code).into_response();
        }
    };
    let Some(incident) = upload.incident else {
        return Back::to("/staff/datasets/new")
            .error(ErrorCode::IncidentNotFound)
            .into_response();
    };
    let started = state
        .importer
        .start(
            Uploader::admin(&admin),
            IncidentId(incident),
            upload.mapping,
            job::in_memory(upload.file),
        )
        .await;
    match started {
        Ok(started) => Back::to(format!("/staff/imports/{}", started.job.0)).into_response(),
        Err(error) => back_to_form(Some(incident), &error).into_response(),
    }
}

/// Changes an incident. A refusal renders the edit page again with what was typed.
pub async fn edit_incident(
    State(state): State<AppState>,
    staff: CurrentAdmin,
    Path(slug): Path<String>,
    parts: Parts,
    axum_extra::extract::Form(fields): axum_extra::extract::Form<IncidentFields>,
) -> Response {
    let admin = staff.admin();
    let page = format!("/staff/incidents/{slug}/edit");
    let found = match super::back::incident_named(&state.database, &slug, &page).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let updated = match edited_details(&fields, &found.categories) {
        Ok(details) => incident::update(&admin, &state.database, found.id, details).await,
        Err(error) => Err(error),
    };
    match updated {
        Ok(_) => {
            // The notice shows the incident's titles and dates: this replica's cache
            // now, the others within their refresh.
            state.notices.invalidate();
            Back::to(page).done(Done::Saved).into_response()
        }
        Err(DatasetError::Storage(error)) => {
            tracing::error!(%error, "could not change an incident");
            Back::to(page).error(ErrorCode::Failed).into_response()
        }
        Err(error) => form_again(&state, parts, fields, &error).await,
    }
}

/// A publishing step on one dataset.
#[derive(Clone, Copy)]
pub enum Step {
    Approve,
    Activate,
    RollBack,
    Retire,
}

impl Step {
    fn confirm(self) -> Confirm {
        match self {
            Step::Approve => Confirm::Approve,
            Step::Activate => Confirm::Activate,
            Step::RollBack => Confirm::RollBack,
            Step::Retire => Confirm::Retire,
        }
    }
}

/// The fields of a step's form: approving a list with rejected rows carries the
/// approver's acknowledgement of them; the second post of the step carries `confirmed`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepFields {
    acknowledge_rejected: Option<String>,
    confirmed: Option<String>,
}

pub fn step(step: Step) -> axum::routing::MethodRouter<AppState> {
    axum::routing::post(
        move |State(state): State<AppState>,
              staff: CurrentAdmin,
              Path(id): Path<i64>,
              fields: Result<Form<StepFields>, axum::extract::rejection::FormRejection>| async move {
            let admin = staff.admin();
            let fields = fields.map(|Form(fields)| fields).unwrap_or_default();
            let acknowledged = match fields.acknowledge_rejected.as_deref() {
                Some("yes") => lifecycle::Acknowledged::RejectedRows,
                _ => lifecycle::Acknowledged::Nothing,
            };
            let (db, id) = (&state.database, DatasetId(id));
            let page = format!("/staff/datasets/{}", id.0);
            // Every step asks once more: the first post changes nothing.
            if fields.confirmed.as_deref() != Some("yes") {
                let back = Back::to(page).confirm(step.confirm());
                return match acknowledged {
                    lifecycle::Acknowledged::RejectedRows => {
                        back.with("acknowledge_rejected", "yes")
                    }
                    lifecycle::Acknowledged::Nothing => back,
                }
                .into_response();
            }
            let done = match step {
                Step::Approve => {
                    lifecycle::approve(&admin, db, id, state.datasets.approval, acknowledged).await
                }
                Step::Activate => lifecycle::activate(&admin, db, id).await,
                Step::RollBack => lifecycle::roll_back_to(&admin, db, id).await,
                Step::Retire => lifecycle::retire(&admin, db, id).await,
            };
            // Built after the step: a `Back` is not `Send`, so it must not live across it.
            let back = Back::to(page);
            match done {
                Ok(()) => back.done(Done::Made),
                Err(error) => back.error(error_code(&error)),
            }
            .into_response()
        },
    )
}

/// The rejected rows of a dataset's import report as CSV, in the admin's language. It
/// names lines, columns and reasons; never a cell's content.
pub async fn rejected_csv(
    State(state): State<AppState>,
    _admin: CurrentAdmin,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let report = match job::report_of(&state.database, DatasetId(id)).await {
        Ok(Some(report)) => report,
        Ok(None) => {
            return Plain::NotFound.into_response();
        }
        Err(error) => {
            tracing::error!(%error, "could not read an import report");
            return Plain::ServerError.into_response();
        }
    };
    let locale = app::i18n::Locale::negotiate(&headers);
    let d = locale.strings().data;
    let csv = report.rejected_csv(
        [d.report_line, d.report_column, d.report_reason],
        |column| d.column(column).to_owned(),
        |reason| d.reason(reason),
    );
    // A BOM, so that Excel in Japan opens the UTF-8 file as UTF-8.
    let body = format!("\u{FEFF}{csv}");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dataset-{id}-rejected.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}
