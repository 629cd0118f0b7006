//! The identifiers a customer is known by, each a newtype that holds only its canonical
//! form: `parse` canonicalises what a person typed (or a spreadsheet held) or says why it
//! cannot. The same code runs in the browser (wasm) and on the server, so a form refuses
//! exactly what the server would.

mod contract;
mod domain;
mod phone;

pub use contract::{ContractNumber, ContractPattern, ContractRejection, PatternError};
pub use domain::{Domain, DomainRejection, ROLE_LOCAL_PARTS};
pub use phone::{Phone, PhoneRejection};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// What an identifier is, as it enters a digest (`"<kind>:v1:" + canonical`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Contract,
    Domain,
    /// A contract number together with its verification factor, the registered phone.
    ContractPhone,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Contract, Kind::Domain, Kind::ContractPhone];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Contract => "contract",
            Kind::Domain => "domain",
            Kind::ContractPhone => "contract+phone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    /// The bytes that are hashed for `canonical` of this kind.
    pub fn digest_input(self, canonical: &str) -> String {
        format!("{}:v1:{canonical}", self.as_str())
    }
}

/// The canonical text of a contract number with its phone, for the `contract+phone` kind.
pub fn contract_with_phone(contract: &ContractNumber, phone: &Phone) -> String {
    format!("{}:{}", contract.as_str(), phone.as_str())
}

/// Dashes people type (or that Japanese IMEs and spreadsheets produce) for a hyphen:
/// U+002D, U+2010 to U+2015, U+2212 minus, U+30FC long vowel mark, U+FF0D full-width.
/// (NFKC already folds U+FF0D into U+002D; it is listed so the set reads as documented.)
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}'
    )
}

/// NFKC (full-width letters and digits become ASCII), without surrounding white space.
fn nfkc_trimmed(input: &str) -> String {
    input.trim().nfkc().collect::<String>().trim().to_owned()
}
