//! Incidents: the breach a dataset and a notice belong to.

use super::DatasetError;
use super::category::{Categories, CategoriesRejection};
use super::incident_limits::{ADVICE_MAX, SLUG_MAX, SLUG_MIN, TITLE_MAX};
use crate::audit::Action;
use crate::audit::{self, Actor, NewEntry};
use crate::locale::Localized;
use crate::staff::admin::Admin;
use crate::storage::Database;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IncidentId(pub i64);

/// The URL name of an incident: 3 to 64 of a-z, 0-9 and inner hyphens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, DatasetError> {
        let slug = input.trim().to_lowercase();
        let valid = (SLUG_MIN..=SLUG_MAX).contains(&slug.len())
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-');
        if valid {
            Ok(Self(slug))
        } else {
            Err(DatasetError::SlugInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarDate(String);

impl CalendarDate {
    /// `None` for an empty field; an error for anything that is not a real date.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, DatasetError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let layout = time::macros::format_description!("[year]-[month]-[day]");
        // Exactly `YYYY-MM-DD`: no sign, no wider year.
        if input.len() != 10 || time::Date::parse(input, layout).is_err() {
            return Err(DatasetError::DateInvalid);
        }
        Ok(Some(Self(input.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug)]
pub struct NewIncident {
    pub slug: Slug,
    pub details: IncidentDetails,
}

/// What an incident says, which an admin may change after registering it.
#[derive(Clone, Debug)]
pub struct IncidentDetails {
    pub title: Localized<String>,
    pub occurred_from: Option<CalendarDate>,
    pub occurred_to: Option<CalendarDate>,
    pub announced_on: Option<CalendarDate>,
    pub categories: Categories,
    /// What an affected customer should do now (plain text; may be empty).
    pub advice: Localized<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub slug: String,
    pub title: Localized<String>,
    pub occurred_from: Option<String>,
    pub occurred_to: Option<String>,
    pub announced_on: Option<String>,
    pub categories: Categories,
    pub advice: Localized<String>,
    pub created_at: i64,
}

fn advice(input: &str) -> Result<String, DatasetError> {
    let advice = input.trim().replace("\r\n", "\n");
    if advice.chars().count() > ADVICE_MAX {
        return Err(DatasetError::AdviceTooLong);
    }
    Ok(advice)
}

fn title(input: &str) -> Result<String, DatasetError> {
    let title = input.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(DatasetError::TitleInvalid);
    }
    Ok(title.to_owned())
}

impl NewIncident {
    /// Checks the titles; the other fields are already parsed.
    pub fn titled(mut self) -> Result<Self, DatasetError> {
        self.details = self.details.checked()?;
        Ok(self)
    }
}

impl IncidentDetails {
    fn checked(mut self) -> Result<Self, DatasetError> {
        self.title = self.title.try_map(|t| title(&t))?;
        self.advice = self.advice.try_map(|a| advice(&a))?;
        if let (Some(from), Some(to)) = (&self.occurred_from, &self.occurred_to)
            && from.as_str() > to.as_str()
        {
            return Err(DatasetError::DateOrder);
        }
        Ok(self)
    }

    /// The names of the fields (as the audit entry lists them) in which `self` differs
    /// from `incident`.
    fn changed_from(&self, incident: &Incident) -> Vec<&'static str> {
        let date = |d: &Option<CalendarDate>| d.as_ref().map(|d| d.as_str().to_owned());
        [
            ("title", self.title != incident.title),
            (
                "dates",
                date(&self.occurred_from) != incident.occurred_from
                    || date(&self.occurred_to) != incident.occurred_to
                    || date(&self.announced_on) != incident.announced_on,
            ),
            ("categories", self.categories != incident.categories),
            ("advice", self.advice != incident.advice),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
    }
}

/// Changes what an incident says (everything but its slug, which URLs and the feed name
/// it by), audited with the fields changed. Categories may be renamed and added, never
/// removed or moved (see [`Categories::extends`]). Answers and the notice read the
/// incident when they are made, so they say the new text from now on.
pub async fn update(
    admin: &Admin<'_>,
    db: &Database,
    id: IncidentId,
    details: IncidentDetails,
) -> Result<Vec<&'static str>, DatasetError> {
    let details = details.checked()?;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM incidents WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(storage)?
        .ok_or(DatasetError::IncidentNotFound)?;
    let incident = from_row(&row)?;
    if !details.categories.extends(&incident.categories) {
        return Err(CategoriesRejection::Removed.into());
    }
    let changed = details.changed_from(&incident);
    if changed.is_empty() {
        return Ok(changed);
    }
    let query = sqlx::query(
        "UPDATE incidents SET title_ja = $1, title_en = $2, occurred_from = $3, \
         occurred_to = $4, announced_on = $5, categories = $6, advice_ja = $7, advice_en = $8 \
         WHERE id = $9",
    );
    bind_details(query, &details)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
    let entry = NewEntry {
        actor: Actor::Staff(admin.staff_id().0),
        action: Action::IncidentUpdated,
        subject: None,
        detail: json!({
            "incident_id": id.0,
            "slug": incident.slug,
            "changed": changed.join(", "),
        }),
    };
    audit::commit_with(tx, entry).await?;
    Ok(changed)
}

pub async fn create(
    admin: &Admin<'_>,
    db: &Database,
    incident: NewIncident,
) -> Result<IncidentId, DatasetError> {
    let NewIncident { slug, details } = incident.titled()?;
    let mut tx = db.begin_write().await?;
    let query = sqlx::query(
        "INSERT INTO incidents (title_ja, title_en, occurred_from, occurred_to, \
         announced_on, categories, advice_ja, advice_en, slug, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    );
    let row = bind_details(query, &details)
        .bind(slug.as_str())
        .bind(admin.staff_id().0)
        .bind(crate::now_millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => DatasetError::SlugTaken,
            _ => DatasetError::from(crate::storage::StorageError::from(e)),
        })?;
    let id: i64 = row.try_get(0).map_err(storage)?;
    let entry = NewEntry {
        actor: Actor::Staff(admin.staff_id().0),
        action: Action::IncidentCreated,
        subject: None,
        detail: json!({ "incident_id": id, "slug": slug.as_str() }),
    };
    audit::commit_with(tx, entry).await?;
    Ok(IncidentId(id))
}

/// `query` with an incident's details bound as `$1` to `$8`: title_ja, title_en,
/// occurred_from, occurred_to, announced_on, categories (JSON), advice_ja, advice_en.
fn bind_details<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    details: &'q IncidentDetails,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let categories = serde_json::to_string(&details.categories).expect("categories serialise");
    query
        .bind(&details.title.ja)
        .bind(&details.title.en)
        .bind(details.occurred_from.as_ref().map(CalendarDate::as_str))
        .bind(details.occurred_to.as_ref().map(CalendarDate::as_str))
        .bind(details.announced_on.as_ref().map(CalendarDate::as_str))
        .bind(categories)
        .bind(&details.advice.ja)
        .bind(&details.advice.en)
}

const COLUMNS: &str = "id, slug, title_ja, title_en, occurred_from, occurred_to, announced_on, \
                       categories, advice_ja, advice_en, created_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Incident, DatasetError> {
    let categories: String = row.try_get("categories").map_err(storage)?;
    Ok(Incident {
        id: IncidentId(row.try_get("id").map_err(storage)?),
        slug: row.try_get("slug").map_err(storage)?,
        title: Localized::new(
            row.try_get("title_ja").map_err(storage)?,
            row.try_get("title_en").map_err(storage)?,
        ),
        occurred_from: row.try_get("occurred_from").map_err(storage)?,
        occurred_to: row.try_get("occurred_to").map_err(storage)?,
        announced_on: row.try_get("announced_on").map_err(storage)?,
        categories: serde_json::from_str(&categories).map_err(|_| {
            DatasetError::Storage(crate::storage::StorageError::Corrupt(
                "an incident's categories are not valid JSON",
            ))
        })?,
        advice: Localized::new(
            row.try_get("advice_ja").map_err(storage)?,
            row.try_get("advice_en").map_err(storage)?,
        ),
        created_at: row.try_get("created_at").map_err(storage)?,
    })
}

