//! The language switch: a plain link that works without JavaScript (the server sets the
//! cookie and sends the visitor back), and, once hydrated, a switch in place.

use crate::{i18n::Locale, use_locale, use_strings};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let s = use_strings();
    let location = use_location();
    let target = move || locale.get().other();
    let href = move || {
        let next = format!("{}{}", location.pathname.get(), location.search.get());
        format!(
            "/lang/{}?next={}",
            target().code(),
            encode_query_value(&next)
        )
    };
    let switch_in_place = move |ev: leptos::ev::MouseEvent| {
        // A modified click (new tab, download) keeps its ordinary meaning.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        let next = locale.get_untracked().other();
        remember(next);
        locale.set(next);
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", locale.get().code());
        }
    });

    view! {
        <nav class="language-switch" aria-label=move || s().language_switch_label>
            <a
                href=href
                rel="external"
                hreflang=move || target().code()
                lang=move || target().code()
                on:click=switch_in_place
            >
                {move || target().native_name()}
            </a>
        </nav>
    }
}

/// Stores the choice where the server will read it on the next request.
#[cfg(feature = "hydrate")]
fn remember(locale: Locale) {
    use crate::i18n::LOCALE_COOKIE;
    use wasm_bindgen::JsCast;
    let secure = window().location().protocol().is_ok_and(|p| p == "https:");
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        locale.code(),
        if secure { "; Secure" } else { "" }
    );
    let _ = document()
        .unchecked_into::<web_sys::HtmlDocument>()
        .set_cookie(&cookie);
}

#[cfg(not(feature = "hydrate"))]
fn remember(_locale: Locale) {}

/// Percent-encodes what would otherwise end or split a query value.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn next_path_survives_as_one_query_value() {
        assert_eq!(
            encode_query_value("/check?a=1&b=2#x"),
            "/check%3Fa%3D1%26b%3D2%23x"
        );
        assert_eq!(
            encode_query_value("/お知らせ"),
            "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B"
        );
    }
}
