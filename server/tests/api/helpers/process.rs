//! The real binary, started as an operator would, with none of the caller's settings.

use std::path::Path;
use std::process::Command;

pub const BINARY: &str = env!("CARGO_BIN_EXE_breachcheck");

/// The binary with none of the caller's breachcheck settings leaking in.
pub fn clean_command(dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("BREACHCHECK_") || name == "DATABASE_URL" || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command
}

pub fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}
