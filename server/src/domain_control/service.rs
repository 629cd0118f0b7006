//! The domain self-check between the pages and the core: start a challenge (after the proof
//! of work and the limits), verify it by DNS or by a mailed link, and grant the browser
//! that proved control the answer for a while. Every verification and every mail is
//! audited under the domain's keyed hash; nothing here logs a domain.

use super::dns::{DnsOutcome, DnsVerifier};
use super::mail::{Mailer, ROLES};
use crate::client_ip::rate_subject;
use crate::config::DomainSettings;
use app::domain_api::{DnsFinding, DomainProblem, DomainView};
use breachcheck::audit::Action;
use breachcheck::audit::{self, Actor, NewEntry};
use breachcheck::check::domain::{self, Challenge, ChallengeError, Proof, Token};
use breachcheck::check::limit::{self, RateLimit, Scope, SubjectKeys, Verdict};
use breachcheck::check::lookup::{Lookup, LookupError};
use breachcheck::check::pow::{PowError, PowKeys, Solution};
use breachcheck::check::stats::{Event, Tally};
use breachcheck::identifier::{Domain, Kind};
use breachcheck::storage::Database;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BUSY_RETRY_SECS: u64 = 10;

/// A step that did not go through: what the page says, with its status.
#[derive(Debug)]
pub struct Refusal {
    pub view: DomainView,
    pub status: axum::http::StatusCode,
    pub retry_after: Option<u64>,
}

impl Refusal {
    fn with(view: DomainView, status: axum::http::StatusCode) -> Self {
        Self {
            view,
            status,
            retry_after: None,
        }
    }

    fn limited(retry_after: Duration) -> Self {
        let secs = retry_after.as_secs().max(1);
        Self {
            view: DomainView::Limited {
                retry_after_secs: secs,
            },
            status: axum::http::StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(secs),
        }
    }

    fn busy() -> Self {
        Self {
            view: DomainView::Busy {
                retry_after_secs: BUSY_RETRY_SECS,
            },
            status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
            retry_after: Some(BUSY_RETRY_SECS),
        }
    }

    fn failed(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "domain check failed");
        Self::busy()
    }

    fn not_found() -> Self {
        Self::with(DomainView::LinkInvalid, axum::http::StatusCode::NOT_FOUND)
    }
}

/// The start form's fields.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StartFields {
    pub domain: String,
    pub pow_challenge: String,
    pub pow_number: String,
    pub pow_salt: String,
    pub pow_signature: String,
}

impl StartFields {
    fn solution(&self) -> Option<Result<Solution, DomainProblem>> {
        Solution::from_fields(
            &self.pow_challenge,
            &self.pow_number,
            &self.pow_salt,
            &self.pow_signature,
        )
        .map(|parsed| parsed.map_err(|()| DomainProblem::Proof))
    }
}

/// A challenge, opened: its token, and the domain the starting browser keeps the name of
/// (so that its answer can name it once control is proven).
pub struct Started {
    pub token: Token,
    pub domain: Domain,
}

/// Control of a domain, proven: this browser's grant, and the domain its answer names
/// (kept by the browser, not by the database).
pub struct Proven {
    pub grant: Token,
    pub domain: Domain,
}

#[derive(Clone, Debug)]
pub struct DomainService {
    pub lookup: Lookup,
    pub pow: PowKeys,
    pub subjects: SubjectKeys,
    pub dns: DnsVerifier,
    pub mailer: Mailer,
    pub settings: DomainSettings,
    /// Proven domains are counted for the statistics (shared with the public check).
    pub tally: Arc<Tally>,
    /// A challenge was proven here since the sweeper last cleared what the database keeps
    /// of deleted and overwritten rows.
    pub ended: Arc<AtomicBool>,
}

impl DomainService {
    fn db(&self) -> &Database {
        &self.lookup.db
    }

    async fn consume(&self, scope: Scope, subject: &str, limit: RateLimit) -> Result<(), Refusal> {
        match limit::consume(self.db(), scope, subject, limit).await {
            Ok(Verdict::Allowed) => Ok(()),
            Ok(Verdict::Limited { retry_after }) => Err(Refusal::limited(retry_after)),
            Err(error) => Err(Refusal::failed(error)),
        }
    }

