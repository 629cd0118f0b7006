use crate::helpers::spawn_app;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_the_process_lives() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    // Liveness does not depend on the database.
    app.database.close().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_ok_with_a_migrated_database() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.database.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("database unreachable")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_when_migrations_are_not_current() {
    let app = spawn_app().await;
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(app.database.pool())
        .await
        .unwrap();
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("migrations pending")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_migration_creates_settings_and_audit_log() {
    let app = spawn_app().await;
    let pool = app.database.pool();
    sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
        .bind("probe")
        .bind("1")
        .bind(1_i64)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject_digest, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(1_i64)
    .bind(2_i64)
    .bind("system")
    .bind("probe")
    .bind(vec![1_u8, 2, 3])
    .bind("{}")
    .bind(vec![0_u8; 32])
    .bind(vec![9_u8; 32])
    .execute(pool)
    .await
    .unwrap();
    let digest: Vec<u8> = sqlx::query_scalar("SELECT subject_digest FROM audit_log WHERE seq = $1")
        .bind(1_i64)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(digest, vec![1, 2, 3]);
    // The chain cannot fork: a second entry with the same sequence number is refused.
    let duplicate = sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(1_i64)
    .bind(3_i64)
    .bind("system")
    .bind("probe")
    .bind("{}")
    .bind(vec![0_u8; 32])
    .bind(vec![8_u8; 32])
    .execute(pool)
    .await;
    assert!(duplicate.is_err());
}

/// Building an application lists the app's pages, which suppresses resource loading in the
/// whole process while it runs (a Leptos global); a page whose resource first polled in
/// that window used to wait until the request timeout. The listing now happens once per
/// process, before anything serves: pages keep answering while other applications build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_keep_answering_while_other_applications_are_built() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let url = app.url("/check");
    let asking = tokio::spawn(async move {
        let mut answered = 0;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
        while std::time::Instant::now() < deadline {
            let response = client.get(&url).send().await.expect("answered in time");
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            answered += 1;
        }
        answered
    });
    // Each is dropped once built (its database with it): building is the moment that counts,
    // and a PostgreSQL server has connections for only so many applications at once.
    let mut built = 0;
    while !asking.is_finished() && built < 20 {
        drop(spawn_app().await);
        built += 1;
    }
    let answered = asking.await.unwrap();
    assert!(
        answered > 10,
        "{answered} pages while {built} apps were built"
    );
}
