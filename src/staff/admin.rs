//! What only admins may do to staff accounts. Every function takes an [`Admin`] proof,
//! which only [`SignedIn::as_admin`] can make: code that lacks admin rights cannot call
//! these at all. Each change is audited with the acting admin.

use super::password;
use super::policy::{NewPassword, PasswordRejection};
use super::sign_in::SignedIn;
use super::store::{self, NewStaff, StaffError};
use super::totp::TotpSecret;
use super::{DisplayName, EmailRejection, NameRejection, Role, StaffEmail, StaffId, StaffSummary};
use crate::audit::Action;
use crate::audit::{self, Actor, NewEntry};
use crate::hashing_pool::{Busy, HashingPool};
use crate::storage::{Database, StorageError, WriteTx};
use serde_json::json;

/// Proof that the caller is a signed-in, enabled admin.
pub struct Admin<'a>(&'a SignedIn);

impl SignedIn {
    pub fn as_admin(&self) -> Option<Admin<'_>> {
        (self.role() == Role::Admin).then_some(Admin(self))
    }
}

impl Admin<'_> {
    pub fn staff_id(&self) -> StaffId {
        self.0.staff_id()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Email(#[from] EmailRejection),
    #[error(transparent)]
    Name(#[from] NameRejection),
    #[error(transparent)]
    Password(#[from] PasswordRejection),
    #[error("an admin cannot disable their own account")]
    DisableSelf,
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Busy(#[from] Busy),
}

impl From<StorageError> for AdminError {
    fn from(error: StorageError) -> Self {
        AdminError::Staff(StaffError::Storage(error))
    }
}

fn entry(admin: &Admin<'_>, action: Action, detail: serde_json::Value) -> NewEntry {
    NewEntry {
        actor: Actor::Staff(admin.staff_id().0),
        action,
        subject: None,
        detail,
    }
}

/// Appends the audit entry that records a change to the change's own transaction.
async fn record(
    tx: WriteTx,
    admin: &Admin<'_>,
    action: Action,
    detail: serde_json::Value,
) -> Result<(), AdminError> {
    audit::commit_with(tx, entry(admin, action, detail)).await?;
    Ok(())
}

pub async fn list(_admin: &Admin<'_>, db: &Database) -> Result<Vec<StaffSummary>, AdminError> {
    Ok(store::list(db).await?)
}

/// Creates an account; the TOTP secret is returned once, for enrolment.
pub async fn add(
    admin: &Admin<'_>,
    db: &Database,
    pool: &HashingPool,
    email: &str,
    name: &str,
    role: Role,
    initial_password: &str,
) -> Result<(StaffId, TotpSecret), AdminError> {
    let email = StaffEmail::parse(email)?;
    let display_name = DisplayName::parse(name)?;
    let password = NewPassword::parse(initial_password, &email)?;
    let password_hash = password::hash(pool, password).await?;
    let totp_secret = TotpSecret::generate();
    let mut tx = db.begin_write().await?;
    let id = store::create(
        &mut tx,
        NewStaff {
            email,
            display_name,
            role,
            password_hash,
            totp_secret: totp_secret.clone(),
        },
    )
    .await?;
    record(
        tx,
        admin,
        Action::StaffCreated,
        json!({ "staff_id": id.0, "role": role.as_str() }),
    )
    .await?;
    Ok((id, totp_secret))
}

pub async fn set_disabled(
    admin: &Admin<'_>,
    db: &Database,
    target: StaffId,
    disabled: bool,
) -> Result<(), AdminError> {
    if disabled && target == admin.staff_id() {
        return Err(AdminError::DisableSelf);
    }
    let mut tx = db.begin_write().await?;
    store::set_disabled(&mut tx, target, disabled).await?;
    let action = if disabled {
        Action::StaffDisabled
    } else {
        Action::StaffEnabled
    };
    record(tx, admin, action, json!({ "staff_id": target.0 })).await
}

pub async fn set_role(
    admin: &Admin<'_>,
    db: &Database,
    target: StaffId,
    role: Role,
) -> Result<(), AdminError> {
    let mut tx = db.begin_write().await?;
    store::set_role(&mut tx, target, role).await?;
    let detail = json!({ "staff_id": target.0, "role": role.as_str() });
    record(tx, admin, Action::StaffRoleChanged, detail).await
}

/// Sets a new password for another account (its sessions end).
pub async fn reset_password(
    admin: &Admin<'_>,
    db: &Database,
    pool: &HashingPool,
    target: StaffId,
    new_password: &str,
) -> Result<(), AdminError> {
    let staff = store::find(db, target).await?.ok_or(StaffError::NotFound)?;
    let email = StaffEmail::parse(&staff.email)?;
    let password = NewPassword::parse(new_password, &email)?;
    let hash = password::hash(pool, password).await?;
    let mut tx = db.begin_write().await?;
    store::set_password(&mut tx, target, &hash).await?;
    record(
        tx,
        admin,
        Action::StaffPasswordReset,
        json!({ "staff_id": target.0 }),
    )
    .await
}

/// The enrolment of an account that has never signed in: its email and TOTP secret, for
/// the admin to hand over. `None` once the account has signed in; viewing is audited.
pub async fn enrolment(
    admin: &Admin<'_>,
    db: &Database,
    target: StaffId,
) -> Result<Option<(String, TotpSecret)>, AdminError> {
    let staff = store::find(db, target).await?.ok_or(StaffError::NotFound)?;
    if staff.last_login_at.is_some() {
        return Ok(None);
    }
    audit::append(
        db,
        entry(
            admin,
            Action::StaffEnrolmentViewed,
            json!({ "staff_id": target.0 }),
        ),
    )
    .await?;
    Ok(Some((staff.email, staff.totp_secret)))
}

/// The audit log, for admins.
pub async fn audit_entries(
    _admin: &Admin<'_>,
    db: &Database,
    filter: &audit::Filter,
) -> Result<Vec<audit::Listed>, crate::storage::StorageError> {
    audit::recent(db, filter).await
}

/// Walks the audit chain, for admins.
pub async fn verify_audit(
    _admin: &Admin<'_>,
    db: &Database,
) -> Result<audit::Verification, AdminError> {
    Ok(audit::verify(db).await?)
}
