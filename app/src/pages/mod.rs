pub mod check;
mod home;
mod not_found;
mod notice;
pub mod staff;

pub use check::CheckPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use notice::NoticePage;
