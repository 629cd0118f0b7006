//! Rate limits for public lookups, counted in the database so they hold across replicas,
//! over a sliding window: a request is let through only if fewer than `max` were let
//! through in the `window` before it, whenever it arrives (a fixed window let twice the
//! limit through across its edge). Each request let through is one row, kept until it
//! leaves its window; refused requests write nothing, so a flood costs reads. Each
//! subject's rows are numbered in order, so whether a limit is used up is found by index
//! seeks, at the same cost for a limit of three and of a thousand (see `used_up_since`).

use crate::identifier::Kind;
use crate::now_millis;
use crate::pepper::Pepper;
use crate::storage::{Backend, Database, StorageError};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sqlx::Row;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

/// Written `<count>/<window>`, the window in seconds, minutes, hours or days:
/// `10/10m`, `5/1d`, `1000/60s`.
impl std::str::FromStr for RateLimit {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        let (max, window) = text.trim().split_once('/').ok_or(())?;
        let max: u32 = max.trim().parse().map_err(|_| ())?;
        let window = window.trim();
        let unit = window.chars().last().ok_or(())?;
        let seconds_per = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(()),
        };
        let count: u64 = window[..window.len() - 1].parse().map_err(|_| ())?;
        if max == 0 || count == 0 {
            return Err(());
        }
        Ok(Self {
            max,
            window: Duration::from_secs(count.checked_mul(seconds_per).ok_or(())?),
        })
    }
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
    /// One client address reading the public JSON API or feed.
    Api,
    /// One client address starting domain challenges.
    DomainChallenge,
    /// One domain challenge asking for a DNS check.
    DnsCheck,
    /// One domain (its keyed hash) receiving mail, whoever asks.
    DomainMail,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::Address => "address",
            Scope::AddressNoScript => "address-noscript",
            Scope::Identifier => "identifier",
            Scope::Global => "global",
            Scope::Staff => "staff",
            Scope::Api => "api",
            Scope::DomainChallenge => "domain-challenge",
            Scope::DnsCheck => "dns-check",
            Scope::DomainMail => "domain-mail",
        }
    }
}

/// The subject of the [`Scope::Global`] counter: everybody.
pub const GLOBAL_SUBJECT: &str = "all";

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

/// Counts one request for `subject` and says whether it is within `limit`.
pub async fn consume(
    db: &Database,
    scope: Scope,
    subject: &str,
    limit: RateLimit,
) -> Result<Verdict, StorageError> {
    consume_all_at(db, &[(scope, subject, limit)], now_millis).await
}

/// [`consume`] at a given time, in milliseconds since the epoch: tests use it to stand at
/// a window's edge.
pub async fn consume_at(
    db: &Database,
    scope: Scope,
    subject: &str,
    limit: RateLimit,
    now: i64,
) -> Result<Verdict, StorageError> {
    consume_all_at(db, &[(scope, subject, limit)], move || now).await
}

/// One request counted against several limits at once: let through only if every one has
/// room, and then counted in each; refused, it is counted in none (a visitor refused by
/// one limit spends nothing of the others). One statement writes for all of them: under a
/// flood, each write is a turn at the database.
pub async fn consume_all(
    db: &Database,
    limits: &[(Scope, &str, RateLimit)],
) -> Result<Verdict, StorageError> {
    consume_all_at(db, limits, now_millis).await
}

