//! Signing staff in: a password step, then a TOTP step. Every failure looks the same to
//! the caller (no hint whether the email, the password or the code was wrong), costs the
//! same argon2 work, and counts towards throttling ([`super::throttle`]): one account from one
//! client is refused after the policy's failures, one client over all accounts after four
//! times as many, and one account from everywhere is only slowed down, and not at all for a
//! browser that signed in to it before (it holds the account's [`Authenticator::browser_mark`]), so
//! that failing on purpose cannot lock a staff member out.

use super::session::{self, Session, SessionPolicy, SessionToken, Stage};
use super::store::{self, StaffRecord};
use super::throttle::{self, ThrottlePolicy};
use super::{Role, StaffEmail, StaffId, password};
use crate::audit::Action;
use crate::audit::{self, Actor, NewEntry};
use crate::hashing_pool::{Busy, HashingPool};
use crate::pepper::Pepper;
use crate::storage::{Database, StorageError};
use hmac::Hmac;
use serde_json::json;
use sha2::Sha256;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The one answer for a wrong email, password or code, or a disabled account.
    #[error("email, password or code is wrong")]
    Rejected,
    #[error("too many failed attempts; try again in {} minutes", .retry_after.as_secs().div_ceil(60))]
    Throttled { retry_after: Duration },
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<store::StaffError> for SignInError {
    fn from(error: store::StaffError) -> Self {
        match error {
            store::StaffError::Storage(e) => SignInError::Storage(e),
            _ => SignInError::Rejected,
        }
    }
}

/// A signed-in staff member, as the rest of the server sees them. Its fields are private:
/// only this module makes one, from a live session, so holding one is proof of sign-in
/// (and [`SignedIn::as_admin`] of admin rights).
#[derive(Clone, Debug)]
pub struct SignedIn {
    staff_id: StaffId,
    role: Role,
    display_name: String,
    email: String,
    token: SessionToken,
}

impl SignedIn {
    pub fn staff_id(&self) -> StaffId {
        self.staff_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn token(&self) -> &SessionToken {
        &self.token
    }
}

#[derive(Clone)]
pub struct Authenticator {
    pub db: Database,
    pub pool: HashingPool,
    pub sessions: SessionPolicy,
    pub throttle: ThrottlePolicy,
    /// Keys the digest of typed emails: whatever someone types at sign-in (a customer's
    /// address included) is stored only as a keyed hash, which a copy of the database
    /// cannot confirm guesses against.
    pub pepper: Pepper,
}

/// Where an attempt comes from: the client's address as the public check counts it (behind
/// a trusted proxy, the address the proxy reports) and the browser mark its browser holds,
/// if any.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    pub client: &'a str,
    pub browser_mark: Option<&'a str>,
}

/// The three throttling subjects of one attempt on one account.
struct Subjects {
    account: String,
    client: String,
    pair: String,
    known_browser: bool,
}

