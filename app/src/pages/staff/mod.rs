//! Pages of the staff area. The server guards every path under `/staff` except sign-in
//! (see `server::staff_gate`); these components only render.

mod account;
mod audit;
mod enrolment;
mod home;
mod sign_in;
mod users;

pub use account::StaffAccountPage;
pub use audit::StaffAuditPage;
pub use enrolment::StaffEnrolmentPage;
pub use home::StaffHomePage;
pub use sign_in::{StaffCodePage, StaffSignInPage};
pub use users::StaffUsersPage;
