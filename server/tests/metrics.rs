//! `/metrics` for the operators: on its own listener only, counting what announcement day
//! needs to see, and never naming a visitor or what they typed.
//!
//! A test binary of its own: the metrics recorder is the process's, so every application
//! running in the same process counts into it. Here no other test runs beside these.

#[allow(dead_code)]
#[path = "api/helpers/mod.rs"]
mod helpers;

use crate::helpers::check::check;
use crate::helpers::lists::publish;
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use breachcheck::digest::Profile;
use reqwest::StatusCode;

async fn scrape(app: &TestApp) -> String {
    let port = app.metrics_port.expect("a metrics listener");
    let response = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .expect("the metrics listener answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    response.text().await.unwrap()
}

/// The value of the sample named `name` whose labels include every one of `labels`
/// (tests in this process share one recorder, so callers compare before and after).
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, series_labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let wanted = series_name == name
                && labels
                    .iter()
                    .all(|(k, v)| series_labels.contains(&format!("{k}=\"{v}\"")));
            wanted.then(|| value.parse::<f64>().ok()).flatten()
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_lookups_and_limits_and_name_no_visitor() {
    let app = spawn_app_with(|s| {
        s.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
        s.lookup_floor_ms = Some(0);
    })
    .await;
    publish(
        &app,
        "metrics",
        "contract_number,categories\nMX000001,name\n",
        Profile::HmacSha256,
    )
    .await;
    let before = scrape(&app).await;

    for _ in 0..2 {
        assert_eq!(app.get("/").await.status(), StatusCode::OK);
    }
    // Without JavaScript three lookups are answered and the fourth is limited.
    for number in ["MX000001", "MX000002", "MX000003"] {
        let answer = check(&app, &[("contract", number)], Some("203.0.113.77")).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let limited = check(&app, &[("contract", "MX000004")], None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let refused = check(&app, &[("contract", "!!")], None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    let after = scrape(&app).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert_eq!(
        grew("breachcheck_lookups_total", &[("outcome", "answered")]),
        3.0
    );
    assert_eq!(
        grew("breachcheck_lookups_total", &[("outcome", "limited")]),
        1.0
    );
    assert_eq!(
        grew("breachcheck_lookups_total", &[("outcome", "refused")]),
        1.0
    );
    assert_eq!(
        grew(
            "breachcheck_rate_limit_refusals_total",
            &[("scope", "address-noscript")]
        ),
        1.0
    );
    assert_eq!(
        grew(
            "breachcheck_http_requests_total",
            &[("route", "/"), ("method", "GET"), ("status", "200")]
        ),
        2.0
    );
    assert_eq!(
        grew(
            "breachcheck_http_requests_total",
            &[("route", "/check"), ("method", "POST"), ("status", "429")]
        ),
        1.0
    );
    assert!(
        grew(
            "breachcheck_http_request_duration_seconds_count",
            &[("route", "/check")]
        ) >= 5.0
    );
    // The second home page came from the cache.
    assert!(grew("breachcheck_page_cache_total", &[("result", "hit")]) >= 1.0);
    assert!(sample(&after, "breachcheck_hashing_pool_workers", &[]) >= 1.0);
    assert!(after.contains("breachcheck_hashing_pool_waiting"));
    assert!(after.contains("breachcheck_hashing_pool_running"));

    for secret in ["MX000001", "MX00000", "203.0.113.77", "127.0.0.1"] {
        assert!(!after.contains(secret), "the metrics name {secret}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_listener_has_no_metrics_and_they_are_off_by_default() {
    let with = spawn_app_with(|s| s.metrics_addr = Some("127.0.0.1:0".parse().unwrap())).await;
    assert_eq!(with.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    let without = spawn_app().await;
    assert_eq!(without.metrics_port, None);
    assert_eq!(
        without.get("/metrics").await.status(),
        StatusCode::NOT_FOUND
    );
}
