//! The public check and the helpdesk lookup, between the form and the core: parse what was
//! typed, check the proof of work and the limits (none of which costs any argon2), look up,
//! and hold every public answer to the same minimum time.

use crate::client_ip::rate_subject;
use crate::config::LookupSettings;
use app::check_api::{
    Asked, CheckProblem, CheckResult, CheckView, Entered, IncidentsRead, result_reading,
};
use axum::http::StatusCode;
use breachcheck::audit::Action;
use breachcheck::audit::{self, Actor, NewEntry};
use breachcheck::check::Factor;
use breachcheck::check::limit::{self, GLOBAL_SUBJECT, RateLimit, Scope, SubjectKeys, Verdict};
use breachcheck::check::lookup::{
    Answer, Finding, Lookup, LookupError, Query, active_lists, asks_for_phone,
};
use breachcheck::check::pow::{PowError, PowKeys, Solution};
use breachcheck::check::reference::ReferenceCode;
use breachcheck::check::stats::{Event, Tally};
use breachcheck::clock::japan_date;
use breachcheck::identifier::{ContractNumber, ContractPattern, Domain, Kind, Phone};
use breachcheck::staff::sign_in::SignedIn;
use breachcheck::storage::{Database, StorageError};
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long a browser is asked to wait when the hashing pool is full.
pub(crate) const BUSY_RETRY_SECS: u64 = 10;

/// How long a "busy" answer (the hashing pool's queue is full) is held before it is sent:
/// see `routes::check::public_check`.
pub const BUSY_HOLD: Duration = Duration::from_secs(1);

/// The fields of both forms; what a form does not have stays empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckFields {
    pub contract: String,
    pub phone: String,
    /// The helpdesk's domain lookup.
    pub domain: String,
    pub ticket: String,
    /// The helpdesk's search for an earlier answer by its reference code.
    pub reference: String,
    pub pow_challenge: String,
    pub pow_number: String,
    pub pow_salt: String,
    pub pow_signature: String,
}

impl CheckFields {
    /// What the visitor typed, for the form to show again.
    pub fn entered(&self) -> Entered {
        Entered {
            contract: self.contract.clone(),
            phone: self.phone.clone(),
            domain: self.domain.clone(),
            ticket: self.ticket.clone(),
            reference: self.reference.clone(),
        }
    }

    /// The proof of work, if the hydrated page sent one.
    fn solution(&self) -> Option<Result<Solution, CheckProblem>> {
        Solution::from_fields(
            &self.pow_challenge,
            &self.pow_number,
            &self.pow_salt,
            &self.pow_signature,
        )
        .map(|parsed| parsed.map_err(|()| CheckProblem::Proof))
    }
}

/// What to answer: the page's view, its status, and how long to wait before retrying.
#[derive(Debug)]
pub struct Decision {
    pub view: CheckView,
    pub status: StatusCode,
    pub retry_after: Option<u64>,
    /// Answers this one must not be told apart from by its size: the page is padded to
    /// the largest of them (see `routes::check`).
    pub alike: Vec<CheckResult>,
    pub outcome: LookupOutcome,
}

/// How a lookup ended, as the operators' metrics count it (never what it found).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupOutcome {
    Answered,
    /// A rate limit said no.
    Limited,
    /// The hashing pool was full.
    Busy,
    /// The form or its proof of work was refused.
    Refused,
    /// A failure of ours.
    Failed,
}

impl LookupOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            LookupOutcome::Answered => "answered",
            LookupOutcome::Limited => "limited",
            LookupOutcome::Busy => "busy",
            LookupOutcome::Refused => "refused",
            LookupOutcome::Failed => "failed",
        }
    }
}