impl Authenticator {
    /// HMAC-SHA-256 under the pepper: what someone typed, or a client's address, is counted
    /// only under a keyed hash.
    fn keyed(&self, parts: &[&[u8]]) -> String {
        use hmac::{KeyInit, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(self.pepper.expose())
            .expect("HMAC takes keys of any length");
        for part in parts {
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// The throttling and audit key for a typed email.
    fn account_subject(&self, email: &str) -> String {
        let email = email.trim().to_lowercase();
        format!(
            "account:{}",
            self.keyed(&[b"staff-account:v1:", email.as_bytes()])
        )
    }

    fn client_subject(&self, client: &str) -> String {
        format!(
            "client:{}",
            self.keyed(&[b"staff-client:v1:", client.as_bytes()])
        )
    }

    /// What a browser that signed in to an account keeps (a cookie) to show it did: a keyed
    /// hash of the account, so it cannot be made without the pepper and stands for that
    /// account only. It proves nothing but "this browser signed in here before" and only
    /// exempts it from the account-wide slowdown.
    pub fn browser_mark(&self, signed_in: &SignedIn) -> String {
        self.mark_of(&self.account_subject(&signed_in.email))
    }

    fn mark_of(&self, account: &str) -> String {
        self.keyed(&[b"staff-known-browser:v1:", account.as_bytes()])
    }

    fn subjects(&self, email: &str, attempt: &Attempt<'_>) -> Subjects {
        use subtle::ConstantTimeEq;
        let account = self.account_subject(email);
        let known_browser = attempt.browser_mark.is_some_and(|mark| {
            bool::from(mark.as_bytes().ct_eq(self.mark_of(&account).as_bytes()))
        });
        let pair = format!(
            "pair:{}",
            self.keyed(&[
                b"staff-pair:v1:",
                account.as_bytes(),
                b"|",
                attempt.client.as_bytes()
            ])
        );
        Subjects {
            client: self.client_subject(attempt.client),
            account,
            pair,
            known_browser,
        }
    }

    async fn refuse_if_throttled(&self, subjects: &Subjects) -> Result<(), SignInError> {
        let waits = [
            throttle::retry_after(&self.db, &subjects.pair, &self.throttle).await?,
            throttle::retry_after(&self.db, &subjects.client, &self.throttle.per_client()).await?,
            if subjects.known_browser {
                None
            } else {
                throttle::spacing(&self.db, &subjects.account, &self.throttle).await?
            },
        ];
        match waits.into_iter().flatten().max() {
            Some(retry_after) => {
                metrics::counter!("breachcheck_rate_limit_refusals_total", "scope" => "sign-in")
                    .increment(1);
                Err(SignInError::Throttled { retry_after })
            }
            None => Ok(()),
        }
    }

    async fn fail(&self, subjects: &[&str], stage: &str, email_digest: &str) -> SignInError {
        for subject in subjects {
            if let Err(error) = throttle::record_failure(&self.db, subject, &self.throttle).await {
                return error.into();
            }
        }
        let entry = NewEntry {
            actor: Actor::Public,
            action: Action::StaffSignInFailed,
            subject: None,
            detail: json!({ "stage": stage, "account": email_digest }),
        };
        match audit::append(&self.db, entry).await {
            Ok(_) => SignInError::Rejected,
            Err(error) => error.into(),
        }
    }

    async fn fail_all(&self, subjects: &Subjects, stage: &str) -> SignInError {
        let all = [
            subjects.pair.as_str(),
            subjects.client.as_str(),
            subjects.account.as_str(),
        ];
        self.fail(&all, stage, &subjects.account).await
    }

    /// Step one. On success the returned token stands for a session that still owes the
    /// TOTP code.
    pub async fn password_step(
        &self,
        email: &str,
        password: String,
        attempt: &Attempt<'_>,
    ) -> Result<SessionToken, SignInError> {
        let subjects = self.subjects(email, attempt);
        self.refuse_if_throttled(&subjects).await?;

        let staff = match StaffEmail::parse(email) {
            Ok(email) => store::find_by_email(&self.db, &email).await?,
            Err(_) => None,
        };
        let stored = staff.as_ref().map(|s| s.password_hash.clone());
        let matches = password::verify(&self.pool, password, stored).await?;
        match staff {
            Some(staff) if matches && staff.is_active() => {
                Ok(session::create(&self.db, staff.id, Stage::SecondFactor).await?)
            }
            _ => Err(self.fail_all(&subjects, "password").await),
        }
    }

    /// Step two. On success the pending session is replaced by a signed-in one under a new
    /// token.
    pub async fn code_step(
        &self,
        pending: &SessionToken,
        code: &str,
        attempt: &Attempt<'_>,
        unix_seconds: u64,
    ) -> Result<SignedIn, SignInError> {
        let Some(Session {
            staff_id,
            stage: Stage::SecondFactor,
        }) = session::lookup(&self.db, pending, &self.sessions).await?
        else {
            let client = self.client_subject(attempt.client);
            return Err(self.fail(&[&client], "code", "").await);
        };
        let staff: StaffRecord = store::find(&self.db, staff_id)
            .await?
            .ok_or(SignInError::Rejected)?;
        let subjects = self.subjects(&staff.email, attempt);
        self.refuse_if_throttled(&subjects).await?;

        let step = staff
            .totp_secret
            .accept(code, unix_seconds, staff.totp_last_step);
        let claimed = match step {
            Some(step) => store::claim_totp_step(&self.db, staff.id, step).await?,
            None => false,
        };
        if !claimed {
            return Err(self.fail_all(&subjects, "code").await);
        }
        // Only this client's count for this account: the owner signing in must not wipe
        // what others failed, or a guesser could wait for it to gain fresh fast attempts.
        throttle::clear(&self.db, &subjects.pair).await?;
        let token = session::promote(&self.db, pending, staff.id).await?;
        audit::append(
            &self.db,
            NewEntry {
                actor: Actor::Staff(staff.id.0),
                action: Action::StaffSignedIn,
                subject: None,
                detail: json!({}),
            },
        )
        .await?;
        Ok(SignedIn {
            staff_id: staff.id,
            role: staff.role,
            display_name: staff.display_name,
            email: staff.email,
            token,
        })
    }

    /// The signed-in staff member behind a token, if the session is live and the account
    /// enabled.
    pub async fn current(&self, token: &SessionToken) -> Result<Option<SignedIn>, SignInError> {
        let Some(Session {
            staff_id,
            stage: Stage::SignedIn,
        }) = session::lookup(&self.db, token, &self.sessions).await?
        else {
            return Ok(None);
        };
        Ok(store::find(&self.db, staff_id)
            .await?
            .map(|staff| SignedIn {
                staff_id,
                role: staff.role,
                display_name: staff.display_name,
                email: staff.email,
                token: token.clone(),
            }))
    }

    pub async fn sign_out(&self, signed_in: &SignedIn) -> Result<(), SignInError> {
        session::end(&self.db, &signed_in.token).await?;
        audit::append(
            &self.db,
            NewEntry {
                actor: Actor::Staff(signed_in.staff_id.0),
                action: Action::StaffSignedOut,
                subject: None,
                detail: json!({}),
            },
        )
        .await?;
        Ok(())
    }
}
