//! Integration tests: the real application on port 0, over HTTP, against SQLite or
//! PostgreSQL (`BREACHCHECK_TEST_DATABASE=sqlite|postgres`).
//!
//! Tests run on a multi-threaded runtime, as the server does in production, and one at a
//! time (`make integration-test` passes `--test-threads=1`). With many test servers in one
//! process and the machine loaded, two rare failures were seen and are not understood yet:
//! on tokio's single-threaded runtime a staff page with a server-side resource hung until
//! the request timeout; on the multi-threaded one, Leptos's sandboxed reactive arena
//! panicked ("no Arena is active"). See the closing note of the session that added them.

mod audit;
mod authorisation;
mod dataset_pages;
mod datasets;
mod headers;
mod health;
mod helpers;
mod home;
mod lookup_limits;
mod plaintext;
mod process;
mod public_check;
mod sign_in;
mod staff_account;
mod staff_cli;
mod staff_pages;
mod staff_users;
