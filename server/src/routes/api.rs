//! The public JSON API: the published notices, read-only and without authentication,
//! limited per client address (generously: it is for feeds and integrations, not people).

use super::AppState;
use crate::client_ip::rate_subject;
use axum::{
    Json,
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::check::limit::{self, Scope, Verdict};
use breachcheck::clock::rfc3339;
use breachcheck::locale::Localized;
use breachcheck::notice::store::PublishedNotice;
use breachcheck::notice::{Action, RenderedFaq, TimelineEvent};
use serde::Serialize;
use std::net::SocketAddr;

#[derive(Serialize)]
struct Summary {
    slug: String,
    url: String,
    title: Localized<String>,
    summary: Localized<String>,
    published_at: String,
    /// Set once an update to the notice has been published.
    updated_at: Option<String>,
}

#[derive(Serialize)]
struct Detail {
    #[serde(flatten)]
    summary: Summary,
    /// Sanitised HTML.
    body_html: Localized<String>,
    contact_html: Localized<String>,
    timeline: Vec<TimelineEvent>,
    actions: Vec<Action>,
    faq: Vec<RenderedFaq>,
}

fn summary(notice: &PublishedNotice) -> Summary {
    let text = &notice.rendered;
    Summary {
        slug: notice.slug.clone(),
        url: format!("/incidents/{}", notice.slug),
        title: text.text.as_ref().map(|t| t.title.clone()),
        summary: text.text.as_ref().map(|t| t.summary.clone()),
        published_at: rfc3339(notice.first_published_at),
        updated_at: (notice.published_at > notice.first_published_at)
            .then(|| rfc3339(notice.published_at)),
    }
}

fn problem(status: StatusCode, error: &'static str) -> Response {
    (status, Json(serde_json::json!({ "error": error }))).into_response()
}

/// Counts the request against the caller's address; `Some` answer when over the limit.
pub(super) async fn over_limit(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Option<Response> {
    let check = &state.check;
    let client = check.settings.trusted_proxies.client(peer.ip(), headers);
    let subject = check.subjects.of_address(&rate_subject(client));
    match limit::consume(
        &state.database,
        Scope::Api,
        &subject,
        check.settings.limits.api,
    )
    .await
    {
        Ok(Verdict::Allowed) => None,
        Ok(Verdict::Limited { retry_after }) => {
            let mut response = problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
            let secs = retry_after.as_secs().max(1);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            Some(response)
        }
        Err(error) => {
            tracing::error!(%error, "could not count an API request");
            Some(problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable"))
        }
    }
}

pub async fn incidents(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = over_limit(&state, peer, &headers).await {
        return refused;
    }
    match state.notices.current().await {
        Ok(snapshot) => {
            let list: Vec<Summary> = snapshot.notices.iter().map(summary).collect();
            Json(serde_json::json!({ "incidents": list })).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "could not list published notices");
            problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}

pub async fn incident(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    if let Some(refused) = over_limit(&state, peer, &headers).await {
        return refused;
    }
    let snapshot = state.notices.current().await;
    let slug = slug.trim().to_ascii_lowercase();
    match snapshot.as_ref().map(|snapshot| snapshot.by_slug(&slug)) {
        Ok(Some(notice)) => {
            let text = &notice.rendered;
            Json(Detail {
                summary: summary(notice),
                body_html: text.text.as_ref().map(|t| t.body_html.clone()),
                contact_html: text.text.as_ref().map(|t| t.contact_html.clone()),
                timeline: text.timeline.clone(),
                actions: text.actions.clone(),
                faq: text.faq.clone(),
            })
            .into_response()
        }
        Ok(None) => problem(StatusCode::NOT_FOUND, "not_found"),
        Err(error) => {
            tracing::error!(%error, "could not read a published notice");
            problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}
