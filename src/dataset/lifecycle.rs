//! Moving a dataset through its life, each step by an admin and on the record. The audit
//! entry of a step carries the row count and the content fingerprint, and commits with the
//! step itself.

use super::incident::IncidentId;
use super::{DatasetError, DatasetId, Status};
use crate::audit::Action;
use crate::audit::{self, Actor, NewEntry};
use crate::staff::StaffId;
use crate::staff::admin::Admin;
use crate::storage::{Database, WriteTx};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

/// Whether approval needs a second admin. On by default; a deployment with a single admin
/// turns it off knowingly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApprovalPolicy {
    pub two_person: bool,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        Self { two_person: true }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub id: DatasetId,
    pub incident_id: IncidentId,
    pub status: Status,
    pub profile: String,
    pub has_phone: bool,
    pub row_count: i64,
    /// Hex SHA-256 over the sorted digests, once the import is complete.
    pub fingerprint: Option<String>,
    /// `None` for a list imported from the command line.
    pub uploaded_by: Option<StaffId>,
    pub approved_by: Option<StaffId>,
    pub activated_by: Option<StaffId>,
    pub created_at: i64,
    pub approved_at: Option<i64>,
    pub activated_at: Option<i64>,
    pub retired_at: Option<i64>,
}

const COLUMNS: &str = "id, incident_id, status, profile, has_phone, row_count, fingerprint, \
                       uploaded_by, approved_by, activated_by, created_at, approved_at, \
                       activated_at, retired_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Dataset, DatasetError> {
    let status: String = row.try_get("status")?;
    Ok(Dataset {
        id: DatasetId(row.try_get("id")?),
        incident_id: IncidentId(row.try_get("incident_id")?),
        status: Status::parse(&status).ok_or(DatasetError::Storage(
            crate::storage::StorageError::Corrupt("unknown dataset status"),
        ))?,
        profile: row.try_get("profile")?,
        has_phone: row.try_get::<i64, _>("has_phone")? != 0,
        row_count: row.try_get("row_count")?,
        fingerprint: row
            .try_get::<Option<Vec<u8>>, _>("fingerprint")?
            .map(hex::encode),
        uploaded_by: row.try_get::<Option<i64>, _>("uploaded_by")?.map(StaffId),
        approved_by: row.try_get::<Option<i64>, _>("approved_by")?.map(StaffId),
        activated_by: row.try_get::<Option<i64>, _>("activated_by")?.map(StaffId),
        created_at: row.try_get("created_at")?,
        approved_at: row.try_get("approved_at")?,
        activated_at: row.try_get("activated_at")?,
        retired_at: row.try_get("retired_at")?,
    })
}

pub async fn find(db: &Database, id: DatasetId) -> Result<Option<Dataset>, DatasetError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM datasets WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(db: &Database, incident: IncidentId) -> Result<Vec<Dataset>, DatasetError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM datasets WHERE incident_id = $1 ORDER BY id DESC"
    ))
    .bind(incident.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The dataset as it is inside `tx`, which from here on holds its row for the step.
async fn locked(tx: &mut WriteTx, id: DatasetId) -> Result<Dataset, DatasetError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM datasets WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DatasetError::NotFound)?;
    from_row(&row)
}

fn entry(admin: &Admin<'_>, action: Action, dataset: &Dataset) -> NewEntry {
    NewEntry {
        actor: Actor::Staff(admin.staff_id().0),
        action,
        subject: None,
        detail: json!({
            "dataset_id": dataset.id.0,
            "incident_id": dataset.incident_id.0,
            "rows": dataset.row_count,
            "fingerprint": dataset.fingerprint,
        }),
    }
}

/// What the approver said they had seen, beyond the list itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acknowledged {
    Nothing,
    /// The import refused rows (customers the list will not answer for): approving such a
    /// list is a decision, made knowingly and recorded.
    RejectedRows,
}

