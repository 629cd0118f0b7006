//! Staff records in the database.

use super::password::PasswordHash;
use super::totp::TotpSecret;
use super::{DisplayName, Role, StaffEmail, StaffId, StaffSummary};
use crate::now_millis;
use crate::storage::{Database, StorageError, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A staff member as stored. Carries secrets, so it stays on the server: pages get
/// [`StaffSummary`].
#[derive(Clone, Debug)]
pub struct StaffRecord {
    pub id: StaffId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: PasswordHash,
    pub totp_secret: TotpSecret,
    pub totp_last_step: i64,
    /// A secret being re-enrolled, and until when (Unix ms) it may be confirmed.
    pub totp_pending: Option<(TotpSecret, i64)>,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

impl StaffRecord {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

impl From<&StaffRecord> for StaffSummary {
    fn from(record: &StaffRecord) -> Self {
        Self {
            id: record.id,
            email: record.email.clone(),
            display_name: record.display_name.clone(),
            role: record.role,
            disabled: record.disabled_at.is_some(),
            created_at: record.created_at,
            last_login_at: record.last_login_at,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("a staff member with this email already exists")]
    EmailTaken,
    #[error("no such staff member")]
    NotFound,
    #[error("this would leave no active admin")]
    LastAdmin,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for StaffError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StaffError::EmailTaken,
            _ => StaffError::Storage(error.into()),
        }
    }
}

pub struct NewStaff {
    pub email: StaffEmail,
    pub display_name: DisplayName,
    pub role: Role,
    pub password_hash: PasswordHash,
    pub totp_secret: TotpSecret,
}

const COLUMNS: &str = "id, email, display_name, role, password_hash, totp_secret, \
                       totp_last_step, totp_pending_secret, totp_pending_until, \
                       disabled_at, created_at, last_login_at";

fn from_row(row: &AnyRow) -> Result<StaffRecord, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(StaffRecord {
        id: StaffId(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| sqlx::Error::Decode("unknown role".into()))?,
        password_hash: PasswordHash::from_stored(row.try_get("password_hash")?),
        totp_secret: TotpSecret::from_stored(row.try_get("totp_secret")?),
        totp_last_step: row.try_get("totp_last_step")?,
        totp_pending: match (
            row.try_get::<Option<Vec<u8>>, _>("totp_pending_secret")?,
            row.try_get::<Option<i64>, _>("totp_pending_until")?,
        ) {
            (Some(secret), Some(until)) => Some((TotpSecret::from_stored(secret), until)),
            _ => None,
        },
        disabled_at: row.try_get("disabled_at")?,
        created_at: row.try_get("created_at")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

// The functions that change a record take the caller's write transaction, so the caller
// can append the audit entry to the same transaction (`audit::commit_with`): a change is
// never on record without having happened, nor happened without being on record.

pub async fn create(tx: &mut WriteTx, staff: NewStaff) -> Result<StaffId, StaffError> {
    let now = now_millis();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO staff (email, display_name, role, password_hash, totp_secret, \
         created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(staff.email.as_str())
    .bind(staff.display_name.as_str())
    .bind(staff.role.as_str())
    .bind(staff.password_hash.as_stored())
    .bind(staff.totp_secret.as_stored().to_vec())
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(StaffId(id))
}

pub async fn find_by_email(
    db: &Database,
    email: &StaffEmail,
) -> Result<Option<StaffRecord>, StaffError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM staff WHERE email = $1"))
        .bind(email.as_str())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn find(db: &Database, id: StaffId) -> Result<Option<StaffRecord>, StaffError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM staff WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn list(db: &Database) -> Result<Vec<StaffSummary>, StaffError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM staff ORDER BY email"))
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| Ok(StaffSummary::from(&from_row(row)?)))
        .collect()
}

/// Disables or enables an account. Disabling ends its sessions and is refused for the last
/// active admin.
pub async fn set_disabled(tx: &mut WriteTx, id: StaffId, disabled: bool) -> Result<(), StaffError> {
    if disabled {
        refuse_if_last_admin(tx, id).await?;
    }
    let changed = sqlx::query("UPDATE staff SET disabled_at = $1 WHERE id = $2")
        .bind(disabled.then(now_millis))
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    if changed.rows_affected() == 0 {
        return Err(StaffError::NotFound);
    }
    if disabled {
        end_sessions(tx, id).await?;
    }
    Ok(())
}

/// Replaces the password and ends every session of the account.
pub async fn set_password(
    tx: &mut WriteTx,
    id: StaffId,
    hash: &PasswordHash,
) -> Result<(), StaffError> {
    let changed =
        sqlx::query("UPDATE staff SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(hash.as_stored())
            .bind(now_millis())
            .bind(id.0)
            .execute(&mut **tx)
            .await?;
    if changed.rows_affected() == 0 {
        return Err(StaffError::NotFound);
    }
    end_sessions(tx, id).await?;
    Ok(())
}

/// Changes the role; refused when it would leave no active admin.
pub async fn set_role(tx: &mut WriteTx, id: StaffId, role: Role) -> Result<(), StaffError> {
    if role != Role::Admin {
        refuse_if_last_admin(tx, id).await?;
    }
    let changed = sqlx::query("UPDATE staff SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    if changed.rows_affected() == 0 {
        return Err(StaffError::NotFound);
    }
    Ok(())
}

/// Claims `step` of the current secret (as [`claim_totp_step`] does) and, in the same
/// statement, parks `pending` until `until`. False if the step was already used.
pub async fn begin_totp_reenrolment(
    tx: &mut WriteTx,
    id: StaffId,
    step: i64,
    pending: &TotpSecret,
    until: i64,
) -> Result<bool, StaffError> {
    let claimed = sqlx::query(
        "UPDATE staff SET totp_last_step = $1, totp_pending_secret = $2, \
         totp_pending_until = $3 WHERE id = $4 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(pending.as_stored().to_vec())
    .bind(until)
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Makes the pending secret the account's secret, if it is still pending and unexpired.
/// `step` (the one its confirming code used) becomes the last used step, unless an older
/// secret's step is later, so the confirming code cannot be replayed at sign-in.
pub async fn complete_totp_reenrolment(
    tx: &mut WriteTx,
    id: StaffId,
    step: i64,
) -> Result<bool, StaffError> {
    let done = sqlx::query(
        "UPDATE staff SET totp_secret = totp_pending_secret, \
         totp_last_step = CASE WHEN totp_last_step > $1 THEN totp_last_step ELSE $1 END, \
         totp_pending_secret = NULL, totp_pending_until = NULL \
         WHERE id = $2 AND totp_pending_secret IS NOT NULL AND totp_pending_until > $3",
    )
    .bind(step)
    .bind(id.0)
    .bind(now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that a TOTP step was used. Atomic, so two requests racing with the same code
/// cannot both succeed: only the one that moves `totp_last_step` forward wins.
pub async fn claim_totp_step(db: &Database, id: StaffId, step: i64) -> Result<bool, StaffError> {
    let claimed = sqlx::query(
        "UPDATE staff SET totp_last_step = $1, last_login_at = $2 \
         WHERE id = $3 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(now_millis())
    .bind(id.0)
    .execute(db.pool())
    .await?;
    Ok(claimed.rows_affected() == 1)
}

async fn refuse_if_last_admin(tx: &mut WriteTx, id: StaffId) -> Result<(), StaffError> {
    let other_admins: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1",
    )
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    let is_active_admin: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled_at IS NULL AND id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    if is_active_admin > 0 && other_admins == 0 {
        return Err(StaffError::LastAdmin);
    }
    Ok(())
}

async fn end_sessions(tx: &mut WriteTx, id: StaffId) -> Result<(), StaffError> {
    sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