fn storage(error: sqlx::Error) -> DatasetError {
    DatasetError::Storage(error.into())
}

pub async fn list(db: &Database) -> Result<Vec<Incident>, DatasetError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM incidents ORDER BY created_at DESC"
    ))
    .fetch_all(db.pool())
    .await
    .map_err(storage)?;
    rows.iter().map(from_row).collect()
}

pub async fn find(db: &Database, id: IncidentId) -> Result<Option<Incident>, DatasetError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM incidents WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db.pool())
        .await
        .map_err(storage)?;
    row.as_ref().map(from_row).transpose()
}

/// An incident and whether its notice is published, in one read: an answer shows each of
/// its incidents with a link to the notice where there is one, and every lookup answers.
pub async fn find_with_notice(
    db: &Database,
    id: IncidentId,
) -> Result<Option<(Incident, bool)>, DatasetError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, (SELECT published_revision FROM notices \
         WHERE notices.incident_id = incidents.id) AS notice_published \
         FROM incidents WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db.pool())
    .await
    .map_err(storage)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let published: Option<i64> = row.try_get("notice_published").map_err(storage)?;
    Ok(Some((from_row(&row)?, published.is_some())))
}

pub async fn find_by_slug(db: &Database, slug: &str) -> Result<Option<Incident>, DatasetError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM incidents WHERE slug = $1"))
        .bind(slug.trim().to_lowercase())
        .fetch_optional(db.pool())
        .await
        .map_err(storage)?;
    row.as_ref().map(from_row).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_dates_are_checked() {
        assert!(Slug::parse("2025-order-system").is_ok());
        for bad in ["ab", "-abc", "abc-", "a b c", "日本語", &"a".repeat(65)] {
            assert!(
                matches!(Slug::parse(bad), Err(DatasetError::SlugInvalid)),
                "{bad}"
            );
        }
        assert_eq!(CalendarDate::parse_optional("").unwrap(), None);
        assert!(
            CalendarDate::parse_optional("2024-02-29")
                .unwrap()
                .is_some()
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-1-01",
            "25-01-01",
            "2025/01/01",
            "2025-04-31",
            "2025-00-10",
            "+2025-01-01",
            "２０２５-01-01",
        ] {
            assert!(
                matches!(
                    CalendarDate::parse_optional(bad),
                    Err(DatasetError::DateInvalid)
                ),
                "{bad}"
            );
        }
    }
}
