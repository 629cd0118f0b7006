//! Staff password hashes: argon2id with OWASP's parameters, computed on the hashing pool.

use super::policy::NewPassword;
use crate::hashing_pool::{Busy, HashingPool};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use std::sync::LazyLock;

/// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC-format argon2id hash. It cannot be serialised and does not print, so it cannot
/// leave the server by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

impl PasswordHash {
    /// Wraps a hash read from the database.
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_stored(&self) -> &str {
        &self.0
    }
}

fn hash_now(password: &str) -> PasswordHash {
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let hash = argon2()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .expect("argon2 accepts a 16-byte salt");
    PasswordHash(hash.to_string())
}

/// Verified when the email is unknown, so that an unknown account takes as long to refuse
/// as a wrong password.
static DUMMY: LazyLock<PasswordHash> = LazyLock::new(|| hash_now("not-a-real-password"));

pub async fn hash(pool: &HashingPool, password: NewPassword) -> Result<PasswordHash, Busy> {
    pool.run(move || hash_now(password.expose())).await
}

/// Whether `candidate` matches `stored`; with no stored hash, the dummy is verified and the
/// answer is always no.
pub async fn verify(
    pool: &HashingPool,
    candidate: String,
    stored: Option<PasswordHash>,
) -> Result<bool, Busy> {
    pool.run(move || {
        let (hash, real) = match stored {
            Some(hash) => (hash, true),
            None => (DUMMY.clone(), false),
        };
        let matches = argon2()
            .verify_password(candidate.as_bytes(), hash.as_stored())
            .is_ok();
        matches && real
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::StaffEmail;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_do_not() {
        let pool = HashingPool::new(2, 8);
        let email = StaffEmail::parse("a@example.com").unwrap();
        let password = NewPassword::parse("blue-kettle-orbit-42", &email).unwrap();
        let hash = hash(&pool, password).await.unwrap();
        assert!(
            hash.as_stored()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        assert!(!format!("{hash:?}").contains("argon2"));
        assert!(
            verify(&pool, "blue-kettle-orbit-42".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(&pool, "blue-kettle-orbit-43".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_costs_a_full_verification() {
        let pool = HashingPool::new(1, 8);
        LazyLock::force(&DUMMY);
        let real = hash_now("blue-kettle-orbit-42");
        // The fastest of three: a busy machine slows single runs, never all of them alike.
        let mut unknown = Duration::MAX;
        let mut wrong = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            assert!(
                !verify(&pool, "not-a-real-password".into(), None)
                    .await
                    .unwrap()
            );
            unknown = unknown.min(started.elapsed());
            let started = Instant::now();
            assert!(
                !verify(&pool, "wrong".into(), Some(real.clone()))
                    .await
                    .unwrap()
            );
            wrong = wrong.min(started.elapsed());
        }
        // Same work, so within a factor of two of each other (debug builds are slow, not uneven).
        assert!(
            unknown * 2 > wrong && wrong * 2 > unknown,
            "{unknown:?} vs {wrong:?}"
        );
    }
}
