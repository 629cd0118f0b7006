//! The public check and the helpdesk lookup: what the pages show, and the two server
//! functions the check page calls. The lookup itself is a form post handled by the server
//! (`server::routes::check`), which renders this app with a [`CheckView`] in context.

pub use breachcheck::check::Factor;
use breachcheck::check::pow::Challenge;
use breachcheck::identifier::{ContractRejection, DomainRejection, PhoneRejection};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dataset_api::CategoryLabel;
use crate::i18n::Localized;

/// A published list, as the not-affected answer names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedList {
    pub title: Localized<String>,
    /// `YYYY-MM-DD`, Japan time.
    pub published_on: String,
    /// The incident's notice page, when one is published.
    pub notice: Option<String>,
}

/// What the check form needs to know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckForm {
    /// A published list carries the phone as a verification factor.
    pub asks_phone: bool,
    /// The deployment's contract-number pattern, so the browser refuses what the server would.
    pub pattern: String,
    pub lists: Vec<PublishedList>,
    /// Incidents whose list was taken down with none in its place: no longer answered for.
    pub withdrawn: Vec<WithdrawnList>,
}

/// A list taken down, as the check form names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WithdrawnList {
    pub title: Localized<String>,
    /// `YYYY-MM-DD`, Japan time.
    pub published_on: String,
    pub withdrawn_on: String,
    /// The incident's notice page, when one is published.
    pub notice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AffectedIncident {
    pub title: Localized<String>,
    pub occurred_from: Option<String>,
    pub occurred_to: Option<String>,
    pub categories: Vec<CategoryLabel>,
    pub advice: Localized<String>,
    /// Only the helpdesk sees how the factor fared; the public answer never carries it.
    pub factor: Option<Factor>,
    /// For a domain: how many listed contracts carry it.
    pub contracts: Option<i64>,
    /// The incident's notice page, when one is published.
    pub notice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Empty: not found in any published list.
    pub affected: Vec<AffectedIncident>,
    pub lists: Vec<PublishedList>,
    pub reference: String,
    /// What was looked up, so a printed answer says what it answers.
    pub asked: Asked,
    /// When the answer was given, Japan time (`YYYY-MM-DD HH:MM JST`).
    pub answered_at: String,
    /// For an earlier answer the helpdesk found by its reference code: the day it was
    /// given (`YYYY-MM-DD`, Japan); the lists are those it covered, published now or not.
    pub given_on: Option<String>,
}

/// What a lookup asked about, in canonical form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Asked {
    Contract(String),
    /// A domain; `None` where the server cannot name it (a domain check's grant keeps
    /// digests only, and the browser's own note of the name did not match them).
    Domain(Option<String>),
}

impl Asked {
    pub fn is_domain(&self) -> bool {
        matches!(self, Asked::Domain(_))
    }

    /// The text shown, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Asked::Contract(number) => Some(number),
            Asked::Domain(domain) => domain.as_deref(),
        }
    }
}

/// What the visitor typed, put back into the form when it comes back with a problem
/// (a refused number must not cost them the phone they typed, or the other way round).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Entered {
    pub contract: String,
    pub phone: String,
    pub domain: String,
    pub ticket: String,
    /// The helpdesk's search by reference code.
    pub reference: String,
}

/// Why the form came back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CheckProblem {
    Contract(ContractRejection),
    Phone(PhoneRejection),
    PhoneMissing,
    /// The helpdesk's domain lookup.
    Domain(DomainRejection),
    /// The proof of work was expired, replayed or forged.
    Proof,
    Ticket,
    /// Not a reference code (ten letters and digits).
    Reference,
}

/// What the server decided for a posted check; absent on a plain visit to the form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CheckView {
    Refused(CheckProblem),
    Limited {
        retry_after_secs: u64,
    },
    Busy {
        retry_after_secs: u64,
    },
    Answered(CheckResult),
    /// The helpdesk's search: no answer about this number in the search period had the
    /// code quoted.
    NoSuchReference,
}

/// The form's facts. Public: the pattern and the published lists are no secret.
#[server(endpoint = "check/form", output = crate::codec::TextJson)]
pub async fn load_check_form() -> Result<CheckForm, ServerFnError> {
    let source = expect_context::<CheckSource>();
    source.form().await.map_err(|error| {
        tracing::error!(%error, "could not read the published lists");
        ServerFnError::new("internal error")
    })
}

/// A fresh proof-of-work challenge, harder when many lookups arrive.
#[server(endpoint = "check/challenge", output = crate::codec::TextJson)]
pub async fn new_challenge() -> Result<Challenge, ServerFnError> {
    let source = expect_context::<CheckSource>();
    source.challenge().await.map_err(|error| {
        tracing::error!(%error, "could not issue a challenge");
        ServerFnError::new("internal error")
    })
}

#[cfg(feature = "ssr")]
pub use source::{CheckSource, IncidentsRead, japan_date, japan_time, result, result_reading};

/// The server's side of the two functions above, provided as context.
#[cfg(feature = "ssr")]
mod source {
    use super::*;
    use breachcheck::check::limit::{self, Scope};
    use breachcheck::check::lookup::{active_lists, withdrawn_lists};
    use breachcheck::check::pow::{PowKeys, maxnumber_for};
    use breachcheck::dataset::incident;
    use breachcheck::identifier::ContractPattern;
    use breachcheck::storage::{Database, StorageError};
    use std::time::Duration;