impl Decision {
    fn refused(problem: CheckProblem) -> Self {
        let status = match problem {
            CheckProblem::Proof => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Self {
            view: CheckView::Refused(problem),
            status,
            retry_after: None,
            alike: Vec::new(),
            outcome: LookupOutcome::Refused,
        }
    }

    fn limited(retry_after: Duration) -> Self {
        let secs = retry_after.as_secs().max(1);
        Self {
            view: CheckView::Limited {
                retry_after_secs: secs,
            },
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(secs),
            alike: Vec::new(),
            outcome: LookupOutcome::Limited,
        }
    }

    fn busy() -> Self {
        Self {
            view: CheckView::Busy {
                retry_after_secs: BUSY_RETRY_SECS,
            },
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after: Some(BUSY_RETRY_SECS),
            alike: Vec::new(),
            outcome: LookupOutcome::Busy,
        }
    }

    fn no_such_reference() -> Self {
        Self {
            view: CheckView::NoSuchReference,
            status: StatusCode::OK,
            retry_after: None,
            alike: Vec::new(),
            outcome: LookupOutcome::Answered,
        }
    }

    fn answered(result: CheckResult) -> Self {
        Self {
            view: CheckView::Answered(result),
            status: StatusCode::OK,
            retry_after: None,
            alike: Vec::new(),
            outcome: LookupOutcome::Answered,
        }
    }

    /// A failure of ours: logged, and the visitor told to retry (never a detail).
    fn failed(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "lookup failed");
        Self {
            outcome: LookupOutcome::Failed,
            ..Self::busy()
        }
    }
}

#[derive(Clone, Debug)]
pub struct CheckService {
    pub lookup: Lookup,
    /// Lookups counted for the statistics, written every second (see `startup`).
    pub tally: Arc<Tally>,
    pub pow: PowKeys,
    pub subjects: SubjectKeys,
    pub settings: LookupSettings,
    pub pattern: ContractPattern,
}

impl CheckService {
    fn db(&self) -> &Database {
        &self.lookup.db
    }

    fn parse(&self, fields: &CheckFields, phone_required: bool) -> Result<Query, CheckProblem> {
        let contract = ContractNumber::parse(&fields.contract, &self.pattern)
            .map_err(CheckProblem::Contract)?;
        let phone = match fields.phone.trim() {
            "" if phone_required => return Err(CheckProblem::PhoneMissing),
            "" => None,
            typed => Some(Phone::parse(typed).map_err(CheckProblem::Phone)?),
        };
        Ok(Query { contract, phone })
    }

    async fn consume(&self, scope: Scope, subject: &str, limit: RateLimit) -> Result<(), Decision> {
        self.consume_all(&[(scope, subject, limit)]).await
    }

    /// Counts the request against every limit in one step (see `limit::consume_all`).
    async fn consume_all(&self, limits: &[(Scope, &str, RateLimit)]) -> Result<(), Decision> {
        match limit::consume_all(self.db(), limits).await {
            Ok(Verdict::Allowed) => Ok(()),
            Ok(Verdict::Limited { retry_after }) => {
                self.count(Event::RateLimited);
                Err(Decision::limited(retry_after))
            }
            Err(error) => Err(Decision::failed(error)),
        }
    }

    fn count(&self, event: Event<'_>) {
        self.tally.add(event);
    }

    /// A member of the public asks. An answer must not leave before the floor: the caller
    /// renders it and then waits with [`CheckService::wait_out_floor`], so that the floor
    /// covers the rendering too (a longer answer takes longer to render).
    pub async fn public(&self, client: IpAddr, fields: CheckFields) -> Decision {
        // Refusals, limits and failures say nothing about the list: they have no floor.
        let decision = self
            .public_steps(client, &fields)
            .await
            .unwrap_or_else(|refused| refused);
        metrics::counter!("breachcheck_lookups_total", "outcome" => decision.outcome.as_str())
            .increment(1);
        decision
    }