    async fn open(&self, token: &Token) -> Result<(Challenge, Domain), Refusal> {
        match domain::find(self.db(), token).await {
            Ok(Some(challenge)) => match challenge.domain.clone() {
                Some(domain) => Ok((challenge, domain)),
                None => Err(Refusal::not_found()),
            },
            Ok(None) => Err(Refusal::not_found()),
            Err(error) => Err(Refusal::failed(error)),
        }
    }

    /// A visitor names a domain: a challenge, once the proof of work (or, without
    /// JavaScript, the stricter per-address limit) and the per-address limit allow it.
    pub async fn start(
        &self,
        client: IpAddr,
        fields: &StartFields,
        starter: &Token,
    ) -> Result<Started, Refusal> {
        let unprocessable = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        let domain = Domain::parse(&fields.domain).map_err(|r| {
            Refusal::with(DomainView::Refused(DomainProblem::Domain(r)), unprocessable)
        })?;
        let address = self.subjects.of_address(&rate_subject(client));
        let limits = &self.settings.limits;
        match fields.solution() {
            Some(Ok(solution)) => match self.pow.redeem(self.db(), &solution).await {
                Ok(()) => {}
                Err(PowError::Rejected(_)) => {
                    return Err(Refusal::with(
                        DomainView::Refused(DomainProblem::Proof),
                        axum::http::StatusCode::BAD_REQUEST,
                    ));
                }
                Err(PowError::Storage(error)) => return Err(Refusal::failed(error)),
            },
            Some(Err(problem)) => {
                return Err(Refusal::with(
                    DomainView::Refused(problem),
                    axum::http::StatusCode::BAD_REQUEST,
                ));
            }
            None => {
                self.consume(Scope::AddressNoScript, &address, limits.noscript)
                    .await?
            }
        }
        self.consume(Scope::DomainChallenge, &address, limits.challenges)
            .await?;
        let subject = self.subjects.of(Kind::Domain, domain.as_str());
        let ttl = self.settings.challenge_ttl;
        let token = domain::create(self.db(), &domain, &subject, ttl, starter)
            .await
            .map_err(Refusal::failed)?;
        Ok(Started { token, domain })
    }

    /// "Verify now": the DNS record, at most once per interval per challenge. A grant for
    /// this browser when it is there; what was found instead when it is not.
    pub async fn verify_dns(&self, token: &Token) -> Result<Proven, Refusal> {
        let (challenge, domain) = self.open(token).await?;
        self.consume(Scope::DnsCheck, challenge.key(), self.settings.limits.dns)
            .await?;
        let finding = match self.dns.check(&domain, token).await {
            DnsOutcome::Verified => return self.complete(&challenge, &domain, Proof::Dns).await,
            DnsOutcome::NoRecord => DnsFinding::NoRecord,
            DnsOutcome::WrongToken { found } => DnsFinding::WrongToken { found },
            DnsOutcome::Failed => DnsFinding::Failed,
        };
        Err(Refusal::with(
            DomainView::Dns(finding),
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        ))
    }

    /// Mails a single-use link to `role`@domain (at most a few per domain per day,
    /// whoever asks).
    pub async fn send_mail(&self, token: &Token, role: &str) -> Result<(), Refusal> {
        let (challenge, domain) = self.open(token).await?;
        let Some(role) = ROLES.iter().find(|r| **r == role.trim()) else {
            return Err(Refusal::with(
                DomainView::Refused(DomainProblem::Role),
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ));
        };
        self.consume(
            Scope::DomainMail,
            &challenge.subject,
            self.settings.limits.mail,
        )
        .await?;
        let link = domain::mail_link(self.db(), &challenge, self.settings.link_ttl)
            .await
            .map_err(Refusal::failed)?;
        let url = format!(
            "{}/check/domain/confirm/{}",
            self.settings.public_url.trim_end_matches('/'),
            link.as_str()
        );
        if let Err(error) = self
            .mailer
            .send_link(challenge.key(), role, &domain, &url)
            .await
        {
            // A relay's answer may quote the recipient, and so the domain: only the kind.
            tracing::error!(kind = error.kind(), "a confirmation mail could not be sent");
            return Err(Refusal::busy());
        }
        self.audit(Action::DomainMailSent, &challenge, json!({ "role": role }))
            .await
    }

