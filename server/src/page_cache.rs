//! The pages everyone reads on announcement day, the home page and each published notice,
//! kept rendered in memory per path and language. A page is rendered once per version of
//! the published notices (see `breachcheck::notice::snapshot`); every other request is a
//! copy from memory with a fresh CSP nonce, or a 304 when the browser has it already.
//! Browsers that take gzip get the copy compressed when it was kept ([`gzip`]): a
//! response costs no compression.
//!
//! What a page shows may depend only on its path and language: the render sees no cookie
//! but the language and no session, so nobody's state ends up in another's page.

use crate::plain::Plain;
use crate::routes::AppState;
use app::i18n::LocaleText;
use app::i18n::{LOCALE_COOKIE, Locale};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::notice::snapshot::PublishedNotices;
use futures_util::future::BoxFuture;
use leptos::nonce::Nonce;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod gzip;

/// Renders a page through Leptos, as the router would.
pub type Renderer = Arc<dyn Fn(Request) -> BoxFuture<'static, Response> + Send + Sync>;

/// A rendered page is far smaller; a larger one is served but not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// Browsers and shared caches may keep a page this long; a publish shows after it at most.
const CACHE_CONTROL: &str = "public, max-age=60";
const VARY: &str = "Accept-Language, Cookie, Accept-Encoding";

struct CachedPage {
    /// The page split where its nonce was: joined again with a new nonce for each response.
    parts: Vec<Bytes>,
    /// The same parts compressed once.
    gzip: gzip::GzipParts,
    etag: HeaderValue,
}

#[derive(Default)]
struct Pages {
    version: i64,
    by_key: HashMap<(String, Locale), Arc<CachedPage>>,
}

#[derive(Clone)]
pub struct PageCache {
    notices: PublishedNotices,
    render: Renderer,
    pages: Arc<Mutex<Pages>>,
    /// The request timeout: these routes are outside the router's (see `routes::router`).
    timeout: Duration,
}

impl PageCache {
    pub fn new(notices: PublishedNotices, render: Renderer, timeout: Duration) -> Self {
        Self {
            notices,
            render,
            pages: Arc::default(),
            timeout,
        }
    }

    fn cached(&self, version: i64, key: &(String, Locale)) -> Option<Arc<CachedPage>> {
        let mut pages = self.pages.lock().expect("lock not poisoned");
        if pages.version != version {
            // Everything rendered before the change is stale, including unpublished pages.
            pages.by_key.clear();
            pages.version = version;
        }
        pages.by_key.get(key).cloned()
    }

    fn keep(&self, version: i64, key: (String, Locale), page: Arc<CachedPage>) {
        let mut pages = self.pages.lock().expect("lock not poisoned");
        if pages.version == version {
            pages.by_key.insert(key, page);
        }
    }

    /// Renders the page for `path` in `locale`, from nothing but those two: not even the
    /// `Host` a visitor sent, which would otherwise be kept and shown to everyone.
    async fn render(&self, path: &str, locale: Locale) -> Response {
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::COOKIE, format!("{LOCALE_COOKIE}={}", locale.code()))
            .body(Body::empty())
            .expect("a valid request");
        (self.render)(request).await
    }
}

/// The handler of the cached routes, which are routed outside the layers that read a
/// session, a body or a place among the expensive requests (see `routes::router`). The
/// request timeout stays: a timer is set only once something waits (a render, a reload of
/// the notices), never for a page already in memory.
pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let cache = &state.page_cache;
    let page = cache.page(request.headers(), request.uri().path());
    tokio::time::timeout(cache.timeout, page)
        .await
        .unwrap_or_else(|_| crate::middleware::took_too_long())
}

impl PageCache {
    /// The page at `path` in the visitor's language: from memory, or rendered and kept.
    async fn page(&self, headers: &HeaderMap, path: &str) -> Response {
        let version = match self.notices.current().await {
            Ok(snapshot) => snapshot.version,
            Err(error) => {
                tracing::error!(%error, "no published notices to render from");
                return unavailable();
            }
        };
        let locale = locale_of(headers);
        let key = (path.to_owned(), locale);
        if let Some(page) = self.cached(version, &key) {
            metrics::counter!("breachcheck_page_cache_total", "result" => "hit").increment(1);
            return answer(&page, headers);
        }
        metrics::counter!("breachcheck_page_cache_total", "result" => "miss").increment(1);
        let rendered = self.render(path, locale).await;
        match keepable(rendered).await {
            Ok(page) => {
                let page = Arc::new(page);
                let response = answer(&page, headers);
                self.keep(version, key, page);
                response
            }
            Err(response) => response,
        }
    }
}

