//! The statistics as CSV: every hour since the first list was published (or the last
//! seven days), in Japan time, in the reader's language (a BOM so that Excel reads UTF-8;
//! cells defused as everywhere). Counts only.

use super::AppState;
use crate::plain::Plain;
use crate::staff_auth::CurrentStaff;
use app::i18n::{Locale, LocaleText};
use app::stats_api::source;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use breachcheck::import::report::csv_cell;

pub async fn csv(
    State(state): State<AppState>,
    _staff: CurrentStaff,
    headers: HeaderMap,
) -> Response {
    let s = Locale::negotiate(&headers).strings();
    let hours = match source::hourly(&state.database, breachcheck::now_millis()).await {
        Ok(hours) => hours,
        Err(error) => {
            tracing::error!(%error, "could not read the statistics");
            return Plain::ServerError.into_response();
        }
    };
    let mut body = String::from("\u{FEFF}");
    let mut push = |cells: &[String]| {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        body.push_str(&line.join(","));
        body.push_str("\r\n");
    };
    push(&[
        format!("{} (JST)", s.stats.hour),
        s.stats.lookups.to_owned(),
        s.stats.affected.to_owned(),
        s.stats.limited.to_owned(),
        s.stats.busy.to_owned(),
        s.stats.domain_checks.to_owned(),
    ]);
    for bucket in hours {
        let mut cells = vec![bucket.start];
        cells.extend(bucket.counts.values().iter().map(i64::to_string));
        push(&cells);
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"statistics.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
