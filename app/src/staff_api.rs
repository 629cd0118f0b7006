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

/// One audit entry as an admin reads it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: AuditActor,
    /// `None` for an action this build does not know (written by a newer one).
    pub action: Option<Action>,
    /// The action as stored, shown when it is not one this build knows.
    pub action_code: String,
    pub detail: String,
}

/// Who an audit entry names as its actor, as a reader needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditActor {
    /// A staff member, by name (or by the stored `staff:<id>` if the name is gone).
    Staff(String),
    Public,
    System,
}

#[cfg(feature = "ssr")]
pub(crate) mod access {
    use breachcheck::staff::admin::Admin;
    use breachcheck::staff::sign_in::SignedIn;
    use http::StatusCode;
    use leptos::prelude::*;

    fn refuse(status: StatusCode, message: &str) -> ServerFnError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
        ServerFnError::new(message)
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
) -> Result<Vec<AuditRow>, ServerFnError> {
    use breachcheck::audit::Filter;
    use breachcheck::clock::japan_time_exact;
    let me = access::caller()?;
    let admin = access::admin(&me)?;
    let db = expect_context::<breachcheck::storage::Database>();
    let action = match action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(code) => Some(Action::parse(code).ok_or_else(|| access::invalid("unknown action"))?),
    };
    let filter = Filter {
        action,
        actor_name: actor,
        limit: AUDIT_SHOWN,
    };
    let entries = breachcheck::staff::admin::audit_entries(&admin, &db, &filter)
        .await
        .map_err(access::internal)?;
    Ok(entries
        .into_iter()
        .map(|listed| {
            let entry = listed.entry;
            let actor = match (entry.actor.as_str(), listed.actor_name) {
                ("public", _) => AuditActor::Public,
                ("system", _) => AuditActor::System,
                (_, Some(name)) => AuditActor::Staff(name),
                (stored, None) => AuditActor::Staff(stored.to_owned()),
            };
            AuditRow {
                seq: entry.seq,
                at: japan_time_exact(entry.at),
                actor,
                action: Action::parse(&entry.action),
                action_code: entry.action,
                detail: entry.detail,
            }
        })
        .collect())
}
