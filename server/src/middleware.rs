//! The middleware stack, outermost first: request id, tracing span, security headers,
//! plain-language bodies for bare errors, same-origin check for state-changing requests.
//! Timeouts and body limits differ per group of routes: [`with_limits`].

use crate::config::Config;
use crate::plain::{Explained, Plain};
use axum::{
    BoxError, Router,
    body::Body,
    error_handling::HandleErrorLayer,
    http::{HeaderName, HeaderValue, Request, Response, StatusCode, header},
    response::IntoResponse,
};

use tower::{ServiceBuilder, timeout::TimeoutLayer, util::option_layer};
use tower_http::{
    catch_panic::CatchPanicLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

/// The CSP of every response that does not set its own. Pages rendered by Leptos replace it
/// with one that carries their nonce (see `app::content_security_policy`).
const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// No policy on a 304: its headers replace the stored page's, and a policy here would
/// replace the one whose nonce that page carries, stopping its scripts.
fn default_csp<B>(response: &Response<B>) -> Option<HeaderValue> {
    (response.status() != StatusCode::NOT_MODIFIED).then(|| HeaderValue::from_static(DEFAULT_CSP))
}

pub fn apply(router: Router, config: &Config) -> Router {
    let hsts = config.environment.is_production().then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        )
    });
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(crate::telemetry::RequestLine::new(config.request_log)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            default_csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ))
        .layer(option_layer(hsts))
        // A bug that panics becomes a plain 500 for that request, not a dropped connection.
        .layer(CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::map_response(explain_bare_errors));
    // Innermost, on the router itself: it sees requests after the body limit.
    let router = router
        .layer(axum::middleware::from_fn(crate::csrf::require_same_origin))
        .layer(layers);
    // Outermost, so a request's time includes every layer. Without a metrics address no
    // recorder is installed and nothing is counted.
    if config.metrics_addr.is_some() {
        crate::metrics::recorder();
        router.layer(axum::middleware::from_fn(crate::metrics::track))
    } else {
        router
    }
}

/// The time and body size a group of routes allows; applied per group (see
/// `routes::router`) because uploads need far more of both than anything else.
pub fn with_limits<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    body_limit_bytes: usize,
    timeout: std::time::Duration,
) -> Router<S> {
    router.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(timed_out))
            .layer(TimeoutLayer::new(timeout))
            .layer(RequestBodyLimitLayer::new(body_limit_bytes)),
    )
}

/// The body limit of the notice editor's two requests (the form and its preview): a
/// notice may hold 100,000 characters, which a form encodes in up to 9 bytes each.
pub const NOTICE_BODY_LIMIT_BYTES: usize = 1024 * 1024;

fn carries_a_notice(path: &str) -> bool {
    path == "/api/staff/notice_preview"
        || (path.starts_with("/staff/incidents/") && path.ends_with("/notice"))
}

/// The body limit of the incident form: its fields hold up to 2 × 2,000 characters of
/// advice, 2 × 200 of titles and 63 category lines of up to 100 characters, and a form
/// encodes a Japanese character in 9 bytes (`%E3%81%82`): under 100 KB at the most the
/// form accepts.
pub const INCIDENT_BODY_LIMIT_BYTES: usize = 128 * 1024;

