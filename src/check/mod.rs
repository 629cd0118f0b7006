//! What stands between the public check and someone enumerating the list: rate limits
//! counted in the database and a proof of work solved by the browser.

#[cfg(feature = "server")]
pub mod domain;
#[cfg(feature = "server")]
pub mod limit;
#[cfg(feature = "server")]
pub mod lookup;
pub mod pow;
#[cfg(feature = "server")]
pub mod reference;
#[cfg(feature = "server")]
pub mod stats;

use serde::{Deserialize, Serialize};

/// How many days back the helpdesk's search for a quoted reference code goes (see
/// `reference`): a customer may call months after the answer.
pub const REFERENCE_SEARCH_DAYS: i64 = 400;

/// How a dataset's verification factor fared for a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// The dataset has no factor: the contract number alone answers.
    NotCarried,
    Matched,
    Mismatched,
    /// The dataset has a factor and the question carried none (the helpdesk may omit it).
    NotGiven,
    /// The question was a domain, which no phone verifies (proof of control of the domain,
    /// or the helpdesk's word, stands in for it).
    NotApplicable,
}
