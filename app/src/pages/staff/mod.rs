//! Pages of the staff area. The server guards every path under `/staff` except sign-in
//! (see `server::staff_gate`); these components only render.

mod account;
mod audit;
mod dataset;
mod datasets;
mod enrolment;
mod home;
mod import_progress;
mod incidents;
mod outcome;
mod sign_in;
mod upload;
mod users;

pub use account::StaffAccountPage;
pub use audit::StaffAuditPage;
pub use dataset::StaffDatasetPage;
pub use datasets::StaffDatasetsPage;
pub use enrolment::StaffEnrolmentPage;
pub use home::StaffHomePage;
pub use import_progress::StaffImportPage;
pub use incidents::StaffIncidentsPage;
pub use sign_in::{StaffCodePage, StaffSignInPage};
pub use upload::StaffUploadPage;
pub use users::StaffUsersPage;
