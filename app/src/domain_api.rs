//! The domain self-check: what its pages show and the server functions they read. Every
//! step that changes something (start, verify, mail, confirm) is a form post or a link
//! handled by the server (`server::routes::domain`), which renders these pages with a
//! [`DomainView`] in context when it has something to say.

use crate::check_api::CheckResult;
use breachcheck::identifier::DomainRejection;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie that carries a browser's right to see a verified domain's answer.
pub const GRANT_COOKIE: &str = "breachcheck_domain";

/// The cookie in which the browser keeps the name of the domain it proved, beside the
/// grant: the answer names the domain, and the database need not keep it.
pub const DOMAIN_NAME_COOKIE: &str = "breachcheck_domain_name";

/// The cookie of the browser that started a domain check: once control is proven (from
/// another device, say), the challenge's page in this browser shows the answer.
pub const STARTER_COOKIE: &str = "breachcheck_domain_starter";

/// A `Set-Cookie` value for the domain check's cookies: the whole site, script cannot read
/// it, sent on top-level navigation from elsewhere (the mailed link) but not on
/// cross-site subrequests.
#[cfg(feature = "ssr")]
pub fn domain_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    use crate::cookies::{Cookie, SameSite, max_age};
    Cookie::build((name, value))
        .path("/")
        .max_age(max_age(max_age_secs))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .to_string()
}

/// Where a challenge stands, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChallengeStatus {
    Open(ChallengeView),
    /// Control was proven and this browser started the check: it now holds a grant.
    Proven,
    /// No such challenge, it expired, or it was proven and this browser did not start it.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainProblem {
    Domain(DomainRejection),
    /// The proof of work was forged, replayed or expired.
    Proof,
    /// Not one of the role addresses offered.
    Role,
}

/// What the DNS check found instead of the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DnsFinding {
    NoRecord,
    WrongToken { found: Vec<String> },
    Failed,
}

/// What the server decided for a post, for the page it renders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainView {
    Refused(DomainProblem),
    Limited {
        retry_after_secs: u64,
    },
    Busy {
        retry_after_secs: u64,
    },
    Dns(DnsFinding),
    /// A mailed link that was used already, expired, or never existed.
    LinkInvalid,
}

/// An open challenge, as its page shows it. The token is public (it goes into DNS); it
/// proves nothing by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeView {
    pub token: String,
    pub domain: String,
    pub record_name: String,
    pub record_value: String,
    /// Japan time, `YYYY-MM-DD HH:MM`.
    pub expires_at: String,
    pub roles: Vec<String>,
}

/// Sets the status of the page being rendered on the server (a page's own verdict, such
/// as "no such challenge").
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// The server's decision for this request.
pub fn use_domain_view() -> Option<DomainView> {
    use_context::<DomainView>()
}

#[cfg(feature = "ssr")]
pub mod source {
    use super::*;
    use crate::check_api::Asked;
    use breachcheck::check::domain::{self, Token};
    use breachcheck::check::lookup::{Lookup, LookupError};
    use breachcheck::identifier::{Domain, Kind};
    use breachcheck::storage::Database;

    /// What the domain pages need on the server, provided as context.
    #[derive(Clone, Debug)]
    pub struct DomainSource {
        pub db: Database,
        pub lookup: Lookup,
        pub subjects: breachcheck::check::limit::SubjectKeys,
        /// How long a grant lets its browser see the answer.
        pub grant_ttl: std::time::Duration,
        /// Cookies only over HTTPS (production).
        pub secure_cookies: bool,
    }

    use crate::check_api::japan_time;

