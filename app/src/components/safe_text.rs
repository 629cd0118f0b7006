//! The two places where text a person wrote would reach the server's HTML unescaped.
//! leptos_meta writes a `<title>` into the page as it is, and tachys writes a
//! `<textarea>`'s children raw (it treats the element like `<script>`). A notice title such
//! as `</title><meta http-equiv="refresh" …>` would then redirect every visitor, and a
//! body with `</textarea>` would turn the rest of the editor's field into markup. On the
//! server these components escape the text first; in the browser it becomes a text node
//! or `document.title`, which are text already. Pages use these, never `Title` or a bare
//! `textarea` with content.

use leptos::prelude::*;
use leptos_meta::Title;

/// Text as HTML text: `&`, `<` and `>` escaped (what a `<title>` or `<textarea>` needs;
/// the browser decodes character references in both).
#[cfg(feature = "ssr")]
fn escaped(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// The page's `<title>`, escaped on the server.
#[component]
pub fn PageTitle<F>(text: F) -> impl IntoView
where
    F: Fn() -> String + Send + Sync + Clone + 'static,
{
    #[cfg(feature = "ssr")]
    let text = move || escaped(&text());
    view! { <Title text=text/> }
}

/// A `<textarea>` holding `value`, escaped on the server.
#[component]
pub fn TextArea(
    id: String,
    name: String,
    value: String,
    rows: u32,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] describedby: Option<&'static str>,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let value = escaped(&value);
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            maxlength=maxlength
            aria-describedby=describedby
        >
            {value}
        </textarea>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::escaped;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escaped("</title><meta http-equiv=\"refresh\"> & </textarea>"),
            "&lt;/title&gt;<meta http-equiv=\"refresh\"&gt; &amp; &lt;/textarea&gt;"
                .replace("<meta", "&lt;meta")
        );
    }
}
