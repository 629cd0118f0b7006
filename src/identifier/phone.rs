//! Phone numbers, the verification factor: digits only (full-width too), in Japanese
//! national form, so `+81 3-1234-5678` and `03(1234)5678` are both `0312345678`.

use super::{is_dash, nfkc_trimmed};
use serde::{Deserialize, Serialize};
use std::fmt;

/// National numbers are 10 or 11 digits with the leading 0.
const NATIONAL: (usize, usize) = (10, 11);
/// Numbers abroad, written as dialled from Japan (010, then country code and number).
const INTERNATIONAL_PREFIX: &str = "010";
const MAX_INTERNATIONAL: usize = 3 + 15;

#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, thiserror::Error,
)]
pub enum PhoneRejection {
    #[error("no phone number was given")]
    Empty,
    #[error("a phone number has only digits, spaces, hyphens, brackets and a leading +")]
    Malformed,
    #[error("a phone number has at least 10 digits, with the area code")]
    TooShort,
    #[error("this phone number has too many digits")]
    TooLong,
    #[error("a phone number starts with 0 (or + and the country code)")]
    NoLeadingZero,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, PhoneRejection> {
        let text = nfkc_trimmed(input);
        let (international, rest) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '(' | ')' | '.' => {}
                c if c.is_whitespace() || is_dash(c) => {}
                _ => return Err(PhoneRejection::Malformed),
            }
        }
        if digits.is_empty() {
            return Err(PhoneRejection::Empty);
        }
        let canonical = match (international, digits.strip_prefix("81")) {
            // +81 (0)3-1234-5678: the trunk 0 some people keep in brackets goes too.
            (true, Some(national)) => format!("0{}", national.trim_start_matches('0')),
            (true, None) => format!("{INTERNATIONAL_PREFIX}{digits}"),
            (false, _) => digits,
        };
        if !canonical.starts_with('0') {
            return Err(PhoneRejection::NoLeadingZero);
        }
        let (min, max) = if canonical.starts_with(INTERNATIONAL_PREFIX) {
            (INTERNATIONAL_PREFIX.len() + 7, MAX_INTERNATIONAL)
        } else {
            NATIONAL
        };
        if canonical.len() < min {
            return Err(PhoneRejection::TooShort);
        }
        if canonical.len() > max {
            return Err(PhoneRejection::TooLong);
        }
        Ok(Self(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone([{} digits])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<String, PhoneRejection> {
        Phone::parse(input).map(|p| p.0)
    }

    #[test]
    fn real_world_inputs() {
        let ok = [
            ("+81 3-1234-5678", "0312345678"),
            ("+81 (0)3 1234 5678", "0312345678"),
            ("+819012345678", "09012345678"),
            ("03-1234-5678", "0312345678"),
            ("03(1234)5678", "0312345678"),
            ("０３－１２３４－５６７８", "0312345678"),
            ("090\u{30FC}1234\u{2212}5678", "09012345678"),
            ("0120 123 456", "0120123456"),
            ("+1 415 555 0100", "01014155550100"),
        ];
        for (input, canonical) in ok {
            assert_eq!(parse(input).as_deref(), Ok(canonical), "{input:?}");
        }
        let refused = [
            ("", PhoneRejection::Empty),
            ("--", PhoneRejection::Empty),
            ("03-1234-567a", PhoneRejection::Malformed),
            ("tel:0312345678", PhoneRejection::Malformed),
            ("1234-5678", PhoneRejection::NoLeadingZero),
            ("03-1234", PhoneRejection::TooShort),
            ("090-1234-5678-9", PhoneRejection::TooLong),
        ];
        for (input, reason) in refused {
            assert_eq!(parse(input), Err(reason), "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "[+0-9０-９ ()-]{0,24}") {
            if let Ok(canonical) = parse(&input) {
                prop_assert_eq!(parse(&canonical), Ok(canonical.clone()));
            }
        }
    }
}
