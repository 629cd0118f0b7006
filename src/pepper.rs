//! The pepper: the secret key under which identifiers are hashed.
//!
//! It never lives in the database and must never reach a log line, so the type refuses to
//! print itself and exposes its bytes only through [`Pepper::expose`].

use secrecy::{ExposeSecret, SecretSlice};
use std::fmt;

/// A production pepper must carry at least this many bytes.
pub const MIN_PEPPER_BYTES: usize = 32;

#[derive(Clone)]
pub struct Pepper(SecretSlice<u8>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PepperError {
    #[error("the pepper is {0} bytes long; at least {MIN_PEPPER_BYTES} are required")]
    TooShort(usize),
}

impl Pepper {
    /// Accepts a pepper of at least [`MIN_PEPPER_BYTES`] bytes.
    pub fn parse(bytes: Vec<u8>) -> Result<Self, PepperError> {
        if bytes.len() < MIN_PEPPER_BYTES {
            return Err(PepperError::TooShort(bytes.len()));
        }
        Ok(Self(bytes.into()))
    }

    /// A fresh random pepper, written as 64 hex characters (32 random bytes), so that it can
    /// be stored in a text file and read back by [`Pepper::from_file_contents`].
    pub fn generate_hex() -> String {
        use rand::RngCore;
        let mut raw = [0u8; MIN_PEPPER_BYTES];
        rand::rng().fill_bytes(&mut raw);
        hex::encode(raw)
    }

    /// Reads a pepper file: its bytes less surrounding whitespace, since editors and `echo`
    /// add a trailing newline that must not silently change every digest.
    pub fn from_file_contents(contents: &[u8]) -> Result<Self, PepperError> {
        Self::parse(contents.trim_ascii().to_vec())
    }

    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }

    /// A key for one purpose, derived from the pepper (HMAC-SHA256 of the purpose's name),
    /// so that a key used for something cheap (rate-limit keys, signatures) never equals
    /// the key of the identifier digests.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(self.expose())
            .expect("HMAC takes a key of any length");
        mac.update(b"breachcheck:derive:v1:");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pepper([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_peppers() {
        assert_eq!(
            Pepper::parse(b"short".to_vec()).unwrap_err(),
            PepperError::TooShort(5)
        );
    }

    #[test]
    fn debug_output_hides_the_bytes() {
        let pepper = Pepper::parse(b"a-very-secret-pepper-of-32-bytes!!".to_vec()).unwrap();
        let printed = format!("{pepper:?} {pepper:#?}");
        assert!(!printed.contains("very-secret"), "{printed}");
    }

    #[test]
    fn generated_pepper_round_trips_through_a_file() {
        let hex = Pepper::generate_hex();
        assert_eq!(hex.len(), 64);
        let pepper = Pepper::from_file_contents(format!("{hex}\n").as_bytes()).unwrap();
        assert_eq!(pepper.expose(), hex.as_bytes());
        assert_ne!(Pepper::generate_hex(), hex);
    }
}
