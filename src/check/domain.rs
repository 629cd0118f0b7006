//! The domain self-check's challenges. A domain is public, so its answer is shown only to
//! someone who proves control of it: a DNS TXT record carrying the challenge's token, or a
//! single-use link mailed to a role address at the domain. Proof gives the browser a grant
//! to see the answer for a while.
//!
//! Tokens are random 128-bit values, stored only as SHA-256 hashes. The plaintext domain is
//! kept until the challenge completes (then its lookup digests take its place) or expires.

use crate::digest::{Digest, Profile};
use crate::identifier::Domain;
use crate::now_millis;
use crate::storage::{Database, StorageError};
use rand::Rng as _;
use sha2::{Digest as _, Sha256};
use sqlx::Row;
use std::time::Duration;

const RECORD_PREFIX: &str = "_breachcheck-challenge";
const VALUE_PREFIX: &str = "breachcheck-verification=";

/// The name of the TXT record that proves control of `domain`.
pub fn record_name(domain: &Domain) -> String {
    format!("{RECORD_PREFIX}.{}", domain.as_str())
}

/// The value that record must hold for the challenge `token`.
pub fn record_value(token: &Token) -> String {
    format!("{VALUE_PREFIX}{}", token.as_str())
}

/// A capability handed to a visitor: in a URL, a DNS record, a mail or a cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

impl Token {
    /// A new random token (128 bits).
    pub fn generate() -> Self {
        let bytes: [u8; 16] = rand::rng().random();
        Self(hex::encode(bytes))
    }

    /// A token as a visitor sent it back: 32 lower-case hex digits, else `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// How control was proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    Dns,
    Email,
}

impl Proof {
    fn as_str(self) -> &'static str {
        match self {
            Proof::Dns => "dns",
            Proof::Email => "email",
        }
    }
}

/// An open challenge, as its page needs it.
#[derive(Clone, Debug)]
pub struct Challenge {
    /// Its token's hash: how the database knows it.
    key: String,
    /// `None` once it completed: the domain is gone from the database.
    pub domain: Option<Domain>,
    /// The domain's keyed hash: limits and the audit log.
    pub subject: String,
    pub expires_at: i64,
    pub verified: bool,
}

impl Challenge {
    /// A name for the challenge that is not its token: for rate limits.
    pub fn key(&self) -> &str {
        &self.key
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChallengeError {
    #[error("no such challenge, or it expired")]
    NotFound,
    #[error("the challenge was already completed")]
    Completed,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ChallengeError {
    fn from(error: sqlx::Error) -> Self {
        ChallengeError::Storage(error.into())
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Starts a challenge for `domain`, open for `ttl`, from the browser that holds `starter`
/// (a cookie's value: once control is proven, that browser may see the answer too).
pub async fn create(
    db: &Database,
    domain: &Domain,
    subject: &str,
    ttl: Duration,
    starter: &Token,
) -> Result<Token, ChallengeError> {
    let token = Token::generate();
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO domain_challenges (token_hash, domain, subject, created_at, expires_at, \
         starter_hash) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.hash())
    .bind(domain.as_str())
    .bind(subject)
    .bind(now)
    .bind(now.saturating_add(millis(ttl)))
    .bind(starter.hash())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The challenge `token` names, if it has not expired.
pub async fn find(db: &Database, token: &Token) -> Result<Option<Challenge>, ChallengeError> {
    let row = sqlx::query(
        "SELECT domain, subject, expires_at, verified_at FROM domain_challenges \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token.hash())
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let domain: Option<String> = row.try_get(0)?;
    let domain = match domain {
        Some(text) => Some(Domain::parse(&text).map_err(|_| {
            ChallengeError::Storage(StorageError::Corrupt("a challenge's domain does not parse"))
        })?),
        None => None,
    };
    Ok(Some(Challenge {
        key: token.hash(),
        domain,
        subject: row.try_get(1)?,
        expires_at: row.try_get(2)?,
        verified: row.try_get::<Option<i64>, _>(3)?.is_some(),
    }))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredDigest {
    profile: Profile,
    digest: String,
}

fn encode(digests: &[(Profile, Digest)]) -> String {
    let stored: Vec<StoredDigest> = digests
        .iter()
        .map(|(profile, digest)| StoredDigest {
            profile: *profile,
            digest: hex::encode(digest.0),
        })
        .collect();
    serde_json::to_string(&stored).expect("digests serialise")
}

fn decode(text: &str) -> Result<Vec<(Profile, Digest)>, StorageError> {
    let corrupt = || StorageError::Corrupt("a challenge's digests are not valid");
    let stored: Vec<StoredDigest> = serde_json::from_str(text).map_err(|_| corrupt())?;
    stored
        .into_iter()
        .map(|entry| {
            let mut bytes = [0u8; crate::digest::DIGEST_BYTES];
            hex::decode_to_slice(&entry.digest, &mut bytes).map_err(|_| corrupt())?;
            Ok((entry.profile, Digest(bytes)))
        })
        .collect()
}

/// Marks the challenge proven: the domain gives way to its digests. Fails if it expired
/// or completed meanwhile (a proof counts once).
pub async fn complete(
    db: &Database,
    challenge: &Challenge,
    digests: &[(Profile, Digest)],
    proof: Proof,
) -> Result<(), ChallengeError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE domain_challenges SET domain = NULL, digests = $1, verified_at = $2, \
         verified_by = $3 WHERE token_hash = $4 AND verified_at IS NULL AND expires_at > $5",
    )
    .bind(encode(digests))
    .bind(now_millis())
    .bind(proof.as_str())
    .bind(&challenge.key)
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ChallengeError::Completed);
    }
    tx.commit().await?;
    Ok(())
}

/// A right for one browser to see the challenge's answer for `ttl`. The challenge stays
/// (as digests) as long as a grant needs it.
pub async fn grant(
    db: &Database,
    challenge: &Challenge,
    ttl: Duration,
) -> Result<Token, ChallengeError> {
    let token = Token::generate();
    let until = now_millis().saturating_add(millis(ttl));
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE domain_challenges SET expires_at = CASE WHEN expires_at < $1 THEN $2 \
         ELSE expires_at END WHERE token_hash = $3",
    )
    .bind(until)
    .bind(until)
    .bind(&challenge.key)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO domain_grants (token_hash, challenge_hash, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token.hash())
    .bind(&challenge.key)
    .bind(until)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// A grant for the browser that started a challenge whose control was proven (perhaps
/// from another device, through the mailed link): `None` unless the challenge `token` is
/// proven, not expired, and was started by the holder of `starter`.
pub async fn grant_starter(
    db: &Database,
    token: &Token,
    starter: &Token,
    ttl: Duration,
) -> Result<Option<Token>, ChallengeError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT subject, expires_at FROM domain_challenges WHERE token_hash = $1 \
         AND starter_hash = $2 AND verified_at IS NOT NULL AND expires_at > $3",
    )
    .bind(token.hash())
    .bind(starter.hash())
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await?;
    let Some((subject, expires_at)) = row else {
        return Ok(None);
    };
    let challenge = Challenge {
        key: token.hash(),
        domain: None,
        subject,
        expires_at,
        verified: true,
    };
    grant(db, &challenge, ttl).await.map(Some)
}

/// What a live grant lets its browser see.
#[derive(Clone, Debug)]
pub struct Granted {
    /// The domain's lookup digests, one per hashing profile.
    pub digests: Vec<(Profile, Digest)>,
    /// The domain's keyed hash: a name the browser offers for the domain can be checked
    /// against it, so the answer names the domain without the database holding it.
    pub subject: String,
}

/// What a live grant lets its browser look up.
pub async fn granted(db: &Database, grant: &Token) -> Result<Option<Granted>, ChallengeError> {
    let row: Option<(Option<String>, String)> = sqlx::query_as(
        "SELECT c.digests, c.subject FROM domain_grants g \
         JOIN domain_challenges c ON c.token_hash = g.challenge_hash \
         WHERE g.token_hash = $1 AND g.expires_at > $2",
    )
    .bind(grant.hash())
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some((Some(text), subject)) => Ok(Some(Granted {
            digests: decode(&text)?,
            subject,
        })),
        _ => Ok(None),
    }
}

