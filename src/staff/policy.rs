//! The staff rules' numbers and what a new staff password must be. Pure, so the browser
//! can say the same as the server: the pages state these numbers from here.

use super::StaffEmail;
use std::time::Duration;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The length of an authenticator code.
pub const TOTP_DIGITS: usize = 6;

/// How long a new authenticator secret waits to be confirmed with a code from it.
pub const REENROLMENT_WINDOW: Duration = Duration::from_secs(10 * 60);

/// How long failed sign-ins count against their subject, and how many it may have in that
/// time (the defaults of `throttle::ThrottlePolicy`).
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
pub const THROTTLE_MAX_FAILURES: u32 = 5;

/// A password that passed the policy. Not yet hashed; never printed.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejection {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password is one of the most common passwords")]
    Common,
    #[error("the password must not contain the email address's name")]
    ContainsEmail,
}

/// Passwords that attackers try first, lower-cased. Short ones are already refused by
/// length; these are the long enough ones that still appear on every breached list.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789abc",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "aaaaaaaaaaaa",
    "abc123456789",
    "abcdefghijkl",
    "administrator",
    "administrator1",
    "changeme1234",
    "iloveyou1234",
    "letmein12345",
    "password1234",
    "password12345",
    "password123456",
    "password!234",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "qwerty123456",
    "qwertyuiop12",
    "qwertyuiopas",
    "qwertyuiop[]",
    "welcome12345",
    "welcome123456",
    "zaq12wsxcde3",
    "000000000000",
    "111111111111",
    "123123123123",
    "987654321098",
    "iloveyou!!!!",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "superman1234",
    "trustno1trustno1",
    "correcthorsebatterystaple",
];

impl NewPassword {
    pub fn parse(password: &str, email: &StaffEmail) -> Result<Self, PasswordRejection> {
        let chars = password.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordRejection::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordRejection::TooLong);
        }
        let lower = password.to_lowercase();
        if COMMON.contains(&lower.as_str()) {
            return Err(PasswordRejection::Common);
        }
        let local = email.local_part();
        if local.chars().count() >= 3 && lower.contains(local) {
            return Err(PasswordRejection::ContainsEmail);
        }
        Ok(Self(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> StaffEmail {
        StaffEmail::parse("hanako@example.com").unwrap()
    }

    #[test]
    fn the_policy_refuses_weak_passwords() {
        assert_eq!(
            NewPassword::parse("short-pw", &email()).unwrap_err(),
            PasswordRejection::TooShort
        );
        assert_eq!(
            NewPassword::parse("Password1234", &email()).unwrap_err(),
            PasswordRejection::Common
        );
        assert_eq!(
            NewPassword::parse("my-HANAKO-secret", &email()).unwrap_err(),
            PasswordRejection::ContainsEmail
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(300), &email()).unwrap_err(),
            PasswordRejection::TooLong
        );
        assert!(NewPassword::parse("blue-kettle-orbit-42", &email()).is_ok());
        assert!(NewPassword::parse("パスワードは十二文字以上必要", &email()).is_ok());
    }

    #[test]
    fn the_password_never_prints() {
        let password = NewPassword::parse("blue-kettle-orbit-42", &email()).unwrap();
        assert!(!format!("{password:?}").contains("kettle"));
    }
}
