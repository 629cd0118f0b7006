//! The domain self-check's steps: start a challenge, verify by DNS, ask for a mail, open
//! the mailed link. A step that succeeds redirects (post/redirect/get); one that does not
//! renders its page with what went wrong, its status and, when limited, `Retry-After`.
//! Proof of control ends in a cookie that lets this browser see the answer for an hour.

use super::AppState;
use super::check::render_page;
use crate::domain::service::{Proven, Refusal, StartFields};
use app::domain_api::{DOMAIN_NAME_COOKIE, DomainView, GRANT_COOKIE};
use axum::{
    Form,
    extract::{ConnectInfo, FromRequest, Path, Request, State},
    http::{HeaderValue, StatusCode, Uri, header, request::Parts},
    response::{IntoResponse, Response},
};
use breachcheck::check::domain::Token;
use leptos::prelude::provide_context;
use std::net::SocketAddr;

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

/// The app's page at `path`, showing `refusal`.
async fn refused(state: &AppState, mut parts: Parts, path: &str, refusal: Refusal) -> Response {
    parts.uri = path
        .parse::<Uri>()
        .unwrap_or_else(|_| Uri::from_static("/check/domain"));
    let view: DomainView = refusal.view;
    let extra = move || provide_context(view.clone());
    render_page(
        state,
        parts,
        extra,
        refusal.status,
        refusal.retry_after,
        None,
    )
    .await
}

/// The redirect to the answer, with the cookies that let this browser see it: the grant,
/// and the domain's name for the answer to show (checked against the grant when read).
fn granted(state: &AppState, proven: &Proven) -> Response {
    let secure = if state.environment.is_production() {
        "; Secure"
    } else {
        ""
    };
    let max_age = state.domains.settings.grant_ttl.as_secs();
    let mut response = see_other("/check/domain/result");
    for (name, value) in [
        (GRANT_COOKIE, proven.grant.as_str()),
        (DOMAIN_NAME_COOKIE, proven.domain.as_str()),
    ] {
        let cookie =
            format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn challenge_path(token: &str) -> String {
    format!("/check/domain/c/{token}")
}

pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let fields =
        Form::<StartFields>::from_request(Request::from_parts(parts.clone(), body), &state)
            .await
            .map(|Form(fields)| fields)
            .unwrap_or_default();
    let client = state
        .check
        .settings
        .trusted_proxies
        .client(peer.ip(), &parts.headers);
    match state.domains.start(client, &fields).await {
        Ok(token) => see_other(&challenge_path(token.as_str())),
        Err(refusal) => refused(&state, parts, "/check/domain", refusal).await,
    }
}

/// A token from the path; anything else is a challenge that does not exist.
fn token_or_not_found(text: &str) -> Result<Token, Refusal> {
    Token::parse(text).ok_or(Refusal {
        view: DomainView::LinkInvalid,
        status: StatusCode::NOT_FOUND,
        retry_after: None,
    })
}

pub async fn verify_dns(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let outcome = match token_or_not_found(&token) {
        Ok(parsed) => state.domains.verify_dns(&parsed).await,
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok(proven) => granted(&state, &proven),
        Err(refusal) => refused(&state, parts, &challenge_path(&token), refusal).await,
    }
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub struct MailFields {
    role: String,
}

pub async fn send_mail(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let fields = Form::<MailFields>::from_request(Request::from_parts(parts.clone(), body), &state)
        .await
        .map(|Form(fields)| fields)
        .unwrap_or_default();
    let outcome = match token_or_not_found(&token) {
        Ok(parsed) => state.domains.send_mail(&parsed, &fields.role).await,
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok(()) => see_other(&format!(
            "{}?sent={}",
            challenge_path(&token),
            fields.role.trim()
        )),
        Err(refusal) => refused(&state, parts, &challenge_path(&token), refusal).await,
    }
}

/// The mailed link, opened: a page with the button that uses it. Nothing is read or
/// written here, so a mail scanner's visit changes nothing.
pub async fn confirm_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    render_page(&state, parts, || {}, StatusCode::OK, None, None).await
}

/// The button on the mailed link's page: uses the link, and with it grants this browser
/// the answer.
pub async fn confirm(
    State(state): State<AppState>,
    Path(link): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let outcome = match Token::parse(&link) {
        Some(parsed) => state.domains.confirm(&parsed).await,
        None => Err(Refusal {
            view: DomainView::LinkInvalid,
            status: StatusCode::GONE,
            retry_after: None,
        }),
    };
    match outcome {
        Ok(proven) => granted(&state, &proven),
        Err(refusal) => {
            let path = parts.uri.path().to_owned();
            refused(&state, parts, &path, refusal).await
        }
    }
}
