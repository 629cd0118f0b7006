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

crate::codes! {
    /// What an identifier is, spelt as it enters a digest (`"<kind>:v1:" + canonical`), as
    /// `digests.kind` holds it and as an import report counts it.
    #[derive(PartialOrd, Ord)]
    Kind {
        Contract => "contract",
        Domain => "domain",
        /// A contract number together with its verification factor, the registered phone.
        ContractPhone => "contract+phone",
    }
}

impl Kind {
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
    nfkc(input.trim()).trim().to_owned()
}

/// Unicode NFKC (full-width letters and digits to ASCII, compatibility forms folded). On the
/// server, whose parse decides, `unicode-normalization` does it; in the browser the
/// browser's own `String.prototype.normalize` does, so visitors do not download the Unicode
/// tables (about 200 KB of the bundle before compression). A browser on an older Unicode
/// version may differ for characters added since: its form then shows or skips a hint that
/// the server's answer corrects.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn nfkc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().collect()
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn nfkc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFKC").into()
}
