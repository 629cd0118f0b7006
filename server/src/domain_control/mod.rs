//! Proving control of a domain for the domain self-check: the DNS record and the mailed
//! link it is proven by, and the service that runs a challenge. (Domain names themselves are
//! `breachcheck::identifier::Domain`.)

pub mod dns;
pub mod mail;
pub mod service;
