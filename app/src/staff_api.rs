//! Server functions of the staff area. Each proves the caller's rights before anything
//! else: no signed-in staff member → 401, the wrong role → 403.

use breachcheck::audit_action::Action;
use breachcheck::staff::StaffSummary;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How many audit entries the page shows at most (the newest).
pub const AUDIT_SHOWN: i64 = 200;

/// What an admin hands a new staff member: the authenticator enrolment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Enrolment {
    pub email: String,
    pub uri: String,
    /// A QR code of `uri`, as SVG drawn by the server (no user input inside).
    pub qr_svg: String,
}

/// What the caller may read of the audit log: an admin every entry, anyone else their own
/// lookups (the page and the CSV export both read through here).
#[cfg(feature = "ssr")]
pub async fn readable_audit(
    me: &breachcheck::staff::sign_in::SignedIn,
    db: &breachcheck::storage::Database,
    filter: &breachcheck::audit::Filter,
) -> Result<Vec<breachcheck::audit::Listed>, breachcheck::storage::StorageError> {
    match me.as_admin() {
        Some(admin) => breachcheck::staff::admin::audit_entries(&admin, db, filter).await,
        None => breachcheck::staff::account::own_lookups(me, db, filter).await,
    }
}

/// One audit entry as a staff member reads it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: AuditActor,
    /// `None` for an action this build does not know (written by a newer one).
    pub action: Option<Action>,
    /// The action as stored, shown when it is not one this build knows.
    pub action_code: String,
    /// The stored details, as JSON (the CSV export gives them so).
    pub detail: String,
    /// The same details as named fields, in the order stored, for the page.
    pub fields: Vec<(String, DetailValue)>,
}

/// One value of an audit entry's details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetailValue {
    Text(String),
    Yes,
    No,
}

impl AuditRow {
    /// An entry as the page and the CSV export show it.
    #[cfg(feature = "ssr")]
    pub fn of(listed: breachcheck::audit::Listed) -> Self {
        let entry = listed.entry;
        let actor = match (entry.actor.as_str(), listed.actor_name) {
            ("public", _) => AuditActor::Public,
            ("system", _) => AuditActor::System,
            (_, Some(name)) => AuditActor::Staff(name),
            (stored, None) => AuditActor::Staff(stored.to_owned()),
        };
        let fields = match serde_json::from_str::<serde_json::Value>(&entry.detail) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        serde_json::Value::Bool(true) => DetailValue::Yes,
                        serde_json::Value::Bool(false) => DetailValue::No,
                        serde_json::Value::String(text) => DetailValue::Text(text),
                        other => DetailValue::Text(other.to_string()),
                    };
                    (key, value)
                })
                .collect(),
            _ => Vec::new(),
        };
        AuditRow {
            seq: entry.seq,
            at: breachcheck::clock::japan_time_exact(entry.at),
            actor,
            action: Action::parse(&entry.action),
            action_code: entry.action,
            detail: entry.detail,
            fields,
        }
    }

    /// The action in words, or as stored when this build does not know it.
    pub fn action_text(&self, s: &'static crate::i18n::Strings) -> String {
        self.action.map_or_else(
            || self.action_code.clone(),
            |a| s.audit.action(a).to_owned(),
        )
    }
}

/// The result of walking the audit chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainCheck {
    Intact {
        entries: u64,
    },
    /// The first entry whose link or contents do not hold.
    Broken {
        seq: i64,
    },
}

#[server(endpoint = "staff/audit_verify", output = crate::codec::TextJson)]
pub async fn verify_audit_chain() -> Result<ChainCheck, ServerFnError> {
    use breachcheck::audit::Verification;
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let verification = breachcheck::staff::admin::verify_audit(&admin, &db)
        .await
        .map_err(access::internal)?;
    Ok(match verification {
        Verification::Intact { entries } => ChainCheck::Intact { entries },
        Verification::Broken { seq, reason } => {
            tracing::error!(seq, %reason, "the audit chain is broken");
            ChainCheck::Broken { seq }
        }
    })
}