    async fn public_steps(
        &self,
        client: IpAddr,
        fields: &CheckFields,
    ) -> Result<Decision, Decision> {
        // A full pool refuses before anything is read or counted: under a flood a busy
        // answer must cost next to nothing, and it must not spend the visitor's limits.
        if self.lookup.pool.is_full() {
            self.count(Event::Busy);
            return Err(Decision::busy());
        }
        let lists = active_lists(self.db()).await.map_err(Decision::failed)?;
        let query = self
            .parse(fields, asks_for_phone(&lists))
            .map_err(Decision::refused)?;
        let limits = self.settings.limits;
        let address = self.subjects.of_address(&rate_subject(client));
        let identifier = self.subjects.of(Kind::Contract, query.contract.as_str());
        let mut counted = vec![
            (Scope::Address, address.as_str(), limits.address),
            (Scope::Global, GLOBAL_SUBJECT, limits.global),
            (Scope::Identifier, identifier.as_str(), limits.identifier),
        ];
        match fields.solution() {
            Some(Ok(solution)) => match self.pow.redeem(self.db(), &solution).await {
                Ok(()) => {}
                Err(PowError::Rejected(_)) => return Err(Decision::refused(CheckProblem::Proof)),
                Err(PowError::Storage(error)) => return Err(Decision::failed(error)),
            },
            Some(Err(problem)) => return Err(Decision::refused(problem)),
            // No proof of work (no JavaScript): the stricter limit, on top of the others.
            None => counted.push((Scope::AddressNoScript, address.as_str(), limits.noscript)),
        }
        self.consume_all(&counted).await?;
        let answer = match self.lookup.answer_among(&query, lists).await {
            Ok(answer) => answer,
            Err(LookupError::Busy(_)) => {
                self.count(Event::Busy);
                return Err(Decision::busy());
            }
            Err(LookupError::Storage(error)) => return Err(Decision::failed(error)),
        };
        let asked = Asked::Contract(query.contract.as_str().to_owned());
        let mut read = IncidentsRead::default();
        let result = result_reading(&mut read, self.db(), &answer, false, asked)
            .await
            .map_err(Decision::failed)?;
        let alike = self
            .answers_alike(&mut read, &answer, &result)
            .await
            .map_err(Decision::failed)?;
        self.count(Event::Answered {
            incidents: &answer.per_incident(),
        });
        let mut decision = Decision::answered(result);
        decision.alike = alike;
        Ok(decision)
    }

    /// The two answers any public answer must look like from outside: the largest the
    /// published lists can give (affected in every list, with every category of every
    /// incident) and "not found". The page is padded to the larger, so its size is the
    /// same whatever the lists say about this number, however long the incidents' texts.
    async fn answers_alike(
        &self,
        read: &mut IncidentsRead,
        answer: &Answer,
        result: &CheckResult,
    ) -> Result<Vec<CheckResult>, StorageError> {
        let mut everything = answer.clone();
        everything.findings = answer
            .lists
            .iter()
            .map(|list| Finding {
                dataset: list.dataset,
                incident: list.incident,
                categories: -1,
                factor: Factor::Matched,
                rows_listed: 1,
            })
            .collect();
        let largest =
            result_reading(read, self.db(), &everything, false, result.asked.clone()).await?;
        let nothing = CheckResult {
            affected: Vec::new(),
            ..result.clone()
        };
        Ok(vec![
            CheckResult {
                answered_at: result.answered_at.clone(),
                ..largest
            },
            nothing,
        ])
    }

    /// Sleeps until `started` (when the request arrived) + floor + a little at random (up
    /// to a sixteenth of the floor): the floor hides the work, the jitter hides the timer's
    /// own regularity.
    pub async fn wait_out_floor(&self, started: Instant) {
        let floor = self.settings.floor;
        let most = u64::try_from(floor.as_millis() / 16).unwrap_or(0);
        let jitter = Duration::from_millis(rand::rng().random_range(0..=most));
        tokio::time::sleep_until(started + floor + jitter).await;
    }

