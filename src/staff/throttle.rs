//! Throttling of failed sign-ins and password checks, counted in the database so that it
//! holds across replicas, over a sliding window: a subject with `max_failures` failures
//! within the last `window` is refused until the oldest of them has left it (no window edge
//! that lets twice the number through).
//!
//! Sign-in counts three subjects (see [`super::sign_in`]): one account from one client, one
//! client over all accounts, and one account from everywhere. The last one only slows
//! attempts down ([`spacing`]) for browsers that never signed in to the account, so that
//! nobody can lock a staff member out by failing on purpose (NIST SP 800-63B §5.2.2 limits
//! failed attempts; it does not ask for a lockout anyone can trigger).

use crate::now_millis;
use crate::storage::{Database, StorageError};
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            max_failures: super::policy::THROTTLE_MAX_FAILURES,
            window: super::policy::THROTTLE_WINDOW,
        }
    }
}

impl ThrottlePolicy {
    /// How many failures one client may have over all accounts: several staff members behind
    /// one office address must not lock each other out with a few typos, while a client that
    /// tries many accounts is stopped.
    pub const CLIENT_FACTOR: u32 = 4;

    /// The limit for one client over all accounts.
    pub fn per_client(self) -> Self {
        Self {
            max_failures: self.max_failures.saturating_mul(Self::CLIENT_FACTOR),
            ..self
        }
    }

    fn window_millis(self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The latest failures of `subject` within the window, newest first, at most `limit`.
async fn recent(
    db: &Database,
    subject: &str,
    policy: ThrottlePolicy,
    limit: u32,
    now: i64,
) -> Result<Vec<i64>, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT at FROM sign_in_failures WHERE subject = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
    )
    .bind(subject)
    .bind(now - policy.window_millis())
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?)
}

fn wait_until(until: i64, now: i64) -> Option<Duration> {
    (until > now).then(|| {
        Duration::from_millis(u64::try_from(until - now).unwrap_or(0)).max(Duration::from_secs(1))
    })
}

/// How long the subject must wait, if it has `max_failures` failures within the window:
/// until the oldest of them leaves it.
pub async fn retry_after(
    db: &Database,
    subject: &str,
    policy: &ThrottlePolicy,
) -> Result<Option<Duration>, StorageError> {
    let now = now_millis();
    let recent = recent(db, subject, *policy, policy.max_failures, now).await?;
    if recent.len() < policy.max_failures as usize {
        return Ok(None);
    }
    let oldest = recent.last().copied().unwrap_or(now);
    Ok(wait_until(oldest + policy.window_millis(), now))
}

/// The most failures [`spacing`] looks at: enough for the wait to reach the window.
const SPACING_LOOKBACK: u32 = 64;

/// Slows a subject down instead of refusing it: once it has `max_failures` failures within
/// the window, each further attempt waits after the latest failure, twice as long for each
/// failure past the limit (1 s, 2 s, 4 s, …, never longer than the window).
pub async fn spacing(
    db: &Database,
    subject: &str,
    policy: &ThrottlePolicy,
) -> Result<Option<Duration>, StorageError> {
    let now = now_millis();
    let recent = recent(db, subject, *policy, SPACING_LOOKBACK, now).await?;
    let Some(over) = (recent.len() as u32).checked_sub(policy.max_failures) else {
        return Ok(None);
    };
    let wait = 1000_i64
        .checked_shl(over.min(40))
        .unwrap_or(i64::MAX)
        .min(policy.window_millis());
    // Newest first; none when a policy allows no failure at all.
    let Some(latest) = recent.first() else {
        return Ok(None);
    };
    Ok(wait_until(latest.saturating_add(wait), now))
}

pub async fn record_failure(
    db: &Database,
    subject: &str,
    policy: &ThrottlePolicy,
) -> Result<(), StorageError> {
    let now = now_millis();
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1 AND at <= $2")
        .bind(subject)
        .bind(now - policy.window_millis())
        .execute(db.pool())
        .await?;
    sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
        .bind(subject)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn clear(db: &Database, subject: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(subject)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Removes failures older than the window, whichever subject they count for: the sweeper
/// calls it, since a subject that never fails again never clears its own.
pub async fn sweep(db: &Database, policy: &ThrottlePolicy) -> Result<u64, StorageError> {
    let done = sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(now_millis() - policy.window_millis())
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