/// Rows the dataset's import refused, from its stored report.
async fn rejected_rows(tx: &mut WriteTx, id: DatasetId) -> Result<u64, DatasetError> {
    let report: Option<String> = sqlx::query_scalar("SELECT report FROM datasets WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    let report: Option<crate::import::report::ImportReport> =
        report.and_then(|json| serde_json::from_str(&json).ok());
    Ok(report.map_or(0, |report| report.rejected_rows))
}

/// Draft → approved, by an admin other than the uploader (unless the policy says one
/// person may do both). A list whose import refused rows needs the approver's
/// acknowledgement, which the audit entry records with the count.
pub async fn approve(
    admin: &Admin<'_>,
    db: &Database,
    id: DatasetId,
    policy: ApprovalPolicy,
    acknowledged: Acknowledged,
) -> Result<(), DatasetError> {
    let mut tx = db.begin_write().await?;
    let dataset = locked(&mut tx, id).await?;
    if dataset.status != Status::Draft {
        return Err(DatasetError::WrongStatus(dataset.status));
    }
    if policy.two_person && dataset.uploaded_by == Some(admin.staff_id()) {
        return Err(DatasetError::SameAdmin);
    }
    let rejected = rejected_rows(&mut tx, id).await?;
    if rejected > 0 && acknowledged != Acknowledged::RejectedRows {
        return Err(DatasetError::RejectedRowsNotAcknowledged);
    }
    sqlx::query(
        "UPDATE datasets SET status = $1, approved_by = $2, approved_at = $3 \
         WHERE id = $4 AND status = $5",
    )
    .bind(Status::Approved.as_str())
    .bind(admin.staff_id().0)
    .bind(crate::now_millis())
    .bind(id.0)
    .bind(Status::Draft.as_str())
    .execute(&mut *tx)
    .await?;
    let mut entry = entry(admin, Action::DatasetApproved, &dataset);
    entry.detail["rejected_rows"] = json!(rejected);
    entry.detail["rejected_rows_acknowledged"] = json!(rejected > 0);
    audit::commit_with(tx, entry).await?;
    Ok(())
}

/// Makes `dataset` the incident's active list, retiring the one that was active. Approved
/// datasets are activated; retired ones are rolled back to.
async fn make_active(
    admin: &Admin<'_>,
    db: &Database,
    id: DatasetId,
    from: Status,
    action: Action,
) -> Result<(), DatasetError> {
    let now = crate::now_millis();
    let mut tx = db.begin_write().await?;
    let dataset = locked(&mut tx, id).await?;
    if dataset.status != from {
        return Err(DatasetError::WrongStatus(dataset.status));
    }
    sqlx::query(
        "UPDATE dataset_publications SET withdrawn_at = $1 WHERE withdrawn_at IS NULL \
         AND dataset_id IN (SELECT id FROM datasets WHERE incident_id = $2 AND status = $3)",
    )
    .bind(now)
    .bind(dataset.incident_id.0)
    .bind(Status::Active.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE datasets SET status = $1, retired_at = $2 \
         WHERE incident_id = $3 AND status = $4",
    )
    .bind(Status::Retired.as_str())
    .bind(now)
    .bind(dataset.incident_id.0)
    .bind(Status::Active.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE datasets SET status = $1, activated_by = $2, activated_at = $3, \
         retired_at = NULL WHERE id = $4",
    )
    .bind(Status::Active.as_str())
    .bind(admin.staff_id().0)
    .bind(now)
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO dataset_publications (dataset_id, published_at) VALUES ($1, $2)")
        .bind(id.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit::commit_with(tx, entry(admin, action, &dataset)).await?;
    Ok(())
}

/// Approved → active; the incident's previous active list retires in the same step.
pub async fn activate(admin: &Admin<'_>, db: &Database, id: DatasetId) -> Result<(), DatasetError> {
    make_active(admin, db, id, Status::Approved, Action::DatasetActivated).await
}

/// Retired → active again (a rollback); whatever was active retires.
pub async fn roll_back_to(
    admin: &Admin<'_>,
    db: &Database,
    id: DatasetId,
) -> Result<(), DatasetError> {
    make_active(admin, db, id, Status::Retired, Action::DatasetRolledBack).await
}

/// Active → retired, leaving the incident with no active list.
pub async fn retire(admin: &Admin<'_>, db: &Database, id: DatasetId) -> Result<(), DatasetError> {
    let mut tx = db.begin_write().await?;
    let dataset = locked(&mut tx, id).await?;
    if dataset.status != Status::Active {
        return Err(DatasetError::WrongStatus(dataset.status));
    }
    let now = crate::now_millis();
    sqlx::query("UPDATE datasets SET status = $1, retired_at = $2 WHERE id = $3")
        .bind(Status::Retired.as_str())
        .bind(now)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE dataset_publications SET withdrawn_at = $1 \
         WHERE dataset_id = $2 AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    audit::commit_with(tx, entry(admin, Action::DatasetRetired, &dataset)).await?;
    Ok(())
}

/// What publishing a list (or rolling back to it) would change for the public, counted in
/// contract numbers, against the incident's list published now: the numbers only the new
/// list has start to be answered "affected", those only the old one has stop. Asked before
/// an admin confirms the step; nothing is changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePreview {
    /// Contract numbers the list names.
    pub listed: u64,
    pub replaces: Option<Replaced>,
}

/// The list a publication would replace, and how the two differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replaced {
    pub dataset: DatasetId,
    pub listed: u64,
    /// `None` when the two lists were hashed differently: their digests cannot be compared.
    pub difference: Option<Difference>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// In the new list only: they start to be answered "affected".
    pub added: u64,
    /// In the published list only: they stop being answered "affected".
    pub removed: u64,
}

