//! The answer to "is this contract affected?" across every active dataset.
//!
//! One digest per kind and hashing profile, whatever the number of datasets, and always the
//! same work for the same shape of question: an affected and an unaffected number cost the
//! same hashing and the same queries, so time says nothing the page does not.

use super::Factor;
use super::reference::{self, EarlierAnswer, ReferenceCode, ReferenceKey};
use crate::clock::japan_day_number;
use crate::dataset::incident::IncidentId;
use crate::dataset::{DatasetId, Status};
use crate::digest::{Digest, Digester, Profile};
use crate::hashing_pool::{Busy, HashingPool};
use crate::identifier::{ContractNumber, Domain, Kind, Phone, contract_with_phone};
use crate::pepper::Pepper;
use crate::storage::{Database, StorageError};
use sqlx::Row;

/// What was asked: a parsed contract number and, where the form asked for it, the phone.
#[derive(Clone, Debug)]
pub struct Query {
    pub contract: ContractNumber,
    pub phone: Option<Phone>,
}

/// An active dataset that lists the contract number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub dataset: DatasetId,
    pub incident: IncidentId,
    pub categories: i64,
    pub factor: Factor,
    /// For a domain: how many rows of the list (contracts) carry it.
    pub rows_listed: i64,
}

impl Finding {
    /// The public sees "affected" only when the factor, if the list has one, matched too.
    pub fn shown_to_public(&self) -> bool {
        matches!(
            self.factor,
            Factor::NotCarried | Factor::Matched | Factor::NotApplicable
        )
    }
}

/// A published list: what the answer covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveList {
    pub dataset: DatasetId,
    pub incident: IncidentId,
    pub has_phone: bool,
    pub activated_at: i64,
    profile: Option<Profile>,
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub lists: Vec<ActiveList>,
    pub findings: Vec<Finding>,
    /// A code the customer can quote: the same for the same number, the same lists and the
    /// same day, and it reveals none of them (see `check::reference`).
    pub reference: ReferenceCode,
    /// When the answer was given (Unix milliseconds): its day is in the reference.
    pub answered_at: i64,
    /// The contract number's digest (for the helpdesk's audit entry), never shown.
    pub subject: Digest,
}