/// What the audit page lists: the entries, or why its filters were refused.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum AuditListing {
    Entries(Vec<AuditRow>),
    Refused(AuditQueryError),
}

/// The audit page's filters, as its GET form, its paging link and its CSV link send them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// An action's code, or empty for all.
    pub action: String,
    /// A part of the actor's name.
    pub actor: String,
    /// The first and last day, `YYYY-MM-DD` in Japan, either may be empty.
    pub from: String,
    pub to: String,
    /// Older than this entry: the next page.
    pub before: Option<i64>,
}

/// Why the audit filters cannot be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AuditQueryError {
    #[error("unknown action")]
    Action,
    #[error("a date is written YYYY-MM-DD")]
    Date,
    #[error("the period ends before it begins")]
    Order,
}

impl AuditQuery {
    /// The query string that repeats these filters, for a page `before` an entry (or the
    /// first page).
    pub fn to_query(&self, before: Option<i64>) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(key, value.trim());
            }
        }
        if let Some(before) = before {
            out.append_pair("before", &before.to_string());
        }
        out.finish()
    }

    /// The core's filter, reading at most `limit` entries.
    #[cfg(feature = "ssr")]
    pub fn filter(&self, limit: i64) -> Result<breachcheck::audit::Filter, AuditQueryError> {
        use breachcheck::clock::{japan_day_end, japan_day_start};
        let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let action = match text(&self.action) {
            None => None,
            Some(code) => Some(Action::parse(&code).ok_or(AuditQueryError::Action)?),
        };
        let day = |value: &str, bound: fn(&str) -> Option<i64>| match text(value) {
            None => Ok(None),
            Some(date) => bound(&date).map(Some).ok_or(AuditQueryError::Date),
        };
        let from = day(&self.from, japan_day_start)?;
        let until = day(&self.to, japan_day_end)?;
        if let (Some(from), Some(until)) = (from, until)
            && from >= until
        {
            return Err(AuditQueryError::Order);
        }
        Ok(breachcheck::audit::Filter {
            action,
            actor_name: text(&self.actor),
            actor: None,
            from,
            until,
            before_seq: self.before,
            limit,
        })
    }
}

/// Who an audit entry names as its actor, as a reader needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditActor {
    /// A staff member, by name (or by the stored `staff:<id>` if the name is gone).
    Staff(String),
    Public,
    System,
}

impl AuditActor {
    pub fn text(&self, s: &'static crate::i18n::Strings) -> String {
        match self {
            AuditActor::Staff(name) => name.clone(),
            AuditActor::Public => s.audit.actor_public.to_owned(),
            AuditActor::System => s.audit.actor_system.to_owned(),
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod access {
    use breachcheck::staff::admin::Admin;
    use breachcheck::staff::sign_in::SignedIn;
    use http::StatusCode;
    use leptos::prelude::*;

    fn refuse(status: StatusCode, message: &str) -> ServerFnError {
        refuse_with(status);
        ServerFnError::new(message)
    }

    /// Sets the response's status for an answer that is not an error of the function
    /// itself (a refusal the page explains).
    pub fn refuse_with(status: StatusCode) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }

    /// The signed-in staff member the server's authentication found for this request.
    pub fn caller() -> Result<SignedIn, ServerFnError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
            .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "sign in required"))
    }

    pub fn admin(me: &SignedIn) -> Result<Admin<'_>, ServerFnError> {
        me.as_admin()
            .ok_or_else(|| refuse(StatusCode::FORBIDDEN, "admins only"))
    }

    /// What the caller sent cannot be accepted; `message` says why.
    pub fn invalid(message: impl std::fmt::Display) -> ServerFnError {
        refuse(StatusCode::UNPROCESSABLE_ENTITY, &message.to_string())
    }

    pub fn not_found() -> ServerFnError {
        refuse(StatusCode::NOT_FOUND, "not found")
    }

    /// Logged here with its detail; the caller learns only that it failed.
    pub fn internal(error: impl std::fmt::Display) -> ServerFnError {
        tracing::error!(%error, "staff server function failed");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
}

