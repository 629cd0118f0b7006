//! The language switch without JavaScript: remember the choice, go back where you were.

use crate::config::Environment;
use app::cookies::{Cookie, SameSite, max_age};
use app::i18n::{LOCALE_COOKIE, Locale};
use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

pub async fn switch(
    State(environment): State<Environment>,
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Response {
    let Some(locale) = Locale::from_code(&code).filter(|l| l.code() == code) else {
        return (
            StatusCode::NOT_FOUND,
            "この言語には対応していません。 / This language is not available.\n",
        )
            .into_response();
    };
    let next = query
        .next
        .filter(|next| is_local_path(next))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = Cookie::build((LOCALE_COOKIE, locale.code()))
        .path("/")
        .max_age(max_age(365 * 24 * 3600))
        .same_site(SameSite::Lax)
        .secure(environment.is_production())
        .to_string();
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, next), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

/// Only a path on this site: never another host (`//evil`, `/\evil`), never a scheme.
fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/incidents/x?lang=en"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/a\nb",
            "",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
