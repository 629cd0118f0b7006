//! What a form post on the incident and list pages came to, read back from the query
//! string the server's redirect set: `?error=<code>` or `?done=1`.

use super::users::error_message;
use crate::i18n::Strings;
use crate::i18n::data::fill;
use crate::{use_locale, use_strings};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The sentence for an error code of the dataset routes (see `server::routes::datasets`).
/// `offsets` are the byte offsets an encoding error carries.
pub fn data_error(s: &'static Strings, code: &str, offsets: (&str, &str)) -> String {
    let d = s.data;
    let text = match code {
        "slug_invalid" => d.error_slug_invalid,
        "slug_taken" => d.error_slug_taken,
        "title_invalid" => d.error_title_invalid,
        "date_invalid" => d.error_date_invalid,
        "advice_long" => d.error_advice_long,
        "date_order" => d.error_date_order,
        "categories_invalid" => d.error_categories_invalid,
        "incident_not_found" => d.error_incident_not_found,
        "dataset_not_found" => d.error_dataset_not_found,
        "wrong_status" => d.error_wrong_status,
        "same_admin" => d.error_same_admin,
        "rejected_not_acknowledged" => d.error_rejected_not_acknowledged,
        "file_missing" => d.error_file_missing,
        "file_too_large" => d.error_file_too_large,
        "file_empty" => d.error_file_empty,
        "no_header" => d.error_no_header,
        "header_is_data" => d.error_header_is_data,
        "no_identifier_column" => d.error_no_identifier_column,
        "duplicate_column" => d.error_duplicate_column,
        "csv" => d.error_csv,
        "upload_form" => d.error_upload_form,
        "encoding" => {
            return fill(
                d.error_encoding,
                &[("utf8", offsets.0), ("sjis", offsets.1)],
            );
        }
        other => error_message(s, other),
    };
    text.to_owned()
}

/// A form the server refused and rendered again in place of a redirect, so that nothing
/// typed is lost: what was sent, and the error code. Provided as context by the route.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Returned {
    pub fields: Vec<(String, String)>,
    pub error: String,
}

impl Returned {
    /// The first value sent under `name`, or nothing.
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Whether `name` was sent with `value` (a ticked box).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.fields.iter().any(|(k, v)| k == name && v == value)
    }
}

/// The refused form of this request, the same in the browser as on the server.
pub fn use_returned() -> Option<Returned> {
    SharedValue::new(use_context::<Returned>).into_inner()
}

/// The error or success notice of the page's query string (or of a refused form the
/// server rendered again).
#[component]
pub fn DataOutcome(done: fn(&'static Strings) -> &'static str) -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let returned = use_returned().map(|r| r.error);
    let error = move || {
        let query = query.read();
        let code = query.get("error").or_else(|| returned.clone())?;
        let utf8 = query.get("utf8").unwrap_or_default();
        let sjis = query.get("sjis").unwrap_or_default();
        Some(data_error(s(), &code, (&utf8, &sjis)))
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
pub fn PostOutcome(
    error: fn(&'static Strings, &str) -> &'static str,
    done: fn(&'static Strings, &str) -> &'static str,
) -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let said = move |key: &'static str| query.read().get(key);
    view! {
        {move || {
            said("error")
                .map(|code| {
                    view! {
                        <p class="notice notice--error" role="alert">
                            {move || error(s(), &code)}
                        </p>
                    }
                })
        }}
        {move || {
            said("done")
                .map(|code| {
                    view! {
                        <p class="notice" role="status">
                            {move || done(s(), &code)}
                        </p>
                    }
                })
        }}
    }
}

/// An incident's title in the page's language.
pub fn incident_title(
    title_ja: String,
    title_en: String,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let locale = use_locale();
    move || match locale.get() {
        crate::i18n::Locale::Ja => title_ja.clone(),
        crate::i18n::Locale::En => title_en.clone(),
    }
}