#[server(endpoint = "staff/list", output = crate::codec::TextJson)]
pub async fn list_staff() -> Result<Vec<StaffSummary>, ServerFnError> {
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    breachcheck::staff::admin::list(&admin, &db)
        .await
        .map_err(access::internal)
}

#[server(endpoint = "staff/enrolment", output = crate::codec::TextJson)]
pub async fn staff_enrolment(id: i64) -> Result<Option<Enrolment>, ServerFnError> {
    use breachcheck::staff::admin::{self, AdminError};
    use breachcheck::staff::store::StaffError;
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let site = expect_context::<crate::site::SiteInfo>();
    let found = match admin::enrolment(&admin, &db, breachcheck::staff::StaffId(id)).await {
        Ok(found) => found,
        Err(AdminError::Staff(StaffError::NotFound)) => return Err(access::not_found()),
        Err(error) => return Err(access::internal(error)),
    };
    found
        .map(|(email, secret)| enrolment_of(&site, email, &secret))
        .transpose()
}

#[cfg(feature = "ssr")]
fn enrolment_of(
    site: &crate::site::SiteInfo,
    email: String,
    secret: &breachcheck::staff::totp::TotpSecret,
) -> Result<Enrolment, ServerFnError> {
    let uri = secret.enrolment_uri(&site.name, &email);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(access::internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .build();
    Ok(Enrolment { email, uri, qr_svg })
}

/// The caller's own new authenticator secret while it waits for confirmation (any role:
/// it is their account).
#[server(endpoint = "staff/pending_totp", output = crate::codec::TextJson)]
pub async fn pending_totp() -> Result<Option<Enrolment>, ServerFnError> {
    let me = access::caller()?;
    let db = expect_context::<breachcheck::storage::Database>();
    let site = expect_context::<crate::site::SiteInfo>();
    let pending = breachcheck::staff::account::pending_totp(&me, &db)
        .await
        .map_err(access::internal)?;
    pending
        .map(|secret| enrolment_of(&site, me.email().to_owned(), &secret))
        .transpose()
}

#[server(endpoint = "staff/audit", output = crate::codec::TextJson)]
pub async fn list_audit(
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
) -> Result<AuditListing, ServerFnError> {
    let me = access::caller()?;
    let db = expect_context::<breachcheck::storage::Database>();
    let query = AuditQuery {
        action: action.unwrap_or_default(),
        actor: actor.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        before,
    };
    let filter = match query.filter(AUDIT_SHOWN) {
        Ok(filter) => filter,
        Err(refused) => {
            access::refuse_with(http::StatusCode::UNPROCESSABLE_ENTITY);
            return Ok(AuditListing::Refused(refused));
        }
    };
    let entries = readable_audit(&me, &db, &filter)
        .await
        .map_err(access::internal)?;
    Ok(AuditListing::Entries(
        entries.into_iter().map(AuditRow::of).collect(),
    ))
}

/// The caller's own lookups since midnight in Japan, newest first (any role: they are
/// their own), for the lookup page.
#[server(endpoint = "staff/own_lookups_today", output = crate::codec::TextJson)]
pub async fn own_lookups_today() -> Result<Vec<AuditRow>, ServerFnError> {
    use breachcheck::clock::{japan_day_number, japan_day_number_start};
    let me = access::caller()?;
    let db = expect_context::<breachcheck::storage::Database>();
    let filter = breachcheck::audit::Filter {
        from: Some(japan_day_number_start(japan_day_number(
            breachcheck::now_millis(),
        ))),
        limit: AUDIT_SHOWN,
        ..Default::default()
    };
    let entries = breachcheck::staff::account::own_lookups(&me, &db, &filter)
        .await
        .map_err(access::internal)?;
    Ok(entries.into_iter().map(AuditRow::of).collect())
}
