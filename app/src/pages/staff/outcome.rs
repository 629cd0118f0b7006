//! What a form post on the incident and list pages came to, read back from the query
//! string the server's redirect set: `?error=<code>` or `?done=<code>` ([`crate::outcome`]).

use crate::i18n::Strings;
use crate::i18n::fill;
use crate::outcome::{Done, ErrorCode};
use crate::{use_locale, use_strings};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The sentence for an `?error=` code; `offsets` are the byte offsets an encoding error
/// carries.
pub fn error_sentence(s: &'static Strings, code: &str, offsets: (&str, &str)) -> String {
    match ErrorCode::parse(code) {
        Some(ErrorCode::Encoding) => fill(
            &ErrorCode::Encoding.text(s),
            &[("utf8", offsets.0), ("sjis", offsets.1)],
        ),
        _ => ErrorCode::text_of(s, code).into_owned(),
    }
}

/// The incident form's fields as both ends read them: the server deserialises the post
/// (the ticked `category` boxes, a key repeated, into one list) and the page shows them
/// again after a refusal.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct IncidentFields {
    pub slug: String,
    pub title_ja: String,
    pub title_en: String,
    pub occurred_from: String,
    pub occurred_to: String,
    pub announced_on: String,
    /// The standard categories ticked, by key.
    pub category: Vec<String>,
    /// One extra category per line.
    pub free_categories: String,
    pub advice_ja: String,
    pub advice_en: String,
}

/// A form the server refused and rendered again in place of a redirect, so that nothing
/// typed is lost: what was sent, and the error code. Provided as context by the route.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Returned {
    pub fields: IncidentFields,
    pub error: ErrorCode,
}

/// The refused form of this request, if the server is rendering one again.
pub fn use_returned() -> Option<Returned> {
    use_context::<Returned>()
}

/// The error or success notice of the page's query string (or of a refused form the
/// server rendered again).
#[component]
pub fn DataOutcome(done: fn(&'static Strings) -> &'static str) -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let returned = use_returned().map(|r| r.error.as_str().to_owned());
    let error = move || {
        let query = query.read();
        let code = query.get("error").or_else(|| returned.clone())?;
        let utf8 = query.get("utf8").unwrap_or_default();
        let sjis = query.get("sjis").unwrap_or_default();
        Some(error_sentence(s(), &code, (&utf8, &sjis)))
    };
    view! {
        {move || {
            error().map(|text| view! { <p class="notice notice--error" role="alert">{text}</p> })
        }}
        {move || {
            query
                .read()
                .get("done")
                .map(|_| view! { <p class="notice" role="status">{move || done(s())}</p> })
        }}
    }
}

/// What a form post came to, from the redirect's `?error=<code>` or `?done=<code>`: each
/// code turned into a sentence of the page's language.
#[component]
pub fn PostOutcome(done: fn(&'static Strings, Done) -> &'static str) -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let said = move |key: &'static str| query.read().get(key);
    view! {
        {move || {
            said("error")
                .map(|code| {
                    view! {
                        <p class="notice notice--error" role="alert">
                            {move || ErrorCode::text_of(s(), &code)}
                        </p>
                    }
                })
        }}
        {move || {
            said("done")
                .and_then(|code| Done::parse(&code))
                .map(|code| {
                    view! {
                        <p class="notice" role="status">
                            {move || done(s(), code)}
                        </p>
                    }
                })
        }}
    }
}

/// An incident's title in the page's language.
pub fn incident_title(
    title: crate::i18n::Localized<String>,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let locale = use_locale();
    move || title.get(locale.get()).clone()
}
