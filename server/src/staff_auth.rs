//! Who is calling: the session cookie, turned into a [`SignedIn`] proof or refused.
//!
//! One lookup per request, in [`authenticate`], which leaves the proof in the request's
//! extensions; handlers take [`CurrentStaff`] (anonymous → 401), pages and server functions
//! read it from the request, and every page under `/staff` except sign-in is gated
//! (anonymous → redirect to sign-in).

use crate::config::Environment;
use crate::plain::Plain;
use crate::routes::AppState;
use app::cookies::{Cookie, SameSite, max_age, request_cookie};
use axum::{
    body::Body,
    extract::{FromRequestParts, State},
    http::{HeaderMap, HeaderValue, Method, Request, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use breachcheck::staff::admin::Admin;
use breachcheck::staff::session::SessionToken;
use breachcheck::staff::sign_in::SignedIn;

/// A cookie of the staff area: `__Host-` in production (Secure, no Domain, Path=/: the
/// browser then refuses it from any other host or over http); a plain name over http in
/// development, where the prefix would make the browser drop it. HttpOnly and
/// SameSite=Strict always.
#[derive(Clone, Copy, Debug)]
struct StaffCookie {
    name: &'static str,
    secure: bool,
}

impl StaffCookie {
    fn for_environment(
        environment: Environment,
        production: &'static str,
        development: &'static str,
    ) -> Self {
        if environment.is_production() {
            Self {
                name: production,
                secure: true,
            }
        } else {
            Self {
                name: development,
                secure: false,
            }
        }
    }

    fn set(&self, value: &str, max_age_secs: Option<u64>) -> String {
        let mut cookie = Cookie::build((self.name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(self.secure);
        if let Some(secs) = max_age_secs {
            cookie = cookie.max_age(max_age(secs));
        }
        cookie.to_string()
    }

    fn read<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        request_cookie(headers, self.name).filter(|value| !value.is_empty())
    }
}

/// The session cookie: lives as long as the browser session (the server ends it sooner).
#[derive(Clone, Copy, Debug)]
pub struct SessionCookie(StaffCookie);

impl SessionCookie {
    pub fn for_environment(environment: Environment) -> Self {
        Self(StaffCookie::for_environment(
            environment,
            "__Host-breachcheck",
            "breachcheck_session",
        ))
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    pub fn set(&self, token: &SessionToken) -> String {
        self.0.set(token.expose(), None)
    }

    pub fn clear(&self) -> String {
        self.0.set("", Some(0))
    }

    pub fn read(&self, headers: &HeaderMap) -> Option<SessionToken> {
        self.0.read(headers).map(SessionToken::from_cookie)
    }
}

/// The mark of a browser that signed in to an account before
/// ([`breachcheck::staff::sign_in::Authenticator::browser_mark`]): kept for 400 days (the most a
/// browser keeps a cookie), kept after sign-out, so that its owner is not slowed down by
/// someone else failing on their account.
#[derive(Clone, Copy, Debug)]
pub struct BrowserMarkCookie(StaffCookie);

impl BrowserMarkCookie {
    const MAX_AGE_SECS: u64 = 400 * 24 * 3600;

    pub fn for_environment(environment: Environment) -> Self {
        Self(StaffCookie::for_environment(
            environment,
            "__Host-breachcheck_browser",
            "breachcheck_browser",
        ))
    }

    pub fn set(&self, mark: &str) -> String {
        self.0.set(mark, Some(Self::MAX_AGE_SECS))
    }

    pub fn read<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        self.0.read(headers)
    }
}

/// Turns the session cookie, if any, into a [`SignedIn`] left in the request's extensions,
/// then applies the page gate: every path under `/staff` but the sign-in steps needs it.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    if let Some(token) = state.session_cookie.read(request.headers()) {
        match state.sign_in.current(&token).await {
            Ok(Some(staff)) => {
                request.extensions_mut().insert(staff);
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                return Plain::ServerError.into_response();
            }
        }
    }
    let path = request.uri().path();
    let in_staff_area = path == "/staff" || path.starts_with("/staff/");
    if !in_staff_area || is_public(path) {
        return next.run(request).await;
    }
    if request.extensions().get::<SignedIn>().is_none() {
        // A page load goes to sign-in; a call (a form post, a script) is told plainly.
        return if matches!(*request.method(), Method::GET | Method::HEAD) {
            Redirect::to("/staff/login").into_response()
        } else {
            unauthorized()
        };
    }
    let mut response = next.run(request).await;
    // Staff pages are personal: never kept by a shared cache or the back button.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A signed-in staff member; the proof every staff handler takes.
pub struct CurrentStaff(pub SignedIn);

impl<S: Send + Sync> FromRequestParts<S> for CurrentStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<SignedIn>()
            .cloned()
            .map(CurrentStaff)
            .ok_or_else(unauthorized)
    }
}

/// A signed-in admin. Anyone else is refused here (401 signed out, 403 helpdesk), before
/// the handler runs or its form is read: a handler that takes this cannot be reached
/// without the role, and a helpdesk account learns nothing about the form it sent.
pub struct CurrentAdmin(SignedIn);

impl CurrentAdmin {
    /// The proof the core's admin functions ask for.
    pub fn admin(&self) -> Admin<'_> {
        self.0
            .as_admin()
            .expect("only an admin's sign-in becomes a CurrentAdmin")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let CurrentStaff(staff) = CurrentStaff::from_request_parts(parts, state).await?;
        if staff.as_admin().is_none() {
            return Err(Plain::AdminsOnly.into_response());
        }
        Ok(CurrentAdmin(staff))
    }
}

fn unauthorized() -> Response {
    Plain::SignInRequired.into_response()
}

/// Paths under `/staff` that anyone may open: the sign-in steps.
fn is_public(path: &str) -> bool {
    path == "/staff/login" || path == "/staff/login/code"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_carry_strict_attributes() {
        let token = SessionToken::from_cookie("abc");
        let production = SessionCookie::for_environment(Environment::Production).set(&token);
        let production = Cookie::parse(production).unwrap();
        assert_eq!(production.name_value(), ("__Host-breachcheck", "abc"));
        assert_eq!(production.path(), Some("/"));
        assert_eq!(production.http_only(), Some(true));
        assert_eq!(production.same_site(), Some(SameSite::Strict));
        assert_eq!(production.secure(), Some(true));
        assert_eq!(production.max_age(), None, "a browser-session cookie");
        let development = SessionCookie::for_environment(Environment::Development).set(&token);
        let development = Cookie::parse(development).unwrap();
        assert_eq!(development.name_value(), ("breachcheck_session", "abc"));
        assert_eq!(development.http_only(), Some(true));
        assert_eq!(development.same_site(), Some(SameSite::Strict));
        assert_eq!(development.secure(), None);
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let cookie = SessionCookie::for_environment(Environment::Development);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "breachcheck_lang=en; breachcheck_session=tok; x=y"
                .parse()
                .unwrap(),
        );
        assert_eq!(cookie.read(&headers).unwrap().expose(), "tok");
        headers.insert(header::COOKIE, "breachcheck_session=".parse().unwrap());
        assert!(cookie.read(&headers).is_none());
    }

    #[test]
    fn only_the_sign_in_steps_are_public() {
        assert!(is_public("/staff/login"));
        assert!(is_public("/staff/login/code"));
        assert!(!is_public("/staff"));
        assert!(!is_public("/staff/login/../users"));
        assert!(!is_public("/staff/users"));
    }
}
