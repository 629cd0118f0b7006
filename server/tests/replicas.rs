//! The multi-replica promise, kept: two server processes on one PostgreSQL database behind
//! Debian's nginx, brought up by `scripts/cluster.sh` as an operator would, share what one
//! replica alone would hold. Limits add up across replicas, a staff session made on one works
//! on the other, a notice published reaches both within the refresh interval, a proof of
//! work is spent once wherever it is redeemed, a domain challenge started on one is proven on
//! the other, and an import whose replica is killed is failed and cleaned up by the other.
//!
//! A test binary of its own, run against PostgreSQL only (`make integration-test-postgres`):
//! replicas on SQLite are not a deployment the project offers.

#[allow(dead_code)]
#[path = "api/helpers/mod.rs"]
mod helpers;

use crate::helpers::check::{check, proof_fields, solved_challenge, with_proof};
use crate::helpers::dns::TestDns;
use crate::helpers::lists::new_incident;
use crate::helpers::pages::{finished, location, upload};
use crate::helpers::{
    TEST_PEPPER, TestApp, create_staff, signed_in, spawn_app, staff_proof, unix_now,
};
use breachcheck::staff::Role;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How often a replica reads the published notices again.
const NOTICE_REFRESH_MS: u64 = 300;

/// A cluster brought up by the script, taken down again when dropped (a failed assertion
/// included).
struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn script(dir: &Path, port: u16, action: &str) -> Command {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut command = Command::new(root.join("scripts/cluster.sh"));
        command.arg(action);
        for (name, _) in std::env::vars() {
            if name.starts_with("BREACHCHECK_") || name == "DATABASE_URL" {
                command.env_remove(name);
            }
        }
        command
            .env("CLUSTER_DIR", dir)
            .env("CLUSTER_PORT", port.to_string())
            .env("RUST_LOG", "warn");
        command
    }

    /// Two replicas of the test build on `app`'s database, and the proxy.
    fn up(app: &TestApp, dns: &TestDns) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_ports();
        let site: PathBuf = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let output = Self::script(dir.path(), port, "up")
            .env("BREACHCHECK_BINARY", env!("CARGO_BIN_EXE_breachcheck"))
            .env("DATABASE_URL", &app.database_url)
            .env("BREACHCHECK_PEPPER", TEST_PEPPER)
            .env("BREACHCHECK_SITE_ROOT", &site)
            .env(
                "BREACHCHECK_NOTICE_REFRESH_MS",
                NOTICE_REFRESH_MS.to_string(),
            )
            .env("BREACHCHECK_LOOKUP_LIMIT_ADDRESS", "3/10m")
            .env("BREACHCHECK_LOOKUP_LIMIT_NOSCRIPT", "100/10m")
            .env("BREACHCHECK_LOOKUP_LIMIT_IDENTIFIER", "100/1d")
            .env("BREACHCHECK_DNS_RESOLVER", dns.address.to_string())
            // A killed replica's import is failed by the other within seconds.
            .env("BREACHCHECK_IMPORT_STALE_SECS", "2")
            .output()
            .expect("scripts/cluster.sh runs");
        let cluster = Self { dir, port };
        assert!(
            output.status.success(),
            "the cluster came up: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        cluster
    }

    fn proxy(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn replica(&self, n: u16) -> String {
        format!("http://127.0.0.1:{}", self.port + n)
    }

    /// Ends replica `n` as a crash would: no chance to finish or clean anything up.
    fn kill(&self, n: u16) {
        let pid = std::fs::read_to_string(self.dir.path().join(format!("replica-{n}.pid")))
            .expect("the replica's process id");
        let status = Command::new("kill")
            .args(["-KILL", pid.trim()])
            .status()
            .unwrap();
        assert!(status.success(), "replica {n} killed");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Self::script(self.dir.path(), self.port, "down").output();
    }
}

