//! Languages and every string a visitor reads.
//!
//! Each language is one value of [`Strings`]; a string missing in either language is a
//! compile error, not a blank on the page.

use serde::{Deserialize, Serialize};

/// The cookie that remembers a visitor's choice of language.
pub const LOCALE_COOKIE: &str = "breachcheck_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Ja,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ja, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
        }
    }

    /// Accepts a bare language code; a regional tag (`en-GB`, `ja-JP`) counts as its language.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Locale::Ja),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The name of the language in that language, as a switch must show it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Ja => "日本語",
            Locale::En => "English",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Locale::Ja => Locale::En,
            Locale::En => Locale::Ja,
        }
    }

    /// The language a request should be answered in: the remembered choice first, then the
    /// most preferred supported language of `Accept-Language`, else Japanese (the operator's
    /// customers are in Japan).
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Self {
        cookie_header
            .and_then(cookie_locale)
            .or_else(|| accept_language.and_then(from_accept_language))
            .unwrap_or_default()
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::Ja => &JA,
            Locale::En => &EN,
        }
    }
}

fn cookie_locale(header: &str) -> Option<Locale> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LOCALE_COOKIE)
        .and_then(|(_, value)| Locale::from_code(value))
}

/// Picks the supported language with the highest quality value; ties keep header order.
fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(Locale, f32)> = None;
    for entry in header.split(',') {
        let mut parts = entry.split(';');
        let Some(locale) = parts.next().and_then(Locale::from_code) else {
            continue;
        };
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((locale, quality));
        }
    }
    best.map(|(locale, _)| locale)
}

/// Every piece of text the public shell shows.
pub struct Strings {
    pub skip_to_content: &'static str,
    pub site_tagline: &'static str,
    pub language_switch_label: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub notices_heading: &'static str,
    pub notices_empty: &'static str,
    pub helpdesk_heading: &'static str,
    pub helpdesk_phone: &'static str,
    pub helpdesk_email: &'static str,
    pub helpdesk_hours: &'static str,
    pub footer_privacy: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub loading: &'static str,
    pub staff_sign_in_title: &'static str,
    pub staff_email: &'static str,
    pub staff_password: &'static str,
    pub staff_continue: &'static str,
    pub staff_code_title: &'static str,
    pub staff_code_intro: &'static str,
    pub staff_code: &'static str,
    pub staff_sign_in: &'static str,
    pub staff_start_again: &'static str,
    pub staff_rejected: &'static str,
    pub staff_throttled: &'static str,
    pub staff_busy: &'static str,
    pub staff_signed_out: &'static str,
    pub staff_home_title: &'static str,
    pub staff_signed_in_as: &'static str,
    pub staff_role_admin: &'static str,
    pub staff_role_helpdesk: &'static str,
    pub staff_home_helpdesk: &'static str,
    pub staff_home_admin: &'static str,
    pub staff_sign_out: &'static str,
    pub staff_forbidden_title: &'static str,
    pub staff_forbidden_body: &'static str,
}

