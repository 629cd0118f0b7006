use crate::helpers::spawn_app;
use reqwest::StatusCode;

fn html_lang(body: &str) -> Option<&str> {
    let start = body.find("<html lang=\"")? + "<html lang=\"".len();
    body[start..].split('"').next()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_follows_accept_language() {
    let app = spawn_app().await;

    let ja = app.get_with("/", "accept-language", "ja-JP,ja;q=0.9").await;
    assert_eq!(ja.status(), StatusCode::OK);
    let body = ja.text().await.unwrap();
    assert_eq!(html_lang(&body), Some("ja"));
    assert!(body.contains("事案のお知らせ"), "Japanese notices heading");

    let en = app.get_with("/", "accept-language", "en-US,en;q=0.9").await;
    assert_eq!(en.status(), StatusCode::OK);
    let body = en.text().await.unwrap();
    assert_eq!(html_lang(&body), Some("en"));
    assert!(body.contains("Incident notices"), "English notices heading");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_cookie_wins_over_accept_language() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-language", "ja")
        .header("cookie", "breachcheck_lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(html_lang(&response.text().await.unwrap()), Some("en"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_shows_the_operator_and_helpdesk_from_configuration() {
    let app = spawn_app().await;
    let body = app
        .get_with("/", "accept-language", "en")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("Test Telecom"));
    assert!(body.contains("0120-111-222"));
    assert!(body.contains("help@test.example"));
    assert!(body.contains("<footer"));
    assert!(body.contains("No notices have been published."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_link_remembers_the_choice_and_goes_back() {
    let app = spawn_app().await;
    let response = app.get("/lang/en?next=/some/page%3Fx%3D1").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/some/page?x=1");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("breachcheck_lang=en;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_link_never_redirects_off_site() {
    let app = spawn_app().await;
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/%5Cevil.example",
    ] {
        let response = app.get(&format!("/lang/ja?next={next}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/", "next={next}");
    }
    assert_eq!(app.get("/lang/fr").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_are_404_in_the_visitors_language() {
    let app = spawn_app().await;
    let response = app.get_with("/no/such/page", "accept-language", "ja").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body = response.text().await.unwrap();
    assert!(body.contains("ページが見つかりません"));
}
