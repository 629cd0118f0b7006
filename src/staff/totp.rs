//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps), as every
//! authenticator app expects. A code is accepted for the current step and one either side,
//! and only for a step later than the last one used, so no code works twice.

use secrecy::{ExposeSecret, SecretSlice};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Builder, Totp};

pub const STEP_SECONDS: u64 = 30;
use super::policy::TOTP_DIGITS;
/// 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

#[derive(Clone)]
pub struct TotpSecret(SecretSlice<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

impl TotpSecret {
    pub fn generate() -> Self {
        use rand::RngCore;
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes.into())
    }

    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }

    pub fn as_stored(&self) -> &[u8] {
        self.0.expose_secret()
    }

    fn totp(&self, issuer: Option<&str>, account: &str) -> Totp {
        // `noncompliant` only skips the library's checks of names (a ':' in an operator's
        // name is legal in a URI label once encoded); the secret is always 160 bits.
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(TOTP_DIGITS as u8)
            .with_step_duration(STEP_SECONDS)
            .with_skew(0)
            .with_secret(self.as_stored().to_vec())
            .with_account_name(account)
            .with_issuer(issuer)
            .build_noncompliant()
    }

    /// The `otpauth://` URI an authenticator app enrols from (shown once, as a QR code).
    pub fn enrolment_uri(&self, issuer: &str, account: &str) -> String {
        self.totp(Some(issuer), account)
            .to_url()
            .unwrap_or_default()
    }

    /// The code for a moment, in seconds since the epoch.
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.totp(None, "staff").generate(unix_seconds).to_string()
    }

    /// The step at which `code` is valid around `now`, if it is valid and later than
    /// `last_used_step`.
    pub fn accept(&self, code: &str, unix_seconds: u64, last_used_step: i64) -> Option<i64> {
        let code = code.trim();
        if code.len() != TOTP_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now_step = (unix_seconds / STEP_SECONDS) as i64;
        [now_step - 1, now_step, now_step + 1]
            .into_iter()
            .filter(|step| *step > last_used_step && *step >= 0)
            .find(|step| {
                let expected = self.code_at(*step as u64 * STEP_SECONDS);
                bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_6238_test_vector() {
        let secret = TotpSecret::from_stored(b"12345678901234567890".to_vec());
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); 6 digits: 287082.
        assert_eq!(secret.code_at(59), "287082");
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let code = secret.code_at(now);
        let step = secret.accept(&code, now, 0).expect("current code accepted");
        assert_eq!(step, (now / STEP_SECONDS) as i64);
        assert_eq!(secret.accept(&code, now, step), None, "not twice");
        assert!(
            secret.accept(&code, now + STEP_SECONDS, 0).is_some(),
            "one step of skew"
        );
        assert_eq!(secret.accept(&code, now + 3 * STEP_SECONDS, 0), None);
        assert_eq!(secret.accept("12345", now, 0), None);
        assert_eq!(secret.accept("abcdef", now, 0), None);
    }

    #[test]
    fn the_enrolment_uri_names_issuer_and_account() {
        let uri = TotpSecret::generate().enrolment_uri("Example Telecom", "a@example.com");
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains("secret="), "{uri}");
        assert!(uri.contains("issuer=Example%20Telecom"), "{uri}");
        assert!(!format!("{:?}", TotpSecret::generate()).contains("secret"));
    }
}
