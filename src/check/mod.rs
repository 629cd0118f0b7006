//! What stands between the public check and someone enumerating the list: rate limits
//! counted in the database and a proof of work solved by the browser.

#[cfg(feature = "server")]
pub mod limit;
pub mod pow;
