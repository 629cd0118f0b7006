//! The language switch: a plain link. The server sets the language cookie and sends the
//! visitor back to the page they were on, now in the other language (the page is rendered
//! on the server, so a switch in place would need the whole page in the bundle).

use crate::{use_locale, use_strings};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let s = use_strings();
    let location = use_location();
    let target = use_locale().get_untracked().other();
    let next = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
    let href = format!("/lang/{}?next={}", target.code(), encode_query_value(&next));
    view! {
        <nav class="language-switch" aria-label=move || s().language_switch_label>
            <a href=href hreflang=target.code() lang=target.code()>
                {target.native_name()}
            </a>
        </nav>
    }
}

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