impl Answer {
    /// Each incident the answer covered, once, and whether the public answer says
    /// "affected" by it (what the statistics count per incident).
    pub fn per_incident(&self) -> Vec<(IncidentId, bool)> {
        let mut incidents: Vec<(IncidentId, bool)> = Vec::new();
        for list in &self.lists {
            if incidents
                .iter()
                .any(|(incident, _)| *incident == list.incident)
            {
                continue;
            }
            let affected = self
                .findings
                .iter()
                .any(|f| f.incident == list.incident && f.shown_to_public());
            incidents.push((list.incident, affected));
        }
        incidents
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for LookupError {
    fn from(error: sqlx::Error) -> Self {
        LookupError::Storage(error.into())
    }
}

/// The published lists, oldest first.
pub async fn active_lists(db: &Database) -> Result<Vec<ActiveList>, StorageError> {
    let rows = sqlx::query(
        "SELECT id, incident_id, has_phone, activated_at, profile FROM datasets \
         WHERE status = $1 ORDER BY activated_at, id",
    )
    .bind(Status::Active.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(list_from_row)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}

/// A list taken down with none published for its incident since: the check no longer
/// answers for that incident, and says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WithdrawnList {
    pub dataset: DatasetId,
    pub incident: IncidentId,
    pub published_at: i64,
    pub withdrawn_at: i64,
}

/// Each incident's most recently withdrawn list, where the incident has none published.
pub async fn withdrawn_lists(db: &Database) -> Result<Vec<WithdrawnList>, StorageError> {
    let rows = sqlx::query(
        "SELECT d.id, d.incident_id, d.activated_at, d.retired_at FROM datasets d \
         WHERE d.status = $1 AND d.activated_at IS NOT NULL AND d.retired_at IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM datasets a WHERE a.incident_id = d.incident_id \
         AND a.status = $2) ORDER BY d.retired_at DESC, d.id DESC",
    )
    .bind(Status::Retired.as_str())
    .bind(Status::Active.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut lists: Vec<WithdrawnList> = Vec::new();
    for row in &rows {
        let list = WithdrawnList {
            dataset: DatasetId(row.try_get(0)?),
            incident: IncidentId(row.try_get(1)?),
            published_at: row.try_get(2)?,
            withdrawn_at: row.try_get(3)?,
        };
        if !lists.iter().any(|known| known.incident == list.incident) {
            lists.push(list);
        }
    }
    Ok(lists)
}

/// The lists `ids` name, published now or not (an earlier answer's, which a reference code
/// names), oldest first; an id that names no list is left out.
pub async fn lists_named(
    db: &Database,
    ids: &[DatasetId],
) -> Result<Vec<ActiveList>, StorageError> {
    let mut lists = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query(
            "SELECT id, incident_id, has_phone, activated_at, profile FROM datasets WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?;
        if let Some(row) = row {
            lists.push(list_from_row(&row)?);
        }
    }
    lists.sort_by_key(|list| (list.activated_at, list.dataset));
    Ok(lists)
}

fn list_from_row(row: &sqlx::any::AnyRow) -> Result<ActiveList, sqlx::Error> {
    let profile: String = row.try_get(4)?;
    Ok(ActiveList {
        dataset: DatasetId(row.try_get(0)?),
        incident: IncidentId(row.try_get(1)?),
        has_phone: row.try_get::<i64, _>(2)? != 0,
        activated_at: row.try_get::<Option<i64>, _>(3)?.unwrap_or(0),
        profile: Profile::from_record(&profile),
    })
}

/// Whether any published list asks for the phone as a verification factor.
pub fn asks_for_phone(lists: &[ActiveList]) -> bool {
    lists.iter().any(|list| list.has_phone)
}

/// Every list's rows for a contract number's two digests (alone, and with the phone): the
/// one query a lookup makes of `affected` (public so that the benchmark can show its plan
/// over millions of rows).
pub const DIGEST_ROWS: &str = "SELECT dataset_id, kind, categories FROM affected \
     WHERE (kind = $1 AND digest = $2) OR (kind = $3 AND digest = $4)";

#[derive(Clone)]
pub struct Lookup {
    pub db: Database,
    pub digester: Digester,
    pub pool: HashingPool,
    pub references: ReferenceKey,
}

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lookup(..)")
    }
}

impl Lookup {
    pub fn new(db: Database, digester: Digester, pool: HashingPool, pepper: &Pepper) -> Self {
        Self {
            db,
            digester,
            pool,
            references: ReferenceKey::new(pepper),
        }
    }

    /// Every active dataset's view of `query`. Hashing waits on the bounded pool; a full
    /// queue is [`LookupError::Busy`] before any work is done.
    pub async fn answer(&self, query: &Query) -> Result<Answer, LookupError> {
        let lists = active_lists(&self.db).await?;
        self.answer_among(query, lists).await
    }

    /// [`Self::answer`] for lists the caller has just read (the public check needs them
    /// first, to know whether the phone is required), or for the lists an earlier answer
    /// covered, published or not (the helpdesk's search by reference code).
    pub async fn answer_among(
        &self,
        query: &Query,
        lists: Vec<ActiveList>,
    ) -> Result<Answer, LookupError> {
        let profiles = self.profiles_in_use(&lists);
        let contract = query.contract.as_str().to_owned();
        let both = query
            .phone
            .as_ref()
            .map(|phone| contract_with_phone(&query.contract, phone));
        let jobs = profiles.iter().map(|profile| {
            let digester = self.digester.with_profile(*profile);
            let (contract, both) = (contract.clone(), both.clone());
            move || {
                let alone = digester.digest(Kind::Contract, &contract);
                let with_phone = both.map(|both| digester.digest(Kind::ContractPhone, &both));
                (alone, with_phone)
            }
        });
        let mut digests = Vec::with_capacity(profiles.len());
        for job in jobs {
            digests.push(self.pool.run(job).await?);
        }

        let mut hits: Vec<(DatasetId, Kind, i64)> = Vec::new();
        for (alone, with_phone) in &digests {
            // Every list's rows; `findings` keeps those of the lists asked about.
            let rows = sqlx::query(DIGEST_ROWS)
                .bind(Kind::Contract.as_str())
                .bind(alone.0.to_vec())
                .bind(Kind::ContractPhone.as_str())
                // No phone: a value no digest has, so the query is the same either way.
                .bind(with_phone.map_or_else(Vec::new, |digest| digest.0.to_vec()))
                .fetch_all(self.db.pool())
                .await?;
            for row in rows {
                let kind = Kind::parse(&row.try_get::<String, _>(1)?)
                    .ok_or(StorageError::Corrupt("a digest of an unknown kind"))?;
                hits.push((DatasetId(row.try_get(0)?), kind, row.try_get(2)?));
            }
        }
        let findings = findings(&lists, &hits, query.phone.is_some());
        let answered_at = crate::now_millis();
        Ok(Answer {
            reference: self.reference(
                &contract_reference_input(&query.contract),
                answered_at,
                &lists,
            ),
            answered_at,
            subject: digests[0].0,
            lists,
            findings,
        })
    }

