//! Integration tests: the real application on port 0, over HTTP, against SQLite or
//! PostgreSQL (`BREACHCHECK_TEST_DATABASE=sqlite|postgres`).
//!
//! Tests run on a multi-threaded runtime, as the server does in production, and in
//! parallel: each has its own application, database and ports. The metrics tests are a
//! test binary of their own (`tests/metrics.rs`), because the metrics recorder is the
//! process's. Two rare failures once made these run one at a time. A page now and then hung
//! until the request timeout: building an application listed the app's pages, which
//! suppresses resource loading in the whole process while it runs (a Leptos global, leptos
//! issue #4773), so a page served by another test's application in that window waited
//! forever; the pages are now listed once per process (`server::routes::page_routes`, test
//! `health::pages_keep_answering_while_other_applications_are_built`). And Leptos's
//! sandboxed reactive arena panicked ("no Arena is active"): a `<Title>` whose text read a
//! signal, which leptos_meta reads outside the arena (see `app::use_strings`).
//!
//! `TEST_LOG=1` shows the applications' log lines (filtered by `RUST_LOG`), for a failure
//! that the assertion alone does not explain.

mod audit;
mod authorisation;
mod complete_lists;
mod confirmations;
mod dataset_pages;
mod datasets;
mod domain_check;
mod domain_dns;
mod headers;
mod health;
mod helpdesk;
mod helpers;
mod home;
mod incident_edit;
mod lookup_limits;
mod malformed;
mod notice_api;
mod notice_pages;
mod notices;
mod pepper;
mod plaintext;
mod process;
mod public_check;
mod sign_in;
mod staff_account;
mod staff_cli;
mod staff_nav;
mod staff_pages;
mod staff_users;
mod stats;
mod text_stays_text;
mod true_answers;
