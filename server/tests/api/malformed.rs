//! Malformed requests get a 4xx with a readable answer, never a 500: bodies of the wrong
//! shape sent to every server function (found as the authorisation matrix finds them),
//! a NUL character in a text field, a chunked body over the limit.

use crate::helpers::{TestApp, create_staff, signed_in, spawn_app, unix_now};
use breachcheck::staff::Role;
use reqwest::StatusCode;

async fn post(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
    cookie: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("origin", &app.address)
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_server_function_answers_a_malformed_body_with_500() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    // An admin may call every function, so each one reads its arguments.
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    let server_fns: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert!(server_fns.len() >= 10, "{server_fns:?}");
    let malformed: [(&str, &str); 8] = [
        (FORM, ""),
        ("application/json", r#"{"unexpected": [1, 2, 3]}"#),
        ("application/json", "{not json"),
        (FORM, "id=abc&job=abc&number=abc&slug=x"),
        (FORM, "id=99999999999999999999999&job=-1"),
        (FORM, "%ZZ=%&&==&slug"),
        (FORM, "slug=a%00b&token=a%00b&id=1"),
        ("text/plain", "\u{0}\u{1}binary"),
    ];
    let mut refused = 0;
    for path in &server_fns {
        for (content_type, body) in malformed {
            let response = post(&app, path, content_type, body, &admin).await;
            let status = response.status();
            let text = response.text().await.unwrap();
            assert!(
                status.is_success() || status.is_client_error(),
                "{path} with {content_type} {body:?}: {status} {text}"
            );
            if status == StatusCode::BAD_REQUEST {
                refused += 1;
                assert!(
                    text.contains("understands") || text.contains("NUL"),
                    "{path} with {body:?}: a readable reason: {text}"
                );
            }
        }
    }
    assert!(
        refused > server_fns.len(),
        "most malformed bodies are refused"
    );

    // The cases that answered 500 before, by name.
    for (path, content_type, body) in [
        ("/api/notice", FORM, ""),
        ("/api/staff/dataset", FORM, "id=abc"),
        (
            "/api/staff/enrolment",
            "application/json",
            r#"{"id": "abc"}"#,
        ),
    ] {
        let response = post(&app, path, content_type, body, &admin).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {body}");
    }
    let bad_date = serde_json::json!({ "content": { "timeline": [
        { "date": "5 February", "ja": "発覚", "en": "Found" }
    ] } });
    let response = post(
        &app,
        "/api/staff/notice_preview",
        "application/json",
        bad_date.to_string(),
        &admin,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("YYYY-MM-DD"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_character_in_a_text_field_is_refused_before_it_reaches_the_database() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    let form = "slug=nul-test&title_ja=%E9%A1%8C%00&title_en=Title&category=phone";
    let response = post(&app, "/staff/incidents", FORM, form, &admin).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("NUL"));
    // JSON too, even when escaped.
    let json = serde_json::json!({ "content": { "ja": { "title": "題\u{0}" } } });
    let response = post(
        &app,
        "/api/staff/notice_preview",
        "application/json",
        json.to_string(),
        &admin,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // In a query string.
    let response = app.get("/check?contract=AB%00123").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Nothing was written.
    let incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(incidents, 0);
    // A form without one still works.
    let form = "slug=nul-test&title_ja=%E9%A1%8C&title_en=Title&category=phone";
    let response = post(&app, "/staff/incidents", FORM, form, &admin).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// Sends `body_bytes` bytes in 1 KiB chunks with no Content-Length and reads the status
/// line and body of the answer.
async fn post_chunked(app: &TestApp, path: &str, body_bytes: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\n\
         Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.address
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", "a".repeat(1024));
    for _ in 0..body_bytes / 1024 {
        // The server may answer and close before the whole body is sent.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_over_the_limit_gets_413() {
    let app = spawn_app().await;
    // No Content-Length: the body passes the 16 KiB limit on the way.
    for path in [
        "/api/check/form",
        "/api/staff/dataset",
        "/check",
        "/staff/login",
    ] {
        let (status, answer) = post_chunked(&app, path, 64 * 1024).await;
        assert_eq!(status, 413, "{path}: {answer}");
        assert!(answer.contains("too large"), "{path}: {answer}");
    }
    // Under the limit, the same way of sending is read as usual.
    let (status, answer) = post_chunked(&app, "/api/check/form", 2 * 1024).await;
    assert_eq!(status, 200, "{answer}");
}