/// Reads the body of every request but an upload into memory before a handler sees it,
/// holding it to `default` bytes (the notice editor's and the incident form's to their own
/// limits; the group's own limit, set with [`with_limits`], is the largest). Declared
/// lengths over the limit are refused at once, and a chunked body is refused with 413 where
/// it passes the limit: read here, not by whichever handler reads it, every such body gets
/// the same answer. Text that holds a NUL character is refused too: no field of this site
/// may hold one, and PostgreSQL cannot store it.
pub async fn read_body(
    axum::extract::State(default): axum::extract::State<usize>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use http_body_util::BodyExt;
    let path = request.uri().path();
    let limit = if carries_a_notice(path) {
        NOTICE_BODY_LIMIT_BYTES
    } else if path == "/staff/incidents" {
        INCIDENT_BODY_LIMIT_BYTES.max(default)
    } else {
        default
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = request.into_parts();
    let bytes = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
        // The client broke off while sending.
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    if holds_nul(&parts, &bytes) {
        return Plain::HoldsNul.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether the query string or the body (a form, JSON or anything else) holds a NUL.
fn holds_nul(parts: &axum::http::request::Parts, body: &[u8]) -> bool {
    let form_has_nul = |bytes: &[u8]| {
        url::form_urlencoded::parse(bytes)
            .any(|(key, value)| key.contains('\0') || value.contains('\0'))
    };
    if parts
        .uri
        .query()
        .is_some_and(|query| form_has_nul(query.as_bytes()))
    {
        return true;
    }
    if body.contains(&0) {
        return true;
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("application/json") {
        return serde_json::from_slice::<serde_json::Value>(body)
            .is_ok_and(|value| json_has_nul(&value));
    }
    // Forms, and server functions, which read a form whatever the content type says.
    form_has_nul(body)
}

fn json_has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(json_has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || json_has_nul(value)),
        _ => false,
    }
}

/// Server functions answer every error with 500, their arguments' too: a body that is not
/// a form, a missing field, `id=abc`. Those are the caller's mistakes: 400, in the server
/// functions' own error format (so a hydrated page can still read it), saying so in both
/// languages; the error that a server function sets a status for keeps it.
pub async fn server_fn_arguments(response: Response<Body>) -> Response<Body> {
    use http_body_util::BodyExt;
    const MARKER: &str = "serverfnerror";
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(MARKER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error body is a short line; anything else is passed on as it was.
    let Ok(bytes) = http_body_util::Limited::new(body, 64 * 1024)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
    else {
        return Response::from_parts(parts, Body::empty());
    };
    let kind = bytes.split(|b| *b == b'|').next().unwrap_or_default();
    if !matches!(kind, b"Args" | b"MissingArg" | b"Deserialization") {
        return Response::from_parts(parts, Body::from(bytes));
    }
    parts.status = StatusCode::BAD_REQUEST;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.extensions.insert(Explained);
    Response::from_parts(
        parts,
        Body::from(format!("Args|{}", Plain::Malformed.text().trim_end())),
    )
}

/// One span per request; the path only, never the query string, which may one day carry
/// something a visitor typed.
fn request_span(request: &Request<Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

async fn timed_out(error: BoxError) -> axum::response::Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        took_too_long()
    } else {
        tracing::error!(%error, "unhandled middleware error");
        Plain::ServerError.into_response()
    }
}

/// The answer to a request that ran out of time, wherever its timeout is set (here for the
/// router, in `page_cache` for the routes outside it).
pub fn took_too_long() -> axum::response::Response {
    tracing::warn!("request timed out");
    Plain::TookTooLong.into_response()
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    Plain::ServerError.into_response()
}

/// Some layers answer with a status and an empty or technical body ("length limit
/// exceeded"); a person should read what happened, in both languages. Our own HTML pages
/// already say it.
async fn explain_bare_errors(response: Response<Body>) -> Response<Body> {
    // Ours, or a server function's error in its own format for the page that called it.
    if response.extensions().get::<Explained>().is_some()
        || response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        return response;
    }
    let Some(plain) = Plain::for_bare_status(response.status()) else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(plain.text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_timeout_becomes_503_with_retry_after_and_a_readable_body() {
        let response = timed_out(Box::new(tower::timeout::error::Elapsed::new())).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "10");
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains("took too long"), "{text}");
        assert!(text.contains("しばらくしてから"), "{text}");
    }

    #[tokio::test]
    async fn a_technical_413_is_explained_in_both_languages() {
        let response = Response::builder()
            .status(StatusCode::PAYLOAD_TOO_LARGE)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from("length limit exceeded"))
            .unwrap();
        let response = explain_bare_errors(response).await;
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            text.contains("too large") && text.contains("大きすぎます"),
            "{text}"
        );
    }
}
