//! Strings of the audit log page: each recorded action named in the page's language.

use breachcheck::audit_action::Action;

/// The keys audit entries' details use, as the core writes them (`json!` in `src/`).
pub const DETAIL_KEYS: [&str; 24] = [
    "staff_id",
    "role",
    "incident_id",
    "slug",
    "dataset_id",
    "job_id",
    "profile",
    "rows",
    "rejected_rows",
    "rejected_rows_acknowledged",
    "fingerprint",
    "revision",
    "error",
    "ticket",
    "kind",
    "phone_given",
    "found",
    "proof",
    "stage",
    "account",
    "what",
    "by_reference",
    "reference_found",
    "changed",
];

pub struct AuditStrings {
    /// The helpdesk's view of the log: their own lookups.
    pub own_title: &'static str,
    pub own_intro: &'static str,
    pub all_actions: &'static str,
    /// The actor filter's label: it matches a part of a staff member's name.
    pub actor_name: &'static str,
    pub actor_public: &'static str,
    pub actor_system: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub older: &'static str,
    pub csv: &'static str,
    /// The CSV export's column of stored action codes.
    pub code: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// The names of the details' fields, in the order of [`DETAIL_KEYS`].
    pub fields: [&'static str; DETAIL_KEYS.len()],
    pub verify: &'static str,
    /// `{entries}`: how many entries were checked. The chain cannot show that entries after
    /// the newest one were removed (nothing follows them to break), so it is not said.
    pub chain_intact: &'static str,
    /// `{seq}`: the first entry that does not hold.
    pub chain_broken: &'static str,
    pub refused_action: &'static str,
    pub refused_date: &'static str,
    pub refused_order: &'static str,
    pub staff_sign_in_failed: &'static str,
    pub staff_signed_in: &'static str,
    pub staff_signed_out: &'static str,
    pub staff_account_check_failed: &'static str,
    pub staff_password_changed: &'static str,
    pub staff_totp_reenrolment_started: &'static str,
    pub staff_totp_reenrolled: &'static str,
    pub staff_created: &'static str,
    pub staff_disabled: &'static str,
    pub staff_enabled: &'static str,
    pub staff_role_changed: &'static str,
    pub staff_password_reset: &'static str,
    pub staff_enrolment_viewed: &'static str,
    pub incident_created: &'static str,
    pub incident_updated: &'static str,
    pub dataset_import_started: &'static str,
    pub dataset_imported: &'static str,
    pub dataset_import_failed: &'static str,
    pub dataset_approved: &'static str,
    pub dataset_activated: &'static str,
    pub dataset_rolled_back: &'static str,
    pub dataset_retired: &'static str,
    pub notice_revised: &'static str,
    pub notice_restored: &'static str,
    pub notice_published: &'static str,
    pub notice_updated: &'static str,
    pub notice_unpublished: &'static str,
    pub lookup_helpdesk: &'static str,
    pub domain_mail_sent: &'static str,
    pub domain_verified: &'static str,
    pub pepper_changed: &'static str,
}

impl AuditStrings {
    /// A detail's name in words; a key this build does not know is shown as it is.
    pub fn field(&self, key: &str) -> String {
        DETAIL_KEYS
            .iter()
            .position(|known| *known == key)
            .map_or_else(|| key.to_owned(), |i| self.fields[i].to_owned())
    }

    pub fn refused(&self, refused: crate::staff_api::AuditQueryError) -> &'static str {
        use crate::staff_api::AuditQueryError;
        match refused {
            AuditQueryError::Action => self.refused_action,
            AuditQueryError::Date => self.refused_date,
            AuditQueryError::Order => self.refused_order,
        }
    }

