//! Per-hour counts of public lookups, for the admin's statistics. Counts only: no row says
//! who asked or what.

use crate::dataset::incident::IncidentId;
use crate::now_millis;
use crate::storage::{Database, StorageError};
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

const HOUR_MILLIS: i64 = 3_600_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A lookup answered, with each incident it covered (its list was published) and
    /// whether the public answer said "affected" by it.
    Answered {
        incidents: &'a [(IncidentId, bool)],
    },
    RateLimited,
    Busy,
    /// A visitor proved control of a domain (the domain self-check then answers).
    DomainProven,
}

/// What waits to be written: per hour, and per hour and incident.
#[derive(Debug, Default)]
struct Pending {
    hours: BTreeMap<i64, HourCounts>,
    incidents: BTreeMap<(i64, IncidentId), IncidentCounts>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.hours.is_empty() && self.incidents.is_empty()
    }

    fn hour(&mut self, hour: i64) -> &mut HourCounts {
        self.hours.entry(hour).or_insert(HourCounts {
            hour,
            ..HourCounts::default()
        })
    }

    /// Adds `other`'s counts to these (a flush that did not commit gives them back).
    fn absorb(&mut self, other: Pending) {
        for (hour, taken) in other.hours {
            let counts = self.hour(hour);
            counts.lookups += taken.lookups;
            counts.affected += taken.affected;
            counts.rate_limited += taken.rate_limited;
            counts.busy += taken.busy;
            counts.domain_checks += taken.domain_checks;
        }
        for (key, taken) in other.incidents {
            let counts = self.incidents.entry(key).or_default();
            counts.lookups += taken.lookups;
            counts.affected += taken.affected;
        }
    }
}

/// One incident's answered lookups (in an hour, or in total).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IncidentCounts {
    pub lookups: i64,
    pub affected: i64,
}

/// Counts kept in memory and written together (see [`Tally::flush`]). Under a flood most
/// lookups end "busy" or "limited", each in microseconds; a database write for each would
/// cost more than the answer and queue every other write (the answered lookups' limits)
/// behind them.
#[derive(Debug, Default)]
pub struct Tally {
    pending: Mutex<Pending>,
}

impl Tally {
    /// Counts one event in the current hour. Never waits on the database.
    pub fn add(&self, event: Event<'_>) {
        let now = now_millis();
        self.add_at(now - now.rem_euclid(HOUR_MILLIS), event);
    }

    fn add_at(&self, hour: i64, event: Event<'_>) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        match event {
            Event::Answered { incidents } => {
                let counts = pending.hour(hour);
                counts.lookups += 1;
                counts.affected += i64::from(incidents.iter().any(|(_, affected)| *affected));
                for &(incident, affected) in incidents {
                    let counts = pending.incidents.entry((hour, incident)).or_default();
                    counts.lookups += 1;
                    counts.affected += i64::from(affected);
                }
            }
            Event::RateLimited => pending.hour(hour).rate_limited += 1,
            Event::Busy => pending.hour(hour).busy += 1,
            Event::DomainProven => pending.hour(hour).domain_checks += 1,
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
        write(db, unwritten.counts.as_ref().expect("just set")).await?;
        unwritten.counts = None;
        Ok(())
    }
}

/// Counts taken for a flush, given back to the tally unless they were written.
struct Unwritten<'a> {
    tally: &'a Tally,
    counts: Option<Pending>,
}

impl Drop for Unwritten<'_> {
    fn drop(&mut self) {
        if let Some(counts) = self.counts.take() {
            self.tally
                .pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .absorb(counts);
        }
    }
}

