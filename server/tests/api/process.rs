//! The real binary: refusing to start, generating a development pepper, stopping cleanly.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_breachcheck");

fn clean_command(dir: &std::path::Path) -> Command {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("BREACHCHECK_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command
}

#[test]
fn production_without_a_pepper_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = clean_command(dir.path())
        .arg("serve")
        .env("BREACHCHECK_ENV", "production")
        .env("DATABASE_URL", "postgres://nowhere.invalid/db")
        .env("BREACHCHECK_SITE_NAME", "Example")
        .env("BREACHCHECK_HELPDESK_PHONE", "0120")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("BREACHCHECK_PEPPER"), "{stderr}");
    assert!(!dir.path().join("data").exists(), "nothing is created");
}

#[test]
fn development_generates_a_pepper_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = clean_command(dir.path())
        .arg("serve")
        .env("BREACHCHECK_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let ready = loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break true;
        }
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(ready, "the server did not start listening");
    let pepper = dir.path().join("data/pepper");
    assert!(pepper.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pepper).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(dir.path().join("data/breachcheck.db").exists());

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit status {:?}", output.status);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("generated a random development pepper"),
        "{log}"
    );
    assert!(log.contains("shutdown requested"), "{log}");
    let secret = std::fs::read_to_string(pepper).unwrap();
    assert!(
        !log.contains(secret.trim()),
        "the pepper never reaches the log"
    );
}
