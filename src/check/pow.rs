//! Proof of work before a public lookup, in the manner of ALTCHA: the server picks a random
//! number up to `maxnumber` and sends `SHA-256(salt + number)` with an HMAC signature; the
//! browser finds the number by trying them all and sends it back. The salt carries its
//! expiry, and a solved challenge is recorded so it cannot be used twice.
//!
//! Solving compiles to wasm (the hydrated page does it); issuing and redeeming are server-only.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub algorithm: String,
    /// Hex SHA-256 of `salt` followed by the secret number in decimal.
    pub challenge: String,
    pub maxnumber: u64,
    /// Random hex, then `?expires=<unix seconds>`.
    pub salt: String,
    /// Hex HMAC-SHA256 of `challenge` under the server's key.
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    pub challenge: String,
    pub number: u64,
    pub salt: String,
    pub signature: String,
}

impl Solution {
    /// The four hidden fields a hydrated form posts: `None` when all are empty (no
    /// JavaScript), `Some(Err(()))` when they are there but the number is not one (a
    /// half-filled proof is a bad one).
    #[allow(clippy::result_unit_err)]
    pub fn from_fields(
        challenge: &str,
        number: &str,
        salt: &str,
        signature: &str,
    ) -> Option<Result<Self, ()>> {
        if [challenge, number, salt, signature]
            .iter()
            .all(|part| part.is_empty())
        {
            return None;
        }
        Some(
            number
                .trim()
                .parse::<u64>()
                .map_err(|_| ())
                .map(|number| Self {
                    challenge: challenge.to_owned(),
                    number,
                    salt: salt.to_owned(),
                    signature: signature.to_owned(),
                }),
        )
    }
}

fn hash_of(salt: &str, number: u64) -> String {
    hex::encode(Sha256::digest(format!("{salt}{number}").as_bytes()))
}

/// Tries every number up to `maxnumber`; `None` if none matches (a forged challenge).
pub fn solve(challenge: &Challenge) -> Option<Solution> {
    (0..=challenge.maxnumber)
        .find(|n| hash_of(&challenge.salt, *n) == challenge.challenge)
        .map(|number| Solution {
            challenge: challenge.challenge.clone(),
            number,
            salt: challenge.salt.clone(),
            signature: challenge.signature.clone(),
        })
}

/// The work asked for: more when lookups per minute rise. At rest a browser needs a few
/// hundred milliseconds; under attack each lookup costs the asker seconds of CPU.
pub fn maxnumber_for(lookups_last_minute: u64) -> u64 {
    const BASE: u64 = 50_000;
    const CEILING: u64 = 2_000_000;
    let steps = (lookups_last_minute / 100).min(40);
    (BASE * (1 + steps)).min(CEILING)
}

#[cfg(feature = "server")]
pub use server_side::*;

#[cfg(feature = "server")]
mod server_side {
    use super::*;
    use crate::now_millis;
    use crate::pepper::Pepper;
    use crate::storage::{Database, StorageError};
    use hmac::{Hmac, KeyInit, Mac};
    use rand::Rng;
    use std::time::Duration;

    #[derive(Debug, thiserror::Error, PartialEq, Eq)]
    pub enum PowRejection {
        #[error("the proof of work is not signed by this server")]
        BadSignature,
        #[error("the proof of work has expired")]
        Expired,
        #[error("the number does not solve the challenge")]
        Wrong,
        #[error("the proof of work was already used")]
        Replayed,
    }

    #[derive(Debug, thiserror::Error)]
    pub enum PowError {
        #[error(transparent)]
        Rejected(#[from] PowRejection),
        #[error(transparent)]
        Storage(#[from] StorageError),
    }

    /// Signs and checks challenges with a key derived from the pepper.
    #[derive(Clone)]
    pub struct PowKeys {
        key: [u8; 32],
    }

    impl std::fmt::Debug for PowKeys {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("PowKeys(..)")
        }
    }

    impl PowKeys {
        pub fn new(pepper: &Pepper) -> Self {
            Self {
                key: pepper.derive("proof-of-work-signature"),
            }
        }

        fn mac(&self) -> Hmac<Sha256> {
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length")
        }

        pub fn issue(&self, maxnumber: u64, valid_for: Duration) -> Challenge {
            // The difficulty follows the load: operators watch it rise on a flood.
            metrics::gauge!("breachcheck_pow_maxnumber").set(maxnumber as f64);
            let mut rng = rand::rng();
            let random: [u8; 12] = rng.random();
            let expires = now_millis() / 1000 + i64::try_from(valid_for.as_secs()).unwrap_or(0);
            let salt = format!("{}?expires={expires}", hex::encode(random));
            let number = rng.random_range(0..=maxnumber);
            let challenge = hash_of(&salt, number);
            let mut mac = self.mac();
            mac.update(challenge.as_bytes());
            Challenge {
                algorithm: "SHA-256".to_owned(),
                signature: hex::encode(mac.finalize().into_bytes()),
                challenge,
                maxnumber,
                salt,
            }
        }

        /// Checks a solution and spends it: the same solution is refused afterwards.
        pub async fn redeem(&self, db: &Database, solution: &Solution) -> Result<(), PowError> {
            let expected =
                hex::decode(&solution.signature).map_err(|_| PowRejection::BadSignature)?;
            let mut mac = self.mac();
            mac.update(solution.challenge.as_bytes());
            mac.verify_slice(&expected)
                .map_err(|_| PowRejection::BadSignature)?;
            let expires: i64 = solution
                .salt
                .rsplit_once("?expires=")
                .and_then(|(_, at)| at.parse().ok())
                .ok_or(PowRejection::Wrong)?;
            if now_millis() / 1000 > expires {
                return Err(PowRejection::Expired.into());
            }
            if hash_of(&solution.salt, solution.number) != solution.challenge {
                return Err(PowRejection::Wrong.into());
            }
            // A write like any other: it takes its turn (see `Database::begin_write`).
            let mut tx = db.begin_write().await.map_err(PowError::Storage)?;
            let spent =
                sqlx::query("INSERT INTO pow_spent (challenge, expires_at) VALUES ($1, $2)")
                    .bind(&solution.challenge)
                    .bind(expires * 1000)
                    .execute(&mut *tx)
                    .await;
            match spent {
                Ok(_) => tx.commit().await.map_err(PowError::Storage),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    Err(PowRejection::Replayed.into())
                }
                Err(e) => Err(PowError::Storage(e.into())),
            }
        }
    }

    /// Forgets spent challenges that have expired anyway.
    pub async fn sweep(db: &Database) -> Result<u64, StorageError> {
        let done = sqlx::query("DELETE FROM pow_spent WHERE expires_at < $1")
            .bind(now_millis())
            .execute(db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difficulty_rises_with_load_and_is_capped() {
        assert_eq!(maxnumber_for(0), 50_000);
        assert!(maxnumber_for(500) > maxnumber_for(100));
        assert_eq!(maxnumber_for(u64::MAX), 2_000_000);
    }

    #[cfg(feature = "server")]
    #[test]
    fn an_issued_challenge_is_solved_and_a_forged_one_is_not() {
        let keys = PowKeys::new(&crate::pepper::Pepper::parse(vec![3; 32]).unwrap());
        let challenge = keys.issue(1_000, std::time::Duration::from_secs(60));
        let solution = solve(&challenge).expect("solvable");
        assert!(solution.number <= 1_000);
        assert_eq!(
            hash_of(&solution.salt, solution.number),
            challenge.challenge
        );
        let forged = Challenge {
            challenge: hex::encode([0; 32]),
            ..challenge
        };
        assert_eq!(solve(&forged), None);
    }
}