/// Three free ports in a row: the proxy's and the two replicas'.
fn free_ports() -> u16 {
    for _ in 0..100 {
        let first = helpers::process::free_port();
        let all_free = (1..3).all(|n| {
            first
                .checked_add(n)
                .is_some_and(|port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
        });
        if all_free {
            return first;
        }
    }
    panic!("no three free ports in a row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_behind_nginx_share_limits_sessions_notices_and_proofs() {
    let app = spawn_app().await;
    assert!(
        app.database_url.starts_with("postgres"),
        "replicas share a PostgreSQL database: run with BREACHCHECK_TEST_DATABASE=postgres"
    );
    let (_, totp) = create_staff(&app, "lead@example.com", Role::Admin).await;
    let dns = TestDns::start("co.jp").await;
    let cluster = Cluster::up(&app, &dns);
    let one = app.other_server(cluster.replica(1));
    let two = app.other_server(cluster.replica(2));
    let proxy = app.other_server(cluster.proxy());

    // Limits add up: three lookups from one client, spread over both replicas, use up a
    // limit of three; the fourth is refused by either.
    let client = Some("198.51.100.7");
    for (server, n) in [(&one, 1), (&two, 2), (&one, 3)] {
        let answer = check(server, &[("contract", &format!("AB10000{n}"))], client).await;
        assert_eq!(answer.status, StatusCode::OK, "lookup {n}");
    }
    let refused = check(&two, &[("contract", "AB100004")], client).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // Through the proxy, the client is the proxy's peer (nginx says so, the replicas trust
    // it): its own limit, whichever replica answers.
    for n in 5..8 {
        let answer = check(&proxy, &[("contract", &format!("AB10000{n}"))], None).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "lookup {n} through the proxy"
        );
    }
    let refused = check(&proxy, &[("contract", "AB100008")], None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);

    // A session made on one replica is a session on the other.
    let session = signed_in(&one, "lead@example.com", &totp, unix_now()).await;
    let home = two.get_with("/staff", "cookie", &session).await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(
        home.text().await.unwrap().contains("Name of lead"),
        "signed in on the other replica"
    );

    // A notice saved, then published on one replica, is served by both within the
    // refresh interval.
    let admin = staff_proof(&app, "editor@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "replicated").await;
    let notice = breachcheck::notice::NoticeContent {
        text: breachcheck::locale::Localized::new(
            breachcheck::notice::NoticeText {
                title: "複製の確認".into(),
                body: "本文".into(),
                ..Default::default()
            },
            breachcheck::notice::NoticeText {
                title: "Seen by every replica".into(),
                body: "Body".into(),
                ..Default::default()
            },
        ),
        ..Default::default()
    };
    breachcheck::notice::store::save(&admin.as_admin().unwrap(), &app.database, incident, &notice)
        .await
        .unwrap();
    let publishing = one
        .post_form(
            "/staff/incidents/replicated/notice/publish",
            &[("revision", "1"), ("confirmed", "yes")],
            Some(&session),
        )
        .await;
    assert_eq!(publishing.status(), StatusCode::SEE_OTHER);
    let published = Instant::now();
    for server in [&one, &two] {
        loop {
            let page = server
                .get_with("/incidents/replicated", "cookie", "breachcheck_lang=en")
                .await;
            if page.status() == StatusCode::OK
                && page.text().await.unwrap().contains("Seen by every replica")
            {
                break;
            }
            assert!(
                published.elapsed() < Duration::from_millis(3 * NOTICE_REFRESH_MS + 1000),
                "{} serves the notice within the refresh interval",
                server.address
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // A proof of work redeemed on one replica is spent on the other too.
    let solution = solved_challenge(&one).await;
    let fields = proof_fields(&solution);
    let other = Some("198.51.100.9");
    let first = check(
        &one,
        &with_proof(&[("contract", "CD100001")], &fields),
        other,
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let replayed = check(
        &two,
        &with_proof(&[("contract", "CD100002")], &fields),
        other,
    )
    .await;
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST, "spent once");
    assert!(replayed.body.contains("The check expired"));
    assert!(replayed.outcome().is_none());

    // A domain challenge started on one replica is proven on the other.
    let started = one
        .post_form(
            "/check/domain",
            &[("domain", "example.co.jp")],
            Some("breachcheck_lang=en"),
        )
        .await;
    let token = location(&started)
        .strip_prefix("/check/domain/c/")
        .expect("to the challenge")
        .to_owned();
    dns.add_txt(
        "_breachcheck-challenge.example.co.jp",
        &format!("breachcheck-verification={token}"),
    )
    .await;
    let proven = two
        .post_form(
            &format!("/check/domain/c/{token}/dns"),
            &[],
            Some("breachcheck_lang=en"),
        )
        .await;
    assert_eq!(location(&proven), "/check/domain/result");

    // An import runs on the replica it was uploaded to; killed there, it is failed by the
    // other, and nothing of it is left.
    let rows: String = (0..3000).map(|n| format!("ZZ{n:06}\n")).collect();
    let incident_field = incident.0.to_string();
    let started = upload(
        &one,
        &session,
        &[("incident", incident_field.as_str())],
        format!("contract_number\n{rows}").as_bytes(),
    )
    .await;
    let job = location(&started)
        .rsplit('/')
        .next()
        .expect("the job's number")
        .to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let job_id: i64 = job.parse().unwrap();
    let running: String = sqlx::query_scalar("SELECT status FROM import_jobs WHERE id = $1")
        .bind(job_id)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(running, "running", "killed in the middle of the import");
    cluster.kill(1);
    let progress = finished(&two, &session, &job).await;
    assert_eq!(progress.status, breachcheck::import::JobStatus::Failed);
    let digests: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM affected a JOIN import_jobs j ON j.dataset_id = a.dataset_id \
         WHERE j.id = $1",
    )
    .bind(job_id)
    .fetch_one(app.database.pool())
    .await
    .unwrap();
    assert_eq!(digests, 0, "nothing of the interrupted import is left");
}
