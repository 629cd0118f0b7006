//! Cross-site request forgery: a state-changing request (anything but GET, HEAD, OPTIONS)
//! must show that it came from this site's own pages. Browsers say so in `Sec-Fetch-Site`
//! (modern ones) or `Origin` (all of them, for POST); a request with neither, or naming
//! another site, is refused. Session cookies are `SameSite=Strict` as a second layer.

use axum::{
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub async fn require_same_origin(request: Request<Body>, next: Next) -> Response {
    if is_safe(request.method()) || comes_from_this_site(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(method = %request.method(), "refused a cross-site state-changing request");
    (
        StatusCode::FORBIDDEN,
        "このリクエストはこのサイトのページから送信されたものではないため、受け付けられません。\n\
         This request did not come from this site's own pages, so it was refused.\n",
    )
        .into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn comes_from_this_site(headers: &HeaderMap) -> bool {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return site == "same-origin";
    }
    match (value(header::ORIGIN.as_str()), value(header::HOST.as_str())) {
        (Some(origin), Some(host)) => {
            origin_host(origin).is_some_and(|o| o.eq_ignore_ascii_case(host))
        }
        _ => false,
    }
}

/// `https://example.com:8443` → `example.com:8443`; `null` and anything odd → None.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_site_requests_pass() {
        assert!(comes_from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(comes_from_this_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ])));
    }

    #[test]
    fn foreign_or_unknown_requests_are_refused() {
        for pairs in [
            &[("sec-fetch-site", "cross-site")][..],
            &[("sec-fetch-site", "same-site")][..],
            &[("sec-fetch-site", "none")][..],
            &[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000"),
            ][..],
            &[("origin", "null"), ("host", "127.0.0.1:3000")][..],
            &[
                ("origin", "http://127.0.0.1:3000.evil.example"),
                ("host", "127.0.0.1:3000"),
            ][..],
            &[("host", "127.0.0.1:3000")][..],
            // A matching Origin does not outvote the browser's own verdict.
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
            ][..],
        ] {
            assert!(!comes_from_this_site(&headers(pairs)), "{pairs:?}");
        }
    }
}
