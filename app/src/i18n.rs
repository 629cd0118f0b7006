//! Languages and every string a visitor reads.
//!
//! Each language is one value of [`Strings`]; a string missing in either language is a
//! compile error, not a blank on the page.

pub mod audit;
pub mod check;
pub mod data;
pub mod dates;
pub mod domain;
pub mod notice;
pub mod numbered;
pub mod stats;

pub use numbered::Numbered;

/// The cookie that remembers a visitor's choice of language.
pub const LOCALE_COOKIE: &str = "breachcheck_lang";

pub use breachcheck::locale::{Locale, Localized};

/// The pages' side of a [`Locale`]: its strings, and the language a request asks for.
pub trait LocaleText {
    /// Every sentence of the pages in this language.
    fn strings(self) -> &'static Strings;

    /// The language a request should be answered in: the remembered choice first, then the
    /// most preferred supported language of `Accept-Language`, else Japanese (the
    /// operator's customers are in Japan).
    #[cfg(feature = "ssr")]
    fn negotiate(headers: &http::HeaderMap) -> Self;
}

impl LocaleText for Locale {
    fn strings(self) -> &'static Strings {
        match self {
            Locale::Ja => &JA,
            Locale::En => &EN,
        }
    }

    #[cfg(feature = "ssr")]
    fn negotiate(headers: &http::HeaderMap) -> Self {
        crate::cookies::request_cookie(headers, LOCALE_COOKIE)
            .and_then(Locale::from_code)
            .or_else(|| {
                let accept_language = headers.get(http::header::ACCEPT_LANGUAGE)?;
                from_accept_language(accept_language.to_str().ok()?)
            })
            .unwrap_or_default()
    }
}

/// Picks the supported language with the highest quality value; ties keep header order.
#[cfg(feature = "ssr")]
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

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Every piece of text the public shell shows.
pub struct Strings {
    pub skip_to_content: &'static str,
    pub site_tagline: &'static str,
    pub language_switch_label: &'static str,
    /// Between the items of a list written inline.
    pub list_separator: &'static str,
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
    pub staff_code_intro: Numbered,
    pub staff_code: &'static str,
    pub staff_sign_in: &'static str,
    pub staff_start_again: &'static str,
    pub staff_rejected: &'static str,
    pub staff_throttled: Numbered,
    pub staff_busy: &'static str,
    pub staff_signed_out: &'static str,
    pub staff_home_title: &'static str,
    pub staff_signed_in_as: &'static str,
    pub staff_role_admin: &'static str,
    pub staff_role_helpdesk: &'static str,
    pub staff_home_helpdesk: &'static str,
    pub staff_home_admin: &'static str,
    pub staff_sign_out: &'static str,
    /// The staff navigation: its name for screen readers, and one short name per page.
    pub nav_label: &'static str,
    pub staff_home_nav: &'static str,
    pub nav_home: &'static str,
    pub nav_lookup: &'static str,
    pub nav_incidents: &'static str,
    pub nav_lists: &'static str,
    pub nav_audit: &'static str,
    pub nav_stats: &'static str,
    pub nav_users: &'static str,
    pub nav_account: &'static str,
    pub staff_forbidden_title: &'static str,
    pub staff_forbidden_body: &'static str,
    pub users_title: &'static str,
    pub users_name: &'static str,
    pub users_role: &'static str,
    pub users_status: &'static str,
    pub users_actions: &'static str,
    pub users_active: &'static str,
    pub users_disabled: &'static str,
    pub users_disable: &'static str,
    pub users_enable: &'static str,
    pub users_change_role: &'static str,
    pub users_new_password: &'static str,
    pub users_reset_password: &'static str,
    pub users_add_heading: &'static str,
    pub users_initial_password: Numbered,
    pub users_add_button: &'static str,
    pub users_you: &'static str,
    pub users_done: &'static str,
    pub users_load_failed: &'static str,
    pub error_email_invalid: &'static str,
    pub error_email_taken: &'static str,
    pub error_name_invalid: Numbered,
    pub error_role_invalid: &'static str,
    pub error_password_short: Numbered,
    pub error_password_long: Numbered,
    pub error_password_common: &'static str,
    pub error_password_email: &'static str,
    pub error_not_found: &'static str,
    pub error_last_admin: &'static str,
    pub error_disable_self: &'static str,
    pub error_generic: &'static str,
    pub enrolment_title: &'static str,
    pub enrolment_intro: &'static str,
    pub enrolment_manual: &'static str,
    pub enrolment_gone: &'static str,
    pub enrolment_back: &'static str,
    pub audit_title: &'static str,
    pub audit_action: &'static str,
    pub audit_actor: &'static str,
    pub audit_filter: &'static str,
    pub audit_seq: &'static str,
    pub audit_time: &'static str,
    pub audit_detail: &'static str,
    pub audit_empty: &'static str,
    pub audit_newest: Numbered,
    pub account_title: &'static str,
    pub account_password_heading: &'static str,
    pub account_current_password: &'static str,
    pub account_new_password: Numbered,
    pub account_change_button: &'static str,
    pub account_relogin_note: &'static str,
    pub account_totp_heading: &'static str,
    pub account_totp_intro: &'static str,
    pub account_current_code: Numbered,
    pub account_totp_start_button: &'static str,
    pub account_totp_scan: Numbered,
    pub account_new_code: Numbered,
    pub account_totp_confirm_button: &'static str,
    pub account_totp_done: &'static str,
    pub error_wrong_code: &'static str,
    pub error_nothing_pending: &'static str,
    pub error_wrong_password: &'static str,
    pub staff_password_changed: &'static str,
    /// The incident and affected-list pages.
    pub data: &'static data::DataStrings,
    pub check: &'static check::CheckStrings,
    pub notice: &'static notice::NoticeStrings,
    pub audit: &'static audit::AuditStrings,
    pub stats: &'static stats::StatsStrings,
    pub domain: &'static domain::DomainStrings,
}

