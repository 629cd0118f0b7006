//! The domain self-check's steps: start a challenge, verify by DNS, ask for a mail, open
//! the mailed link. A step that succeeds redirects (post/redirect/get); one that does not
//! renders its page with what went wrong, its status and, when limited, `Retry-After`.
//! Proof of control ends in a cookie that lets this browser see the answer for an hour.

use super::AppState;
use super::Back;
use super::check::render_page;
use crate::domain_control::service::{Proven, Refusal, StartFields};
use app::domain_api::{
    DOMAIN_NAME_COOKIE, DomainView, GRANT_COOKIE, STARTER_COOKIE, domain_cookie,
};
use axum::{
    Form,
    extract::{ConnectInfo, FromRequest, Path, Request, State},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use breachcheck::check::domain::Token;
use leptos::prelude::provide_context;
use std::net::SocketAddr;

/// The app's page at the request's own address (the one the browser shows, so that the
/// page hydrates as rendered), showing `refusal`.
async fn refused(state: &AppState, parts: Parts, refusal: Refusal) -> Response {
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
    let max_age = state.domains.settings.grant_ttl.as_secs();
    with_cookies(
        state,
        Back::to("/check/domain/result"),
        &[
            (GRANT_COOKIE, proven.grant.as_str(), max_age),
            (DOMAIN_NAME_COOKIE, proven.domain.as_str(), max_age),
        ],
    )
    .into_response()
}

/// `back` with the domain check's cookies (name, value, lifetime in seconds).
fn with_cookies(state: &AppState, back: Back, cookies: &[(&str, &str, u64)]) -> Back {
    let secure = state.environment.is_production();
    cookies.iter().fold(back, |back, (name, value, max_age)| {
        back.set_cookie(domain_cookie(name, value, *max_age, secure))
    })
}

/// The browser's starter cookie, or a new one: the same browser keeps one value for every
/// check it starts.
fn starter_of(parts: &Parts) -> Token {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == STARTER_COOKIE)
        .and_then(|(_, value)| Token::parse(value))
        .unwrap_or_else(Token::generate)
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
    let starter = starter_of(&parts);
    match state.domains.start(client, &fields, &starter).await {
        Ok(started) => {
            let ttl = state.domains.settings.challenge_ttl.as_secs();
            with_cookies(
                &state,
                Back::to(challenge_path(started.token.as_str())),
                &[
                    (STARTER_COOKIE, starter.as_str(), ttl),
                    (DOMAIN_NAME_COOKIE, started.domain.as_str(), ttl),
                ],
            )
            .into_response()
        }
        Err(refusal) => refused(&state, parts, refusal).await,
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
        Err(refusal) => refused(&state, parts, refusal).await,
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
        Ok(()) => Back::to(challenge_path(&token))
            .with("sent", fields.role.trim())
            .into_response(),
        Err(refusal) => refused(&state, parts, refusal).await,
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
        Err(refusal) => refused(&state, parts, refusal).await,
    }
}
