//! The affected list is never stored or logged in plaintext: the real binary, logging at
//! debug level, imports a list uploaded through the site and answers lookups of it (public
//! and helpdesk), and neither its log nor (on SQLite) its database file holds any contract
//! number or phone number of the file.

use crate::helpers::pages::{create_incident_form, finished, location, upload};
use crate::helpers::process::{clean_command, free_port};
use crate::helpers::{TEST_PEPPER, create_staff, signed_in, spawn_app, unix_now};
use breachcheck::staff::Role;
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_list_leaves_no_identifier_in_the_logs_or_the_database() {
    let mut app = spawn_app().await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;

    // The binary serves the same database, its log going to a file.
    let port = free_port();
    let log_path = app.scratch_dir().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = clean_command(app.scratch_dir())
        .arg("serve")
        .env("BREACHCHECK_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &app.database_url)
        .env("BREACHCHECK_PEPPER", TEST_PEPPER)
        .env("BREACHCHECK_HASH_PROFILE", "hmac-sha256")
        .env("RUST_LOG", "debug")
        .env("BREACHCHECK_SINGLE_ADMIN_APPROVAL", "true")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        assert!(child.try_wait().unwrap().is_none(), "the server exited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.address = format!("http://127.0.0.1:{port}");

    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    create_incident_form(&app, &admin, "order-system-2025").await;
    let incident = breachcheck::dataset::incident::find_by_slug(&app.database, "order-system-2025")
        .await
        .unwrap()
        .unwrap();
    let numbers: Vec<String> = (0..300)
        .map(|i| format!("QX{:06}", 271_828 + i * 13))
        .collect();
    let mut file = String::from("契約番号,電話番号\n");
    for (i, number) in numbers.iter().enumerate() {
        file.push_str(&format!("{number},03-5555-{i:04}\n"));
    }
    file.push_str("QX1,03-5555-0300\n"); // rejected: its row is reported, not its value
    let started = upload(
        &app,
        &admin,
        &[("incident", &incident.id.0.to_string())],
        file.as_bytes(),
    )
    .await;
    let job = location(&started).replace("/staff/imports/", "");
    let done = finished(&app, &admin, &job).await;
    assert_eq!((done.status.as_str(), done.done_rows), ("done", 300));
    let report = format!("/staff/datasets/{}", done.dataset);
    for path in [report.clone(), format!("{report}/rejected.csv")] {
        let response = app
            .client
            .get(app.url(&path))
            .header("cookie", &admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
    }

    // Published, then looked up by the public and by the helpdesk.
    for step in ["approve", "activate"] {
        let path = format!("{report}/{step}");
        // The list lost a row (QX1): approving it says so.
        let acknowledged = [("acknowledge_rejected", "yes"), ("confirmed", "yes")];
        let response = app.post_form(&path, &acknowledged, Some(&admin)).await;
        assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .ends_with("?done=1"),
            "{path}"
        );
    }
    let public = app
        .post_form(
            "/check",
            &[("contract", &numbers[0]), ("phone", "03-5555-0000")],
            None,
        )
        .await;
    let body = public.text().await.unwrap();
    assert!(body.contains(r#"data-outcome="affected""#), "{body}");
    let helpdesk = app
        .post_form(
            "/staff/lookup",
            &[("ticket", "T-1"), ("contract", &numbers[1])],
            Some(&admin),
        )
        .await;
    let body = helpdesk.text().await.unwrap();
    assert!(body.contains(r#"data-outcome="affected""#), "{body}");

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().unwrap();
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logged.contains("import finished"),
        "the log does record the import: {logged}"
    );
    let mut searched = vec![("the log", logged.into_bytes())];

    if app.database.backend() == breachcheck::storage::Backend::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(app.database.pool())
            .await
            .unwrap();
        let path = app.database_url.trim_start_matches("sqlite://").to_owned();
        let mut stored = std::fs::read(&path).unwrap();
        for suffix in ["-wal", "-journal"] {
            if let Ok(more) = std::fs::read(format!("{path}{suffix}")) {
                stored.extend(more);
            }
        }
        searched.push(("the database file", stored));
    }
    for (place, bytes) in &searched {
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        // Raw and canonical forms of every contract and phone number.
        let phones = (0..=300).map(|i| format!("035555{i:04}"));
        let needles = numbers
            .iter()
            .cloned()
            .chain(phones)
            .chain(["QX1,".to_owned(), "03-5555-".to_owned()]);
        for needle in needles {
            assert!(!contains(needle.as_bytes()), "{needle} found in {place}");
        }
    }
}