    /// The action in words; every action has its own (an exhaustive match).
    pub fn action(&self, action: Action) -> &'static str {
        match action {
            Action::StaffSignInFailed => self.staff_sign_in_failed,
            Action::StaffSignedIn => self.staff_signed_in,
            Action::StaffSignedOut => self.staff_signed_out,
            Action::StaffAccountCheckFailed => self.staff_account_check_failed,
            Action::StaffPasswordChanged => self.staff_password_changed,
            Action::StaffTotpReenrolmentStarted => self.staff_totp_reenrolment_started,
            Action::StaffTotpReenrolled => self.staff_totp_reenrolled,
            Action::StaffCreated => self.staff_created,
            Action::StaffDisabled => self.staff_disabled,
            Action::StaffEnabled => self.staff_enabled,
            Action::StaffRoleChanged => self.staff_role_changed,
            Action::StaffPasswordReset => self.staff_password_reset,
            Action::StaffEnrolmentViewed => self.staff_enrolment_viewed,
            Action::IncidentCreated => self.incident_created,
            Action::IncidentUpdated => self.incident_updated,
            Action::DatasetImportStarted => self.dataset_import_started,
            Action::DatasetImported => self.dataset_imported,
            Action::DatasetImportFailed => self.dataset_import_failed,
            Action::DatasetApproved => self.dataset_approved,
            Action::DatasetActivated => self.dataset_activated,
            Action::DatasetRolledBack => self.dataset_rolled_back,
            Action::DatasetRetired => self.dataset_retired,
            Action::NoticeRevised => self.notice_revised,
            Action::NoticeRestored => self.notice_restored,
            Action::NoticePublished => self.notice_published,
            Action::NoticeUpdated => self.notice_updated,
            Action::NoticeUnpublished => self.notice_unpublished,
            Action::LookupHelpdesk => self.lookup_helpdesk,
            Action::DomainMailSent => self.domain_mail_sent,
            Action::DomainVerified => self.domain_verified,
            Action::PepperChanged => self.pepper_changed,
        }
    }
}

pub static JA: AuditStrings = AuditStrings {
    own_title: "自分の照会履歴",
    own_intro: "あなたが行ったお客さま照会の記録です(監査ログのうち、あなたの照会だけを表示しています)。",
    all_actions: "すべての操作",
    actor_name: "実行者(名前の一部)",
    actor_public: "一般の利用者",
    actor_system: "システム",
    from: "期間(開始日)",
    to: "期間(終了日)",
    older: "さらに古い記録",
    csv: "この条件の記録をCSVでダウンロード",
    code: "操作コード",
    yes: "はい",
    no: "いいえ",
    fields: [
        "スタッフ番号",
        "役割",
        "事案番号",
        "識別名",
        "リスト番号",
        "取り込み番号",
        "方式",
        "行数",
        "除外した行",
        "除外行の確認",
        "指紋",
        "版",
        "エラー",
        "チケット番号",
        "識別子の種類",
        "電話番号の入力",
        "該当件数",
        "確認の方法",
        "段階",
        "アカウント(鍵付きハッシュ)",
        "確認した項目",
        "照会番号で検索",
        "照会番号の回答あり",
        "変更した項目",
    ],
    verify: "記録の連鎖を検証する",
    chain_intact: "{entries}件の記録を検証しました。連鎖は途切れていません(最新の記録までの間に、変更・欠落・並べ替えはありません)。",
    chain_broken: "記録の連鎖が番号{seq}で切れています。記録が変更・削除・並べ替えされた可能性があります。",
    refused_action: "その操作はありません。一覧から選んでください。",
    refused_date: "日付は YYYY-MM-DD の形で入力してください。",
    refused_order: "終了日が開始日より前になっています。",
    staff_sign_in_failed: "サインイン失敗",
    staff_signed_in: "サインイン",
    staff_signed_out: "サインアウト",
    staff_account_check_failed: "本人確認の失敗(アカウント変更時)",
    staff_password_changed: "パスワード変更",
    staff_totp_reenrolment_started: "認証アプリの再登録開始",
    staff_totp_reenrolled: "認証アプリの再登録完了",
    staff_created: "スタッフ追加",
    staff_disabled: "スタッフ無効化",
    staff_enabled: "スタッフ有効化",
    staff_role_changed: "役割の変更",
    staff_password_reset: "パスワード再設定",
    staff_enrolment_viewed: "認証アプリ登録情報の表示",
    incident_created: "事案の登録",
    incident_updated: "事案の更新",
    dataset_import_started: "リストの取り込み開始",
    dataset_imported: "リストの取り込み完了",
    dataset_import_failed: "リストの取り込み失敗",
    dataset_approved: "リストの承認",
    dataset_activated: "リストの公開",
    dataset_rolled_back: "リストを以前の版に戻す",
    dataset_retired: "リストの取り下げ",
    notice_revised: "お知らせの保存",
    notice_restored: "お知らせの版の復元",
    notice_published: "お知らせの公開",
    notice_updated: "お知らせの更新公開",
    notice_unpublished: "お知らせの非公開化",
    lookup_helpdesk: "ヘルプデスクの照会",
    domain_mail_sent: "ドメイン確認メールの送信",
    domain_verified: "ドメインの確認完了",
    pepper_changed: "ペッパー(ハッシュの秘密鍵)の変更",
};

