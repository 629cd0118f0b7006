//! Which content codings a client takes (`Accept-Encoding`), for the responses that are
//! kept compressed already: the site's bundle and the cached pages.

/// Whether `coding` (`br`, `gzip`) is accepted: named, or `*`, with a quality above zero.
pub fn accepts(accept_encoding: Option<&str>, coding: &str) -> bool {
    accept_encoding.is_some_and(|header| {
        header.split(',').any(|entry| {
            let mut pieces = entry.split(';').map(str::trim);
            let name = pieces.next().unwrap_or_default();
            let refused = pieces.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
    })
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn a_coding_is_taken_unless_refused() {
        assert!(accepts(Some("gzip, deflate, br"), "gzip"));
        assert!(accepts(Some("br;q=1.0, GZIP;q=0.5"), "gzip"));
        assert!(accepts(Some("*"), "br"));
        assert!(!accepts(Some("gzip;q=0"), "gzip"));
        assert!(!accepts(Some("br, identity"), "gzip"));
        assert!(!accepts(Some("gzip"), "br"));
        assert!(!accepts(None, "gzip"));
    }
}
