//! The core of a lookup: which active datasets hold a digest. One digest is computed per
//! kind and per hashing profile in use, whatever the number of datasets.

use super::DatasetError;
use super::DatasetId;
use super::incident::IncidentId;
use crate::digest::{Digester, Profile};
use crate::identifier::Kind;
use crate::storage::Database;
use sqlx::Row;

/// One active dataset that lists the identifier, and the categories exposed for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub dataset: DatasetId,
    pub incident: IncidentId,
    pub categories: i64,
    pub activated_at: Option<i64>,
}

/// The hashing profiles of the active datasets (usually one).
pub async fn active_profiles(db: &Database) -> Result<Vec<Profile>, DatasetError> {
    let records: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT profile FROM datasets WHERE status = 'active'")
            .fetch_all(db.pool())
            .await?;
    Ok(records
        .iter()
        .filter_map(|record| Profile::from_record(record))
        .collect())
}

/// Every active dataset that lists `canonical` as `kind`. Hashing runs on a blocking
/// thread here; callers that face the public put it on the bounded pool themselves.
pub async fn find(
    db: &Database,
    digester: &Digester,
    kind: Kind,
    canonical: &str,
) -> Result<Vec<Hit>, DatasetError> {
    let mut hits = Vec::new();
    for profile in active_profiles(db).await? {
        let digester = digester.with_profile(profile);
        let canonical = canonical.to_owned();
        let digest =
            match tokio::task::spawn_blocking(move || digester.digest(kind, &canonical)).await {
                Ok(digest) => digest,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
        let rows = sqlx::query(
            "SELECT d.id, d.incident_id, a.categories, d.activated_at \
             FROM affected a JOIN datasets d ON d.id = a.dataset_id \
             WHERE a.kind = $1 AND a.digest = $2 AND d.status = 'active' AND d.profile = $3",
        )
        .bind(kind.as_str())
        .bind(digest.0.to_vec())
        .bind(profile.to_record())
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            hits.push(Hit {
                dataset: DatasetId(row.try_get(0)?),
                incident: IncidentId(row.try_get(1)?),
                categories: row.try_get(2)?,
                activated_at: row.try_get(3)?,
            });
        }
    }
    Ok(hits)
}
