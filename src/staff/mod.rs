//! Staff members: who they are, what they may do, how they prove it.
//!
//! The parsing types here compile everywhere (forms validate with them in the browser);
//! hashing, TOTP and storage are server-only.

#[cfg(feature = "server")]
pub mod account;
#[cfg(feature = "server")]
pub mod admin;
#[cfg(feature = "server")]
pub mod password;
pub mod policy;
#[cfg(feature = "server")]
pub mod session;
#[cfg(feature = "server")]
pub mod sign_in;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod throttle;
#[cfg(feature = "server")]
pub mod totp;

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StaffId(pub i64);

impl fmt::Display for StaffId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Helpdesk,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Helpdesk => "helpdesk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "helpdesk" => Some(Role::Helpdesk),
            _ => None,
        }
    }
}

/// What other staff may see of a staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub id: StaffId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

/// A staff member's email, lower-cased so that uniqueness is case-insensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StaffEmail(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailRejection {
    #[error("an email address looks like name@example.com")]
    Malformed,
    #[error("the email address is too long")]
    TooLong,
}

impl StaffEmail {
    pub fn parse(input: &str) -> Result<Self, EmailRejection> {
        let email = input.trim().to_lowercase();
        if email.len() > 254 {
            return Err(EmailRejection::TooLong);
        }
        let (local, domain) = email.split_once('@').ok_or(EmailRejection::Malformed)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(EmailRejection::Malformed);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

/// The name shown to other staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameRejection {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than 100 characters")]
    TooLong,
    #[error("the name contains control characters")]
    ControlCharacters,
}

impl DisplayName {
    /// The longest name, in characters.
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, NameRejection> {
        let name = input.trim();
        if name.is_empty() {
            return Err(NameRejection::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(NameRejection::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(NameRejection::ControlCharacters);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_case_insensitive_and_checked() {
        let email = StaffEmail::parse("  Alice.Admin@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "alice.admin@example.com");
        assert_eq!(email.local_part(), "alice.admin");
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@example",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(StaffEmail::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_and_roles_parse_or_refuse() {
        assert_eq!(
            DisplayName::parse(" 山田 花子 ").unwrap().as_str(),
            "山田 花子"
        );
        assert_eq!(DisplayName::parse("  "), Err(NameRejection::Empty));
        assert_eq!(
            DisplayName::parse("a\u{7}"),
            Err(NameRejection::ControlCharacters)
        );
        assert_eq!(Role::parse("Admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