pub static JA: Strings = Strings {
    skip_to_content: "本文へ移動",
    site_tagline: "情報流出に関するお知らせと確認窓口",
    language_switch_label: "言語",
    home_title: "情報流出に関するお知らせ",
    home_intro: "当社で発生した情報セキュリティ事案について、経緯と対象となる情報、お客さまにお願いしたいことをこのページでお知らせします。",
    notices_heading: "事案のお知らせ",
    notices_empty: "現在、公開中のお知らせはありません。",
    helpdesk_heading: "専用お問い合わせ窓口",
    helpdesk_phone: "電話",
    helpdesk_email: "メール",
    helpdesk_hours: "受付時間",
    footer_privacy: "このサイトは外部のスクリプトやフォントを読み込みません。",
    not_found_title: "ページが見つかりません",
    not_found_body: "お探しのページは存在しないか、移動した可能性があります。",
    back_home: "トップページへ戻る",
    loading: "読み込み中…",
    staff_sign_in_title: "スタッフ サインイン",
    staff_email: "メールアドレス",
    staff_password: "パスワード",
    staff_continue: "次へ",
    staff_code_title: "確認コードの入力",
    staff_code_intro: "認証アプリに表示されている6桁のコードを入力してください。",
    staff_code: "確認コード",
    staff_sign_in: "サインイン",
    staff_start_again: "最初からやり直す",
    staff_rejected: "メールアドレス、パスワード、またはコードが正しくありません。",
    staff_throttled: "失敗が続いたため、しばらくサインインできません。15分ほど待ってからもう一度お試しください。",
    staff_busy: "混み合っています。少し待ってからもう一度お試しください。",
    staff_signed_out: "サインアウトしました。",
    staff_home_title: "スタッフページ",
    staff_signed_in_as: "サインイン中:",
    staff_role_admin: "管理者",
    staff_role_helpdesk: "ヘルプデスク",
    staff_home_helpdesk: "お客さまからのお問い合わせ対応のためのページです。照会機能は今後のリリースで追加されます。",
    staff_home_admin: "管理者として、スタッフアカウントの管理や監査ログの確認ができます(今後のリリースで追加されます)。",
    staff_sign_out: "サインアウト",
    staff_forbidden_title: "権限がありません",
    staff_forbidden_body: "このページを開く権限がありません。",
};

pub static EN: Strings = Strings {
    skip_to_content: "Skip to main content",
    site_tagline: "Incident notices and self-check",
    language_switch_label: "Language",
    home_title: "Information about the security incident",
    home_intro: "This site explains the information security incident at our company: what happened, which information is involved, and what we ask our customers to do.",
    notices_heading: "Incident notices",
    notices_empty: "No notices have been published.",
    helpdesk_heading: "Dedicated helpdesk",
    helpdesk_phone: "Phone",
    helpdesk_email: "Email",
    helpdesk_hours: "Hours",
    footer_privacy: "This site loads no third-party scripts or fonts.",
    not_found_title: "Page not found",
    not_found_body: "The page you are looking for does not exist or has moved.",
    back_home: "Back to the home page",
    loading: "Loading…",
    staff_sign_in_title: "Staff sign-in",
    staff_email: "Email",
    staff_password: "Password",
    staff_continue: "Continue",
    staff_code_title: "Enter your code",
    staff_code_intro: "Enter the six-digit code shown in your authenticator app.",
    staff_code: "Code",
    staff_sign_in: "Sign in",
    staff_start_again: "Start again",
    staff_rejected: "Email, password or code is wrong.",
    staff_throttled: "Too many failed attempts. Please wait 15 minutes before trying again.",
    staff_busy: "The server is busy. Please try again in a moment.",
    staff_signed_out: "You have signed out.",
    staff_home_title: "Staff area",
    staff_signed_in_as: "Signed in as",
    staff_role_admin: "Admin",
    staff_role_helpdesk: "Helpdesk",
    staff_home_helpdesk: "This is the area for answering customers. Lookups arrive in a coming release.",
    staff_home_admin: "As an admin you will manage staff accounts and read the audit log here (arriving in a coming release).",
    staff_sign_out: "Sign out",
    staff_forbidden_title: "Not allowed",
    staff_forbidden_body: "Your role does not allow this page.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_accept_language() {
        let cookie = format!("other=1; {LOCALE_COOKIE}=en");
        assert_eq!(Locale::negotiate(Some(&cookie), Some("ja")), Locale::En);
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Locale::negotiate(None, Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("ja-JP")), Locale::Ja);
        assert_eq!(
            Locale::negotiate(None, Some("fr, en;q=0.5, ja;q=0.8")),
            Locale::Ja
        );
        assert_eq!(Locale::negotiate(None, Some("de, en;q=0.1")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("en;q=0, ja;q=0")), Locale::Ja);
    }

    #[test]
    fn unknown_or_missing_preferences_fall_back_to_japanese() {
        assert_eq!(Locale::negotiate(None, None), Locale::Ja);
        assert_eq!(Locale::negotiate(Some("x=y"), Some("fr")), Locale::Ja);
        let bad_cookie = format!("{LOCALE_COOKIE}=xx");
        assert_eq!(Locale::negotiate(Some(&bad_cookie), Some("en")), Locale::En);
    }
}
