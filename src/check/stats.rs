//! Per-hour counts of public lookups, for the admin's statistics. Counts only: no row says
//! who asked or what.

use crate::now_millis;
use crate::storage::{Database, StorageError};

const HOUR_MILLIS: i64 = 3_600_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A lookup answered; `affected` when the public answer said so.
    Answered {
        affected: bool,
    },
    RateLimited,
    Busy,
}

pub async fn record(db: &Database, event: Event) -> Result<(), StorageError> {
    let (lookups, affected, limited, busy) = match event {
        Event::Answered { affected } => (1, i64::from(affected), 0, 0),
        Event::RateLimited => (0, 0, 1, 0),
        Event::Busy => (0, 0, 0, 1),
    };
    let now = now_millis();
    // A write like any other: it takes its turn (see `Database::begin_write`).
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO lookup_stats (hour, lookups, affected, rate_limited, busy) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hour) DO UPDATE SET \
         lookups = lookup_stats.lookups + excluded.lookups, \
         affected = lookup_stats.affected + excluded.affected, \
         rate_limited = lookup_stats.rate_limited + excluded.rate_limited, \
         busy = lookup_stats.busy + excluded.busy",
    )
    .bind(now - now.rem_euclid(HOUR_MILLIS))
    .bind(lookups)
    .bind(affected)
    .bind(limited)
    .bind(busy)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// One hour's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HourCounts {
    /// Start of the hour, Unix milliseconds.
    pub hour: i64,
    pub lookups: i64,
    pub affected: i64,
    pub rate_limited: i64,
    pub busy: i64,
}

/// The most recent `hours` hours that saw any lookup, newest first.
pub async fn recent(db: &Database, hours: i64) -> Result<Vec<HourCounts>, StorageError> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT hour, lookups, affected, rate_limited, busy FROM lookup_stats \
         WHERE hour >= $1 ORDER BY hour DESC",
    )
    .bind(now_millis() - hours * HOUR_MILLIS)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(hour, lookups, affected, rate_limited, busy)| HourCounts {
            hour,
            lookups,
            affected,
            rate_limited,
            busy,
        })
        .collect())
}
