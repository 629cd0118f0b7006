//! Probes for the process manager and the load balancer.

use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use breachcheck::storage::Database;

/// The process is alive and answering; says nothing about its dependencies.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// This replica can serve: the database answers and its schema is current.
pub async fn readyz(State(database): State<Database>) -> Response {
    match database.readiness().await {
        Ok(()) => "ready\n".into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                format!("not ready: {reason}\n"),
            )
                .into_response()
        }
    }
}
