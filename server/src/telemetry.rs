//! Logging: human-readable lines in development, JSON lines in production. Every line
//! written while serving a request carries that request's id (see `middleware`).

use crate::config::{Environment, RequestLog, RequestLogLevel};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tracing_subscriber::EnvFilter;

pub fn init(environment: Environment) {
    init_with_writer(environment, std::io::stderr);
}

/// As [`init`], writing the lines to `writer`: the benchmarks log as a deployment does, to
/// a sink, so that what they measure includes what logging costs.
pub fn init_with_writer<W>(environment: Environment, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // `try_init`: a second call (tests) keeps the first subscriber.
    let _ = if environment.is_production() {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

/// The line written when a request is answered: at the level the operator chose, for one
/// request in `every`, and for every server error whatever the sampling. Under a flood a
/// line per request costs more than serving a cached page.
#[derive(Clone, Debug)]
pub struct RequestLine {
    log: RequestLog,
    answered: Arc<AtomicU64>,
}

impl RequestLine {
    pub fn new(log: RequestLog) -> Self {
        Self {
            log,
            answered: Arc::default(),
        }
    }
}

impl<B> tower_http::trace::OnResponse<B> for RequestLine {
    fn on_response(
        self,
        response: &axum::http::Response<B>,
        latency: Duration,
        _span: &tracing::Span,
    ) {
        let status = response.status().as_u16();
        let latency_ms = latency.as_secs_f64() * 1000.0;
        if response.status().is_server_error() {
            tracing::warn!(status, latency_ms, "answered with a server error");
            return;
        }
        if self.log.level == RequestLogLevel::Off {
            return;
        }
        let seen = self.answered.fetch_add(1, Ordering::Relaxed);
        if !seen.is_multiple_of(self.log.every) {
            return;
        }
        match self.log.level {
            RequestLogLevel::Info => tracing::info!(status, latency_ms, "answered"),
            RequestLogLevel::Debug => tracing::debug!(status, latency_ms, "answered"),
            RequestLogLevel::Off => {}
        }
    }
}
