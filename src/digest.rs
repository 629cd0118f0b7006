//! Digests: what the site stores instead of an identifier. A digest is a keyed hash of
//! `"<kind>:v1:" + canonical`, keyed by the pepper (which never enters the database), so a
//! copy of the database alone cannot confirm a guess.
//!
//! Two profiles, chosen per deployment and recorded on every dataset so that an old dataset
//! stays readable after the default changes: `argon2id` (the pepper is argon2's secret
//! input, with one fixed salt per deployment, stored in the database) and `hmac-sha256`
//! (for lists of millions, where argon2 would take days).

use crate::identifier::Kind;
use crate::pepper::Pepper;
use crate::storage::{Database, StorageError};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;

thread_local! {
    /// argon2's working memory (19 MiB with the default profile), kept by each thread that
    /// hashes and used again for its next hash: the hashing pool's few threads, which would
    /// otherwise take it from the allocator and give it back once per hash. Every block is
    /// written before it is read, so nothing carries over from one hash to the next.
    static SCRATCH: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;

pub const DIGEST_BYTES: usize = 32;
const SALT_BYTES: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; DIGEST_BYTES]);

impl Digest {
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({}…)", &self.hex()[..12])
    }
}

/// How digests are computed, with the parameters that matter for reading them again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "profile", rename_all = "kebab-case")]
pub enum Profile {
    Argon2id {
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    },
    HmacSha256,
}

impl Profile {
    /// OWASP's argon2id parameters (m=19456 KiB, t=2, p=1).
    pub const ARGON2ID: Profile = Profile::Argon2id {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
    };

    pub fn name(&self) -> &'static str {
        match self {
            Profile::Argon2id { .. } => "argon2id",
            Profile::HmacSha256 => "hmac-sha256",
        }
    }

    /// `argon2id` (OWASP parameters) or `hmac-sha256`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "argon2id" => Some(Self::ARGON2ID),
            "hmac-sha256" => Some(Self::HmacSha256),
            _ => None,
        }
    }

    /// The profile as recorded on a dataset (JSON with its parameters).
    pub fn to_record(&self) -> String {
        serde_json::to_string(self).expect("a profile serialises")
    }

    pub fn from_record(record: &str) -> Option<Self> {
        serde_json::from_str(record).ok()
    }

    /// Whether a digest is expensive enough to belong on the bounded hashing pool.
    pub fn is_expensive(&self) -> bool {
        matches!(self, Profile::Argon2id { .. })
    }
}

impl Default for Profile {
    fn default() -> Self {
        Self::ARGON2ID
    }
}

/// Computes digests under one profile, pepper and deployment salt. Cheap to clone; the
/// work itself is synchronous CPU work, to be run on the hashing pool or a blocking thread.
#[derive(Clone)]
pub struct Digester {
    profile: Profile,
    pepper: Pepper,
    salt: [u8; SALT_BYTES],
}

impl Digester {
    pub fn new(profile: Profile, pepper: Pepper, salt: [u8; SALT_BYTES]) -> Self {
        Self {
            profile,
            pepper,
            salt,
        }
    }

    /// The deployment's salt from the database, created on first use. Every replica reads
    /// the same row; the insert that loses a race changes nothing. Refused with
    /// [`StorageError::OtherPepper`] when `pepper` is not the deployment's: its digests
    /// would match nothing stored, and every answer would be "not found".
    pub async fn for_deployment(
        db: &Database,
        profile: Profile,
        pepper: Pepper,
    ) -> Result<Self, StorageError> {
        same_pepper(db, &pepper).await?;
        Ok(Self::new(profile, pepper, deployment_salt(db).await?))
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The same digester under another profile (a dataset recorded with an older one).
    pub fn with_profile(&self, profile: Profile) -> Self {
        Self {
            profile,
            ..self.clone()
        }
    }

    pub fn digest(&self, kind: Kind, canonical: &str) -> Digest {
        let input = kind.digest_input(canonical);
        let mut out = [0u8; DIGEST_BYTES];
        match self.profile {
            Profile::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => {
                let params = Params::new(memory_kib, iterations, parallelism, Some(DIGEST_BYTES))
                    .expect("recorded argon2 parameters are valid");
                let blocks = params.block_count();
                let argon2 = Argon2::new_with_secret(
                    self.pepper.expose(),
                    Algorithm::Argon2id,
                    Version::V0x13,
                    params,
                )
                .expect("the pepper is short enough to be an argon2 secret");
                SCRATCH.with_borrow_mut(|memory| {
                    if memory.len() < blocks {
                        memory.resize(blocks, Block::default());
                    }
                    argon2
                        .hash_password_into_with_memory(
                            input.as_bytes(),
                            &self.salt,
                            &mut out,
                            &mut memory[..blocks],
                        )
                        .expect("argon2 accepts these inputs");
                });
            }
            Profile::HmacSha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(self.pepper.expose())
                    .expect("HMAC takes keys of any length");
                mac.update(input.as_bytes());
                out.copy_from_slice(&mac.finalize().into_bytes());
            }
        }
        Digest(out)
    }
}