async fn write(db: &Database, pending: &Pending) -> Result<(), StorageError> {
    // A write like any other: it takes its turn (see `Database::begin_write`).
    let mut tx = db.begin_write().await?;
    for counts in pending.hours.values() {
        sqlx::query(
            "INSERT INTO lookup_stats (hour, lookups, affected, rate_limited, busy, domain_checks) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hour) DO UPDATE SET \
             lookups = lookup_stats.lookups + excluded.lookups, \
             affected = lookup_stats.affected + excluded.affected, \
             rate_limited = lookup_stats.rate_limited + excluded.rate_limited, \
             busy = lookup_stats.busy + excluded.busy, \
             domain_checks = lookup_stats.domain_checks + excluded.domain_checks",
        )
        .bind(counts.hour)
        .bind(counts.lookups)
        .bind(counts.affected)
        .bind(counts.rate_limited)
        .bind(counts.busy)
        .bind(counts.domain_checks)
        .execute(&mut *tx)
        .await?;
    }
    for ((hour, incident), counts) in &pending.incidents {
        sqlx::query(
            "INSERT INTO incident_stats (hour, incident_id, lookups, affected) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (hour, incident_id) DO UPDATE SET \
             lookups = incident_stats.lookups + excluded.lookups, \
             affected = incident_stats.affected + excluded.affected",
        )
        .bind(hour)
        .bind(incident.0)
        .bind(counts.lookups)
        .bind(counts.affected)
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
    pub domain_checks: i64,
}

/// The hours from `from` (Unix milliseconds) on that saw any lookup, oldest first.
pub async fn since(db: &Database, from: i64) -> Result<Vec<HourCounts>, StorageError> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT hour, lookups, affected, rate_limited, busy, domain_checks FROM lookup_stats \
         WHERE hour >= $1 ORDER BY hour",
    )
    .bind(from)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(hour, lookups, affected, rate_limited, busy, domain_checks)| HourCounts {
                hour,
                lookups,
                affected,
                rate_limited,
                busy,
                domain_checks,
            },
        )
        .collect())
}

/// Every incident's answered lookups since counting began, by incident id.
pub async fn incident_totals(
    db: &Database,
) -> Result<BTreeMap<IncidentId, IncidentCounts>, StorageError> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT incident_id, CAST(SUM(lookups) AS BIGINT), CAST(SUM(affected) AS BIGINT) \
         FROM incident_stats GROUP BY incident_id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(incident, lookups, affected)| {
            (IncidentId(incident), IncidentCounts { lookups, affected })
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
        // Two incidents for the per-incident counts to refer to.
        sqlx::query(
            "INSERT INTO staff (email, display_name, role, password_hash, totp_secret, \
             created_at, password_changed_at) VALUES ('a@example.jp', 'A', 'admin', '', x'00', 0, 0)",
        )
        .execute(db.pool())
        .await
        .unwrap();
        for slug in ["first", "second"] {
            sqlx::query(
                "INSERT INTO incidents (slug, title_ja, title_en, categories, created_by, \
                 created_at) VALUES ($1, $1, $1, '[]', 1, 0)",
            )
            .bind(slug)
            .execute(db.pool())
            .await
            .unwrap();
        }
        (dir, db)
    }

    async fn stored(db: &Database) -> Vec<HourCounts> {
        since(db, 0).await.unwrap()
    }

    #[tokio::test]
    async fn counts_reach_the_database_only_when_flushed_and_add_up() {
        let (_dir, db) = database().await;
        let tally = Tally::default();
        let (first, second) = (IncidentId(1), IncidentId(2));
        for event in [
            Event::Answered {
                incidents: &[(first, true), (second, false)],
            },
            Event::Answered {
                incidents: &[(first, false), (second, false)],
            },
            Event::Answered {
                incidents: &[(second, true)],
            },
            Event::RateLimited,
            Event::Busy,
            Event::Busy,
            Event::DomainProven,
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
            domain_checks,
            ..
        } = hours[0];
        assert_eq!(
            (lookups, affected, rate_limited, busy, domain_checks),
            (3, 2, 1, 3, 1)
        );
        let incidents = incident_totals(&db).await.unwrap();
        let totals = |id| {
            incidents
                .get(&id)
                .map(|c: &IncidentCounts| (c.lookups, c.affected))
        };
        assert_eq!(totals(first), Some((2, 1)));
        assert_eq!(totals(second), Some((3, 1)));
    }

    #[tokio::test]
    async fn a_flush_dropped_before_it_commits_loses_nothing() {
        let (_dir, db) = database().await;
        let tally = Tally::default();
        tally.add(Event::Busy);
        tally.add(Event::RateLimited);
        tally.add(Event::Answered {
            incidents: &[(IncidentId(1), true)],
        });
        // Hold the write turn, so that the flush waits inside, then drop it there.
        let turn = db.begin_write().await.unwrap();
        let flush = tally.flush(&db);
        let dropped = tokio::time::timeout(std::time::Duration::from_millis(50), flush).await;
        assert!(dropped.is_err(), "the flush was waiting for its turn");
        drop(turn);
        tally.flush(&db).await.unwrap();
        let hours = stored(&db).await;
        assert_eq!((hours[0].busy, hours[0].rate_limited), (1, 1));
        let incidents = incident_totals(&db).await.unwrap();
        assert_eq!(
            incidents.get(&IncidentId(1)),
            Some(&IncidentCounts {
                lookups: 1,
                affected: 1
            })
        );
    }
}
