//! Server-side staff sessions. The cookie carries a random token; the database keeps only
//! its SHA-256, so a leaked copy of the database cannot sign anyone in.

use super::StaffId;
use crate::now_millis;
use crate::storage::{Database, StorageError};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest as _, Sha256};
use sqlx::Row;
use std::time::Duration;

/// How long sessions live.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Ended after this long without a request.
    pub idle: Duration,
    /// Ended this long after sign-in, however busy.
    pub absolute: Duration,
    /// Between a correct password and the TOTP code.
    pub second_factor: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
            second_factor: Duration::from_secs(5 * 60),
        }
    }
}

/// The cookie's value. Never printed.
#[derive(Clone)]
pub struct SessionToken(SecretString);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

impl SessionToken {
    fn generate() -> Self {
        use base64::Engine as _;
        use rand::RngCore;
        let mut raw = [0u8; 32];
        rand::rng().fill_bytes(&mut raw);
        Self(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(raw)
                .into(),
        )
    }

    /// Wraps a value read from a cookie. Anything of the wrong shape is simply not found.
    pub fn from_cookie(value: &str) -> Self {
        Self(value.to_owned().into())
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    fn stored_hash(&self) -> Vec<u8> {
        Sha256::digest(self.expose().as_bytes()).to_vec()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the TOTP code is still owed.
    SecondFactor,
    SignedIn,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::SecondFactor => "second_factor",
            Stage::SignedIn => "signed_in",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub staff_id: StaffId,
    pub stage: Stage,
}

pub async fn create(
    db: &Database,
    staff_id: StaffId,
    stage: Stage,
) -> Result<SessionToken, StorageError> {
    let token = SessionToken::generate();
    let now = now_millis();
    sqlx::query(
        "INSERT INTO staff_sessions (token_hash, staff_id, stage, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.stored_hash())
    .bind(staff_id.0)
    .bind(stage.as_str())
    .bind(now)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The live session behind a token, if any. An expired one is deleted on the way; a live
/// one counts this request as activity.
pub async fn lookup(
    db: &Database,
    token: &SessionToken,
    policy: &SessionPolicy,
) -> Result<Option<Session>, StorageError> {
    let hash = token.stored_hash();
    let row = sqlx::query(
        "SELECT s.staff_id, s.stage, s.created_at, s.last_seen_at \
         FROM staff_sessions s JOIN staff ON staff.id = s.staff_id \
         WHERE s.token_hash = $1 AND staff.disabled_at IS NULL",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let stage = match row.try_get::<String, _>(1)?.as_str() {
        "signed_in" => Stage::SignedIn,
        _ => Stage::SecondFactor,
    };
    let created_at: i64 = row.try_get(2)?;
    let last_seen_at: i64 = row.try_get(3)?;
    let now = now_millis();
    let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let expired = match stage {
        Stage::SecondFactor => now - created_at > millis(policy.second_factor),
        Stage::SignedIn => {
            now - last_seen_at > millis(policy.idle) || now - created_at > millis(policy.absolute)
        }
    };
    if expired {
        end(db, token).await?;
        return Ok(None);
    }
    sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(&hash)
        .execute(db.pool())
        .await?;
    Ok(Some(Session {
        staff_id: StaffId(row.try_get(0)?),
        stage,
    }))
}

/// Replaces a session with a new, fully signed-in one under a fresh token, so a token seen
/// before sign-in (fixation) is worthless after it. The absolute lifetime starts now.
pub async fn promote(
    db: &Database,
    old: &SessionToken,
    staff_id: StaffId,
) -> Result<SessionToken, StorageError> {
    end(db, old).await?;
    create(db, staff_id, Stage::SignedIn).await
}

pub async fn end(db: &Database, token: &SessionToken) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
        .bind(token.stored_hash())
        .execute(db.pool())
        .await?;
    Ok(())
}
