//! The audit chain on a real database: it verifies after many appends, concurrent ones
//! included, and `breachcheck audit verify` names the first altered entry.

use crate::helpers::{TEST_PEPPER, TestApp, spawn_app};
use breachcheck::audit::{self, Action, Actor, Break, NewEntry, Verification};
use breachcheck::storage::Database;
use serde_json::json;
use std::process::Command;

async fn record(app: &TestApp, action: Action, n: i64) -> i64 {
    audit::append(
        &app.database,
        NewEntry {
            actor: Actor::Staff(n),
            action,
            subject: Some(vec![n as u8; 32]),
            detail: json!({ "n": n }),
        },
    )
    .await
    .expect("append")
}

fn verify_with_cli(app: &TestApp) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_breachcheck"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app.database_url)
        .env("BREACHCHECK_PEPPER", TEST_PEPPER)
        .env("BREACHCHECK_DATA_DIR", app.scratch_dir())
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_verifies_after_a_sequence_of_actions() {
    let app = spawn_app().await;
    assert_eq!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Intact { entries: 0 }
    );
    for n in 1..=5 {
        assert_eq!(record(&app, Action::LookupHelpdesk, n).await, n);
    }
    assert_eq!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Intact { entries: 5 }
    );
    let (ok, stdout) = verify_with_cli(&app);
    assert!(ok, "{stdout}");
    assert!(stdout.contains("intact: 5 entries"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_from_two_replicas_never_fork_the_chain() {
    let app = spawn_app().await;
    // A second pool on the same database stands for a second replica.
    let replica = Database::connect(&app.database_url).await.unwrap();
    let appends = (1..=60).map(|n| {
        let db = if n % 2 == 0 {
            app.database.clone()
        } else {
            replica.clone()
        };
        tokio::spawn(async move {
            audit::append(
                &db,
                NewEntry {
                    actor: Actor::System,
                    action: Action::LookupHelpdesk,
                    subject: None,
                    detail: json!({ "n": n }),
                },
            )
            .await
        })
    });
    // Spawn them all before awaiting any, so that they really overlap.
    let appends: Vec<_> = appends.collect();
    let mut seqs: Vec<i64> = Vec::new();
    for append in appends {
        seqs.push(append.await.unwrap().unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=60).collect::<Vec<_>>());
    assert_eq!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Intact { entries: 60 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_detail_is_named_by_audit_verify() {
    let app = spawn_app().await;
    for n in 1..=4 {
        record(&app, Action::LookupHelpdesk, n).await;
    }
    sqlx::query("UPDATE audit_log SET detail = $1 WHERE seq = $2")
        .bind("{\"n\":99}")
        .bind(3_i64)
        .execute(app.database.pool())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Broken {
            seq: 3,
            reason: Break::Altered
        }
    );
    let (ok, stdout) = verify_with_cli(&app);
    assert!(!ok, "exit code 1 expected: {stdout}");
    assert!(stdout.contains("broken at entry #3"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_entry_is_detected() {
    let app = spawn_app().await;
    for n in 1..=4 {
        record(&app, Action::LookupHelpdesk, n).await;
    }
    sqlx::query("DELETE FROM audit_log WHERE seq = $1")
        .bind(2_i64)
        .execute(app.database.pool())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Broken {
            seq: 3,
            reason: Break::Gap {
                expected: 2,
                found: 3
            }
        }
    );
}

/// A change and its audit entry commit together: when the entry cannot be written, the
/// change does not happen either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_whose_audit_entry_fails_is_rolled_back() {
    use crate::helpers::{create_staff, signed_in, unix_now};
    use breachcheck::staff::Role;
    use breachcheck::storage::Backend;
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let (desk, _) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let session = signed_in(&app, "admin@example.com", &totp, unix_now()).await;

    let refuse_audit: &[&str] = match app.database.backend() {
        Backend::Sqlite => &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
    };
    for statement in refuse_audit {
        sqlx::query(statement)
            .execute(app.database.pool())
            .await
            .unwrap();
    }

    let path = format!("/staff/users/{}/disable", desk.0);
    let response = app.post_form(&path, &[], Some(&session)).await;
    assert_eq!(response.headers()["location"], "/staff/users?error=failed");
    let disabled_at: Option<i64> =
        sqlx::query_scalar("SELECT disabled_at FROM staff WHERE id = $1")
            .bind(desk.0)
            .fetch_one(app.database.pool())
            .await
            .unwrap();
    assert_eq!(disabled_at, None, "the change went with its audit entry");
}
