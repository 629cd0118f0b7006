//! The audit log as CSV: the entries the audit page's filters select (for the helpdesk,
//! among their own lookups), in the reader's language, for a spreadsheet (a BOM so that Excel reads UTF-8; formula cells defused).

use super::AppState;
use crate::plain::Plain;
use crate::staff_auth::CurrentStaff;
use app::i18n::{Locale, LocaleText};
use app::staff_api::{AuditQuery, AuditRow, readable_audit};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use breachcheck::audit::MAX_LISTED;
use breachcheck::import::report::csv_cell;

pub async fn csv(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Query(query): Query<AuditQuery>,
    headers: HeaderMap,
) -> Response {
    let locale = Locale::negotiate(&headers);
    let s = locale.strings();
    let filter = match query.filter(MAX_LISTED) {
        Ok(filter) => filter,
        Err(refused) => {
            return (StatusCode::UNPROCESSABLE_ENTITY, s.audit.refused(refused)).into_response();
        }
    };
    // An admin's export holds every entry the filters select; a helpdesk member's, their
    // own lookups.
    let entries = match readable_audit(&staff.0, &state.database, &filter).await {
        Ok(entries) => entries,
        Err(error) => {
            tracing::error!(%error, "could not read the audit log");
            return Plain::ServerError.into_response();
        }
    };
    let mut body = String::from("\u{FEFF}");
    let mut push = |cells: [&str; 6]| {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        body.push_str(&line.join(","));
        body.push_str("\r\n");
    };
    push([
        s.audit_seq,
        s.audit_time,
        s.audit_actor,
        s.audit_action,
        s.audit.code,
        s.audit_detail,
    ]);
    for row in entries.into_iter().map(AuditRow::of) {
        push([
            &row.seq.to_string(),
            &row.at,
            &row.actor.text(s),
            &row.action_text(s),
            &row.action_code,
            &row.detail,
        ]);
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
