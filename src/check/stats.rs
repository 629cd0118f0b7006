//! Per-hour counts of public lookups, for the admin's statistics. Counts only: no row says
//! who asked or what.

use crate::now_millis;
use crate::storage::{Database, StorageError};
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

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

/// Counts kept in memory and written together (see [`Tally::flush`]). Under a flood most
/// lookups end "busy" or "limited", each in microseconds; a database write for each would
/// cost more than the answer and queue every other write (the answered lookups' limits)
/// behind them.
#[derive(Debug, Default)]
pub struct Tally {
    pending: Mutex<BTreeMap<i64, HourCounts>>,
}

impl Tally {
    /// Counts one event in the current hour. Never waits on the database.
    pub fn add(&self, event: Event) {
        let now = now_millis();
        self.add_at(now - now.rem_euclid(HOUR_MILLIS), event);
    }

    fn add_at(&self, hour: i64, event: Event) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let counts = pending.entry(hour).or_insert(HourCounts {
            hour,
            ..HourCounts::default()
        });
        match event {
            Event::Answered { affected } => {
                counts.lookups += 1;
                counts.affected += i64::from(affected);
            }
            Event::RateLimited => counts.rate_limited += 1,
            Event::Busy => counts.busy += 1,
        }
    }

    /// Adds what was counted since the last flush to the stored hours, in one transaction.
    /// If the write fails, or this future is dropped before it commits, the counts go back
    /// to be written next time: none is lost. (Dropped while the commit itself is in
    /// flight, they may be written twice: statistics, not money.)
    pub async fn flush(&self, db: &Database) -> Result<(), StorageError> {
        let taken =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        if taken.is_empty() {
            return Ok(());
        }
        let mut unwritten = Unwritten {
            tally: self,
            counts: Some(taken),
        };
        let counts = unwritten.counts.as_ref().expect("just set");
        write(db, counts.values()).await?;
        unwritten.counts = None;
        Ok(())
    }
}

/// Counts taken for a flush, given back to the tally unless they were written.
struct Unwritten<'a> {
    tally: &'a Tally,
    counts: Option<BTreeMap<i64, HourCounts>>,
}

impl Drop for Unwritten<'_> {
    fn drop(&mut self) {
        let Some(counts) = self.counts.take() else {
            return;
        };
        let mut pending = self
            .tally
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (hour, taken) in counts {
            let counts = pending.entry(hour).or_insert(HourCounts {
                hour,
                ..HourCounts::default()
            });
            counts.lookups += taken.lookups;
            counts.affected += taken.affected;
            counts.rate_limited += taken.rate_limited;
            counts.busy += taken.busy;
        }
    }
}

async fn write(
    db: &Database,
    hours: impl Iterator<Item = &HourCounts>,
) -> Result<(), StorageError> {
    // A write like any other: it takes its turn (see `Database::begin_write`).
    let mut tx = db.begin_write().await?;
    for counts in hours {
        sqlx::query(
            "INSERT INTO lookup_stats (hour, lookups, affected, rate_limited, busy) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hour) DO UPDATE SET \
             lookups = lookup_stats.lookups + excluded.lookups, \
             affected = lookup_stats.affected + excluded.affected, \
             rate_limited = lookup_stats.rate_limited + excluded.rate_limited, \
             busy = lookup_stats.busy + excluded.busy",
        )
        .bind(counts.hour)
        .bind(counts.lookups)
        .bind(counts.affected)
        .bind(counts.rate_limited)
        .bind(counts.busy)
        .execute(&mut *tx)
        .await?;
    }
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

/// The hours from `from` (Unix milliseconds) on that saw any lookup, oldest first.
pub async fn since(db: &Database, from: i64) -> Result<Vec<HourCounts>, StorageError> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT hour, lookups, affected, rate_limited, busy FROM lookup_stats \
         WHERE hour >= $1 ORDER BY hour",
    )
    .bind(from)
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

/// When the first list was published, if one ever was: where "since publication" begins.
pub async fn first_publication(db: &Database) -> Result<Option<i64>, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT MIN(published_at) FROM dataset_publications")
            .fetch_one(db.pool())
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn database() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::connect(&format!("sqlite://{}/stats.db", dir.path().display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        (dir, db)
    }

    async fn stored(db: &Database) -> Vec<HourCounts> {
        since(db, 0).await.unwrap()
    }

    #[tokio::test]
    async fn counts_reach_the_database_only_when_flushed_and_add_up() {
        let (_dir, db) = database().await;
        let tally = Tally::default();
        for event in [
            Event::Answered { affected: true },
            Event::Answered { affected: false },
            Event::RateLimited,
            Event::Busy,
            Event::Busy,
        ] {
            tally.add(event);
        }
        assert!(
            stored(&db).await.is_empty(),
            "nothing written before a flush"
        );
        tally.flush(&db).await.unwrap();
        tally.add(Event::Busy);
        tally.flush(&db).await.unwrap();
        tally.flush(&db).await.unwrap();
        let hours = stored(&db).await;
        assert_eq!(hours.len(), 1);
        let HourCounts {
            lookups,
            affected,
            rate_limited,
            busy,
            ..
        } = hours[0];
        assert_eq!((lookups, affected, rate_limited, busy), (2, 1, 1, 3));
    }

    #[tokio::test]
    async fn a_flush_dropped_before_it_commits_loses_nothing() {
        let (_dir, db) = database().await;
        let tally = Tally::default();
        tally.add(Event::Busy);
        tally.add(Event::RateLimited);
        // Hold the write turn, so that the flush waits inside, then drop it there.
        let turn = db.begin_write().await.unwrap();
        let flush = tally.flush(&db);
        let dropped = tokio::time::timeout(std::time::Duration::from_millis(50), flush).await;
        assert!(dropped.is_err(), "the flush was waiting for its turn");
        drop(turn);
        tally.flush(&db).await.unwrap();
        let hours = stored(&db).await;
        assert_eq!((hours[0].busy, hours[0].rate_limited), (1, 1));
    }
}