pub static JA: Strings = Strings {
    skip_to_content: "本文へ移動",
    site_tagline: "情報流出に関するお知らせと確認窓口",
    language_switch_label: "言語",
    list_separator: "、",
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
    staff_code_intro: Numbered::new(
        "認証アプリに表示されている{digits}桁のコードを入力してください。",
    ),
    staff_code: "確認コード",
    staff_sign_in: "サインイン",
    staff_start_again: "最初からやり直す",
    staff_rejected: "メールアドレス、パスワード、またはコードが正しくありません。",
    staff_throttled: Numbered::new(
        "失敗が続いたため、しばらくサインインできません。{minutes}分ほど待ってからもう一度お試しください。",
    ),
    staff_busy: "混み合っています。少し待ってからもう一度お試しください。",
    staff_signed_out: "サインアウトしました。",
    staff_home_title: "スタッフページ",
    staff_signed_in_as: "サインイン中:",
    staff_role_admin: "管理者",
    staff_role_helpdesk: "ヘルプデスク",
    staff_home_helpdesk: "お客さまからのお問い合わせ対応のためのページです。",
    staff_home_admin: "管理者として、スタッフアカウントの管理と監査ログの確認ができます。",
    staff_sign_out: "サインアウト",
    nav_label: "スタッフメニュー",
    staff_home_nav: "上のメニューから作業を選んでください。",
    nav_home: "スタッフホーム",
    nav_lookup: "照会",
    nav_incidents: "事案とお知らせ",
    nav_lists: "対象者リスト",
    nav_audit: "監査ログ",
    nav_stats: "利用状況",
    nav_users: "スタッフアカウント",
    nav_account: "あなたのアカウント",
    staff_forbidden_title: "権限がありません",
    staff_forbidden_body: "このページを開く権限がありません。",
    users_title: "スタッフアカウント",
    users_name: "名前",
    users_role: "役割",
    users_status: "状態",
    users_actions: "操作",
    users_active: "有効",
    users_disabled: "無効",
    users_disable: "無効にする",
    users_enable: "有効にする",
    users_change_role: "役割を変更",
    users_new_password: "新しいパスワード",
    users_reset_password: "パスワードを再設定",
    users_add_heading: "スタッフを追加",
    users_initial_password: Numbered::new("初期パスワード({min}文字以上)"),
    users_add_button: "追加",
    users_you: "(あなた)",
    users_done: "変更を保存しました。",
    users_load_failed: "一覧を表示できませんでした。",
    error_email_invalid: "メールアドレスの形式が正しくありません。",
    error_email_taken: "このメールアドレスのスタッフは既に登録されています。",
    error_name_invalid: Numbered::new("名前を1〜{max}文字で入力してください。"),
    error_role_invalid: "役割を選んでください。",
    error_password_short: Numbered::new("パスワードは{min}文字以上にしてください。"),
    error_password_long: Numbered::new("パスワードは{max}文字以内にしてください。"),
    error_password_common: "よく使われるパスワードは使えません。",
    error_password_email: "パスワードにメールアドレスの名前部分を含めないでください。",
    error_not_found: "そのスタッフは見つかりません。",
    error_last_admin: "有効な管理者がいなくなるため、この変更はできません。",
    error_disable_self: "自分のアカウントは無効にできません。",
    error_generic: "処理できませんでした。もう一度お試しください。",
    enrolment_title: "認証アプリの登録",
    enrolment_intro: "新しいスタッフの認証アプリでこのQRコードを読み取ってください。最初のサインインが完了すると、このページは表示できなくなります。",
    enrolment_manual: "QRコードを読み取れない場合は、次のURIを入力してください:",
    enrolment_gone: "このアカウントは登録済みのため、表示できません。",
    enrolment_back: "スタッフアカウントの一覧へ",
    audit_title: "監査ログ",
    audit_action: "操作",
    audit_actor: "実行者",
    audit_filter: "絞り込む",
    audit_seq: "番号",
    audit_time: "日時",
    audit_detail: "詳細",
    audit_empty: "該当する記録はありません。",
    audit_newest: Numbered::new("新しい順に{count}件ずつ表示しています。"),
    account_title: "あなたのアカウント",
    account_password_heading: "パスワードの変更",
    account_current_password: "現在のパスワード",
    account_new_password: Numbered::new("新しいパスワード({min}文字以上)"),
    account_change_button: "パスワードを変更",
    account_relogin_note: "変更すると、すべての端末でサインアウトされます。新しいパスワードでサインインし直してください。",
    account_totp_heading: "認証アプリの再登録",
    account_totp_intro: "現在の認証アプリに表示されているコードを入力すると、新しい認証アプリ用のQRコードが表示されます。新しいアプリを確認するまで、現在のアプリのコードが引き続き使えます。",
    account_current_code: Numbered::new("現在の認証アプリのコード({digits}桁)"),
    account_totp_start_button: "新しいQRコードを表示",
    account_totp_scan: Numbered::new(
        "新しい認証アプリでこのQRコードを読み取り、表示されたコードを入力してください。{minutes}分以内に確認しないと無効になります。",
    ),
    account_new_code: Numbered::new("新しい認証アプリのコード({digits}桁)"),
    account_totp_confirm_button: "新しい認証アプリを使う",
    account_totp_done: "新しい認証アプリに切り替えました。以前のアプリのコードは使えません。",
    error_wrong_code: "コードが正しくないか、すでに使われています。",
    error_nothing_pending: "確認待ちの認証アプリがありません(期限切れの可能性があります)。もう一度最初からやり直してください。",
    error_wrong_password: "現在のパスワードが正しくありません。",
    staff_password_changed: "パスワードを変更しました。新しいパスワードでサインインしてください。",
    data: &data::JA,
    check: &check::JA,
    notice: &notice::JA,
    audit: &audit::JA,
    stats: &stats::JA,
    domain: &domain::JA,
};

