//! What an audit entry records, as one enum. Outside the `server` feature (unlike the log
//! itself, `crate::audit`): the staff pages name each action in their language.

crate::codes! {
    /// What an entry records, spelt in the log as `area.event`.
    Action {
        StaffSignInFailed => "staff.sign_in_failed",
        StaffSignedIn => "staff.signed_in",
        StaffSignedOut => "staff.signed_out",
        StaffAccountCheckFailed => "staff.account_check_failed",
        StaffPasswordChanged => "staff.password_changed",
        StaffTotpReenrolmentStarted => "staff.totp_reenrolment_started",
        StaffTotpReenrolled => "staff.totp_reenrolled",
        StaffCreated => "staff.created",
        StaffDisabled => "staff.disabled",
        StaffEnabled => "staff.enabled",
        StaffRoleChanged => "staff.role_changed",
        StaffPasswordReset => "staff.password_reset",
        StaffEnrolmentViewed => "staff.enrolment_viewed",
        IncidentCreated => "incident.created",
        IncidentUpdated => "incident.updated",
        DatasetImportStarted => "dataset.import_started",
        DatasetImported => "dataset.imported",
        DatasetImportFailed => "dataset.import_failed",
        DatasetApproved => "dataset.approved",
        DatasetActivated => "dataset.activated",
        DatasetRolledBack => "dataset.rolled_back",
        DatasetRetired => "dataset.retired",
        NoticeRevised => "notice.revised",
        NoticeRestored => "notice.restored",
        NoticePublished => "notice.published",
        NoticeUpdated => "notice.updated",
        NoticeUnpublished => "notice.unpublished",
        LookupHelpdesk => "lookup.helpdesk",
        DomainMailSent => "domain.mail_sent",
        DomainVerified => "domain.verified",
        PepperChanged => "deployment.pepper_changed",
    }
}
