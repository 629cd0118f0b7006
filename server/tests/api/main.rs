//! Integration tests: the real application on port 0, over HTTP, against SQLite or
//! PostgreSQL (`BREACHCHECK_TEST_DATABASE=sqlite|postgres`).

mod audit;
mod authorisation;
mod headers;
mod health;
mod helpers;
mod home;
mod process;
mod sign_in;
mod staff_cli;
mod staff_pages;
mod staff_users;
