//! `POST /check` (the public) and `POST /staff/lookup` (the helpdesk): the server decides,
//! then renders the page with the decision in context. No redirect: an answer must not sit
//! in a URL, a history or a cache.

use super::AppState;
use crate::check::{BUSY_HOLD, CheckFields, Decision, LookupOutcome};
use crate::staff_auth::CurrentStaff;
use app::check_api::{CheckView, Entered};
use app::i18n::LocaleText;
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

/// Every public answer page is padded to a multiple of this, and at least to the size of
/// the largest answer the published lists could give (see `CheckService::answers_alike`),
/// so an affected and an unaffected answer have the same length whatever the incidents say.
pub const ANSWER_BLOCK_BYTES: usize = 32 * 1024;

/// How a page is padded: to whole blocks, and at least to `at_least` bytes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Padding {
    pub block: usize,
    pub at_least: usize,
}

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
    let entered = fields.entered();
    let decision = check.public(client, fields).await;
    if decision.outcome == LookupOutcome::Busy {
        // Held a moment before it leaves (no CPU: a timer), in the place this lookup
        // already holds among the lookups in progress, so the number held is bounded. A
        // client that asks again the moment it is told "busy" (a script, an impatient
        // tool) then costs one answer a second, not thousands taken from the hashing.
        tokio::time::sleep(BUSY_HOLD).await;
    }
    if decision.status == StatusCode::SERVICE_UNAVAILABLE {
        return busy(decision.retry_after);
    }
    let answered = decision.outcome == LookupOutcome::Answered;
    let page = render(&state, parts, decision, entered, Some(ANSWER_BLOCK_BYTES)).await;
    if answered {
        // After the rendering, so that the floor covers it as well as the lookup.
        check.wait_out_floor(started).await;
    }
    page
}

/// The answer when the hashing pool is full: a small page written once, in both languages,
/// not a rendered one. Under a flood most answers are this one, and each render would take
/// CPU from the hashing that answers the rest.
fn busy(retry_after: Option<u64>) -> Response {
    // Our own constant strings: nothing in them needs escaping.
    static PAGE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let seconds = crate::check::BUSY_RETRY_SECS.to_string();
        let section = |locale: app::i18n::Locale| {
            let check = &locale.strings().check;
            format!(
                "<section lang=\"{}\"><h1>{}</h1><p>{}</p><p><a href=\"/check\">{}</a></p></section>",
                locale.code(),
                check.busy_heading,
                &check.busy_body.replace("{seconds}", &seconds),
                check.title,
            )
        };
        format!(
            "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{} / {}</title></head><body><main>{}{}</main></body></html>\n",
            app::i18n::JA.check.busy_heading,
            app::i18n::EN.check.busy_heading,
            section(app::i18n::Locale::Ja),
            section(app::i18n::Locale::En),
        )
    });
    let retry = retry_after.unwrap_or(crate::check::BUSY_RETRY_SECS);
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::RETRY_AFTER, retry.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

pub async fn helpdesk_lookup(
    State(state): State<AppState>,
    staff: CurrentStaff,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(&state, request).await;
    let entered = fields.entered();
    let decision = state.check.helpdesk(&staff.0, fields).await;
    render(&state, parts, decision, entered, None).await
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

/// Renders the page at the request's path with the decision, and what was typed, in
/// context; with a block size, padded to whole blocks and to the largest of the answers
/// the decision must look like.
async fn render(
    state: &AppState,
    parts: Parts,
    decision: Decision,
    entered: Entered,
    block: Option<usize>,
) -> Response {
    let Decision {
        view,
        status,
        retry_after,
        alike,
        ..
    } = decision;
    let mut pad = block.map(|block| Padding { block, at_least: 0 });
    if let Some(pad) = pad.as_mut() {
        for other in alike {
            let view = CheckView::Answered(other);
            let entered = entered.clone();
            let extra = move || {
                provide_context(view.clone());
                provide_context(entered.clone());
            };
            let Some(html) = render_html(state, parts.clone(), extra).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            pad.at_least = pad.at_least.max(html.1.len());
        }
    }
    let extra = move || {
        provide_context(view.clone());
        provide_context(entered.clone());
    };
    render_page(state, parts, extra, status, retry_after, pad).await
}

/// The app's page at `parts`' path, rendered as a GET with `extra` context.
async fn render_html(
    state: &AppState,
    mut parts: Parts,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Option<(axum::http::response::Parts, Vec<u8>)> {
    parts.method = Method::GET;
    let pages = state.pages.clone();
    let context = move || {
        pages.provide();
        extra();
    };
    let options = state.leptos_options.clone();
    let handler = render_app_async_with_context(context, move || app::shell(options.clone()));
    let rendered = handler(Request::from_parts(parts, Body::empty())).await;
    let (head, body) = rendered.into_parts();
    let html = axum::body::to_bytes(body, usize::MAX).await.ok()?;
    Some((head, Vec::from(html)))
}

/// Renders the app's page at `parts`' path as a GET, with `extra` context (a decision the
/// page shows), the given status, never cached; padded to whole blocks when asked.
pub(super) async fn render_page(
    state: &AppState,
    parts: Parts,
    extra: impl Fn() + Clone + Send + Sync + 'static,
    status: StatusCode,
    retry_after: Option<u64>,
    pad: Option<Padding>,
) -> Response {
    let Some((mut head, mut html)) = render_html(state, parts, extra).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(pad) = pad {
        pad_to_block(&mut html, pad);
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

/// Pads an HTML page with a comment before `</body>` to the next multiple of the block
/// size at or above both its own length and `at_least`.
fn pad_to_block(html: &mut Vec<u8>, pad: Padding) {
    const OPEN: &[u8] = b"<!--";
    const CLOSE: &[u8] = b"-->";
    let least =
        (html.len() + OPEN.len() + CLOSE.len()).max(pad.at_least + OPEN.len() + CLOSE.len());
    let target = least.div_ceil(pad.block) * pad.block;
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
            pad_to_block(
                &mut html,
                Padding {
                    block: 1024,
                    at_least: 0,
                },
            );
            assert_eq!(html.len() % 1024, 0, "{len}");
            assert!(html.ends_with(b"--></body></html>"), "{len}");
        }
        let mut html = b"<html><body></body></html>".to_vec();
        let pad = Padding {
            block: 1024,
            at_least: 3000,
        };
        pad_to_block(&mut html, pad);
        assert_eq!(
            html.len(),
            3072,
            "at least the size asked for, in whole blocks"
        );
    }
}
