//! What signed-in staff may do to their own account. Each function takes the caller's
//! [`SignedIn`] proof and acts only on that account.

use super::policy::{NewPassword, PasswordRejection};
use super::sign_in::SignedIn;
use super::store::{self, StaffError};
use super::{EmailRejection, StaffEmail, password};
use crate::audit::{self, Actor, NewEntry};
use crate::hashing_pool::{Busy, HashingPool};
use crate::storage::{Database, StorageError};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the current password is wrong")]
    WrongPassword,
    #[error(transparent)]
    Password(#[from] PasswordRejection),
    #[error(transparent)]
    Email(#[from] EmailRejection),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Busy(#[from] Busy),
}

impl From<StorageError> for AccountError {
    fn from(error: StorageError) -> Self {
        AccountError::Staff(StaffError::Storage(error))
    }
}

/// Replaces the caller's password after checking the current one. Every session of the
/// account ends, this one included: the caller signs in again with the new password.
pub async fn change_password(
    me: &SignedIn,
    db: &Database,
    pool: &HashingPool,
    current: String,
    new_password: &str,
) -> Result<(), AccountError> {
    let staff = store::find(db, me.staff_id())
        .await?
        .ok_or(StaffError::NotFound)?;
    if !password::verify(pool, current, Some(staff.password_hash)).await? {
        return Err(AccountError::WrongPassword);
    }
    let email = StaffEmail::parse(&staff.email)?;
    let hash = password::hash(pool, NewPassword::parse(new_password, &email)?).await?;
    store::set_password(db, staff.id, &hash).await?;
    let entry = NewEntry {
        actor: Actor::Staff(staff.id.0),
        action: "staff.password_changed",
        subject: None,
        detail: json!({}),
    };
    audit::append(db, entry).await?;
    Ok(())
}
