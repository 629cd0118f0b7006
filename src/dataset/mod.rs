//! Datasets: versions of an incident's affected list, stored as digests only.
//!
//! A dataset moves `importing → draft → approved → active → retired` (or `importing →
//! failed`). Only active datasets answer lookups, and an incident has at most one active
//! dataset: activating a new one retires the old in the same transaction, and rolling back
//! re-activates a retired one the same way.

pub mod category;
#[cfg(feature = "server")]
pub mod incident;
#[cfg(feature = "server")]
pub mod lifecycle;

#[cfg(feature = "server")]
pub use server_side::*;

crate::codes! {
    /// Where a dataset stands, spelt as `datasets.status` holds it. Outside the `server`
    /// feature too: the staff pages name it.
    Status {
        Importing => "importing",
        Draft => "draft",
        Approved => "approved",
        Active => "active",
        Retired => "retired",
        Failed => "failed",
    }
}

/// The limits of an incident's fields, in characters. Outside the `server` feature too: the
/// staff pages state them.
pub mod incident_limits {
    /// An incident's URL name: a-z, 0-9 and inner hyphens.
    pub const SLUG_MIN: usize = 3;
    pub const SLUG_MAX: usize = 64;
    /// A title, per language.
    pub const TITLE_MAX: usize = 200;
    /// The advice an affected answer shows, per language: longer advice belongs in the notice;
    /// the result page shows a few sentences.
    pub const ADVICE_MAX: usize = 2000;
}

#[cfg(feature = "server")]
mod server_side {
    use super::Status;
    use crate::hashing_pool::Busy;
    use crate::storage::StorageError;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    pub struct DatasetId(pub i64);

    /// Everything that can go wrong with incidents and datasets, in words an admin can act
    /// on; storage failures are logged by whoever reports them, never shown.
    #[derive(Debug, thiserror::Error)]
    pub enum DatasetError {
        #[error("the slug must be 3 to 64 characters of a-z, 0-9 and hyphens")]
        SlugInvalid,
        #[error("an incident with this slug already exists")]
        SlugTaken,
        #[error("both titles are required (at most 200 characters)")]
        TitleInvalid,
        #[error("the advice is at most 2,000 characters per language")]
        AdviceTooLong,
        #[error("dates are written YYYY-MM-DD")]
        DateInvalid,
        #[error("the incident cannot end before it began")]
        DateOrder,
        #[error(transparent)]
        Categories(#[from] super::category::CategoriesRejection),
        #[error("no such incident")]
        IncidentNotFound,
        #[error("no such dataset")]
        NotFound,
        #[error("the dataset is {0:?}, which this step does not start from")]
        WrongStatus(Status),
        #[error("a second admin, not the uploader, must approve this dataset")]
        SameAdmin,
        #[error("the import refused rows: approving needs the approver to acknowledge them")]
        RejectedRowsNotAcknowledged,
        #[error(transparent)]
        Busy(#[from] Busy),
        #[error(transparent)]
        Storage(#[from] StorageError),
    }

    impl From<sqlx::Error> for DatasetError {
        fn from(error: sqlx::Error) -> Self {
            DatasetError::Storage(error.into())
        }
    }
}