    impl DomainSource {
        /// The challenge `token` names. Once proven, the browser that started it (its
        /// starter cookie) is granted the answer here: the `Set-Cookie` goes with this
        /// response, whether it is the page or the page's own polling.
        pub async fn challenge(&self, token: &str) -> Result<ChallengeStatus, ServerFnError> {
            let Some(token) = Token::parse(token) else {
                return Ok(ChallengeStatus::Unknown);
            };
            let found = domain::find(&self.db, &token).await.map_err(internal)?;
            let open = found.and_then(|challenge| Some((challenge.domain?, challenge.expires_at)));
            let Some((domain, expires_at)) = open else {
                return self.claim(&token).await;
            };
            Ok(ChallengeStatus::Open(ChallengeView {
                record_name: domain::record_name(&domain),
                record_value: domain::record_value(&token),
                token: token.as_str().to_owned(),
                domain: domain.as_str().to_owned(),
                expires_at: japan_time(expires_at),
                roles: breachcheck::identifier::ROLE_LOCAL_PARTS
                    .iter()
                    .map(|role| format!("{role}@{}", domain.as_str()))
                    .collect(),
            }))
        }

        /// A grant for the starting browser of a proven challenge, if this is it.
        async fn claim(&self, token: &Token) -> Result<ChallengeStatus, ServerFnError> {
            let Some(starter) = cookie_of_request(STARTER_COOKIE).and_then(|c| Token::parse(&c))
            else {
                return Ok(ChallengeStatus::Unknown);
            };
            let granted = domain::grant_starter(&self.db, token, &starter, self.grant_ttl)
                .await
                .map_err(internal)?;
            let Some(grant) = granted else {
                return Ok(ChallengeStatus::Unknown);
            };
            let cookie = domain_cookie(
                GRANT_COOKIE,
                grant.as_str(),
                self.grant_ttl.as_secs(),
                self.secure_cookies,
            );
            if let (Some(response), Ok(value)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::HeaderValue::from_str(&cookie),
            ) {
                response.append_header(http::header::SET_COOKIE, value);
                response.insert_header(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("no-store"),
                );
            }
            Ok(ChallengeStatus::Proven)
        }

        /// The answer a grant cookie entitles its browser to, if any. `named` is the
        /// domain as the browser's own cookie remembers it: the answer names it only if
        /// its keyed hash is the proven domain's (the database keeps no plaintext).
        pub async fn result(
            &self,
            grant: &str,
            named: Option<&str>,
        ) -> Result<Option<CheckResult>, ServerFnError> {
            let Some(grant) = Token::parse(grant) else {
                return Ok(None);
            };
            let Some(granted) = domain::granted(&self.db, &grant).await.map_err(internal)? else {
                return Ok(None);
            };
            let answer = match self.lookup.answer_domain(&granted.digests).await {
                Ok(answer) => answer,
                Err(LookupError::Busy(_)) => return Err(ServerFnError::new("busy")),
                Err(LookupError::Storage(error)) => return Err(internal(error)),
            };
            let named = named
                .and_then(|text| Domain::parse(text).ok())
                .filter(|domain| self.subjects.of(Kind::Domain, domain.as_str()) == granted.subject)
                .map(|domain| domain.as_str().to_owned());
            crate::check_api::result(&self.db, &answer, false, Asked::Domain(named))
                .await
                .map(Some)
                .map_err(internal)
        }
    }

    fn internal(error: impl std::fmt::Display) -> ServerFnError {
        tracing::error!(%error, "domain check failed");
        ServerFnError::new("internal error")
    }

    /// A cookie of the request being handled.
    pub fn cookie_of_request(name: &str) -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        crate::cookies::request_cookie(&parts.headers, name).map(str::to_owned)
    }
}

/// Where the challenge `token` names stands (for its starting browser, a proven one
/// comes with the grant).
#[server(endpoint = "domain/challenge", output = crate::codec::TextJson)]
pub async fn load_challenge(token: String) -> Result<ChallengeStatus, ServerFnError> {
    expect_context::<source::DomainSource>()
        .challenge(&token)
        .await
}

/// The answer for the domain this browser proved control of, if it did within the hour.
#[server(endpoint = "domain/result", output = crate::codec::TextJson)]
pub async fn load_domain_result() -> Result<Option<CheckResult>, ServerFnError> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    let Some(grant) = source::cookie_of_request(GRANT_COOKIE) else {
        return Ok(None);
    };
    let named = source::cookie_of_request(DOMAIN_NAME_COOKIE);
    expect_context::<source::DomainSource>()
        .result(&grant, named.as_deref())
        .await
}