    /// A mailed link was opened: whoever opened it received the mail.
    pub async fn confirm(&self, link: &Token) -> Result<Proven, Refusal> {
        let challenge = match domain::redeem_link(self.db(), link).await {
            Ok(challenge) => challenge,
            Err(ChallengeError::NotFound | ChallengeError::Completed) => {
                return Err(Refusal::with(
                    DomainView::LinkInvalid,
                    axum::http::StatusCode::GONE,
                ));
            }
            Err(ChallengeError::Storage(error)) => return Err(Refusal::failed(error)),
        };
        let Some(domain) = challenge.domain.clone() else {
            return Err(Refusal::with(
                DomainView::LinkInvalid,
                axum::http::StatusCode::GONE,
            ));
        };
        self.complete(&challenge, &domain, Proof::Email).await
    }

    async fn complete(
        &self,
        challenge: &Challenge,
        domain: &Domain,
        proof: Proof,
    ) -> Result<Proven, Refusal> {
        let digests = match self.lookup.domain_digests(domain).await {
            Ok(digests) => digests,
            Err(LookupError::Busy(_)) => return Err(Refusal::busy()),
            Err(LookupError::Storage(error)) => return Err(Refusal::failed(error)),
        };
        match domain::complete(self.db(), challenge, &digests, proof).await {
            Ok(()) => {}
            // Proven twice at once (two tabs): the first one counts.
            Err(ChallengeError::Completed | ChallengeError::NotFound) => {
                return Err(Refusal::not_found());
            }
            Err(ChallengeError::Storage(error)) => return Err(Refusal::failed(error)),
        }
        let how = match proof {
            Proof::Dns => "dns",
            Proof::Email => "email",
        };
        self.audit(Action::DomainVerified, challenge, json!({ "proof": how }))
            .await?;
        self.tally.add(Event::DomainProven);
        self.ended.store(true, Ordering::SeqCst);
        // The domain is gone from the database; its mail goes from the outbox too.
        if let Err(error) = self.forget_mail().await {
            tracing::warn!(%error, "could not clear the outbox");
        }
        let grant = domain::grant(self.db(), challenge, self.settings.grant_ttl)
            .await
            .map_err(Refusal::failed)?;
        Ok(Proven {
            grant,
            domain: domain.clone(),
        })
    }

    async fn audit(
        &self,
        action: Action,
        challenge: &Challenge,
        detail: serde_json::Value,
    ) -> Result<(), Refusal> {
        let entry = NewEntry {
            actor: Actor::Public,
            action,
            subject: Some(challenge.subject.as_bytes().to_vec()),
            detail,
        };
        audit::append(self.db(), entry)
            .await
            .map(|_| ())
            .map_err(Refusal::failed)
    }

    /// Forgets expired challenges (and with them their domains), links and grants, the
    /// outbox mails of every challenge that ended, and (see `domain::scrub`) the traces
    /// the database keeps of deleted rows.
    /// Deletes what has expired, then, only if a challenge ended (expired here or proven
    /// on this replica) since the last time, clears the outbox of its mail and what the
    /// database keeps of its rows: a checkpoint that waits for readers on SQLite, a VACUUM
    /// on PostgreSQL, neither worth running every minute for nothing.
    pub async fn sweep(&self) -> Result<u64, breachcheck::storage::StorageError> {
        let gone = domain::sweep(self.db()).await?;
        if gone > 0 || self.ended.swap(false, Ordering::SeqCst) {
            self.forget_mail().await?;
            domain::scrub(self.db()).await?;
        }
        Ok(gone)
    }

    /// Removes the outbox mails of challenges that are no longer open.
    async fn forget_mail(&self) -> Result<(), breachcheck::storage::StorageError> {
        if !self.mailer.keeps_files() {
            return Ok(());
        }
        let open = domain::open_keys(self.db()).await?;
        if let Err(error) = self.mailer.keep_only(&open).await {
            tracing::warn!(kind = ?error.kind(), "could not clear the outbox");
        }
        Ok(())
    }
}
