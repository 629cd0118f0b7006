//! The audit log: append-only and hash-chained, so that an edited, removed or reordered
//! entry is detected by walking the chain.
//!
//! Each entry's hash is SHA-256 over its own fields and the previous entry's hash. Appends
//! are serialised by the database, so they hold across replicas: a transaction-scoped
//! advisory lock on PostgreSQL, the write lock taken at `BEGIN IMMEDIATE` on SQLite, and in
//! any case the primary key on `seq`, which refuses a second entry with the same number (so
//! the chain can never fork).

use crate::storage::{Backend, Database, StorageError, WriteTx};
use sha2::{Digest as _, Sha256};
use sqlx::Row;
use std::fmt;

/// The `prev_hash` of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// Any number will do as long as nothing else in the database uses it as an advisory lock.
const POSTGRES_AUDIT_LOCK: i64 = 0x6272_6561_6368_0001;

/// Who did it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A visitor who is not signed in.
    Public,
    /// A staff member, by id.
    Staff(i64),
    /// The server itself or its command line.
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Public => f.write_str("public"),
            Actor::Staff(id) => write!(f, "staff:{id}"),
            Actor::System => f.write_str("system"),
        }
    }
}

pub use crate::audit_action::Action;

/// What to record. `subject` is a digest, never a plaintext identifier.
#[derive(Debug)]
pub struct NewEntry {
    pub actor: Actor,
    pub action: Action,
    pub subject: Option<Vec<u8>>,
    pub detail: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: Option<Vec<u8>>,
    pub detail: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

impl Entry {
    /// The hash this entry must carry: over every field, each length-prefixed so that no
    /// two different entries encode to the same bytes.
    pub fn expected_hash(&self) -> [u8; 32] {
        chain_hash(
            self.seq,
            self.at,
            &self.actor,
            &self.action,
            self.subject.as_deref(),
            &self.detail,
            &self.prev_hash,
        )
    }
}

fn chain_hash(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: Option<&[u8]>,
    detail: &str,
    prev_hash: &[u8],
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"breachcheck-audit-v1");
    hasher.update(seq.to_be_bytes());
    hasher.update(at.to_be_bytes());
    for field in [actor.as_bytes(), action.as_bytes()] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field);
    }
    match subject {
        None => hasher.update([0]),
        Some(subject) => {
            hasher.update([1]);
            hasher.update((subject.len() as u64).to_be_bytes());
            hasher.update(subject);
        }
    }
    hasher.update((detail.len() as u64).to_be_bytes());
    hasher.update(detail.as_bytes());
    hasher.update((prev_hash.len() as u64).to_be_bytes());
    hasher.update(prev_hash);
    hasher.finalize().into()
}

/// Columns in the order `SELECT seq, at, actor, action, subject_digest, detail, prev_hash,
/// hash` gives them.
fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        action: row.try_get(3)?,
        subject: row.try_get(4)?,
        detail: row.try_get(5)?,
        prev_hash: row.try_get(6)?,
        hash: row.try_get(7)?,
    })
}

