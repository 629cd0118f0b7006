use crate::helpers::{spawn_app, spawn_app_with};
use reqwest::StatusCode;
use server::Environment;

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the CSP") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_strict_csp_with_a_fresh_nonce() {
    let app = spawn_app().await;
    let first = app.get("/").await;
    let csp = first.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = first.text().await.unwrap();
    let nonce = nonce_of(&csp);
    assert!(nonce.len() >= 16);
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");

    let second = app.get("/").await;
    let csp2 = second.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert_ne!(nonce_of(csp2), nonce, "the nonce changes per request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(headers.contains_key("x-request-id"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over dev http"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_adds_hsts() {
    let app = spawn_app_with(|settings| settings.env = Some(Environment::Production)).await;
    let response = app.get("/healthz").await;
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age="), "{hsts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_kib_body_is_refused_with_413() {
    let app = spawn_app().await;
    let post = |path: &str, size: usize| {
        app.client
            .post(app.url(path))
            .header("origin", &app.address)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![b'a'; size])
            .send()
    };
    // Every route that reads a body, but the upload and the notice editor, keeps the small
    // limit, the staff forms included.
    for path in ["/check", "/staff/login"] {
        let response = post(path, 20 * 1024).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert!(response.text().await.unwrap().contains("too large"));
    }
    let small = post("/check", 8 * 1024).await.unwrap();
    assert_ne!(small.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_assets_are_compressed() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let css = "body { color: black; }\n".repeat(200);
    std::fs::write(site.path().join("pkg/breachcheck.css"), &css).unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_with(move |settings| settings.site_root = Some(root)).await;

    let response = app
        .get_with("/pkg/breachcheck.css", "accept-encoding", "gzip")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    // Without hashed names (no release build here), browsers revalidate.
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(response.bytes().await.unwrap().len() < css.len() / 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_copy_beside_a_file_is_served_as_it_lies() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let css = "body { color: black; }\n".repeat(200);
    std::fs::write(site.path().join("pkg/breachcheck.css"), &css).unwrap();
    // Not real brotli: only a copy read from disk can answer with these bytes.
    std::fs::write(site.path().join("pkg/breachcheck.css.br"), b"brotli copy").unwrap();
    std::fs::write(site.path().join("pkg/breachcheck.css.gz"), b"gzip copy").unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_with(move |settings| settings.site_root = Some(root)).await;

    for (accepted, encoding, bytes) in [
        ("br, gzip", "br", &b"brotli copy"[..]),
        ("gzip", "gzip", &b"gzip copy"[..]),
    ] {
        let response = app
            .get_with("/pkg/breachcheck.css", "accept-encoding", accepted)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_eq!(response.headers()["content-type"], "text/css");
        let vary = response.headers()["vary"].to_str().unwrap().to_lowercase();
        assert!(vary.contains("accept-encoding"), "{vary}");
        assert_eq!(&response.bytes().await.unwrap()[..], bytes);
    }
    let plain = app
        .get_with("/pkg/breachcheck.css", "accept-encoding", "identity")
        .await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), css);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused_and_same_site_ones_pass() {
    let app = spawn_app().await;
    let post = |headers: &[(&str, String)]| {
        let mut request = app.client.post(app.url("/")).body("x=1");
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        request.send()
    };
    let host = app.address.trim_start_matches("http://").to_owned();

    let foreign = post(&[("origin", "https://evil.example".into())])
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(
        foreign
            .text()
            .await
            .unwrap()
            .contains("did not come from this site")
    );
    let cross = post(&[("sec-fetch-site", "cross-site".into())])
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let anonymous = post(&[]).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::FORBIDDEN);

    // From this site the request reaches the router (which has no POST on "/").
    let same = post(&[("origin", app.address.clone())]).await.unwrap();
    assert_eq!(same.status(), StatusCode::METHOD_NOT_ALLOWED, "host {host}");
    let fetch = post(&[("sec-fetch-site", "same-origin".into())])
        .await
        .unwrap();
    assert_eq!(fetch.status(), StatusCode::METHOD_NOT_ALLOWED);
    // Reading is never refused.
    let read = app.get_with("/", "origin", "https://evil.example").await;
    assert_eq!(read.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_bilingual_4xx() {
    let app = spawn_app().await;
    let bad_path = app
        .post_form("/staff/users/not-a-number/disable", &[], None)
        .await;
    // Anonymous callers are refused before the path is even read.
    assert_eq!(bad_path.status(), StatusCode::UNAUTHORIZED);
    let bad_query = app.get("/lang/en?next=%ZZ&next=x").await;
    assert_eq!(bad_query.status(), StatusCode::BAD_REQUEST);
    let text = bad_query.text().await.unwrap();
    assert!(
        text.contains("not in a form this site understands"),
        "{text}"
    );
    assert!(text.contains("形式が正しくありません"), "{text}");
    let wrong_type = app
        .client
        .post(app.url("/staff/login"))
        .header("origin", &app.address)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(wrong_type.text().await.unwrap().contains("not in a form"));
}