/// `clock` is read twice: for the read that refuses early, and again once this request
/// has its turn to write, so that each subject's hits are numbered in the order of their
/// times (see [`used_up_since`]).
async fn consume_all_at(
    db: &Database,
    limits: &[(Scope, &str, RateLimit)],
    clock: impl Fn() -> i64,
) -> Result<Verdict, StorageError> {
    if limits.is_empty() {
        return Ok(Verdict::Allowed);
    }
    // A limit already used up is seen by a read, without a turn at writing: a flood from
    // one address is refused at the cost of a query, and does not queue before the writes
    // of everyone else. (Room seen here is checked again below, where it counts.)
    let mut reader = db.pool().acquire().await?;
    if let Some(retry_after) = refusal(&mut reader, limits, clock()).await? {
        return Ok(Verdict::Limited { retry_after });
    }
    drop(reader);
    let sql = count_if_room(limits.len());
    let counting = |now: i64| {
        let insert = bind_per_limit(sqlx::query(&sql), limits, hit(now));
        bind_per_limit(insert, limits, room(now))
    };
    // Counting and writing must be one step, or two requests could both see room for one.
    let inserted = if db.backend() == Backend::Sqlite {
        // A statement that writes holds SQLite's write lock from its first step, so no
        // writer comes between the count and the rows.
        let turn = db.write_turn().await?;
        let inserted = counting(clock()).execute(db.pool()).await?.rows_affected();
        drop(turn);
        inserted
    } else {
        // PostgreSQL locks each subject, in one order for every request so that two never
        // wait for each other.
        let mut tx = db.begin_write().await?;
        let mut keys: Vec<i64> = limits
            .iter()
            .map(|(scope, subject, _)| lock_key(*scope, subject))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        let inserted = counting(clock()).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        inserted
    };
    if inserted > 0 {
        return Ok(Verdict::Allowed);
    }
    // Used up since the read before: for how long. (Room found again could only be rows
    // swept meanwhile; then "try again in a second" is still true.)
    let mut reader = db.pool().acquire().await?;
    let retry_after = refusal(&mut reader, limits, clock())
        .await?
        .unwrap_or(Duration::from_secs(1));
    Ok(Verdict::Limited { retry_after })
}

/// `INSERT ... SELECT ... WHERE` every limit has room: one row of `rate_hits` per limit,
/// numbered after its subject's newest, or none at all. Its parameters: four per limit
/// for the rows (scope, subject and the numbers of [`hit`]), then four per limit for the
/// condition (scope, subject and the numbers of [`room`]).
fn count_if_room(limits: usize) -> String {
    let rows: Vec<String> = (0..limits)
        .map(|i| {
            let n = 4 * i;
            let (scope, subject) = (n + 1, n + 2);
            format!(
                "(${scope}, ${subject}, {} + 1, ${}, ${})",
                newest_number(scope, subject),
                n + 3,
                n + 4
            )
        })
        .collect();
    let first = 4 * limits;
    let all_have_room: Vec<String> = (0..limits)
        .map(|i| format!("{} IS NULL", used_up_since(first + 4 * i)))
        .collect();
    format!(
        "INSERT INTO rate_hits (scope, subject, seq, at, expires_at) \
         SELECT column1, column2, column3, column4, column5 FROM (VALUES {}) AS hit WHERE {}",
        rows.join(", "),
        all_have_room.join(" AND ")
    )
}