fn locale_of(headers: &HeaderMap) -> Locale {
    Locale::negotiate(headers)
}

fn unavailable() -> Response {
    Plain::Unavailable.into_response()
}

/// A rendered page as a cache entry, or the response itself when it is not one to keep
/// (not found, an error, a cookie being set).
async fn keepable(rendered: Response) -> Result<CachedPage, Response> {
    if rendered.status() != StatusCode::OK || rendered.headers().contains_key(header::SET_COOKIE) {
        return Err(rendered);
    }
    let nonce = rendered
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of)
        .map(str::to_owned);
    let body = match axum::body::to_bytes(rendered.into_body(), MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "a public page could not be read back for the cache");
            return Err(unavailable());
        }
    };
    let parts = split(&body, nonce.as_deref());
    let mut digest = Sha256::new();
    for part in &parts {
        digest.update(part);
        // The nonce's place is part of the page.
        digest.update([0]);
    }
    let hash = digest.finalize();
    let tag = hex::encode(&hash[..12]);
    // Weak: two responses carry different nonces, so they are equivalent, not identical.
    let etag = HeaderValue::from_str(&format!("W/\"{tag}\"")).expect("hex is a valid header");
    let gzip = gzip::GzipParts::new(&parts);
    Ok(CachedPage { parts, gzip, etag })
}

/// The nonce a CSP grants scripts: `'nonce-<value>'`.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(&policy[start..start + len]).filter(|nonce| !nonce.is_empty())
}

fn split(body: &Bytes, nonce: Option<&str>) -> Vec<Bytes> {
    let Some(nonce) = nonce else {
        return vec![body.clone()];
    };
    let needle = nonce.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at + needle.len() <= body.len() {
        if &body[at..at + needle.len()] == needle {
            parts.push(body.slice(start..at));
            at += needle.len();
            start = at;
        } else {
            at += 1;
        }
    }
    parts.push(body.slice(start..));
    parts
}

/// Whether the browser's `If-None-Match` names this page (weak comparison).
fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(asked) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default().trim_start_matches("W/");
    asked
        .split(',')
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

fn answer(page: &CachedPage, headers: &HeaderMap) -> Response {
    let common = [
        (header::ETAG, page.etag.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        (header::VARY, HeaderValue::from_static(VARY)),
    ];
    if not_modified(headers, &page.etag) {
        // No CSP here: the browser keeps the stored page with the policy it came with.
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let nonce = Nonce::new();
    let policy = HeaderValue::from_str(&app::content_security_policy(&nonce))
        .expect("a nonce is a valid header value");
    let accept_encoding = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let gzipped = crate::content_coding::accepts(accept_encoding, "gzip");
    let body = if gzipped {
        page.gzip.with_nonce(nonce.as_bytes())
    } else {
        let mut body = Vec::with_capacity(page.parts.iter().map(Bytes::len).sum::<usize>() + 256);
        for (i, part) in page.parts.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(part);
        }
        body
    };
    let mut response = (
        StatusCode::OK,
        common,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, policy),
        ],
        body,
    )
        .into_response();
    if gzipped {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_found_in_the_policy() {
        let policy = app::content_security_policy("abc+/=");
        assert_eq!(nonce_of(&policy), Some("abc+/="));
        assert_eq!(nonce_of("default-src 'self'"), None);
    }

    #[test]
    fn a_page_splits_where_its_nonce_was() {
        let body = Bytes::from_static(b"<script nonce=\"N1\">a</script><x nonce=\"N1\">");
        let parts = split(&body, Some("N1"));
        assert_eq!(parts.len(), 3);
        assert_eq!(&parts[1][..], b"\">a</script><x nonce=\"");
        assert_eq!(split(&body, None).len(), 1);
    }

    #[test]
    fn if_none_match_compares_weakly_and_in_lists() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(value));
            headers
        };
        assert!(not_modified(&with("W/\"abc\""), &etag));
        assert!(not_modified(&with("\"x\", \"abc\""), &etag));
        assert!(not_modified(&with("*"), &etag));
        assert!(!not_modified(&with("W/\"abd\""), &etag));
        assert!(!not_modified(&HeaderMap::new(), &etag));
    }
}
