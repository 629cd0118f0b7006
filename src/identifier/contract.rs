//! Contract numbers: NFKC, spaces and dash-like characters removed, upper-cased, and then
//! they must match the deployment's pattern.

use super::{is_dash, nfkc_trimmed};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const DEFAULT_PATTERN: &str = "^[A-Z0-9]{6,20}$";

/// The shape a deployment's contract numbers take: a regular expression over the canonical
/// form, anchored at both ends whether or not it is written so. When it ends in a length
/// quantifier (`{6,20}`), too short and too long get their own answers.
#[derive(Clone)]
pub struct ContractPattern {
    source: String,
    regex: regex_lite::Regex,
    lengths: Option<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the contract number pattern is not a valid regular expression: {0}")]
pub struct PatternError(String);

impl ContractPattern {
    pub fn parse(source: &str) -> Result<Self, PatternError> {
        let core = source.trim().trim_start_matches('^').trim_end_matches('$');
        let regex = regex_lite::Regex::new(&format!("^(?:{core})$"))
            .map_err(|e| PatternError(e.to_string()))?;
        Ok(Self {
            source: source.trim().to_owned(),
            regex,
            lengths: trailing_lengths(core),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The shortest and longest lengths, when the pattern says them.
    pub fn lengths(&self) -> Option<(usize, usize)> {
        self.lengths
    }
}

impl Default for ContractPattern {
    fn default() -> Self {
        Self::parse(DEFAULT_PATTERN).expect("the default pattern is valid")
    }
}

impl fmt::Debug for ContractPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ContractPattern")
            .field(&self.source)
            .finish()
    }
}

impl PartialEq for ContractPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// `{m,n}` or `{n}` at the very end of a pattern that is one character class repeated.
fn trailing_lengths(core: &str) -> Option<(usize, usize)> {
    let body = core.strip_suffix('}')?;
    let (class, counts) = body.rsplit_once('{')?;
    if !(class.starts_with('[') && class.ends_with(']') && class.matches('[').count() == 1) {
        return None;
    }
    let parse = |s: &str| s.trim().parse::<usize>().ok();
    match counts.split_once(',') {
        Some((min, max)) => Some((parse(min)?, parse(max)?)),
        None => parse(counts).map(|n| (n, n)),
    }
}

/// Why a contract number was refused. Carries no part of the input.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, thiserror::Error,
)]
pub enum ContractRejection {
    #[error("no contract number was given")]
    Empty,
    #[error("a contract number has at least {min} characters")]
    TooShort { min: usize },
    #[error("a contract number has at most {max} characters")]
    TooLong { max: usize },
    #[error("a contract number has only the letters and digits of the expected pattern")]
    Malformed,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContractNumber(String);

impl ContractNumber {
    pub fn parse(input: &str, pattern: &ContractPattern) -> Result<Self, ContractRejection> {
        let canonical: String = nfkc_trimmed(input)
            .chars()
            .filter(|c| !c.is_whitespace() && !is_dash(*c))
            .flat_map(char::to_uppercase)
            .collect();
        if canonical.is_empty() {
            return Err(ContractRejection::Empty);
        }
        if let Some((min, max)) = pattern.lengths() {
            let length = canonical.chars().count();
            if length < min {
                return Err(ContractRejection::TooShort { min });
            }
            if length > max {
                return Err(ContractRejection::TooLong { max });
            }
        }
        if !pattern.regex.is_match(&canonical) {
            return Err(ContractRejection::Malformed);
        }
        Ok(Self(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never printed whole: a contract number is an identifier of a possible victim, and debug
/// output ends up in logs.
impl fmt::Debug for ContractNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContractNumber([{} chars])", self.0.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<String, ContractRejection> {
        ContractNumber::parse(input, &ContractPattern::default()).map(|c| c.0)
    }

    #[test]
    fn real_world_inputs() {
        let ok = [
            ("AB123456", "AB123456"),
            ("ab123456", "AB123456"),
            ("０１２３４５６７", "01234567"),
            ("ＡＢ－１２３４５６", "AB123456"),
            ("AB\u{30FC}1234\u{2212}56", "AB123456"),
            ("AB\u{FF0D}123456", "AB123456"),
            ("AB\u{2010}12\u{2015}3456", "AB123456"),
            ("  AB 1234 56\t", "AB123456"),
            ("AB\u{3000}123456", "AB123456"),
        ];
        for (input, canonical) in ok {
            assert_eq!(parse(input).as_deref(), Ok(canonical), "{input:?}");
        }
        let long = "A".repeat(21);
        let refused = [
            ("", ContractRejection::Empty),
            (" - ", ContractRejection::Empty),
            ("AB12", ContractRejection::TooShort { min: 6 }),
            (long.as_str(), ContractRejection::TooLong { max: 20 }),
            ("AB12345#", ContractRejection::Malformed),
            ("契約番号123456", ContractRejection::Malformed),
        ];
        for (input, reason) in refused {
            assert_eq!(parse(input), Err(reason), "{input:?}");
        }
    }

    #[test]
    fn the_pattern_is_configurable_and_anchored() {
        let pattern = ContractPattern::parse("C[0-9]{8}").unwrap();
        assert_eq!(pattern.lengths(), None);
        assert!(ContractNumber::parse("c-1234-5678", &pattern).is_ok());
        assert_eq!(
            ContractNumber::parse("XC12345678", &pattern),
            Err(ContractRejection::Malformed),
            "anchored at the start"
        );
        assert_eq!(
            ContractNumber::parse("C123456789", &pattern),
            Err(ContractRejection::Malformed),
            "anchored at the end"
        );
        assert!(ContractPattern::parse("[A-Z").is_err());
        assert_eq!(
            ContractPattern::parse("^[0-9]{10}$").unwrap().lengths(),
            Some((10, 10))
        );
    }

    #[test]
    fn debug_output_hides_the_number() {
        let number = ContractNumber::parse("AB123456", &ContractPattern::default()).unwrap();
        assert!(!format!("{number:?}").contains("123456"));
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "\\PC{0,30}") {
            if let Ok(canonical) = parse(&input) {
                prop_assert_eq!(parse(&canonical), Ok(canonical.clone()));
            }
        }

        #[test]
        fn decorated_numbers_parse_to_the_plain_one(
            number in "[A-Z0-9]{6,20}",
            dash in prop::sample::select(vec!["-", "\u{30FC}", "\u{2212}", "\u{FF0D}", " ", "\u{3000}"]),
            at in 1usize..6,
        ) {
            let mut decorated = number.to_lowercase();
            decorated.insert_str(at, dash);
            prop_assert_eq!(parse(&decorated), Ok(number));
        }
    }
}
