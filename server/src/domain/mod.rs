//! The domain self-check's outside world: DNS and mail.

pub mod dns;
pub mod mail;
pub mod service;
