//! What a staff form post came to, as the server's redirect says it (`?error=<code>`,
//! `?done=<code>`) and the page reads it back: one enum each, defined here once for both
//! ends. A route names a variant, never a string; a page turns the variant into a sentence
//! by an exhaustive match, so a new code without its sentence does not compile, and a code
//! the page does not know cannot be written.

use crate::i18n::Strings;
use breachcheck::codes;
use std::borrow::Cow;

codes! {
    /// Why a staff form was refused.
    ErrorCode {
        // Incidents and lists.
        SlugInvalid => "slug_invalid",
        SlugTaken => "slug_taken",
        TitleInvalid => "title_invalid",
        DateInvalid => "date_invalid",
        AdviceLong => "advice_long",
        DateOrder => "date_order",
        CategoriesInvalid => "categories_invalid",
        CategoryRemoved => "category_removed",
        IncidentNotFound => "incident_not_found",
        DatasetNotFound => "dataset_not_found",
        WrongStatus => "wrong_status",
        SameAdmin => "same_admin",
        RejectedNotAcknowledged => "rejected_not_acknowledged",
        // Uploads.
        UploadForm => "upload_form",
        FileMissing => "file_missing",
        FileTooLarge => "file_too_large",
        FileEmpty => "file_empty",
        /// Neither UTF-8 nor Shift_JIS; the URL also carries `utf8` and `sjis` offsets.
        Encoding => "encoding",
        Csv => "csv",
        NoHeader => "no_header",
        HeaderIsData => "header_is_data",
        NoIdentifierColumn => "no_identifier_column",
        DuplicateColumn => "duplicate_column",
        // Notices.
        TitleLong => "title_long",
        SummaryLong => "summary_long",
        TooLong => "too_long",
        TimelineDate => "timeline_date",
        Incomplete => "incomplete",
        NotPublished => "not_published",
        Revision => "revision",
        Changed => "changed",
        NoteMissing => "note_missing",
        NoteLong => "note_long",
        // Staff accounts.
        EmailInvalid => "email_invalid",
        EmailTaken => "email_taken",
        NameInvalid => "name_invalid",
        RoleInvalid => "role_invalid",
        PasswordShort => "password_short",
        PasswordLong => "password_long",
        PasswordCommon => "password_common",
        PasswordEmail => "password_email",
        NotFound => "not_found",
        LastAdmin => "last_admin",
        DisableSelf => "disable_self",
        WrongPassword => "wrong_password",
        WrongCode => "wrong_code",
        NothingPending => "nothing_pending",
        // Signing in.
        Rejected => "rejected",
        Throttled => "throttled",
        // Anywhere.
        Busy => "busy",
        /// Failed on our side (the log says why): try again.
        Failed => "failed",
    }
}

codes! {
    /// What a staff form post did, when it worked.
    Done {
        /// The change the form asked for was made: the page says its own sentence.
        Made => "1",
        Saved => "saved",
        Published => "published",
        Unpublished => "unpublished",
        Restored => "restored",
        /// A new authenticator app was confirmed.
        Totp => "totp",
    }
}

codes! {
    /// A risky step that asks once more (`?confirm=<code>`): its first post changes
    /// nothing and comes back to the page, which says what the step will change and offers
    /// the second post (the form's field [`CONFIRMED_FIELD`] = `yes`) that makes it.
    Confirm {
        Approve => "approve",
        Activate => "activate",
        RollBack => "roll-back",
        Retire => "retire",
        Publish => "publish",
        Unpublish => "unpublish",
    }
}

/// The field of a confirming post.
pub const CONFIRMED_FIELD: &str = "confirmed";

codes! {
    /// Why the browser arrives at the sign-in page (`?note=<code>`), when a post sent it.
    SignInNote {
        SignedOut => "signed_out",
        /// The session ended with the change; the new password signs in.
        PasswordChanged => "password_changed",
    }
}

