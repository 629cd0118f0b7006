//! `breachcheck user …` against a real database: accounts are created with an enrolment
//! URI, weak passwords and duplicates are refused, and every change is audited.

use crate::helpers::{TEST_PEPPER, TestApp, spawn_app};
use breachcheck::audit::{self, Verification};
use breachcheck::staff::StaffEmail;
use breachcheck::staff::store;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "blue-kettle-orbit-42";

fn cli(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_breachcheck"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("BREACHCHECK_PEPPER", TEST_PEPPER)
        .env("BREACHCHECK_DATA_DIR", app.scratch_dir())
        .env("BREACHCHECK_SITE_NAME", "Test Telecom")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn add(app: &TestApp, email: &str, role: &str, password: &str) -> Output {
    cli(
        app,
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Someone",
            "--role",
            role,
            "--password-stdin",
        ],
        &format!("{password}\n"),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn find(app: &TestApp, email: &str) -> Option<store::StaffRecord> {
    store::find_by_email(&app.database, &StaffEmail::parse(email).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_creates_an_account_and_prints_its_enrolment() {
    let app = spawn_app().await;
    let output = add(&app, "Hanako@Example.com", "admin", PASSWORD);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("otpauth://totp/"), "{stdout}");
    assert!(stdout.contains("issuer=Test%20Telecom"), "{stdout}");
    assert!(stdout.contains('█'), "a QR code is drawn");
    assert!(!stdout.contains(PASSWORD));

    let staff = find(&app, "hanako@example.com")
        .await
        .expect("stored lower-cased");
    assert_eq!(staff.role, breachcheck::staff::Role::Admin);
    assert!(staff.is_active());
    assert_eq!(
        staff.totp_secret.as_stored().len(),
        20,
        "160-bit TOTP secret"
    );
    assert!(staff.password_hash.as_stored().starts_with("$argon2id$"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_passwords_and_duplicates_are_refused() {
    let app = spawn_app().await;
    for (password, reason) in [
        ("short", "at least 12"),
        ("password1234", "common"),
        ("my-hanako-password", "email"),
    ] {
        let output = add(&app, "hanako@example.com", "admin", password);
        assert!(!output.status.success());
        assert!(
            text(&output.stderr).contains(reason),
            "{}",
            text(&output.stderr)
        );
    }
    assert!(
        find(&app, "hanako@example.com").await.is_none(),
        "nothing stored"
    );

    assert!(
        add(&app, "hanako@example.com", "admin", PASSWORD)
            .status
            .success()
    );
    let again = add(&app, "HANAKO@example.com", "helpdesk", PASSWORD);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disable_enable_and_reset_are_audited_and_guard_the_last_admin() {
    let app = spawn_app().await;
    assert!(
        add(&app, "admin@example.com", "admin", PASSWORD)
            .status
            .success()
    );
    assert!(
        add(&app, "desk@example.com", "helpdesk", PASSWORD)
            .status
            .success()
    );

    let refused = cli(
        &app,
        &["user", "disable", "--email", "admin@example.com"],
        "",
    );
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("no active admin"));

    let disabled = cli(
        &app,
        &["user", "disable", "--email", "desk@example.com"],
        "",
    );
    assert!(disabled.status.success(), "{}", text(&disabled.stderr));
    assert!(!find(&app, "desk@example.com").await.unwrap().is_active());
    let enabled = cli(&app, &["user", "enable", "--email", "desk@example.com"], "");
    assert!(enabled.status.success());
    assert!(find(&app, "desk@example.com").await.unwrap().is_active());

    let before = find(&app, "desk@example.com").await.unwrap().password_hash;
    let reset = cli(
        &app,
        &[
            "user",
            "reset-password",
            "--email",
            "desk@example.com",
            "--password-stdin",
        ],
        "green-teapot-comet-17\n",
    );
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    assert_ne!(
        find(&app, "desk@example.com").await.unwrap().password_hash,
        before
    );

    let unknown = cli(
        &app,
        &["user", "disable", "--email", "nobody@example.com"],
        "",
    );
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("no staff member"));

    assert_eq!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Intact { entries: 5 },
        "two creations, disable, enable, reset"
    );
}