    /// A helpdesk member asks on a caller's behalf: no proof of work (nor, for a domain,
    /// proof of control), their own limit, and every lookup audited with the ticket and
    /// the identifier's digest.
    pub async fn helpdesk(&self, staff: &SignedIn, fields: CheckFields) -> Decision {
        let ticket = match Ticket::parse(&fields.ticket) {
            Some(ticket) => ticket,
            None => return Decision::refused(CheckProblem::Ticket),
        };
        let asked = if !fields.domain.trim().is_empty() {
            Domain::parse(&fields.domain)
                .map(Question::Domain)
                .map_err(CheckProblem::Domain)
        } else if !fields.reference.trim().is_empty() {
            ReferenceCode::parse(&fields.reference)
                .ok_or(CheckProblem::Reference)
                .and_then(|code| Ok(Question::Reference(self.parse(&fields, false)?, code)))
        } else {
            self.parse(&fields, false).map(Question::Contract)
        };
        let asked = match asked {
            Ok(asked) => asked,
            Err(problem) => return Decision::refused(problem),
        };
        let me = staff.staff_id().0.to_string();
        if let Err(decision) = self
            .consume(Scope::Staff, &me, self.settings.limits.staff)
            .await
        {
            return decision;
        }
        // The earlier answer's day and lists, for a search by reference code.
        let answer = match &asked {
            Question::Contract(query) => self.lookup.answer(query).await.map(|a| (None, Some(a))),
            Question::Domain(domain) => match self.lookup.domain_digests(domain).await {
                Ok(digests) => self
                    .lookup
                    .answer_domain(&digests)
                    .await
                    .map(|a| (None, Some(a))),
                Err(error) => Err(error),
            },
            Question::Reference(query, code) => {
                self.lookup
                    .earlier(query, code)
                    .await
                    .map(|found| match found {
                        Some((earlier, answer)) => (Some(earlier), Some(answer)),
                        None => (None, None),
                    })
            }
        };
        let (earlier, answer) = match answer {
            Ok(found) => found,
            Err(LookupError::Busy(_)) => return Decision::busy(),
            Err(LookupError::Storage(error)) => return Decision::failed(error),
        };
        let (kind, phone_given) = match &asked {
            Question::Contract(query) | Question::Reference(query, _) => {
                (Kind::Contract, query.phone.is_some())
            }
            Question::Domain(_) => (Kind::Domain, false),
        };
        let mut detail = json!({
            "ticket": ticket.0,
            "kind": kind.as_str(),
            "phone_given": phone_given,
        });
        if let Question::Reference(..) = asked {
            // Whether the code named an answer; the code itself is not kept.
            detail["by_reference"] = json!(true);
            detail["reference_found"] = json!(earlier.is_some());
        }
        if let Some(answer) = &answer {
            detail["found"] = json!(answer.findings.len());
        }
        let entry = NewEntry {
            actor: Actor::Staff(staff.staff_id().0),
            action: Action::LookupHelpdesk,
            // A code that named no answer leaves no digest: nothing about the number.
            subject: answer.as_ref().map(|answer| answer.subject.0.to_vec()),
            detail,
        };
        // No answer without its audit entry.
        if let Err(error) = audit::append(self.db(), entry).await {
            return Decision::failed(error);
        }
        let Some(answer) = answer else {
            return Decision::no_such_reference();
        };
        let asked = match &asked {
            Question::Contract(query) | Question::Reference(query, _) => {
                Asked::Contract(query.contract.as_str().to_owned())
            }
            Question::Domain(domain) => Asked::Domain(Some(domain.as_str().to_owned())),
        };
        match app::check_api::result(self.db(), &answer, true, asked).await {
            Ok(mut result) => {
                result.given_on = earlier.map(|earlier| japan_date(earlier.day_start));
                Decision::answered(result)
            }
            Err(error) => Decision::failed(error),
        }
    }

    /// Forgets rate windows and spent challenges that no longer matter.
    pub async fn sweep(&self) -> Result<(), StorageError> {
        limit::sweep(self.db()).await?;
        breachcheck::check::pow::sweep(self.db()).await?;
        Ok(())
    }
}

/// What the helpdesk asked about.
enum Question {
    Contract(Query),
    Domain(Domain),
    /// The answer a caller was given earlier, by the reference code they quote.
    Reference(Query, ReferenceCode),
}

/// A helpdesk ticket reference: 1 to 64 of letters, digits and `# - _ . / :`.
struct Ticket(String);

impl Ticket {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let valid = (1..=64).contains(&text.len())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "#-_./:".contains(c));
        valid.then(|| Self(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_short_and_plain() {
        assert!(Ticket::parse(" INC-2025-0142 ").is_some());
        assert!(Ticket::parse("#1234").is_some());
        for bad in ["", "  ", "a b", "<script>", &"x".repeat(65), "チケット"] {
            assert!(Ticket::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_half_sent_proof_of_work_is_a_bad_one() {
        let mut fields = CheckFields::default();
        assert!(fields.solution().is_none());
        fields.pow_challenge = "abc".into();
        fields.pow_number = "x".into();
        assert!(matches!(fields.solution(), Some(Err(CheckProblem::Proof))));
        fields.pow_number = "12".into();
        assert!(matches!(fields.solution(), Some(Ok(s)) if s.number == 12));
    }
}
