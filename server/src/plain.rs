//! Answers in plain text for what has no page of its own (a failure, a refusal, a request
//! this site cannot read, a status some layer set with a technical body): one sentence in
//! both languages each, written here once. Every answer built here is marked [`Explained`],
//! so the middleware that explains bare statuses leaves it alone.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plain {
    /// Something failed on our side; the details are in the log, never in the answer.
    ServerError,
    NotFound,
    AdminsOnly,
    TooLarge,
    MethodNotAllowed,
    /// The request did not arrive in time.
    RequestTimeout,
    /// A path, query, form or body this site cannot read.
    Malformed,
    /// A text field holding NUL (U+0000), which no text here may contain.
    HoldsNul,
    /// The answer took too long to make: try again shortly (`Retry-After`).
    TookTooLong,
    /// Too many requests of this kind in progress: try again shortly (`Retry-After`).
    Busy,
    /// What the page needs (the published notices) cannot be read now: try again shortly.
    Unavailable,
    /// A staff route asked without a session.
    SignInRequired,
}

/// The mark of an answer that already says what happened in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Explained;

impl Plain {
    pub fn status(self) -> StatusCode {
        match self {
            Plain::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Plain::NotFound => StatusCode::NOT_FOUND,
            Plain::AdminsOnly => StatusCode::FORBIDDEN,
            Plain::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Plain::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Plain::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Plain::Malformed | Plain::HoldsNul => StatusCode::BAD_REQUEST,
            Plain::TookTooLong | Plain::Busy | Plain::Unavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Plain::SignInRequired => StatusCode::UNAUTHORIZED,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Plain::ServerError => "エラーが発生しました。 / Something went wrong.\n",
            Plain::NotFound => "見つかりません。 / Not found.\n",
            Plain::AdminsOnly => "この操作は管理者のみ行えます。 / Only admins may do this.\n",
            Plain::TooLarge => "送信されたデータが大きすぎます。 / The request is too large.\n",
            Plain::MethodNotAllowed => {
                "この操作はできません。 / This method is not allowed here.\n"
            }
            Plain::RequestTimeout => {
                "時間内にリクエストを受け取れませんでした。 / The request took too long to arrive.\n"
            }
            Plain::Malformed => {
                "リクエストの形式が正しくありません。 / The request is not in a form this site understands.\n"
            }
            Plain::HoldsNul => {
                "入力に使えない文字（NUL, U+0000）が含まれています。 / \
                 The request holds a character no text here may contain (NUL, U+0000).\n"
            }
            Plain::TookTooLong => {
                "処理に時間がかかりすぎました。しばらくしてからもう一度お試しください。\n\
                 The server took too long to answer. Please try again in a moment.\n"
            }
            Plain::Busy => {
                "ただいま混み合っています。しばらくしてからもう一度お試しください。\n\
                 The site is busy. Please try again in a moment.\n"
            }
            Plain::Unavailable => {
                "しばらくしてからもう一度お試しください。\nPlease try again in a moment.\n"
            }
            Plain::SignInRequired => "サインインが必要です。 / Please sign in.\n",
        }
    }

    /// The sentence for a status a layer answered with an empty or technical body.
    pub fn for_bare_status(status: StatusCode) -> Option<Self> {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => Some(Plain::TooLarge),
            StatusCode::METHOD_NOT_ALLOWED => Some(Plain::MethodNotAllowed),
            StatusCode::REQUEST_TIMEOUT => Some(Plain::RequestTimeout),
            // axum's own rejections of a malformed path, query or form (English, technical).
            StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY => Some(Plain::Malformed),
            _ => None,
        }
    }
}

impl IntoResponse for Plain {
    fn into_response(self) -> Response {
        let mut response = (
            self.status(),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.text(),
        )
            .into_response();
        let headers = response.headers_mut();
        match self {
            Plain::TookTooLong => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
            }
            // A shed request is retried soon, and the answer is not kept anywhere.
            Plain::Busy | Plain::Unavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            _ => {}
        }
        response.extensions_mut().insert(Explained);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_answer_has_its_status_headers_and_both_languages() {
        let busy = Plain::Busy.into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "5");
        assert_eq!(busy.headers()[header::CACHE_CONTROL], "no-store");
        assert!(busy.extensions().get::<Explained>().is_some());
        let signed_out = Plain::SignInRequired.into_response();
        assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            signed_out.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        let all = [
            Plain::ServerError,
            Plain::NotFound,
            Plain::AdminsOnly,
            Plain::TooLarge,
            Plain::MethodNotAllowed,
            Plain::RequestTimeout,
            Plain::Malformed,
            Plain::HoldsNul,
            Plain::TookTooLong,
            Plain::Busy,
            Plain::Unavailable,
            Plain::SignInRequired,
        ];
        for plain in all {
            let text = plain.text();
            // Japanese (kana) and English (Latin letters) both present.
            assert!(
                text.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
                "{plain:?}"
            );
            assert!(text.chars().any(|c| c.is_ascii_alphabetic()), "{plain:?}");
        }
    }
}
