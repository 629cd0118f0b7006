//! What signed-in staff may do to their own account. Each function takes the caller's
//! [`SignedIn`] proof and acts only on that account.
//!
//! Proving the current password or code is throttled like sign-in (per account, counted in
//! the database): a stolen session must not become an unlimited password oracle.

use super::policy::{NewPassword, PasswordRejection};
use super::sign_in::{Authenticator, SignedIn};
use super::store::{self, StaffError, StaffRecord};
use super::throttle;
use super::totp::TotpSecret;
use super::{EmailRejection, StaffEmail, password};
use crate::audit::Action;
use crate::audit::{self, Actor, NewEntry};
use crate::hashing_pool::Busy;
use crate::storage::{Database, StorageError};
use serde_json::json;
use std::time::Duration;

use super::policy::REENROLMENT_WINDOW;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the code is wrong or was already used")]
    WrongCode,
    #[error("no new authenticator is waiting to be confirmed (or it expired)")]
    NothingPending,
    #[error("too many failed attempts; try again in {} minutes", .retry_after.as_secs().div_ceil(60))]
    Throttled { retry_after: Duration },
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

fn check_subject(me: &SignedIn) -> String {
    format!("staff-check:{}", me.staff_id().0)
}

fn entry(me: &SignedIn, action: Action, detail: serde_json::Value) -> NewEntry {
    NewEntry {
        actor: Actor::Staff(me.staff_id().0),
        action,
        subject: None,
        detail,
    }
}

/// Loads the caller's record, unless they are throttled.
async fn load(me: &SignedIn, staff: &Authenticator) -> Result<StaffRecord, AccountError> {
    if let Some(retry_after) =
        throttle::retry_after(&staff.db, &check_subject(me), &staff.throttle).await?
    {
        return Err(AccountError::Throttled { retry_after });
    }
    Ok(store::find(&staff.db, me.staff_id())
        .await?
        .ok_or(StaffError::NotFound)?)
}

/// Counts and audits a failed proof, then hands back `error`.
async fn failed(me: &SignedIn, staff: &Authenticator, error: AccountError) -> AccountError {
    let what = match error {
        AccountError::WrongPassword => "password",
        _ => "code",
    };
    if let Err(e) = throttle::record_failure(&staff.db, &check_subject(me), &staff.throttle).await {
        return e.into();
    }
    let record = entry(me, Action::StaffAccountCheckFailed, json!({ "what": what }));
    match audit::append(&staff.db, record).await {
        Ok(_) => error,
        Err(e) => e.into(),
    }
}

/// Replaces the caller's password after checking the current one. Every session of the
/// account ends, this one included: the caller signs in again with the new password.
pub async fn change_password(
    me: &SignedIn,
    staff: &Authenticator,
    current: String,
    new_password: &str,
) -> Result<(), AccountError> {
    let record = load(me, staff).await?;
    if !password::verify(&staff.pool, current, Some(record.password_hash)).await? {
        return Err(failed(me, staff, AccountError::WrongPassword).await);
    }
    let email = StaffEmail::parse(&record.email)?;
    let hash = password::hash(&staff.pool, NewPassword::parse(new_password, &email)?).await?;
    throttle::clear(&staff.db, &check_subject(me)).await?;
    let mut tx = staff.db.begin_write().await?;
    store::set_password(&mut tx, record.id, &hash).await?;
    audit::commit_with(tx, entry(me, Action::StaffPasswordChanged, json!({}))).await?;
    Ok(())
}

/// Step one of moving to a new authenticator: a code from the current one proves the
/// caller holds it; a new secret is then parked for [`REENROLMENT_WINDOW`]. The current
/// secret keeps working until the new one is confirmed, so a failed scan locks nobody out.
pub async fn begin_totp_reenrolment(
    me: &SignedIn,
    staff: &Authenticator,
    current_code: &str,
    unix_seconds: u64,
) -> Result<(), AccountError> {
    let record = load(me, staff).await?;
    let step = record
        .totp_secret
        .accept(current_code, unix_seconds, record.totp_last_step);
    let pending = TotpSecret::generate();
    let until = crate::now_millis() + REENROLMENT_WINDOW.as_millis() as i64;
    let mut tx = staff.db.begin_write().await?;
    let claimed = match step {
        Some(step) => {
            store::begin_totp_reenrolment(&mut tx, record.id, step, &pending, until).await?
        }
        None => false,
    };
    if !claimed {
        drop(tx);
        return Err(failed(me, staff, AccountError::WrongCode).await);
    }
    audit::commit_with(
        tx,
        entry(me, Action::StaffTotpReenrolmentStarted, json!({})),
    )
    .await?;
    throttle::clear(&staff.db, &check_subject(me)).await?;
    Ok(())
}

/// The new secret waiting for confirmation, if any and unexpired, to show as a QR code.
pub async fn pending_totp(
    me: &SignedIn,
    db: &Database,
) -> Result<Option<TotpSecret>, AccountError> {
    let record = store::find(db, me.staff_id())
        .await?
        .ok_or(StaffError::NotFound)?;
    let now = crate::now_millis();
    Ok(record
        .totp_pending
        .filter(|(_, until)| *until > now)
        .map(|(secret, _)| secret))
}

/// Step two: a code from the new authenticator makes its secret the account's secret.
pub async fn complete_totp_reenrolment(
    me: &SignedIn,
    staff: &Authenticator,
    new_code: &str,
    unix_seconds: u64,
) -> Result<(), AccountError> {
    let record = load(me, staff).await?;
    let now = crate::now_millis();
    let Some((pending, _)) = record.totp_pending.filter(|(_, until)| *until > now) else {
        return Err(AccountError::NothingPending);
    };
    // The new secret has never produced a code, so any valid step of it is fresh.
    let Some(step) = pending.accept(new_code, unix_seconds, -1) else {
        return Err(failed(me, staff, AccountError::WrongCode).await);
    };
    let mut tx = staff.db.begin_write().await?;
    if !store::complete_totp_reenrolment(&mut tx, record.id, step).await? {
        return Err(AccountError::NothingPending);
    }
    audit::commit_with(tx, entry(me, Action::StaffTotpReenrolled, json!({}))).await?;
    throttle::clear(&staff.db, &check_subject(me)).await?;
    Ok(())
}

/// The caller's own lookups in the audit log, narrowed further by `filter` (its period,
/// its paging): what a helpdesk member may read of the log. Another actor or another
/// action cannot be asked for; asking for another action finds nothing.
pub async fn own_lookups(
    me: &SignedIn,
    db: &Database,
    filter: &audit::Filter,
) -> Result<Vec<audit::Listed>, StorageError> {
    if filter
        .action
        .is_some_and(|action| action != Action::LookupHelpdesk)
    {
        return Ok(Vec::new());
    }
    let own = audit::Filter {
        action: Some(Action::LookupHelpdesk),
        actor: Some(Actor::Staff(me.staff_id().0)),
        actor_name: None,
        ..filter.clone()
    };
    audit::recent(db, &own).await
}
