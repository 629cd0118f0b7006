//! `POST /check` (the public) and `POST /staff/lookup` (the helpdesk): the server decides,
//! then renders the page with the decision in context. No redirect: an answer must not sit
//! in a URL, a history or a cache.

use super::AppState;
use crate::check::{CheckFields, Decision};
use crate::staff_auth::CurrentStaff;
use axum::{
    Form,
    body::Body,
    extract::{ConnectInfo, FromRequest, Request, State},
    http::{HeaderValue, Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;
use leptos_axum::render_app_async_with_context;
use std::net::SocketAddr;
use tokio::time::Instant;

/// Every public answer page is padded to a multiple of this, so an affected and an
/// unaffected answer have the same length (a page longer than one block still differs
/// only by the number of incidents it lists).
pub const ANSWER_BLOCK_BYTES: usize = 32 * 1024;

pub async fn public_check(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let (parts, fields) = read_fields(&state, request).await;
    let check = &state.check;
    let client = check
        .settings
        .trusted_proxies
        .client(peer.ip(), &parts.headers);
    let decision = check.public(started, client, fields).await;
    render(&state, parts, decision, Some(ANSWER_BLOCK_BYTES)).await
}

pub async fn helpdesk_lookup(
    State(state): State<AppState>,
    staff: CurrentStaff,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(&state, request).await;
    let decision = state.check.helpdesk(&staff.0, fields).await;
    render(&state, parts, decision, None).await
}

/// The form's fields; a body that is not a form counts as an empty one (and is refused
/// as such, with the form and a message).
async fn read_fields(state: &AppState, request: Request) -> (Parts, CheckFields) {
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts.clone(), body);
    let fields = Form::<CheckFields>::from_request(request, state)
        .await
        .map(|Form(fields)| fields)
        .unwrap_or_default();
    (parts, fields)
}

/// Renders the page at the request's path with the decision in context.
async fn render(
    state: &AppState,
    parts: Parts,
    decision: Decision,
    pad: Option<usize>,
) -> Response {
    let Decision {
        view,
        status,
        retry_after,
    } = decision;
    let extra = move || provide_context(view.clone());
    render_page(state, parts, extra, status, retry_after, pad).await
}

/// Renders the app's page at `parts`' path as a GET, with `extra` context (a decision the
/// page shows), the given status, never cached; padded to whole blocks when asked.
pub(super) async fn render_page(
    state: &AppState,
    mut parts: Parts,
    extra: impl Fn() + Clone + Send + Sync + 'static,
    status: StatusCode,
    retry_after: Option<u64>,
    pad: Option<usize>,
) -> Response {
    parts.method = Method::GET;
    let pages = state.pages.clone();
    let context = move || {
        pages.provide();
        extra();
    };
    let options = state.leptos_options.clone();
    let handler = render_app_async_with_context(context, move || app::shell(options.clone()));
    let rendered = handler(Request::from_parts(parts, Body::empty())).await;
    let (mut head, body) = rendered.into_parts();
    let Ok(mut html) = axum::body::to_bytes(body, usize::MAX).await.map(Vec::from) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(block) = pad {
        pad_to_block(&mut html, block);
    }
    head.status = status;
    head.headers.remove(header::CONTENT_LENGTH);
    head.headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(secs) = retry_after {
        head.headers
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Response::from_parts(head, Body::from(html))
}

/// Pads an HTML page with a comment before `</body>` to the next multiple of `block` bytes.
fn pad_to_block(html: &mut Vec<u8>, block: usize) {
    const OPEN: &[u8] = b"<!--";
    const CLOSE: &[u8] = b"-->";
    let least = html.len() + OPEN.len() + CLOSE.len();
    let target = least.div_ceil(block) * block;
    let mut padding = Vec::with_capacity(target - html.len());
    padding.extend_from_slice(OPEN);
    padding.resize(target - html.len() - CLOSE.len(), b' ');
    padding.extend_from_slice(CLOSE);
    let at = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    html.splice(at..at, padding);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_padded_to_whole_blocks_inside_the_body() {
        for len in [0, 1, 100, 1000, 1023, 1024, 5000] {
            let mut html = b"<html><body>".to_vec();
            html.resize(html.len() + len, b'x');
            html.extend_from_slice(b"</body></html>");
            pad_to_block(&mut html, 1024);
            assert_eq!(html.len() % 1024, 0, "{len}");
            assert!(html.ends_with(b"--></body></html>"), "{len}");
        }
    }
}