    /// The answer whose reference code a caller quotes, recomputed: which day it was given
    /// and which lists it covered (see `check::reference`), and what those lists, published
    /// now or not, say about `query`. `None` when no answer about this number in the
    /// search period had that code. Nothing about the caller is stored.
    pub async fn earlier(
        &self,
        query: &Query,
        code: &ReferenceCode,
    ) -> Result<Option<(EarlierAnswer, Answer)>, LookupError> {
        let now = crate::now_millis();
        let history = reference::history(&self.db, now).await?;
        let asked = contract_reference_input(&query.contract);
        let Some(earlier) = self.references.find(&asked, code, &history, now) else {
            return Ok(None);
        };
        let lists = lists_named(&self.db, &earlier.lists).await?;
        let mut answer = self.answer_among(query, lists).await?;
        answer.reference = code.clone();
        Ok(Some((earlier, answer)))
    }

    /// A domain's digests under the hashing profile of every published list: what a
    /// verified domain check keeps in place of the domain.
    pub async fn domain_digests(
        &self,
        domain: &Domain,
    ) -> Result<Vec<(Profile, Digest)>, LookupError> {
        let lists = active_lists(&self.db).await?;
        let profiles = self.profiles_in_use(&lists);
        let mut digests = Vec::with_capacity(profiles.len());
        for profile in profiles {
            let digester = self.digester.with_profile(profile);
            let canonical = domain.as_str().to_owned();
            let digest = self
                .pool
                .run(move || digester.digest(Kind::Domain, &canonical))
                .await?;
            digests.push((profile, digest));
        }
        Ok(digests)
    }

    /// Every active dataset's view of a domain, from its [`Self::domain_digests`]. A list
    /// whose profile has no digest here (published after the domain was verified) cannot
    /// be asked, and counts as not listing it.
    pub async fn answer_domain(
        &self,
        digests: &[(Profile, Digest)],
    ) -> Result<Answer, LookupError> {
        let lists = active_lists(&self.db).await?;
        let mut hits: Vec<(DatasetId, i64, i64)> = Vec::new();
        for (_, digest) in digests {
            let rows = sqlx::query(
                "SELECT a.dataset_id, a.categories, a.rows_listed FROM affected a \
                 JOIN datasets d ON d.id = a.dataset_id \
                 WHERE d.status = $3 AND a.kind = $1 AND a.digest = $2",
            )
            .bind(Kind::Domain.as_str())
            .bind(digest.0.to_vec())
            .bind(Status::Active.as_str())
            .fetch_all(self.db.pool())
            .await?;
            for row in rows {
                hits.push((DatasetId(row.try_get(0)?), row.try_get(1)?, row.try_get(2)?));
            }
        }
        let findings = lists
            .iter()
            .filter_map(|list| {
                let digest_applies = digests.iter().any(|(p, _)| Some(*p) == list.profile);
                let (_, categories, rows_listed) = hits
                    .iter()
                    .find(|(id, _, _)| *id == list.dataset && digest_applies)?;
                Some(Finding {
                    dataset: list.dataset,
                    incident: list.incident,
                    categories: *categories,
                    factor: Factor::NotApplicable,
                    rows_listed: *rows_listed,
                })
            })
            .collect();
        let subject = digests
            .first()
            .map(|(_, digest)| *digest)
            .ok_or(StorageError::Corrupt("a verified domain has no digest"))?;
        let answered_at = crate::now_millis();
        Ok(Answer {
            reference: self.reference(&subject.0, answered_at, &lists),
            answered_at,
            subject,
            lists,
            findings,
        })
    }

