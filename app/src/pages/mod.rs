mod home;
mod not_found;
pub mod staff;

pub use home::HomePage;
pub use not_found::NotFound;