pub static EN: Strings = Strings {
    skip_to_content: "Skip to main content",
    site_tagline: "Incident notices and self-check",
    language_switch_label: "Language",
    list_separator: ", ",
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
    staff_code_intro: Numbered::new(
        "Enter the {digits}-digit code shown in your authenticator app.",
    ),
    staff_code: "Code",
    staff_sign_in: "Sign in",
    staff_start_again: "Start again",
    staff_rejected: "Email, password or code is wrong.",
    staff_throttled: Numbered::new(
        "Too many failed attempts. Please wait {minutes} minutes before trying again.",
    ),
    staff_busy: "The server is busy. Please try again in a moment.",
    staff_signed_out: "You have signed out.",
    staff_home_title: "Staff area",
    staff_signed_in_as: "Signed in as",
    staff_role_admin: "Admin",
    staff_role_helpdesk: "Helpdesk",
    staff_home_helpdesk: "This is the area for answering customers.",
    staff_home_admin: "As an admin you manage staff accounts and read the audit log here.",
    staff_sign_out: "Sign out",
    nav_label: "Staff menu",
    staff_home_nav: "Choose a task from the menu above.",
    nav_home: "Staff home",
    nav_lookup: "Lookup",
    nav_incidents: "Incidents and notices",
    nav_lists: "Affected lists",
    nav_audit: "Audit log",
    nav_stats: "Statistics",
    nav_users: "Staff accounts",
    nav_account: "Your account",
    staff_forbidden_title: "Not allowed",
    staff_forbidden_body: "Your role does not allow this page.",
    users_title: "Staff accounts",
    users_name: "Name",
    users_role: "Role",
    users_status: "Status",
    users_actions: "Actions",
    users_active: "Active",
    users_disabled: "Disabled",
    users_disable: "Disable",
    users_enable: "Enable",
    users_change_role: "Change role",
    users_new_password: "New password",
    users_reset_password: "Reset password",
    users_add_heading: "Add a staff member",
    users_initial_password: Numbered::new("Initial password ({min} characters or more)"),
    users_add_button: "Add",
    users_you: "(you)",
    users_done: "Your change has been saved.",
    users_load_failed: "The list could not be shown.",
    error_email_invalid: "The email address is not valid.",
    error_email_taken: "A staff member with this email already exists.",
    error_name_invalid: Numbered::new("Enter a name of 1 to {max} characters."),
    error_role_invalid: "Choose a role.",
    error_password_short: Numbered::new("The password must have at least {min} characters."),
    error_password_long: Numbered::new("The password must have at most {max} characters."),
    error_password_common: "That password is too common.",
    error_password_email: "The password must not contain the name part of the email address.",
    error_not_found: "No such staff member.",
    error_last_admin: "This would leave no active admin.",
    error_disable_self: "You cannot disable your own account.",
    error_generic: "That did not work. Please try again.",
    enrolment_title: "Authenticator enrolment",
    enrolment_intro: "Have the new staff member scan this QR code with their authenticator app. Once they have signed in for the first time, this page is no longer available.",
    enrolment_manual: "If the code cannot be scanned, enter this URI by hand:",
    enrolment_gone: "This account has already enrolled, so its code is no longer shown.",
    enrolment_back: "Back to staff accounts",
    audit_title: "Audit log",
    audit_action: "Action",
    audit_actor: "Actor",
    audit_filter: "Filter",
    audit_seq: "No.",
    audit_time: "Time",
    audit_detail: "Detail",
    audit_empty: "No entries match.",
    audit_newest: Numbered::new("Newest first, {count} entries to a page."),
    account_title: "Your account",
    account_password_heading: "Change your password",
    account_current_password: "Current password",
    account_new_password: Numbered::new("New password ({min} characters or more)"),
    account_change_button: "Change password",
    account_relogin_note: "Changing it signs you out everywhere; sign in again with the new password.",
    account_totp_heading: "Move to a new authenticator app",
    account_totp_intro: "Enter the code your current authenticator app shows, and a QR code for the new app appears. Until you confirm the new app, your current one keeps working.",
    account_current_code: Numbered::new("Code from your current app ({digits} digits)"),
    account_totp_start_button: "Show a new QR code",
    account_totp_scan: Numbered::new(
        "Scan this QR code with your new authenticator app and enter the code it shows. It expires unless confirmed within {minutes} minutes.",
    ),
    account_new_code: Numbered::new("Code from the new app ({digits} digits)"),
    account_totp_confirm_button: "Use the new app",
    account_totp_done: "Your new authenticator app is now in use; codes from the old one no longer work.",
    error_wrong_code: "The code is wrong or has already been used.",
    error_nothing_pending: "No new authenticator app is waiting to be confirmed (it may have expired). Please start again.",
    error_wrong_password: "The current password is wrong.",
    staff_password_changed: "Your password has been changed. Please sign in with the new one.",
    data: &data::EN,
    check: &check::EN,
    notice: &notice::EN,
    audit: &audit::EN,
    stats: &stats::EN,
    domain: &domain::EN,
};

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        let mut headers = http::HeaderMap::new();
        if let Some(cookie) = cookie {
            headers.insert(http::header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(accept_language) = accept_language {
            headers.insert(
                http::header::ACCEPT_LANGUAGE,
                accept_language.parse().unwrap(),
            );
        }
        Locale::negotiate(&headers)
    }

    /// Numbers a person reads are the limits the code enforces: each string that states
    /// one says the value of its constant, in both languages.
    #[test]
    fn cookie_wins_over_accept_language() {
        let cookie = format!("other=1; {LOCALE_COOKIE}=en");
        assert_eq!(negotiate(Some(&cookie), Some("ja")), Locale::En);
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(negotiate(None, Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(negotiate(None, Some("ja-JP")), Locale::Ja);
        assert_eq!(negotiate(None, Some("fr, en;q=0.5, ja;q=0.8")), Locale::Ja);
        assert_eq!(negotiate(None, Some("de, en;q=0.1")), Locale::En);
        assert_eq!(negotiate(None, Some("en;q=0, ja;q=0")), Locale::Ja);
    }

    #[test]
    fn unknown_or_missing_preferences_fall_back_to_japanese() {
        assert_eq!(negotiate(None, None), Locale::Ja);
        assert_eq!(negotiate(Some("x=y"), Some("fr")), Locale::Ja);
        let bad_cookie = format!("{LOCALE_COOKIE}=xx");
        assert_eq!(negotiate(Some(&bad_cookie), Some("en")), Locale::En);
    }
}
