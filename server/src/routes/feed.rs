//! `/feed.atom?lang=ja|en`: the published notices as an Atom feed, newest first.

use super::AppState;
use super::api::over_limit;
use app::i18n::Locale;
use app::i18n::LocaleText;
use atom_syndication::{
    ContentBuilder, EntryBuilder, FeedBuilder, FixedDateTime, LinkBuilder, Text,
};
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::clock::rfc3339;
use breachcheck::notice::store::PublishedNotice;
use serde::Deserialize;
use std::net::SocketAddr;
use std::str::FromStr;

#[derive(Deserialize)]
pub struct FeedQuery {
    lang: Option<String>,
}

fn time(millis: i64) -> FixedDateTime {
    FixedDateTime::from_str(&rfc3339(millis)).expect("RFC 3339 from our own formatter")
}

/// Feeds need absolute links; they are made from the address the reader asked for.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.environment.is_production() {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|host| {
            host.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

fn entry(notice: &PublishedNotice, locale: Locale, base: &str) -> atom_syndication::Entry {
    let text = notice.rendered.text.get(locale);
    let page = format!("{base}/incidents/{}", notice.slug);
    EntryBuilder::default()
        .title(Text::plain(text.title.clone()))
        .id(page.clone())
        .updated(time(notice.published_at))
        .published(Some(time(notice.first_published_at)))
        .summary(Some(Text::plain(text.summary.clone())))
        .content(Some(
            ContentBuilder::default()
                .content_type(Some("html".to_owned()))
                .value(Some(text.body_html.clone()))
                .build(),
        ))
        .links(vec![
            LinkBuilder::default()
                .rel("alternate")
                .href(format!("{page}?lang={}", locale.code()))
                .mime_type(Some("text/html".to_owned()))
                .build(),
        ])
        .build()
}

pub async fn atom(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<FeedQuery>,
) -> Response {
    if let Some(refused) = over_limit(&state, peer, &headers).await {
        return refused;
    }
    let locale = query
        .lang
        .as_deref()
        .and_then(Locale::from_code)
        .unwrap_or_default();
    let snapshot = match state.notices.current().await {
        Ok(snapshot) => snapshot,
        Err(error) => {
            tracing::error!(%error, "could not list published notices for the feed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let notices = &snapshot.notices;
    let base = base_url(&state, &headers);
    let site = state.pages.site();
    let this = format!("{base}/feed.atom?lang={}", locale.code());
    let updated = notices
        .iter()
        .map(|notice| notice.published_at)
        .max()
        .unwrap_or(0);
    let feed = FeedBuilder::default()
        .title(Text::plain(format!(
            "{} | {}",
            locale.strings().notices_heading,
            site.name
        )))
        .id(this.clone())
        .lang(Some(locale.code().to_owned()))
        .updated(time(updated))
        .links(vec![
            LinkBuilder::default().rel("self").href(this).build(),
            LinkBuilder::default()
                .rel("alternate")
                .href(format!("{base}/"))
                .mime_type(Some("text/html".to_owned()))
                .build(),
        ])
        .entries(
            notices
                .iter()
                .map(|notice| entry(notice, locale, &base))
                .collect::<Vec<_>>(),
        )
        .build();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        feed.to_string(),
    )
        .into_response()
}
