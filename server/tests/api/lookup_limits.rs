//! The defences of the public check at the core level, on both back ends: rate limits
//! counted in the database, and proof-of-work challenges that expire and cannot be replayed.

use crate::helpers::{TEST_PEPPER, spawn_app};
use breachcheck::check::limit::{self, RateLimit, Scope, Verdict};
use breachcheck::check::pow::{self, PowError, PowKeys, PowRejection};
use breachcheck::pepper::Pepper;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eleventh_request_in_a_window_is_limited_and_others_are_not() {
    let app = spawn_app().await;
    let limit = RateLimit {
        max: 10,
        window: Duration::from_secs(600),
    };
    for i in 1..=10 {
        let verdict = limit::consume(&app.database, Scope::Address, "198.51.100.7", limit)
            .await
            .unwrap();
        assert_eq!(verdict, Verdict::Allowed, "request {i}");
    }
    match limit::consume(&app.database, Scope::Address, "198.51.100.7", limit)
        .await
        .unwrap()
    {
        Verdict::Limited { retry_after } => {
            assert!(retry_after >= Duration::from_secs(1) && retry_after <= limit.window);
        }
        Verdict::Allowed => panic!("the 11th request was allowed"),
    }
    let other_address = limit::consume(&app.database, Scope::Address, "198.51.100.8", limit)
        .await
        .unwrap();
    assert_eq!(other_address, Verdict::Allowed);
    let other_scope = limit::consume(&app.database, Scope::Identifier, "198.51.100.7", limit)
        .await
        .unwrap();
    assert_eq!(other_scope, Verdict::Allowed);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_hits")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(
        rows, 12,
        "one row per request let through; the refused one wrote nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_window_edge_lets_more_than_the_limit_through() {
    let app = spawn_app().await;
    let limit = RateLimit {
        max: 3,
        window: Duration::from_secs(600),
    };
    let at = |offset_ms: i64| 1_800_000_000_000 + offset_ms;
    let consume = |now: i64| {
        let db = app.database.clone();
        async move {
            limit::consume_at(&db, Scope::Identifier, "edge", limit, now)
                .await
                .unwrap()
        }
    };
    // Three requests in the last second of what a fixed 10-minute window would have been
    // (1_800_000_000_000 is a multiple of 600,000 ms), then three in the first seconds of
    // the next one: only the first three are let through.
    for second in [-3, -2, -1] {
        assert_eq!(consume(at(second * 1000)).await, Verdict::Allowed);
    }
    for second in [1, 5, 9] {
        match consume(at(second * 1000)).await {
            Verdict::Limited { retry_after } => {
                // Room again when the first of the three leaves the window.
                let expected =
                    Duration::from_millis(u64::try_from(600_000 - 3_000 - second * 1000).unwrap());
                assert_eq!(retry_after, expected, "at +{second} s");
            }
            Verdict::Allowed => panic!("a fourth request within ten minutes, at +{second} s"),
        }
    }
    // Exactly when the first leaves the window, one more; not two.
    assert_eq!(consume(at(597_000)).await, Verdict::Allowed);
    assert!(matches!(
        consume(at(597_500)).await,
        Verdict::Limited { .. }
    ));
    assert_eq!(consume(at(598_000)).await, Verdict::Allowed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_never_share_the_last_place() {
    let app = spawn_app().await;
    let limit = RateLimit {
        max: 5,
        window: Duration::from_secs(600),
    };
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let db = app.database.clone();
            tokio::spawn(async move {
                limit::consume(&db, Scope::Global, "together", limit)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        if task.await.unwrap() == Verdict::Allowed {
            allowed += 1;
        }
    }
    assert_eq!(
        allowed, 5,
        "exactly the limit, however the requests interleave"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_of_work_is_spent_once_and_expires() {
    let app = spawn_app().await;
    let keys = PowKeys::new(&Pepper::parse(TEST_PEPPER.as_bytes().to_vec()).unwrap());
    let challenge = keys.issue(2_000, Duration::from_secs(60));
    let solution = pow::solve(&challenge).unwrap();
    keys.redeem(&app.database, &solution).await.unwrap();
    let replayed = keys.redeem(&app.database, &solution).await;
    assert!(matches!(
        replayed,
        Err(PowError::Rejected(PowRejection::Replayed))
    ));

    let fresh = pow::solve(&keys.issue(2_000, Duration::from_secs(60))).unwrap();
    let wrong = pow::Solution {
        number: fresh.number + 1,
        ..fresh.clone()
    };
    let refused = keys.redeem(&app.database, &wrong).await;
    assert!(matches!(
        refused,
        Err(PowError::Rejected(PowRejection::Wrong))
    ));
    let other_server = PowKeys::new(&Pepper::parse(vec![9; 32]).unwrap());
    let forged = other_server.redeem(&app.database, &fresh).await;
    assert!(matches!(
        forged,
        Err(PowError::Rejected(PowRejection::BadSignature))
    ));
    keys.redeem(&app.database, &fresh).await.unwrap();

    let short = pow::solve(&keys.issue(2_000, Duration::ZERO)).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = keys.redeem(&app.database, &short).await;
    assert!(matches!(
        expired,
        Err(PowError::Rejected(PowRejection::Expired))
    ));
    assert_eq!(
        pow::sweep(&app.database).await.unwrap(),
        0,
        "nothing spent has expired yet"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_refused_by_one_limit_is_counted_in_none() {
    let app = spawn_app().await;
    let roomy = RateLimit {
        max: 10,
        window: Duration::from_secs(600),
    };
    let tight = RateLimit {
        max: 1,
        window: Duration::from_secs(600),
    };
    let both = [
        (Scope::Address, "198.51.100.9", roomy),
        (Scope::Global, limit::GLOBAL_SUBJECT, tight),
    ];
    assert_eq!(
        limit::consume_all(&app.database, &both).await.unwrap(),
        Verdict::Allowed
    );
    for _ in 0..3 {
        assert!(matches!(
            limit::consume_all(&app.database, &both).await.unwrap(),
            Verdict::Limited { .. }
        ));
    }
    let address_hits = limit::hits(
        &app.database,
        Scope::Address,
        "198.51.100.9",
        Duration::from_secs(600),
    )
    .await
    .unwrap();
    assert_eq!(
        address_hits, 1,
        "the refused requests spent nothing of the address's limit"
    );
}

/// Migration 0014 numbers each subject's hits: the hits counted before it still count
/// after it, and the next is numbered after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hits_counted_before_the_numbering_still_count() {
    use breachcheck::storage::Backend;
    let app = spawn_app().await;
    let pool = app.database.pool();
    // Back to the table as migration 0010 left it, with three hits of one subject.
    sqlx::raw_sql(
        "DROP TABLE rate_hits; \
         CREATE TABLE rate_hits (scope TEXT NOT NULL, subject TEXT NOT NULL, \
         at BIGINT NOT NULL, expires_at BIGINT NOT NULL); \
         CREATE INDEX rate_hits_subject ON rate_hits (scope, subject, at); \
         CREATE INDEX rate_hits_expiry ON rate_hits (expires_at)",
    )
    .execute(pool)
    .await
    .unwrap();
    let now = 1_800_000_000_000_i64;
    for (subject, at) in [
        ("kept", now - 3_000),
        ("kept", now - 1_000),
        ("kept", now - 2_000),
    ] {
        sqlx::query(
            "INSERT INTO rate_hits (scope, subject, at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind("identifier")
        .bind(subject)
        .bind(at)
        .bind(at + 600_000)
        .execute(pool)
        .await
        .unwrap();
    }
    let migration = match app.database.backend() {
        Backend::Sqlite => include_str!("../../../migrations/sqlite/0014_numbered_limits.sql"),
        Backend::Postgres => include_str!("../../../migrations/postgres/0014_numbered_limits.sql"),
    };
    sqlx::raw_sql(migration).execute(pool).await.unwrap();

    let numbered: Vec<(i64, i64)> =
        sqlx::query_as("SELECT seq, at FROM rate_hits WHERE subject = 'kept' ORDER BY seq")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(
        numbered,
        vec![(1, now - 3_000), (2, now - 2_000), (3, now - 1_000)],
        "numbered oldest first"
    );
    let three = RateLimit {
        max: 3,
        window: Duration::from_secs(600),
    };
    let four = RateLimit { max: 4, ..three };
    assert!(
        matches!(
            limit::consume_at(&app.database, Scope::Identifier, "kept", three, now)
                .await
                .unwrap(),
            Verdict::Limited { .. }
        ),
        "the three hits from before the numbering use up a limit of three"
    );
    assert_eq!(
        limit::consume_at(&app.database, Scope::Identifier, "kept", four, now)
            .await
            .unwrap(),
        Verdict::Allowed
    );
    let newest: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM rate_hits WHERE subject = 'kept'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(newest, 4);
}