pub async fn preview(
    _admin: &Admin<'_>,
    db: &Database,
    id: DatasetId,
) -> Result<ChangePreview, DatasetError> {
    let dataset = find(db, id).await?.ok_or(DatasetError::NotFound)?;
    let listed = contracts_in(db, id).await?;
    let published = sqlx::query(
        "SELECT id, profile FROM datasets WHERE incident_id = $1 AND status = $2 AND id <> $3",
    )
    .bind(dataset.incident_id.0)
    .bind(Status::Active.as_str())
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?;
    let replaces = match published {
        None => None,
        Some(row) => {
            let old = DatasetId(row.try_get(0)?);
            let profile: String = row.try_get(1)?;
            let difference = if profile == dataset.profile {
                Some(Difference {
                    added: only_in(db, id, old).await?,
                    removed: only_in(db, old, id).await?,
                })
            } else {
                None
            };
            Some(Replaced {
                dataset: old,
                listed: contracts_in(db, old).await?,
                difference,
            })
        }
    };
    Ok(ChangePreview { listed, replaces })
}

async fn contracts_in(db: &Database, id: DatasetId) -> Result<u64, DatasetError> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM affected WHERE dataset_id = $1 AND kind = $2")
            .bind(id.0)
            .bind(crate::identifier::Kind::Contract.as_str())
            .fetch_one(db.pool())
            .await?;
    Ok(count.unsigned_abs())
}

/// Contract numbers `list` names and `other` does not.
async fn only_in(db: &Database, list: DatasetId, other: DatasetId) -> Result<u64, DatasetError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM affected a WHERE a.dataset_id = $1 AND a.kind = $3 \
         AND NOT EXISTS (SELECT 1 FROM affected b WHERE b.dataset_id = $2 \
         AND b.kind = a.kind AND b.digest = a.digest)",
    )
    .bind(list.0)
    .bind(other.0)
    .bind(crate::identifier::Kind::Contract.as_str())
    .fetch_one(db.pool())
    .await?;
    Ok(count.unsigned_abs())
}