pub static EN: AuditStrings = AuditStrings {
    own_title: "My lookups",
    own_intro: "The customer lookups you made, as the audit log records them (only your own lookups are shown).",
    all_actions: "All actions",
    actor_name: "Actor (part of the name)",
    actor_public: "The public",
    actor_system: "System",
    from: "From (date)",
    to: "To (date)",
    older: "Older entries",
    csv: "Download these entries as CSV",
    code: "Action code",
    yes: "Yes",
    no: "No",
    fields: [
        "Staff no.",
        "Role",
        "Incident no.",
        "Short name",
        "List no.",
        "Import no.",
        "Hashing",
        "Rows",
        "Rejected rows",
        "Rejected rows acknowledged",
        "Fingerprint",
        "Revision",
        "Error",
        "Ticket",
        "Kind of identifier",
        "Phone number given",
        "Found",
        "Proved by",
        "Stage",
        "Account (keyed hash)",
        "What was checked",
        "Searched by reference code",
        "Reference code matched an answer",
        "Fields changed",
    ],
    verify: "Verify the chain of entries",
    chain_intact: "Entries checked: {entries}. The chain is unbroken: up to the newest entry, none was changed, is missing or is out of order.",
    chain_broken: "The chain breaks at entry {seq}: an entry may have been changed, removed or reordered.",
    refused_action: "There is no such action. Choose one from the list.",
    refused_date: "Write dates as YYYY-MM-DD.",
    refused_order: "The period ends before it begins.",
    staff_sign_in_failed: "Sign-in failed",
    staff_signed_in: "Signed in",
    staff_signed_out: "Signed out",
    staff_account_check_failed: "Account check failed",
    staff_password_changed: "Password changed",
    staff_totp_reenrolment_started: "Authenticator re-enrolment started",
    staff_totp_reenrolled: "Authenticator re-enrolled",
    staff_created: "Staff member added",
    staff_disabled: "Staff member disabled",
    staff_enabled: "Staff member enabled",
    staff_role_changed: "Role changed",
    staff_password_reset: "Password reset",
    staff_enrolment_viewed: "Enrolment details viewed",
    incident_created: "Incident registered",
    incident_updated: "Incident updated",
    dataset_import_started: "List import started",
    dataset_imported: "List imported",
    dataset_import_failed: "List import failed",
    dataset_approved: "List approved",
    dataset_activated: "List published",
    dataset_rolled_back: "List rolled back",
    dataset_retired: "List retired",
    notice_revised: "Notice saved",
    notice_restored: "Notice revision restored",
    notice_published: "Notice published",
    notice_updated: "Notice update published",
    notice_unpublished: "Notice unpublished",
    lookup_helpdesk: "Helpdesk lookup",
    domain_mail_sent: "Domain check mail sent",
    domain_verified: "Domain verified",
    pepper_changed: "Pepper (the hashing key) changed",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_words_in_both_languages() {
        for strings in [&JA, &EN] {
            let mut words: Vec<&str> = Action::ALL.iter().map(|&a| strings.action(a)).collect();
            assert!(words.iter().all(|w| !w.is_empty()));
            words.sort_unstable();
            words.dedup();
            assert_eq!(words.len(), Action::ALL.len(), "two actions read the same");
        }
    }

    #[test]
    fn every_detail_has_its_own_name_in_both_languages() {
        let mut keys = DETAIL_KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), DETAIL_KEYS.len());
        for strings in [&JA, &EN] {
            let mut names = strings.fields.to_vec();
            assert!(names.iter().all(|n| !n.is_empty()));
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), DETAIL_KEYS.len(), "two details read the same");
        }
        assert_eq!(EN.field("ticket"), "Ticket");
        assert_eq!(EN.field("unknown_key"), "unknown_key");
    }
}