    /// The hashing profiles of `lists`, each once (usually one). With nothing published,
    /// the deployment's own: a lookup hashes anyway, so its cost and its audit subject do not
    /// depend on the state of the lists.
    fn profiles_in_use(&self, lists: &[ActiveList]) -> Vec<Profile> {
        let mut profiles: Vec<Profile> = Vec::new();
        for profile in lists.iter().filter_map(|list| list.profile) {
            if !profiles.contains(&profile) {
                profiles.push(profile);
            }
        }
        if profiles.is_empty() {
            profiles.push(self.digester.profile());
        }
        profiles
    }

    fn reference(&self, asked: &[u8], at: i64, lists: &[ActiveList]) -> ReferenceCode {
        let ids: Vec<DatasetId> = lists.iter().map(|list| list.dataset).collect();
        self.references.code(asked, japan_day_number(at), &ids)
    }
}

/// What a contract number's reference code is made from: its canonical form.
pub fn contract_reference_input(contract: &ContractNumber) -> Vec<u8> {
    Kind::Contract
        .digest_input(contract.as_str())
        .as_bytes()
        .to_vec()
}

/// Each list's finding from the rows that matched: a list with a factor needs the
/// contract+phone row as well as the contract row.
fn findings(
    lists: &[ActiveList],
    hits: &[(DatasetId, Kind, i64)],
    phone_given: bool,
) -> Vec<Finding> {
    let hit = |dataset: DatasetId, kind: Kind| {
        hits.iter()
            .find(|(id, k, _)| *id == dataset && *k == kind)
            .map(|(_, _, categories)| *categories)
    };
    lists
        .iter()
        .filter_map(|list| {
            let categories = hit(list.dataset, Kind::Contract)?;
            let factor = match (list.has_phone, phone_given) {
                (false, _) => Factor::NotCarried,
                (true, false) => Factor::NotGiven,
                (true, true) if hit(list.dataset, Kind::ContractPhone).is_some() => Factor::Matched,
                (true, true) => Factor::Mismatched,
            };
            Some(Finding {
                dataset: list.dataset,
                incident: list.incident,
                categories,
                factor,
                rows_listed: 1,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(id: i64, has_phone: bool) -> ActiveList {
        ActiveList {
            dataset: DatasetId(id),
            incident: IncidentId(id),
            has_phone,
            activated_at: 0,
            profile: Some(Profile::HmacSha256),
        }
    }

    #[test]
    fn a_list_with_a_factor_needs_both_rows() {
        let lists = [list(1, false), list(2, true)];
        let contract = |id| (DatasetId(id), Kind::Contract, 3);
        let both = |id| (DatasetId(id), Kind::ContractPhone, 3);
        let factors = |hits: &[(DatasetId, Kind, i64)], phone| {
            findings(&lists, hits, phone)
                .into_iter()
                .map(|f| (f.dataset.0, f.factor))
                .collect::<Vec<_>>()
        };
        assert_eq!(factors(&[], true), vec![]);
        assert_eq!(
            factors(&[contract(1), contract(2)], true),
            vec![(1, Factor::NotCarried), (2, Factor::Mismatched)]
        );
        assert_eq!(
            factors(&[contract(2), both(2)], true),
            vec![(2, Factor::Matched)]
        );
        assert_eq!(factors(&[contract(2)], false), vec![(2, Factor::NotGiven)]);
        // A phone row without its contract row cannot happen; it answers nothing.
        assert_eq!(factors(&[both(2)], true), vec![]);
    }
}