/// The number of a subject's newest hit, 0 when it has none: an index seek.
fn newest_number(scope: usize, subject: usize) -> String {
    format!(
        "COALESCE((SELECT seq FROM rate_hits WHERE scope = ${scope} AND subject = ${subject} \
         ORDER BY seq DESC LIMIT 1), 0)"
    )
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The numbers of a limit's row of [`count_if_room`]: now, and when the hit expires.
fn hit(now: i64) -> impl Fn(RateLimit) -> (i64, i64) {
    move |limit| (now, now.saturating_add(millis(limit.window)))
}

/// The numbers of a limit's [`used_up_since`]: its window's start, and `max` - 1.
fn room(now: i64) -> impl Fn(RateLimit) -> (i64, i64) {
    move |limit| (now - millis(limit.window), i64::from(limit.max) - 1)
}

/// Binds, for each limit in turn, its scope, its subject and the two numbers `numbers`
/// gives for it.
fn bind_per_limit<'q>(
    mut query: AnyQuery<'q>,
    limits: &[(Scope, &'q str, RateLimit)],
    numbers: impl Fn(RateLimit) -> (i64, i64),
) -> AnyQuery<'q> {
    for (scope, subject, limit) in limits {
        let (first, second) = numbers(*limit);
        query = query
            .bind(scope.name())
            .bind(*subject)
            .bind(first)
            .bind(second);
    }
    query
}

/// The `at` of the `max`-th newest hit of one limit, if it is within the window (then the
/// limit is used up): a scalar subquery whose four parameters (scope, subject, and the two
/// numbers of [`room`]) are numbered from `$first + 1`.
///
/// Hits are numbered without gaps in the order they were counted, and each is counted
/// with the time read once it had its turn to write, so the `max`-th newest is the one
/// numbered `max - 1` before the newest: two index seeks, whatever the limit. (A hit
/// swept away had left its window, and a missing row means room, as it should.) One case
/// bends the order: on SQLite, a request dropped while its statement waits on the
/// connection's thread gives up its turn before the statement runs, so the next writer may
/// be numbered first with a time a few milliseconds later. The count stays exact (each
/// statement checks and writes under SQLite's own lock); only a window's edge may move by
/// that much.
fn used_up_since(first: usize) -> String {
    let (scope, subject, since, back) = (first + 1, first + 2, first + 3, first + 4);
    format!(
        "(SELECT at FROM rate_hits WHERE scope = ${scope} AND subject = ${subject} \
         AND seq = {} - ${back} AND at > ${since})",
        newest_number(scope, subject)
    )
}

/// How long until every limit has room again, if one has none now.
async fn refusal(
    connection: &mut sqlx::AnyConnection,
    limits: &[(Scope, &str, RateLimit)],
    now: i64,
) -> Result<Option<Duration>, StorageError> {
    // For each limit, the `max`-th newest hit within its window, if there is one: then
    // that limit is used up. One row with a column per limit, in one round trip.
    let columns: Vec<String> = (0..limits.len()).map(|i| used_up_since(4 * i)).collect();
    let sql = format!("SELECT {}", columns.join(", "));
    let row = bind_per_limit(sqlx::query(&sql), limits, room(now))
        .fetch_one(&mut *connection)
        .await?;
    let mut refused: Option<Duration> = None;
    for (i, (scope, _, limit)) in limits.iter().enumerate() {
        let Some(oldest) = row.try_get::<Option<i64>, _>(i)? else {
            continue;
        };
        // Room again when the oldest of the last `max` leaves the window.
        let left = u64::try_from(oldest + millis(limit.window) - now).unwrap_or(0);
        let wait = Duration::from_millis(left).max(Duration::from_secs(1));
        metrics::counter!("breachcheck_rate_limit_refusals_total", "scope" => scope.name())
            .increment(1);
        refused = Some(refused.map_or(wait, |longest| longest.max(wait)));
    }
    Ok(refused)
}

/// The PostgreSQL advisory lock that makes one subject's count and write one step. Two
/// subjects that share a key only wait for each other.
fn lock_key(scope: Scope, subject: &str) -> i64 {
    use sha2::Digest;
    let digest = Sha256::new()
        .chain_update(b"rate-limit:")
        .chain_update(scope.name().as_bytes())
        .chain_update(b":")
        .chain_update(subject.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// How many requests of `subject` were let through within the last `window`.
pub async fn hits(
    db: &Database,
    scope: Scope,
    subject: &str,
    window: Duration,
) -> Result<u64, StorageError> {
    let hits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM rate_hits WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(scope.name())
    .bind(subject)
    .bind(now_millis() - millis(window))
    .fetch_one(db.pool())
    .await?;
    Ok(u64::try_from(hits).unwrap_or(0))
}

/// Removes the requests that have left their window.
pub async fn sweep(db: &Database) -> Result<u64, StorageError> {
    let done = sqlx::query("DELETE FROM rate_hits WHERE expires_at <= $1")
        .bind(now_millis())
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
        self.keyed(&[kind.as_str().as_bytes(), b":v1:", canonical.as_bytes()])
    }

    /// A client address is personal data too: counted under a keyed hash, not in clear.
    pub fn of_address(&self, address: &str) -> String {
        self.keyed(&[b"address:v1:", address.as_bytes()])
    }

    fn keyed(&self, parts: &[&[u8]]) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
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
    fn limits_are_written_as_count_per_window() {
        let limit = |text: &str| text.parse::<RateLimit>();
        assert_eq!(
            limit("10/10m"),
            Ok(RateLimit {
                max: 10,
                window: Duration::from_secs(600)
            })
        );
        assert_eq!(limit(" 5 / 1d ").map(|l| l.window.as_secs()), Ok(86_400));
        assert_eq!(limit("1000/60s").map(|l| l.max), Ok(1000));
        for bad in [
            "", "10", "10/", "0/1m", "10/0m", "10/5w", "x/1m", "10/m", "-1/1m",
        ] {
            assert_eq!(limit(bad), Err(()), "{bad}");
        }
    }

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
        let address = keys.of_address("192.0.2.1");
        assert_eq!(address.len(), 64);
        assert_ne!(address, keys.of_address("192.0.2.2"));
    }
}
