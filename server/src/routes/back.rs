//! Post/redirect/get: a staff form post answers `303 See Other` back to a page, saying what
//! it came to in the query string (`?done=` or `?error=`, with the codes of
//! [`app::outcome`]) for the page to read back, with any cookies the post set. Every form
//! route answers this way.

use app::outcome::{Confirm, Done, ErrorCode, SignInNote};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The incident a staff form's path names, or the answer that says why there is none:
/// back to the incident list when it does not exist, back to `page` when it could not be
/// read.
pub async fn incident_named(
    db: &breachcheck::storage::Database,
    slug: &str,
    page: &str,
) -> Result<breachcheck::dataset::incident::Incident, Response> {
    match breachcheck::dataset::incident::find_by_slug(db, slug).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(Back::to("/staff/incidents")
            .error(ErrorCode::IncidentNotFound)
            .into_response()),
        Err(error) => {
            tracing::error!(%error, "could not read an incident");
            Err(Back::to(page).error(ErrorCode::Failed).into_response())
        }
    }
}

/// Where a form sends the browser back to, and what it says there.
#[must_use = "a Back is the form's answer: return it"]
pub struct Back {
    page: String,
    query: url::form_urlencoded::Serializer<'static, String>,
    cookies: Vec<String>,
}

impl Back {
    /// Back to `page`, a path of this site without a query string.
    pub fn to(page: impl Into<String>) -> Self {
        Self {
            page: page.into(),
            query: url::form_urlencoded::Serializer::new(String::new()),
            cookies: Vec::new(),
        }
    }

    /// The change was made.
    pub fn done(self, done: Done) -> Self {
        self.with("done", done.as_str())
    }

    /// The change was refused, for `code`.
    pub fn error(self, code: ErrorCode) -> Self {
        self.with("error", code.as_str())
    }

    /// The step was not made: the page asks once more, saying what it will change.
    pub fn confirm(self, step: Confirm) -> Self {
        self.with("confirm", step.as_str())
    }

    /// Why the sign-in page is shown (it is the page to go back to).
    pub fn note(self, note: SignInNote) -> Self {
        self.with("note", note.as_str())
    }

    /// A `Set-Cookie` value to send with the redirect.
    pub fn set_cookie(mut self, value: String) -> Self {
        self.cookies.push(value);
        self
    }

    /// One more query pair (encoded here) the page reads.
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.query.append_pair(key, value);
        self
    }
}

impl IntoResponse for Back {
    fn into_response(mut self) -> Response {
        let query = self.query.finish();
        let location = if query.is_empty() {
            self.page
        } else {
            format!("{}?{query}", self.page)
        };
        let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
        for cookie in self.cookies {
            // Our cookies are built by the `cookie` crate from checked values.
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(back: Back) -> String {
        let response = back.into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn the_outcome_and_extra_pairs_go_in_the_query_encoded() {
        assert_eq!(location(Back::to("/staff/users")), "/staff/users");
        assert_eq!(
            location(Back::to("/staff/users").done(Done::Made)),
            "/staff/users?done=1"
        );
        assert_eq!(
            location(
                Back::to("/staff/datasets/new")
                    .with("header", "契約 #1&x")
                    .error(ErrorCode::NoIdentifierColumn)
            ),
            "/staff/datasets/new?header=%E5%A5%91%E7%B4%84+%231%26x&error=no_identifier_column"
        );
    }

    #[test]
    fn every_cookie_goes_with_the_redirect() {
        let response = Back::to("/staff")
            .set_cookie("a=1; Path=/".to_owned())
            .set_cookie("b=2; Path=/".to_owned())
            .into_response();
        let set: Vec<_> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .collect();
        assert_eq!(set, ["a=1; Path=/", "b=2; Path=/"]);
    }
}