/// Appends one entry on its own and returns its sequence number. For an entry that records
/// a change, use [`append_in`] inside the change's transaction.
pub async fn append(db: &Database, entry: NewEntry) -> Result<i64, StorageError> {
    let mut tx = db.begin_write().await?;
    let seq = append_in(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(seq)
}

/// Appends `entry` to the caller's transaction and commits it: the change and its record
/// land together.
pub async fn commit_with(mut tx: WriteTx, entry: NewEntry) -> Result<i64, StorageError> {
    let seq = append_in(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(seq)
}

/// Appends one entry inside the caller's transaction, so that the entry and the change it
/// records commit together or not at all. Take it last in the transaction: on PostgreSQL it
/// holds the log's lock until commit.
pub async fn append_in(tx: &mut WriteTx, entry: NewEntry) -> Result<i64, StorageError> {
    if tx.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(POSTGRES_AUDIT_LOCK)
            .execute(&mut **tx)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (row.try_get::<i64, _>(0)? + 1, row.try_get::<Vec<u8>, _>(1)?),
        None => (1, GENESIS.to_vec()),
    };
    let at = crate::now_millis();
    let actor = entry.actor.to_string();
    let detail = entry.detail.to_string();
    let hash = chain_hash(
        seq,
        at,
        &actor,
        entry.action.as_str(),
        entry.subject.as_deref(),
        &detail,
        &prev_hash,
    );
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject_digest, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(entry.action.as_str())
    .bind(entry.subject)
    .bind(detail)
    .bind(prev_hash)
    .bind(hash.to_vec())
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// Why the chain is broken at an entry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("expected entry #{expected}, found #{found} (an entry is missing)")]
    Gap { expected: i64, found: i64 },
    #[error("its prev_hash does not match the hash of the entry before it")]
    Unlinked,
    #[error("its contents do not match its hash (the entry was changed)")]
    Altered,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Intact { entries: u64 },
    Broken { seq: i64, reason: Break },
}

/// Walks the whole chain, oldest first, and stops at the first broken link.
pub async fn verify(db: &Database) -> Result<Verification, StorageError> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query(
        "SELECT seq, at, actor, action, subject_digest, detail, prev_hash, hash \
         FROM audit_log ORDER BY seq",
    )
    .fetch(db.pool());
    let mut expected_prev = GENESIS.to_vec();
    let mut expected_seq = 1;
    let mut entries = 0;
    while let Some(row) = rows.try_next().await? {
        let entry = entry_from_row(&row)?;
        let broken = |reason| Verification::Broken {
            seq: entry.seq,
            reason,
        };
        if entry.seq != expected_seq {
            return Ok(broken(Break::Gap {
                expected: expected_seq,
                found: entry.seq,
            }));
        }
        if entry.prev_hash != expected_prev {
            return Ok(broken(Break::Unlinked));
        }
        if entry.hash != entry.expected_hash() {
            return Ok(broken(Break::Altered));
        }
        expected_prev = entry.hash;
        expected_seq += 1;
        entries += 1;
    }
    Ok(Verification::Intact { entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_spelt_once_as_area_dot_event_and_reads_back() {
        let mut spelt: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        for (action, text) in Action::ALL.iter().zip(&spelt) {
            assert_eq!(Action::parse(text), Some(*action));
            let (area, event) = text.split_once('.').expect("area.event");
            assert!(!area.is_empty() && !event.is_empty(), "{text}");
        }
        spelt.sort_unstable();
        spelt.dedup();
        assert_eq!(
            spelt.len(),
            Action::ALL.len(),
            "two actions share a spelling"
        );
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = chain_hash(1, 2, "staff:1", "sign_in", Some(b"d"), "{}", &GENESIS);
        let variants = [
            chain_hash(2, 2, "staff:1", "sign_in", Some(b"d"), "{}", &GENESIS),
            chain_hash(1, 3, "staff:1", "sign_in", Some(b"d"), "{}", &GENESIS),
            chain_hash(1, 2, "staff:2", "sign_in", Some(b"d"), "{}", &GENESIS),
            chain_hash(1, 2, "staff:1", "sign_out", Some(b"d"), "{}", &GENESIS),
            chain_hash(1, 2, "staff:1", "sign_in", None, "{}", &GENESIS),
            chain_hash(1, 2, "staff:1", "sign_in", Some(b"e"), "{}", &GENESIS),
            chain_hash(
                1,
                2,
                "staff:1",
                "sign_in",
                Some(b"d"),
                "{\"a\":1}",
                &GENESIS,
            ),
            chain_hash(1, 2, "staff:1", "sign_in", Some(b"d"), "{}", &[1; 32]),
            // Moving bytes between fields must not collide.
            chain_hash(1, 2, "staff:1s", "ign_in", Some(b"d"), "{}", &GENESIS),
        ];
        for variant in variants {
            assert_ne!(variant, base);
        }
    }

    #[test]
    fn a_name_part_is_matched_literally_anywhere() {
        assert_eq!(contains_pattern("Taro"), "%taro%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(contains_pattern("山田"), "%山田%");
    }

    #[test]
    fn actors_are_written_plainly() {
        assert_eq!(Actor::Staff(7).to_string(), "staff:7");
        assert_eq!(Actor::Public.to_string(), "public");
    }
}

/// What to show of the log: newest first, optionally narrowed by action and by a part of
/// the acting staff member's name.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<Action>,
    /// A part of the actor's display name, any case (ASCII letters; Japanese has none).
    pub actor_name: Option<String>,
    /// Exactly this actor's entries.
    pub actor: Option<Actor>,
    /// Entries at or after this moment (Unix milliseconds).
    pub from: Option<i64>,
    /// Entries before this moment.
    pub until: Option<i64>,
    /// Entries older than this one (its `seq`): the next page.
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// The most entries one read returns (a page, or one CSV export).
pub const MAX_LISTED: i64 = 10_000;

/// An entry as the log's readers see it: with the acting staff member's name, when the
/// actor is one.
#[derive(Clone, Debug)]
pub struct Listed {
    pub entry: Entry,
    pub actor_name: Option<String>,
}

/// `text` as a `LIKE` pattern that matches it anywhere, its own `%`, `_` and `\` taken
/// literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The newest entries that match `filter`. Read-only; who may call it is decided by the
/// caller's proof (see `staff::admin::audit_entries`).
pub async fn recent(db: &Database, filter: &Filter) -> Result<Vec<Listed>, StorageError> {
    let rows = sqlx::query(
        "SELECT a.seq, a.at, a.actor, a.action, a.subject_digest, a.detail, a.prev_hash, \
         a.hash, s.display_name FROM audit_log a \
         LEFT JOIN staff s ON a.actor = 'staff:' || s.id \
         WHERE ($1 = '' OR a.action = $1) \
         AND ($2 = '' OR LOWER(s.display_name) LIKE $2 ESCAPE '\\') \
         AND a.at >= $4 AND a.at < $5 AND a.seq < $6 AND ($7 = '' OR a.actor = $7) \
         ORDER BY a.seq DESC LIMIT $3",
    )
    .bind(filter.action.map_or("", Action::as_str))
    .bind(
        filter
            .actor_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(contains_pattern)
            .unwrap_or_default(),
    )
    .bind(filter.limit.clamp(1, MAX_LISTED))
    .bind(filter.from.unwrap_or(i64::MIN))
    .bind(filter.until.unwrap_or(i64::MAX))
    .bind(filter.before_seq.unwrap_or(i64::MAX))
    .bind(
        filter
            .actor
            .map(|actor| actor.to_string())
            .unwrap_or_default(),
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Listed {
                entry: entry_from_row(row)?,
                actor_name: row.try_get(8)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