/// A single-use link for a mail to the domain, valid for `ttl`.
pub async fn mail_link(
    db: &Database,
    challenge: &Challenge,
    ttl: Duration,
) -> Result<Token, ChallengeError> {
    let token = Token::generate();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO domain_links (token_hash, challenge_hash, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token.hash())
    .bind(&challenge.key)
    .bind(now_millis().saturating_add(millis(ttl)))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Uses a mailed link, once: the challenge it was sent for. A second use, an
/// expired link or a completed challenge is `NotFound`.
pub async fn redeem_link(db: &Database, link: &Token) -> Result<Challenge, ChallengeError> {
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    let used = sqlx::query(
        "UPDATE domain_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
         AND expires_at > $3",
    )
    .bind(now)
    .bind(link.hash())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() == 0 {
        return Err(ChallengeError::NotFound);
    }
    let row = sqlx::query(
        "SELECT c.token_hash, c.domain, c.subject, c.expires_at FROM domain_links l \
         JOIN domain_challenges c ON c.token_hash = l.challenge_hash \
         WHERE l.token_hash = $1 AND c.expires_at > $2 AND c.verified_at IS NULL",
    )
    .bind(link.hash())
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ChallengeError::NotFound)?;
    tx.commit().await?;
    let domain: Option<String> = row.try_get(1)?;
    let domain = domain
        .as_deref()
        .map(Domain::parse)
        .transpose()
        .map_err(|_| StorageError::Corrupt("a challenge's domain does not parse"))?;
    Ok(Challenge {
        key: row.try_get(0)?,
        domain,
        subject: row.try_get(2)?,
        expires_at: row.try_get(3)?,
        verified: false,
    })
}

/// Deletes expired challenges (with their domains), links and grants.
pub async fn sweep(db: &Database) -> Result<u64, StorageError> {
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM domain_grants WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM domain_links WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let gone = sqlx::query("DELETE FROM domain_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(gone)
}

/// The keys of the challenges that still hold their domain (open, not yet proven).
pub async fn open_keys(db: &Database) -> Result<Vec<String>, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT token_hash FROM domain_challenges WHERE domain IS NOT NULL AND expires_at > $1",
    )
    .bind(now_millis())
    .fetch_all(db.pool())
    .await?)
}

/// Clears what the database keeps of rows already deleted or overwritten (a domain, once
/// its challenge completed or expired): SQLite runs with `secure_delete` and its
/// write-ahead log is checkpointed and truncated here; PostgreSQL's dead row versions are
/// vacuumed. The sweeper calls it every minute.
pub async fn scrub(db: &Database) -> Result<(), StorageError> {
    let statement = match db.backend() {
        crate::storage::Backend::Sqlite => "PRAGMA wal_checkpoint(TRUNCATE)",
        crate::storage::Backend::Postgres => "VACUUM domain_challenges, domain_links",
    };
    sqlx::raw_sql(statement).execute(db.pool()).await?;
    Ok(())
}