impl SignInNote {
    /// The sentence in the page's language.
    pub fn text(self, s: &'static Strings) -> &'static str {
        match self {
            SignInNote::SignedOut => s.staff_signed_out,
            SignInNote::PasswordChanged => s.staff_password_changed,
        }
    }
}

impl ErrorCode {
    /// The sentence in the page's language. [`ErrorCode::Encoding`]'s has `{utf8}` and
    /// `{sjis}` places for the offsets the URL carries.
    pub fn text(self, s: &'static Strings) -> Cow<'static, str> {
        let (d, n) = (s.data, s.notice);
        let fixed = match self {
            ErrorCode::SlugInvalid => return Cow::Owned(d.error_slug_invalid()),
            ErrorCode::SlugTaken => d.error_slug_taken,
            ErrorCode::TitleInvalid => return Cow::Owned(d.error_title_invalid()),
            ErrorCode::DateInvalid => d.error_date_invalid,
            ErrorCode::AdviceLong => return Cow::Owned(d.error_advice_long()),
            ErrorCode::DateOrder => d.error_date_order,
            ErrorCode::CategoriesInvalid => return Cow::Owned(d.error_categories_invalid()),
            ErrorCode::CategoryRemoved => d.error_category_removed,
            ErrorCode::IncidentNotFound => d.error_incident_not_found,
            ErrorCode::DatasetNotFound => d.error_dataset_not_found,
            ErrorCode::WrongStatus => d.error_wrong_status,
            ErrorCode::SameAdmin => d.error_same_admin,
            ErrorCode::RejectedNotAcknowledged => d.error_rejected_not_acknowledged,
            ErrorCode::UploadForm => d.error_upload_form,
            ErrorCode::FileMissing => d.error_file_missing,
            ErrorCode::FileTooLarge => d.error_file_too_large,
            ErrorCode::FileEmpty => d.error_file_empty,
            ErrorCode::Encoding => d.error_encoding,
            ErrorCode::Csv => d.error_csv,
            ErrorCode::NoHeader => d.error_no_header,
            ErrorCode::HeaderIsData => d.error_header_is_data,
            ErrorCode::NoIdentifierColumn => d.error_no_identifier_column,
            ErrorCode::DuplicateColumn => d.error_duplicate_column,
            ErrorCode::TitleLong => return Cow::Owned(n.error_title_long()),
            ErrorCode::SummaryLong => return Cow::Owned(n.error_summary_long()),
            ErrorCode::TooLong => return Cow::Owned(n.error_too_long()),
            ErrorCode::TimelineDate => n.error_timeline_date,
            ErrorCode::Incomplete => n.error_incomplete,
            ErrorCode::NotPublished => n.error_not_published,
            ErrorCode::Revision => n.error_revision,
            ErrorCode::NoteMissing => n.error_note_missing,
            ErrorCode::NoteLong => return Cow::Owned(n.error_note_long()),
            ErrorCode::Changed => n.error_changed,
            ErrorCode::EmailInvalid => s.error_email_invalid,
            ErrorCode::EmailTaken => s.error_email_taken,
            ErrorCode::NameInvalid => return Cow::Owned(s.error_name_invalid()),
            ErrorCode::RoleInvalid => s.error_role_invalid,
            ErrorCode::PasswordShort => return Cow::Owned(s.error_password_short()),
            ErrorCode::PasswordLong => return Cow::Owned(s.error_password_long()),
            ErrorCode::PasswordCommon => s.error_password_common,
            ErrorCode::PasswordEmail => s.error_password_email,
            ErrorCode::NotFound => s.error_not_found,
            ErrorCode::LastAdmin => s.error_last_admin,
            ErrorCode::DisableSelf => s.error_disable_self,
            ErrorCode::WrongPassword => s.error_wrong_password,
            ErrorCode::WrongCode => s.error_wrong_code,
            ErrorCode::NothingPending => s.error_nothing_pending,
            ErrorCode::Rejected => s.staff_rejected,
            ErrorCode::Throttled => return Cow::Owned(s.staff_throttled()),
            ErrorCode::Busy => s.staff_busy,
            ErrorCode::Failed => s.error_generic,
        };
        Cow::Borrowed(fixed)
    }

    /// The sentence for whatever a URL carried: a code that is not ours (an old bookmark,
    /// a hand-edited link) reads as the generic failure.
    pub fn text_of(s: &'static Strings, code: &str) -> Cow<'static, str> {
        Self::parse(code).map_or(Cow::Borrowed(s.error_generic), |code| code.text(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Locale, LocaleText};

    #[test]
    fn every_code_reads_back_as_itself_and_codes_are_distinct() {
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        for &done in Done::ALL {
            assert_eq!(Done::parse(done.as_str()), Some(done));
        }
        for &note in SignInNote::ALL {
            assert_eq!(SignInNote::parse(note.as_str()), Some(note));
        }
        let mut spelt: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        spelt.sort_unstable();
        spelt.dedup();
        assert_eq!(spelt.len(), ErrorCode::ALL.len());
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }

    #[test]
    fn every_code_has_a_sentence_of_its_own_in_both_languages() {
        for locale in [Locale::Ja, Locale::En] {
            let s = locale.strings();
            for &code in ErrorCode::ALL {
                let text = code.text(s);
                assert!(!text.is_empty(), "{code:?}");
                if code != ErrorCode::Failed {
                    assert_ne!(text, s.error_generic, "{code:?} says only the generic text");
                }
            }
            assert_eq!(ErrorCode::text_of(s, "no_such_code"), s.error_generic);
        }
    }

    #[test]
    fn codes_travel_as_their_url_spelling() {
        let json = serde_json::to_string(&ErrorCode::SameAdmin).unwrap();
        assert_eq!(json, r#""same_admin""#);
        assert_eq!(
            serde_json::from_str::<ErrorCode>(&json).unwrap(),
            ErrorCode::SameAdmin
        );
        assert!(serde_json::from_str::<ErrorCode>(r#""nope""#).is_err());
    }
}
