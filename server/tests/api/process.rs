//! The real binary: refusing to start, generating a development pepper, logging, stopping
//! cleanly.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::process::{clean_command, free_port};

/// Starts `serve` on `port` and waits until it accepts connections.
fn start(mut command: Command, port: u16) -> Child {
    let mut child = command
        .arg("serve")
        .env("BREACHCHECK_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let output = child.wait_with_output().unwrap();
            panic!(
                "the server did not start listening: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Sends SIGTERM and returns what the process wrote; it must exit successfully.
fn terminate(child: Child) -> Output {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit status {:?}", output.status);
    output
}

fn http_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
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
    let port = free_port();
    let child = start(clean_command(dir.path()), port);

    let pepper = dir.path().join("data/pepper");
    assert!(pepper.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pepper).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(dir.path().join("data/breachcheck.db").exists());

    let output = terminate(child);
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

#[test]
fn production_logs_json_lines_that_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let pepper = "production-test-pepper-with-enough-bytes-0123";
    let port = free_port();
    let mut command = clean_command(dir.path());
    command
        .env("BREACHCHECK_ENV", "production")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/prod.db", dir.path().display()),
        )
        .env("BREACHCHECK_PEPPER", pepper)
        .env("BREACHCHECK_SITE_NAME", "Example Telecom")
        .env("BREACHCHECK_HELPDESK_EMAIL", "help@example.com")
        .env("BREACHCHECK_PUBLIC_URL", "https://check.example.com");
    let child = start(command, port);

    let response = http_get(port, "/healthz");
    let request_id = response
        .lines()
        .find_map(|line| line.strip_prefix("x-request-id: "))
        .expect("a request id header")
        .trim()
        .to_owned();
    let output = terminate(child);
    let log = String::from_utf8_lossy(&output.stderr);

    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let request_lines: Vec<_> = lines
        .iter()
        .filter(|line| line["span"]["request_id"] == request_id.as_str())
        .collect();
    assert!(
        !request_lines.is_empty(),
        "no line carries {request_id}: {log}"
    );
    assert!(
        request_lines
            .iter()
            .any(|line| line["span"]["path"] == "/healthz")
    );
    assert!(!log.contains(pepper), "the pepper never reaches the log");
}

/// Posts `body` as one request and returns the status code.
fn http_post(port: u16, path: &str, content_type: &str, body: &[u8], chunked: bool) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let length = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {}", body.len())
    };
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Content-Type: {content_type}\r\n{length}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    if chunked {
        for chunk in body.chunks(4096) {
            // The server may answer 413 and close before the whole body is sent.
            if write!(stream, "{:x}\r\n", chunk.len()).is_err()
                || stream.write_all(chunk).is_err()
                || stream.write_all(b"\r\n").is_err()
            {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    } else {
        stream.write_all(body).unwrap();
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {response}"))
}

/// Whatever a visitor sends, an ERROR line in the log means something on our side failed:
/// malformed requests to every public endpoint must not write one (an operator alerting on
/// ERROR would otherwise be paged by anyone with curl).
#[test]
fn malformed_requests_write_no_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = start(clean_command(dir.path()), port);
    const FORM: &str = "application/x-www-form-urlencoded";
    let big = vec![b'a'; 64 * 1024];
    let cases: [(&str, &str, &[u8], bool); 12] = [
        ("/api/notice", FORM, b"", false),
        (
            "/api/notice",
            "application/json",
            b"{\"slug\": [1, 2]}",
            false,
        ),
        ("/api/notice", FORM, b"slug=a%00b", false),
        ("/api/notices", "application/json", b"{not json", false),
        ("/api/check/form", "text/plain", b"\x00\x01binary", false),
        ("/api/domain/challenge", FORM, b"token=%ZZ&&==", false),
        ("/api/domain/result", FORM, b"x=1", false),
        ("/check", FORM, b"contract=AB%00CD", false),
        ("/check", "application/json", b"{\"contract\": 1}", false),
        ("/check", FORM, &big, true),
        ("/check/domain", FORM, b"domain=%ZZ", false),
        ("/staff/login", FORM, b"email=&password=", false),
    ];
    for (path, content_type, body, chunked) in cases {
        let status = http_post(port, path, content_type, body, chunked);
        assert!(
            (200..500).contains(&status),
            "{path} with {content_type}: {status}"
        );
    }
    let output = terminate(child);
    let log = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = log.lines().filter(|line| line.contains("ERROR")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        log.contains("shutdown requested"),
        "the log was read: {log}"
    );
}

#[test]
fn a_server_with_another_pepper_than_its_database_refuses_to_start() {
    use crate::helpers::TEST_PEPPER;
    use crate::pepper::OTHER_PEPPER;
    let dir = tempfile::tempdir().unwrap();
    let mut first = clean_command(dir.path());
    first.env("BREACHCHECK_PEPPER", TEST_PEPPER);
    terminate(start(first, free_port()));

    let mut other = clean_command(dir.path())
        .arg("serve")
        .env("BREACHCHECK_PEPPER", OTHER_PEPPER)
        .env("BREACHCHECK_ADDR", format!("127.0.0.1:{}", free_port()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while other.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            other.kill().unwrap();
            panic!("a server with another pepper kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = other.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("this pepper is not the one this database's lists were hashed with"),
        "{stderr}"
    );
}
