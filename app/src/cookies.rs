//! Cookies on the server, with the `cookie` crate: `Set-Cookie` values are built with
//! [`Cookie::build`] (each site names its own attributes), and every `Cookie` header is read
//! here. The browser's one cookie (the language switch, through `document.cookie`) is the
//! exception: the crate would add its date formatting to the bundle for one line.

pub use cookie::{Cookie, SameSite};

/// The first non-empty value of the cookie `name` among the request's `Cookie` headers.
pub fn request_cookie<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name && !cookie.value().is_empty())
        .and_then(|cookie| cookie.value_raw())
}

/// `Max-Age` from a number of seconds.
pub fn max_age(secs: u64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_cookie_is_found_across_headers_and_empty_values_are_skipped() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "a=1; lang=".parse().unwrap());
        headers.append(http::header::COOKIE, "b=2;lang=en ; c=3".parse().unwrap());
        assert_eq!(request_cookie(&headers, "lang"), Some("en"));
        assert_eq!(request_cookie(&headers, "c"), Some("3"));
        assert_eq!(request_cookie(&headers, "missing"), None);
    }
}
