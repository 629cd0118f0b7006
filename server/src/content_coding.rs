//! Which content codings a client takes (`Accept-Encoding`), for the responses that are
//! kept compressed already: the site's bundle and the cached pages.

/// Whether `coding` (`br`, `gzip`) is accepted with a quality above zero. A coding named
/// in the header decides for itself (`gzip;q=0, *` refuses gzip); `*` speaks for the rest.
pub fn accepts(accept_encoding: Option<&str>, coding: &str) -> bool {
    let Some(header) = accept_encoding else {
        return false;
    };
    let mut named = None;
    let mut any = None;
    for entry in header.split(',') {
        let mut pieces = entry.split(';').map(str::trim);
        let name = pieces.next().unwrap_or_default();
        let taken = !pieces.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if name.eq_ignore_ascii_case(coding) {
            named = Some(taken);
        } else if name == "*" {
            any = Some(taken);
        }
    }
    named.or(any).unwrap_or(false)
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
        assert!(
            !accepts(Some("gzip;q=0, *"), "gzip"),
            "named beats the wildcard"
        );
        assert!(accepts(Some("gzip;q=0, *"), "br"));
    }
}
