//! Sentences that state a rule's number (a password's length, the sign-in throttle's
//! minutes, a page's size, a field's longest text). The number is never typed into the
//! sentence: each language writes `{name}` where it goes, and the one method per sentence
//! below fills it in from the constant that the rule itself uses, so a changed limit changes
//! what the pages say with it. A [`Numbered`] cannot be shown as it is (it is not text), so
//! a page cannot skip the filling.

use super::check::CheckStrings;
use super::data::DataStrings;
use super::notice::NoticeStrings;
use super::{Strings, fill};
use breachcheck::check::REFERENCE_SEARCH_DAYS;
use breachcheck::dataset::category::{MAX_CATEGORIES, MAX_LABEL_CHARS};
use breachcheck::dataset::incident_limits::{ADVICE_MAX, SLUG_MAX, SLUG_MIN, TITLE_MAX};
use breachcheck::notice::{MAX_NOTE, MAX_SUMMARY, MAX_TITLE, MAX_TOTAL};
use breachcheck::staff::DisplayName;
use breachcheck::staff::policy::{
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, REENROLMENT_WINDOW, THROTTLE_WINDOW, TOTP_DIGITS,
};

/// A sentence with `{name}` places for numbers.
#[derive(Clone, Copy, Debug)]
pub struct Numbered(&'static str);

impl Numbered {
    pub const fn new(template: &'static str) -> Self {
        Self(template)
    }

    /// The sentence with each place filled, digits grouped by thousands (`100,000`) as both
    /// languages write them.
    fn with(self, numbers: &[(&str, u64)]) -> String {
        let values: Vec<(&str, String)> = numbers
            .iter()
            .map(|&(name, number)| {
                debug_assert!(
                    self.0.contains(&format!("{{{name}}}")),
                    "{:?} has no place for {name}",
                    self.0
                );
                (name, grouped(number))
            })
            .collect();
        let values: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        fill(self.0, &values)
    }
}

pub(crate) fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

const fn n(value: usize) -> u64 {
    value as u64
}

impl Strings {
    pub fn error_password_short(&self) -> String {
        self.error_password_short
            .with(&[("min", n(MIN_PASSWORD_CHARS))])
    }
    pub fn error_password_long(&self) -> String {
        self.error_password_long
            .with(&[("max", n(MAX_PASSWORD_CHARS))])
    }
    pub fn users_initial_password(&self) -> String {
        self.users_initial_password
            .with(&[("min", n(MIN_PASSWORD_CHARS))])
    }
    pub fn account_new_password(&self) -> String {
        self.account_new_password
            .with(&[("min", n(MIN_PASSWORD_CHARS))])
    }
    pub fn error_name_invalid(&self) -> String {
        self.error_name_invalid
            .with(&[("max", n(DisplayName::MAX_CHARS))])
    }
    pub fn staff_throttled(&self) -> String {
        self.staff_throttled
            .with(&[("minutes", THROTTLE_WINDOW.as_secs() / 60)])
    }
    pub fn audit_newest(&self) -> String {
        self.audit_newest
            .with(&[("count", crate::staff_api::AUDIT_SHOWN.unsigned_abs())])
    }
    pub fn staff_code_intro(&self) -> String {
        self.staff_code_intro.with(&[("digits", n(TOTP_DIGITS))])
    }
    pub fn account_current_code(&self) -> String {
        self.account_current_code
            .with(&[("digits", n(TOTP_DIGITS))])
    }
    pub fn account_new_code(&self) -> String {
        self.account_new_code.with(&[("digits", n(TOTP_DIGITS))])
    }
    pub fn account_totp_scan(&self) -> String {
        self.account_totp_scan
            .with(&[("minutes", REENROLMENT_WINDOW.as_secs() / 60)])
    }
}

impl CheckStrings {
    pub fn reference_search_hint(&self) -> String {
        self.reference_search_hint
            .with(&[("days", REFERENCE_SEARCH_DAYS.unsigned_abs())])
    }
    pub fn reference_none(&self) -> String {
        self.reference_none
            .with(&[("days", REFERENCE_SEARCH_DAYS.unsigned_abs())])
    }
}

impl NoticeStrings {
    pub fn note_hint(&self) -> String {
        self.note_hint.with(&[("max", n(MAX_NOTE))])
    }
    pub fn error_note_long(&self) -> String {
        self.error_note_long.with(&[("max", n(MAX_NOTE))])
    }
    pub fn error_title_long(&self) -> String {
        self.error_title_long.with(&[("max", n(MAX_TITLE))])
    }
    pub fn error_summary_long(&self) -> String {
        self.error_summary_long.with(&[("max", n(MAX_SUMMARY))])
    }
    pub fn error_too_long(&self) -> String {
        self.error_too_long.with(&[("max", n(MAX_TOTAL))])
    }
}

impl DataStrings {
    pub fn incident_slug_hint(&self) -> String {
        self.incident_slug_hint
            .with(&[("min", n(SLUG_MIN)), ("max", n(SLUG_MAX))])
    }
    pub fn error_slug_invalid(&self) -> String {
        self.error_slug_invalid
            .with(&[("min", n(SLUG_MIN)), ("max", n(SLUG_MAX))])
    }
    pub fn error_title_invalid(&self) -> String {
        self.error_title_invalid.with(&[("max", n(TITLE_MAX))])
    }
    pub fn incident_advice_hint(&self) -> String {
        self.incident_advice_hint.with(&[("max", n(ADVICE_MAX))])
    }
    pub fn error_advice_long(&self) -> String {
        self.error_advice_long.with(&[("max", n(ADVICE_MAX))])
    }
    pub fn error_categories_invalid(&self) -> String {
        self.error_categories_invalid
            .with(&[("count", n(MAX_CATEGORIES)), ("chars", n(MAX_LABEL_CHARS))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Locale, LocaleText};

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(6), "6");
        assert_eq!(grouped(200), "200");
        assert_eq!(grouped(2000), "2,000");
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn every_numbered_sentence_states_the_number_in_force() {
        let throttle_minutes = THROTTLE_WINDOW.as_secs() / 60;
        for locale in Locale::ALL {
            let s = locale.strings();
            let (d, no) = (s.data, s.notice);
            // Each pair: the filled sentence (the filling itself asserts that every number
            // has its place), and the numbers it must state.
            let days = REFERENCE_SEARCH_DAYS.unsigned_abs();
            let filled: [(String, &[u64]); 24] = [
                (s.error_password_short(), &[n(MIN_PASSWORD_CHARS)]),
                (s.users_initial_password(), &[n(MIN_PASSWORD_CHARS)]),
                (s.account_new_password(), &[n(MIN_PASSWORD_CHARS)]),
                (s.error_password_long(), &[n(MAX_PASSWORD_CHARS)]),
                (s.error_name_invalid(), &[n(DisplayName::MAX_CHARS)]),
                (s.staff_throttled(), &[throttle_minutes]),
                (
                    s.audit_newest(),
                    &[crate::staff_api::AUDIT_SHOWN.unsigned_abs()],
                ),
                (s.staff_code_intro(), &[n(TOTP_DIGITS)]),
                (s.account_current_code(), &[n(TOTP_DIGITS)]),
                (s.account_new_code(), &[n(TOTP_DIGITS)]),
                (s.account_totp_scan(), &[REENROLMENT_WINDOW.as_secs() / 60]),
                (no.error_title_long(), &[n(MAX_TITLE)]),
                (no.error_summary_long(), &[n(MAX_SUMMARY)]),
                (no.error_too_long(), &[n(MAX_TOTAL)]),
                (d.incident_slug_hint(), &[n(SLUG_MIN), n(SLUG_MAX)]),
                (d.error_slug_invalid(), &[n(SLUG_MIN), n(SLUG_MAX)]),
                (d.error_title_invalid(), &[n(TITLE_MAX)]),
                (d.incident_advice_hint(), &[n(ADVICE_MAX)]),
                (d.error_advice_long(), &[n(ADVICE_MAX)]),
                (
                    d.error_categories_invalid(),
                    &[n(MAX_CATEGORIES), n(MAX_LABEL_CHARS)],
                ),
                (s.check.reference_search_hint(), &[days]),
                (s.check.reference_none(), &[days]),
                (no.note_hint(), &[n(MAX_NOTE)]),
                (no.error_note_long(), &[n(MAX_NOTE)]),
            ];
            for (text, numbers) in filled {
                assert!(!text.contains('{') && !text.contains('}'), "{text:?}");
                for &number in numbers {
                    assert!(
                        text.contains(&grouped(number)),
                        "{text:?} should say {number}"
                    );
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "has no place for max")]
    fn a_sentence_without_its_place_is_caught() {
        Numbered::new("at most 200 characters").with(&[("max", 200)]);
    }
}
