//! Pages of the staff area. The server guards every path under `/staff` except sign-in
//! (see `server::staff_gate`); these components only render.

mod home;
mod sign_in;

pub use home::StaffHomePage;
pub use sign_in::{StaffCodePage, StaffSignInPage};
