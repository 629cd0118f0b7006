//! Markdown as admins write it, HTML as the public reads it: parsed by pulldown-cmark, then
//! cleaned by ammonia's allow-list. Whatever the Markdown holds (raw HTML included), no
//! script, event handler, `javascript:` link, frame, inline style or outside image
//! survives, and every link gets `rel="noopener noreferrer"`. Run when a revision is saved,
//! never per request.

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Options, Parser, html};
use std::collections::HashSet;
use std::sync::LazyLock;

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    // Images would load from wherever the author pointed, telling a third party who reads
    // the notice: the site loads nothing from elsewhere.
    builder.rm_tags(["img"]);
    builder.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
    builder.url_relative(UrlRelative::PassThrough);
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

/// The sanitised HTML of `markdown`.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    SANITISER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = render(
            "# Heading\n\nSome *emphasis* and a [link](https://example.com/a).\n\n- one\n- two\n",
        );
        assert!(html.contains("<h1>Heading</h1>"), "{html}");
        assert!(html.contains("<em>emphasis</em>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com/a" rel="noopener noreferrer">link</a>"#),
            "{html}"
        );
    }

    #[test]
    fn nothing_active_survives() {
        let body = "Hello <script>alert(1)</script>\n\n\
                    <img src=x onerror=\"alert(2)\">\n\n\
                    [x](javascript:alert(3)) and <a href=\"JaVaScRiPt:alert(4)\">y</a>\n\n\
                    <iframe src=\"https://evil.example\"></iframe>\n\n\
                    <p style=\"position:fixed\" onclick=\"alert(5)\">styled</p>\n\n\
                    <a href=\"https://example.com\" rel=\"opener\" target=\"_self\">z</a>";
        let html = render(body);
        for banned in [
            "<script",
            "alert(1)",
            "<img",
            "onerror",
            "javascript:",
            "JaVaScRiPt",
            "<iframe",
            "style=",
            "onclick",
            "rel=\"opener\"",
        ] {
            assert!(
                !html.to_lowercase().contains(&banned.to_lowercase()),
                "{banned} in {html}"
            );
        }
        assert!(html.contains("styled"), "text stays: {html}");
        assert!(html.contains("noopener noreferrer"), "{html}");
    }
}
