pub mod check;
pub mod domain;
mod home;
mod not_found;
mod notice;
pub mod staff;

pub use check::CheckPage;
pub use domain::{DomainChallengePage, DomainCheckPage, DomainConfirmPage, DomainResultPage};
pub use home::HomePage;
pub use not_found::NotFound;
pub use notice::NoticePage;