/// The deployment's value `name`, stored as `first` if it has none yet. Every replica reads
/// the same row; the insert that loses a race changes nothing.
async fn deployment_value(
    db: &Database,
    name: &str,
    first: Vec<u8>,
) -> Result<Vec<u8>, StorageError> {
    sqlx::query(
        "INSERT INTO deployment (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(first)
    .execute(db.pool())
    .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM deployment WHERE name = $1")
            .bind(name)
            .fetch_one(db.pool())
            .await?,
    )
}

/// What the database keeps to recognise its pepper: a key derived from it, which tells
/// nothing about the pepper itself.
fn pepper_check(pepper: &Pepper) -> Vec<u8> {
    pepper.derive("deployment-pepper-check").to_vec()
}

/// Records `pepper` as the deployment's on first use; afterwards, refuses any other.
async fn same_pepper(db: &Database, pepper: &Pepper) -> Result<(), StorageError> {
    let check = pepper_check(pepper);
    if deployment_value(db, "pepper_check", check.clone()).await? == check {
        Ok(())
    } else {
        Err(StorageError::OtherPepper)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PepperChangeError {
    #[error(
        "{0} list(s) are published: retire every published list before changing the pepper \
         (their digests answer under the old pepper only)"
    )]
    ListsPublished(i64),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Makes `pepper` the deployment's pepper in place of the one recorded (after a leak: see
/// docs/DEPLOY.md). Only while no list is published, since a published list's digests
/// answer under the old pepper alone; audited in the same transaction.
pub async fn change_pepper(db: &Database, pepper: &Pepper) -> Result<(), PepperChangeError> {
    let mut tx = db.begin_write().await?;
    let published: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM datasets WHERE status = $1")
        .bind(crate::dataset::Status::Active.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(StorageError::from)?;
    if published > 0 {
        return Err(PepperChangeError::ListsPublished(published));
    }
    sqlx::query("DELETE FROM deployment WHERE name = 'pepper_check'")
        .execute(&mut *tx)
        .await
        .map_err(StorageError::from)?;
    sqlx::query("INSERT INTO deployment (name, value) VALUES ('pepper_check', $1)")
        .bind(pepper_check(pepper))
        .execute(&mut *tx)
        .await
        .map_err(StorageError::from)?;
    crate::audit::commit_with(
        tx,
        crate::audit::NewEntry {
            actor: crate::audit::Actor::System,
            action: crate::audit::Action::PepperChanged,
            subject: None,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    Ok(())
}

async fn deployment_salt(db: &Database) -> Result<[u8; SALT_BYTES], StorageError> {
    use rand::RngCore;
    let mut fresh = [0u8; SALT_BYTES];
    rand::rng().fill_bytes(&mut fresh);
    deployment_value(db, "digest_salt", fresh.to_vec())
        .await?
        .try_into()
        .map_err(|_| StorageError::Corrupt("the deployment's digest salt has the wrong length"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digester(profile: Profile) -> Digester {
        let pepper = Pepper::parse(b"unit-test-pepper-0123456789abcdef".to_vec()).unwrap();
        Digester::new(profile, pepper, [7; SALT_BYTES])
    }

    #[test]
    fn digests_depend_on_kind_value_profile_pepper_and_salt() {
        for profile in [Profile::HmacSha256, Profile::ARGON2ID] {
            let d = digester(profile);
            let base = d.digest(Kind::Contract, "AB123456");
            assert_eq!(base, d.digest(Kind::Contract, "AB123456"), "deterministic");
            assert_ne!(base, d.digest(Kind::Domain, "AB123456"), "kind");
            assert_ne!(base, d.digest(Kind::Contract, "AB123457"), "value");
            let other_pepper = Digester::new(
                profile,
                Pepper::parse(b"another-pepper-0123456789abcdef-x".to_vec()).unwrap(),
                [7; SALT_BYTES],
            );
            assert_ne!(
                base,
                other_pepper.digest(Kind::Contract, "AB123456"),
                "pepper"
            );
            if profile.is_expensive() {
                let other_salt = Digester::new(profile, d.pepper.clone(), [8; SALT_BYTES]);
                assert_ne!(base, other_salt.digest(Kind::Contract, "AB123456"), "salt");
            }
        }
        assert_ne!(
            digester(Profile::HmacSha256).digest(Kind::Contract, "AB123456"),
            digester(Profile::ARGON2ID).digest(Kind::Contract, "AB123456"),
        );
    }

    #[test]
    fn hmac_profile_matches_a_known_answer() {
        // HMAC-SHA-256(key, "contract:v1:AB123456"), computed independently with openssl:
        // printf 'contract:v1:AB123456' | openssl dgst -sha256 -hmac 'unit-test-pepper-0123456789abcdef'
        let d = digester(Profile::HmacSha256).digest(Kind::Contract, "AB123456");
        assert_eq!(d.hex(), KNOWN_HMAC);
    }

    const KNOWN_HMAC: &str = "dd27731d696f0c08d526acc3b3c152a70f926020a26b4bb99acf9e228847bc04";

    #[test]
    fn profiles_round_trip_through_their_record() {
        for profile in [Profile::ARGON2ID, Profile::HmacSha256] {
            assert_eq!(Profile::from_record(&profile.to_record()), Some(profile));
            assert_eq!(Profile::parse(profile.name()), Some(profile));
        }
        assert!(Profile::ARGON2ID.to_record().contains("19456"));
    }
}