    /// How long a browser has between fetching a challenge and posting the form.
    const CHALLENGE_VALID_FOR: Duration = Duration::from_secs(300);

    #[derive(Clone, Debug)]
    pub struct CheckSource {
        pub db: Database,
        pub pattern: ContractPattern,
        pub pow: PowKeys,
    }

    impl CheckSource {
        pub async fn form(&self) -> Result<CheckForm, StorageError> {
            let lists = active_lists(&self.db).await?;
            let mut read = IncidentsRead::default();
            let mut withdrawn = Vec::new();
            for list in withdrawn_lists(&self.db).await? {
                let Some((incident, notice)) = read.get(&self.db, list.incident).await? else {
                    continue;
                };
                withdrawn.push(WithdrawnList {
                    title: incident.title,
                    published_on: japan_date(list.published_at),
                    withdrawn_on: japan_date(list.withdrawn_at),
                    notice,
                });
            }
            Ok(CheckForm {
                asks_phone: lists.iter().any(|list| list.has_phone),
                pattern: self.pattern.as_str().to_owned(),
                lists: published_reading(&mut read, &self.db, &lists).await?,
                withdrawn,
            })
        }

        pub async fn challenge(&self) -> Result<Challenge, StorageError> {
            let recent = limit::hits(
                &self.db,
                Scope::Global,
                limit::GLOBAL_SUBJECT,
                Duration::from_secs(60),
            )
            .await?;
            Ok(self.pow.issue(maxnumber_for(recent), CHALLENGE_VALID_FOR))
        }
    }

    /// The incidents one request names, each read once with where its notice is: an
    /// answer and the answers it must look like name the same ones.
    #[derive(Default)]
    pub struct IncidentsRead(
        std::collections::HashMap<
            incident::IncidentId,
            Option<(incident::Incident, Option<String>)>,
        >,
    );

    impl IncidentsRead {
        async fn get(
            &mut self,
            db: &Database,
            id: incident::IncidentId,
        ) -> Result<Option<(incident::Incident, Option<String>)>, StorageError> {
            if let Some(read) = self.0.get(&id) {
                return Ok(read.clone());
            }
            let read = incident::find_with_notice(db, id)
                .await
                .map_err(storage)?
                .map(|(incident, published)| {
                    let notice = published.then(|| format!("/incidents/{}", incident.slug));
                    (incident, notice)
                });
            self.0.insert(id, read.clone());
            Ok(read)
        }
    }

    /// The page's view of an answer. The public sees only findings whose factor (if any)
    /// matched; the helpdesk sees every finding with how its factor fared.
    pub async fn result(
        db: &Database,
        answer: &breachcheck::check::lookup::Answer,
        for_staff: bool,
        asked: Asked,
    ) -> Result<CheckResult, StorageError> {
        result_reading(&mut IncidentsRead::default(), db, answer, for_staff, asked).await
    }

    /// [`result`], reading each incident at most once across the calls that share `read`.
    pub async fn result_reading(
        read: &mut IncidentsRead,
        db: &Database,
        answer: &breachcheck::check::lookup::Answer,
        for_staff: bool,
        asked: Asked,
    ) -> Result<CheckResult, StorageError> {
        let mut affected = Vec::new();
        for finding in &answer.findings {
            if !for_staff && !finding.shown_to_public() {
                continue;
            }
            let Some((incident, notice)) = read.get(db, finding.incident).await? else {
                continue;
            };
            let categories = incident
                .categories
                .of_bits(finding.categories)
                .into_iter()
                .map(|category| category.labels())
                .collect();
            affected.push(AffectedIncident {
                notice,
                title: incident.title,
                occurred_from: incident.occurred_from,
                occurred_to: incident.occurred_to,
                categories,
                advice: incident.advice,
                factor: for_staff.then_some(finding.factor),
                contracts: asked.is_domain().then_some(finding.rows_listed),
            });
        }
        Ok(CheckResult {
            affected,
            lists: published_reading(read, db, &answer.lists).await?,
            reference: answer.reference.to_string(),
            asked,
            answered_at: japan_time(answer.answered_at),
            given_on: None,
        })
    }

    /// The published lists with their incidents' titles, each incident read once across
    /// the calls that share `read`.
    async fn published_reading(
        read: &mut IncidentsRead,
        db: &Database,
        lists: &[breachcheck::check::lookup::ActiveList],
    ) -> Result<Vec<PublishedList>, StorageError> {
        let mut out = Vec::with_capacity(lists.len());
        for list in lists {
            let Some((incident, notice)) = read.get(db, list.incident).await? else {
                continue;
            };
            out.push(PublishedList {
                notice,
                title: incident.title,
                published_on: japan_date(list.activated_at),
            });
        }
        Ok(out)
    }

    fn storage(error: breachcheck::dataset::DatasetError) -> StorageError {
        match error {
            breachcheck::dataset::DatasetError::Storage(error) => error,
            _ => StorageError::Corrupt("an incident could not be read"),
        }
    }

    pub use breachcheck::clock::{japan_date, japan_time};
}
