//! Sign-in throttling: after too many failures within a window, for one account or one
//! client address, further attempts are refused until the window has passed. Counted in the
//! database so that it holds across replicas.

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
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

fn window_millis(policy: &ThrottlePolicy) -> i64 {
    i64::try_from(policy.window.as_millis()).unwrap_or(i64::MAX)
}

/// How long the subject must wait, if it is throttled.
pub async fn retry_after(
    db: &Database,
    subject: &str,
    policy: &ThrottlePolicy,
) -> Result<Option<Duration>, StorageError> {
    let now = now_millis();
    let recent: Vec<i64> = sqlx::query_scalar(
        "SELECT at FROM sign_in_failures WHERE subject = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
    )
    .bind(subject)
    .bind(now - window_millis(policy))
    .bind(i64::from(policy.max_failures))
    .fetch_all(db.pool())
    .await?;
    if recent.len() < policy.max_failures as usize {
        return Ok(None);
    }
    // Refused until the window has passed since the latest failure.
    let until = recent[0] + window_millis(policy);
    Ok(Some(Duration::from_millis(
        u64::try_from(until - now).unwrap_or(0).max(1000),
    )))
}

pub async fn record_failure(
    db: &Database,
    subject: &str,
    policy: &ThrottlePolicy,
) -> Result<(), StorageError> {
    let now = now_millis();
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1 AND at <= $2")
        .bind(subject)
        .bind(now - window_millis(policy))
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
