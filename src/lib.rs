//! The domain core of breachcheck.
//!
//! Everything here is free of UI. The parsing half compiles to wasm so the browser can
//! validate forms with the very code the server uses; storage, hashing and the other
//! server-only parts sit behind the `server` feature.

#[cfg(feature = "server")]
pub mod audit;
pub mod audit_action;
pub mod check;
#[cfg(feature = "server")]
pub mod clock;
pub mod codes;
pub mod dataset;
#[cfg(feature = "server")]
pub mod digest;
#[cfg(feature = "server")]
pub mod hashing_pool;
pub mod identifier;
pub mod import;
pub mod locale;
pub mod notice;
#[cfg(feature = "server")]
pub mod pepper;
pub mod staff;
#[cfg(feature = "server")]
pub mod storage;

/// Milliseconds since the Unix epoch: the one time representation stored in the database,
/// because it means the same on SQLite and PostgreSQL.
#[cfg(feature = "server")]
pub fn now_millis() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
