//! The public JSON API and the Atom feed on both back ends: published notices only, 404
//! otherwise, and a per-address limit.

use crate::helpers::lists::new_incident;
use crate::helpers::{TestApp, spawn_app_with, staff_proof};
use breachcheck::dataset::incident::IncidentId;
use breachcheck::notice::store;
use breachcheck::notice::{NoticeContent, NoticeText};
use breachcheck::staff::Role;
use breachcheck::staff::sign_in::SignedIn;
use reqwest::StatusCode;
use serde_json::Value;
use std::str::FromStr;

fn content(title_en: &str) -> NoticeContent {
    let text = |title: &str, body: &str| NoticeText {
        title: title.into(),
        summary: format!("{title}: summary"),
        body: body.into(),
        contact: String::new(),
    };
    NoticeContent {
        text: breachcheck::locale::Localized::new(
            text(
                "受注システムへの不正アクセス",
                "本文 <script>alert(1)</script>",
            ),
            text(title_en, "Body [x](javascript:alert(1))"),
        ),
        ..Default::default()
    }
}

async fn json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app.get(path).await;
    let status = response.status();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

/// An app with two notices: `order-system` published (returned), `billing-system` a draft.
async fn one_published_one_draft() -> (TestApp, SignedIn, IncidentId) {
    let app = spawn_app_with(|s| s.api_limit = Some("100/1m".into())).await;
    let proof = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let shown = new_incident(&app, &proof, "order-system").await;
    let hidden = new_incident(&app, &proof, "billing-system").await;
    let admin = proof.as_admin().unwrap();
    let db = &app.database;
    store::save(&admin, db, shown, &content("Order system"))
        .await
        .unwrap();
    store::publish(
        &admin,
        db,
        shown,
        &breachcheck::notice::store::UpdateNote::first(),
    )
    .await
    .unwrap();
    store::save(&admin, db, hidden, &content("Billing system"))
        .await
        .unwrap();
    (app, proof, shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_lists_published_notices_only() {
    let (app, admin, shown) = one_published_one_draft().await;
    let admin = admin.as_admin().unwrap();
    let db = &app.database;

    let (status, list) = json(&app, "/api/v1/incidents").await;
    assert_eq!(status, StatusCode::OK);
    let incidents = list["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "{list}");
    assert_eq!(incidents[0]["slug"], "order-system");
    assert_eq!(incidents[0]["title"]["en"], "Order system");
    assert_eq!(incidents[0]["url"], "/incidents/order-system");
    assert!(incidents[0]["updated_at"].is_null());
    assert!(
        incidents[0]["published_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let (status, one) = json(&app, "/api/v1/incidents/order-system").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        one["summary"]["ja"],
        "受注システムへの不正アクセス: summary"
    );
    let body = one["body_html"].to_string();
    assert!(
        !body.contains("<script") && !body.contains("javascript:"),
        "{body}"
    );

    let (status, missing) = json(&app, "/api/v1/incidents/billing-system").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a draft is not public");
    assert_eq!(missing["error"], "not_found");
    store::unpublish(&admin, db, shown).await.unwrap();
    let (status, _) = json(&app, "/api/v1/incidents/order-system").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an unpublished notice is gone"
    );
    let (_, list) = json(&app, "/api/v1/incidents").await;
    assert!(list["incidents"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_is_limited_per_address() {
    let app = spawn_app_with(|s| s.api_limit = Some("3/1m".into())).await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/incidents").await.status(), StatusCode::OK);
    }
    let limited = app.get("/api/v1/incidents/anything").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_atom_feed_lists_published_notices_in_the_asked_language() {
    let (app, admin, shown) = one_published_one_draft().await;
    let admin = admin.as_admin().unwrap();
    let db = &app.database;

    for (lang, title) in [
        ("en", "Order system"),
        ("ja", "受注システムへの不正アクセス"),
    ] {
        let response = app.get(&format!("/feed.atom?lang={lang}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let text = response.text().await.unwrap();
        let feed = atom_syndication::Feed::from_str(&text).expect("a valid Atom document");
        assert_eq!(feed.lang.as_deref(), Some(lang));
        assert_eq!(feed.entries.len(), 1, "published only: {text}");
        let entry = &feed.entries[0];
        assert_eq!(entry.title.value, title);
        assert!(
            entry.id.ends_with("/incidents/order-system"),
            "{}",
            entry.id
        );
        let html = entry
            .content
            .as_ref()
            .and_then(|c| c.value.clone())
            .unwrap();
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
    }
    store::unpublish(&admin, db, shown).await.unwrap();
    let text = app.get("/feed.atom").await.text().await.unwrap();
    let feed = atom_syndication::Feed::from_str(&text).unwrap();
    assert!(feed.entries.is_empty());
}
