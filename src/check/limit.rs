//! Rate limits for public lookups, counted in fixed windows in the database so they hold
//! across replicas. One row per subject and window, however many requests arrive: an
//! attack costs an update, not a row each.

use crate::identifier::Kind;
use crate::now_millis;
use crate::pepper::Pepper;
use crate::storage::{Database, StorageError};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the limit; the window ends after this long.
    Limited {
        retry_after: Duration,
    },
}

/// What is being counted: each scope has its own limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One client address, with the proof of work.
    Address,
    /// One client address, without JavaScript (no proof of work: a stricter limit).
    AddressNoScript,
    /// One identifier, whoever asks.
    Identifier,
    /// Everybody together.
    Global,
    /// One staff member at the helpdesk.
    Staff,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::Address => "address",
            Scope::AddressNoScript => "address-noscript",
            Scope::Identifier => "identifier",
            Scope::Global => "global",
            Scope::Staff => "staff",
        }
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

/// Counts one request for `subject` and says whether it is within `limit`. A request over
/// the limit is counted too, so hammering does not reopen the window.
pub async fn consume(
    db: &Database,
    scope: Scope,
    subject: &str,
    limit: RateLimit,
) -> Result<Verdict, StorageError> {
    let now = now_millis();
    let window = millis(limit.window);
    let start = now - now.rem_euclid(window);
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_counters (scope, subject, window_start, hits) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (scope, subject, window_start) \
         DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits",
    )
    .bind(scope.name())
    .bind(subject)
    .bind(start)
    .fetch_one(db.pool())
    .await?;
    if hits <= i64::from(limit.max) {
        return Ok(Verdict::Allowed);
    }
    let left = u64::try_from(start + window - now).unwrap_or(0);
    Ok(Verdict::Limited {
        retry_after: Duration::from_millis(left).max(Duration::from_secs(1)),
    })
}

/// Removes windows that ended more than `keep` ago.
pub async fn sweep(db: &Database, keep: Duration) -> Result<u64, StorageError> {
    let done = sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
        .bind(now_millis() - millis(keep))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// The per-identifier counter's key: a keyed hash of the canonical identifier, cheap to
/// compute (no argon2 before the limit is checked) and useless without the pepper.
#[derive(Clone)]
pub struct SubjectKeys {
    key: [u8; 32],
}

impl SubjectKeys {
    pub fn new(pepper: &Pepper) -> Self {
        Self {
            key: pepper.derive("rate-limit-subject"),
        }
    }

    pub fn of(&self, kind: Kind, canonical: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(kind.as_str().as_bytes());
        mac.update(b":v1:");
        mac.update(canonical.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::fmt::Debug for SubjectKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubjectKeys(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_keys_depend_on_the_pepper_kind_and_identifier_only() {
        let pepper = Pepper::parse(vec![7; 32]).unwrap();
        let keys = SubjectKeys::new(&pepper);
        let a = keys.of(Kind::Contract, "AB123456");
        assert_eq!(a, SubjectKeys::new(&pepper).of(Kind::Contract, "AB123456"));
        assert_ne!(a, keys.of(Kind::Contract, "AB123457"));
        assert_ne!(a, keys.of(Kind::Domain, "AB123456"));
        let other = SubjectKeys::new(&Pepper::parse(vec![8; 32]).unwrap());
        assert_ne!(a, other.of(Kind::Contract, "AB123456"));
        assert_eq!(a.len(), 64);
        assert!(!a.contains("AB123456"));
    }
}
