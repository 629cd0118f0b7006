//! Pages of the staff area. The server guards every path under `/staff` except sign-in
//! (see `server::staff_gate`); these components only render.

mod account;
mod audit;
mod dataset;
mod datasets;
mod enrolment;
mod helpdesk_lookup;
mod home;
mod import_progress;
mod incidents;
mod notice;
mod notice_revision;
pub mod outcome;
mod sign_in;
mod stats;
mod upload;
mod users;

pub use account::StaffAccountPage;
pub use audit::StaffAuditPage;
pub use dataset::StaffDatasetPage;
pub use datasets::StaffDatasetsPage;
pub use enrolment::StaffEnrolmentPage;
pub use helpdesk_lookup::StaffLookupPage;
pub use home::{StaffHomePage, StaffView};
pub use import_progress::StaffImportPage;
pub use incidents::{StaffIncidentEditPage, StaffIncidentsPage};
pub use notice::StaffNoticePage;
pub use notice_revision::StaffNoticeRevisionPage;
pub use sign_in::{StaffCodePage, StaffSignInPage};
pub use stats::StaffStatsPage;
pub use upload::StaffUploadPage;
pub use users::StaffUsersPage;

/// A numeric parameter of the page's path (`:id`, `:job`), tracked; 0 when it is not a
/// number, which no row has, so the server function answers "not found".
fn numeric_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|value| value.parse::<i64>().ok())
            .unwrap_or(0)
    }
}
