//! The breachcheck server: configuration, the middleware stack, routes outside Leptos,
//! and the command line. `main.rs` only calls [`cli::main`].

pub mod check;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod content_coding;
pub mod csrf;
pub mod domain_control;
pub mod memory;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod plain;
pub mod routes;
pub mod shedding;
pub mod staff_auth;
pub mod startup;
pub mod static_files;
pub mod telemetry;

pub use config::{Config, Environment, Settings};
pub use startup::Application;
