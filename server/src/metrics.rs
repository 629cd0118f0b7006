//! Metrics for the people running announcement day: Prometheus text at `/metrics` on a
//! listener of its own (`BREACHCHECK_METRICS_ADDR`), never on the public one, so a scrape
//! cannot be asked for by a visitor and a flood of visitors cannot crowd out a scrape.
//!
//! Labels name routes (their patterns, not the paths asked for), outcomes, scopes and
//! groups: never an identifier, an address, a session or anything a visitor typed.
//!
//! The recorder is installed for the process only when a metrics address is set; without
//! one every `metrics::counter!` in the code is a no-op and costs nothing.

use crate::routes::AppState;
use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const REQUEST_SECONDS: &str = "breachcheck_http_request_duration_seconds";

/// From a cached page (well under a millisecond) to a lookup held to its floor (400 ms)
/// and an upload (minutes).
const REQUEST_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0,
];

/// How often histograms are folded (without it they would grow between scrapes).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's recorder, installed on first use. Every application built in this
/// process (tests build several) records to it.
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &REQUEST_BUCKETS)
                .expect("the buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!(
                    "another metrics recorder was installed first; /metrics stays empty"
                );
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "breachcheck_http_requests_total",
        "Requests answered, by route pattern, method and status"
    );
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Time to the response's head, by route pattern"
    );
    describe_counter!(
        "breachcheck_lookups_total",
        "Public lookups by outcome: answered, limited, busy, refused, failed"
    );
    describe_counter!(
        "breachcheck_shed_total",
        "Requests answered 503 at once because their group had no place left"
    );
    describe_counter!(
        "breachcheck_rate_limit_refusals_total",
        "Requests refused by a rate limit, by scope"
    );
    describe_gauge!(
        "breachcheck_hashing_pool_running",
        "argon2 jobs running now"
    );
    describe_gauge!(
        "breachcheck_hashing_pool_waiting",
        "argon2 jobs waiting for a worker now"
    );
    describe_gauge!("breachcheck_hashing_pool_workers", "argon2 workers");
    describe_gauge!(
        "breachcheck_pow_maxnumber",
        "Proof-of-work difficulty of the latest challenge (the largest number to try)"
    );
    describe_counter!(
        "breachcheck_import_rows_total",
        "Rows of affected-customer lists hashed and stored"
    );
    describe_counter!(
        "breachcheck_page_cache_total",
        "Public pages asked of the page cache, by result: hit or miss"
    );
}

/// Counts each request and its time, by the route pattern it matched. Runs after routing
/// (it is added with `Router::layer`), so the pattern is known.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || unmatched(request.uri().path()),
        |m| m.as_str().to_owned(),
    );
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_str().to_owned();
    metrics::counter!(
        "breachcheck_http_requests_total",
        "route" => route.clone(),
        "method" => method,
        "status" => status,
    )
    .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route).record(started.elapsed());
    response
}

/// Requests that matched no route: the site's files, or nothing. Never the path itself,
/// which anyone can fill with whatever they like.
fn unmatched(path: &str) -> String {
    if path.starts_with("/pkg/") {
        "/pkg/{file}"
    } else {
        "(unmatched)"
    }
    .to_owned()
}

/// A method outside the standard ones is counted as `other`: anyone can invent one.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The metrics listener's routes: `GET /metrics` and nothing else.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    // Gauges of what is true now are read at the scrape, not kept up to date by the work.
    let pool = &state.check.lookup.pool;
    metrics::gauge!("breachcheck_hashing_pool_running").set(pool.running() as f64);
    metrics::gauge!("breachcheck_hashing_pool_waiting").set(pool.waiting() as f64);
    metrics::gauge!("breachcheck_hashing_pool_workers").set(pool.workers() as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        recorder().render(),
    )
        .into_response()
}

/// Folds the histograms now and then, for as long as the server runs.
pub async fn upkeep(handle: PrometheusHandle) {
    let mut every = tokio::time::interval(UPKEEP_EVERY);
    loop {
        every.tick().await;
        handle.run_upkeep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_never_carry_what_a_visitor_sent() {
        assert_eq!(unmatched("/pkg/breachcheck.abc.wasm"), "/pkg/{file}");
        assert_eq!(unmatched("/0120-123-456"), "(unmatched)");
        assert_eq!(
            method_label(&Method::from_bytes(b"SECRET123").unwrap()),
            "other"
        );
        assert_eq!(method_label(&Method::POST), "POST");
    }
}
