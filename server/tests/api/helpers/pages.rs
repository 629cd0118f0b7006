//! The staff pages as an admin's browser uses them without JavaScript: pages read in English,
//! redirects, the multipart upload, and the import's progress polled to its end.

use super::TestApp;
use app::dataset_api::ProgressView;
use breachcheck::import::JobStatus;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

const BOUNDARY: &str = "breachcheck-test-boundary-7b3c";

/// A multipart body as a browser sends the upload form.
pub fn multipart(fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"list.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .into_bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
    body
}

pub async fn upload(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
    file: &[u8],
) -> reqwest::Response {
    app.client
        .post(app.url("/staff/datasets"))
        .header("origin", &app.address)
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(fields, file))
        .send()
        .await
        .unwrap()
}

pub fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()["location"].to_str().unwrap().to_owned()
}

pub async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", format!("{cookie}; breachcheck_lang=en"))
        .send()
        .await
        .unwrap();
    (
        response.status(),
        super::without_markers(&response.text().await.unwrap()),
    )
}

/// Polls the progress server function until the job ends.
pub async fn finished(app: &TestApp, cookie: &str, job: &str) -> ProgressView {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let response = app
            .form("/api/staff/import_progress", &[("job", job)])
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let progress: ProgressView = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        if progress.status != JobStatus::Running {
            return progress;
        }
        assert!(Instant::now() < deadline, "the import did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The incident form's fields (but the slug) as the tests fill it: registering, and
/// editing (where the page fills them from the incident).
pub const INCIDENT_FIELDS: [(&str, &str); 8] = [
    ("title_ja", "受注システムへの不正アクセス"),
    ("title_en", "Unauthorised access to the order system"),
    ("occurred_from", "2025-02-05"),
    ("occurred_to", "2025-02-09"),
    ("announced_on", "2025-02-20"),
    ("category", "contract_name"),
    ("category", "phone"),
    ("free_categories", "ご利用金額 / Amounts billed"),
];

pub async fn create_incident_form(app: &TestApp, cookie: &str, slug: &str) -> reqwest::Response {
    let mut form = vec![("slug", slug)];
    form.extend(INCIDENT_FIELDS);
    app.post_form("/staff/incidents", &form, Some(cookie)).await
}
