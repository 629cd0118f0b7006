//! Incidents, imports and the dataset lifecycle at the core level, on both back ends.

use crate::helpers::lists::{findings_for, import, importer, new_incident};
use crate::helpers::{TEST_PEPPER, spawn_app, staff_proof};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::dataset::{DatasetError, DatasetId, Status};
use breachcheck::digest::Profile;
use breachcheck::identifier::Kind;
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, ImportError, Uploader};
use breachcheck::import::row::RowReason;
use breachcheck::import::source::{SourceError, TextEncoding};
use breachcheck::staff::Role;

const LIST: &str = "契約番号,会社名,電話番号,漏えい項目\n\
AB-1234-56,株式会社テスト,03-1234-5678,電話番号\n\
ｃｄ９８７６５４,\"有限会社\n改行\",+81 6 1234 5678,\n\
AB123456,重複,03 1234 5678,メールアドレス\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_utf8_file_and_the_same_in_cp932_give_the_same_fingerprint() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;

    let with_bom = [b"\xEF\xBB\xBF".as_slice(), LIST.as_bytes()].concat();
    let (utf8, utf8_report) = import(&importer, &admin, incident, with_bom).await;
    let (cp932_bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(LIST);
    assert!(!unmappable);
    let (cp932, cp932_report) = import(&importer, &admin, incident, cp932_bytes.into()).await;

    assert_eq!(utf8_report.encoding, Some(TextEncoding::Utf8));
    assert_eq!(cp932_report.encoding, Some(TextEncoding::ShiftJis));
    assert_eq!(utf8_report.rows_read, 3);
    assert_eq!(utf8_report.accepted_rows, 3);
    assert!(utf8_report.has_phone);
    assert_eq!(utf8_report.ignored_columns, vec!["会社名".to_owned()]);
    // AB123456 twice (with the same phone): merged, categories joined.
    assert_eq!(utf8_report.identifiers[&Kind::Contract], 2);
    assert_eq!(utf8_report.identifiers[&Kind::ContractPhone], 2);
    assert_eq!(utf8_report.duplicates_merged, 2);

    let find = |id| lifecycle::find(&app.database, id);
    let (a, b) = (
        find(utf8).await.unwrap().unwrap(),
        find(cp932).await.unwrap().unwrap(),
    );
    assert_eq!(a.status, Status::Draft);
    assert_eq!(a.row_count, 4);
    assert!(a.fingerprint.is_some());
    assert_eq!(a.fingerprint, b.fingerprint, "same list, same fingerprint");
}

/// An identifier given by rows far apart (in different batches of the import) is stored
/// once, with the categories of both rows and both rows counted; the fingerprint is
/// SHA-256 over every stored digest, kind by kind, in byte order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identifier_listed_twice_far_apart_is_stored_once_and_fingerprinted() {
    use sha2::Digest as _;
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;

    // More rows than one batch holds (8,192), the repeated contract at both ends.
    let mut csv = String::from("契約番号,漏えい項目\nZZ999999,電話番号\n");
    for n in 0..9_000 {
        csv.push_str(&format!("AB{n:06},\n"));
    }
    csv.push_str("ZZ999999,メールアドレス\n");
    let (dataset, report) = import(&importer, &admin, incident, csv.into_bytes()).await;
    assert_eq!(report.accepted_rows, 9_002);
    assert_eq!(report.identifiers[&Kind::Contract], 9_001);
    assert_eq!(report.duplicates_merged, 1);

    let rows: Vec<(String, Vec<u8>, i64, i64)> = sqlx::query_as(
        "SELECT kind, digest, categories, rows_listed FROM affected WHERE dataset_id = $1",
    )
    .bind(dataset.0)
    .fetch_all(app.database.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 9_001, "each identifier once");
    let repeated: Vec<_> = rows.iter().filter(|row| row.3 > 1).collect();
    assert_eq!(repeated.len(), 1);
    // The incident's categories: contract name (bit 0), phone (1), e-mail (2).
    assert_eq!(repeated[0].2, 0b110, "both rows' categories");
    assert_eq!(repeated[0].3, 2, "both rows counted");

    let mut digests: Vec<&Vec<u8>> = rows.iter().map(|row| &row.1).collect();
    digests.sort();
    let mut expected = sha2::Sha256::new();
    expected.update(b"breachcheck-dataset-v1");
    for kind in Kind::ALL {
        expected.update(kind.as_str().as_bytes());
        expected.update([0]);
        if *kind == Kind::Contract {
            digests.iter().for_each(|digest| expected.update(digest));
        }
    }
    let stored = lifecycle::find(&app.database, dataset)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.row_count, 9_001);
    assert_eq!(
        stored.fingerprint,
        Some(hex::encode(expected.finalize())),
        "the fingerprint's definition"
    );
    assert!(rows.iter().all(|row| row.0 == Kind::Contract.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_rows_are_reported_with_their_line_numbers() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let file = "contract_number\tdomain\tcategories\n\
AB123456\t\t\n\
AB12\t\t\n\
\t\t\n\
\"CD\n987654\"\tExample.CO.JP\tphone\n\
\tco.jp\t\n\
EF123456\t\tsalary\n\
\t\t電話番号\n";
    let (dataset, report) = import(&importer, &admin, incident, file.as_bytes().to_vec()).await;
    assert!(report.tab_separated);
    assert_eq!(report.rows_read, 7);
    assert_eq!(report.blank_rows, 1);
    assert_eq!(report.accepted_rows, 2, "{report:?}");
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 7, 8, 9], "line 5-6 is one quoted row");
    use breachcheck::identifier::{ContractRejection, DomainRejection};
    assert_eq!(
        report.rejected[0].reasons,
        vec![RowReason::Contract {
            problem: ContractRejection::TooShort { min: 6 }
        }]
    );
    assert_eq!(
        report.rejected[1].reasons,
        vec![RowReason::Domain {
            problem: DomainRejection::PublicSuffix
        }]
    );
    assert_eq!(
        report.rejected[2].reasons,
        vec![RowReason::UnknownCategory {}]
    );
    assert_eq!(report.rejected[3].reasons, vec![RowReason::NoIdentifier]);
    let stored = job::report_of(&app.database, dataset).await.unwrap();
    assert_eq!(
        stored.as_ref(),
        Some(&report),
        "the report is kept with the dataset"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_neither_encoding_is_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let uploader = Uploader::admin(&admin.as_admin().unwrap());
    let bytes = b"contract_number\nAB123456\n\x82\xFF\n".to_vec();
    let refused = importer
        .start(uploader, incident, Mapping::new(), job::in_memory(bytes))
        .await;
    match refused {
        Err(ImportError::Source(SourceError::UnknownEncoding {
            utf8_offset,
            shift_jis_offset,
        })) => {
            assert_eq!(utf8_offset, 25);
            assert_eq!(shift_jis_offset, 25);
        }
        other => panic!("expected an encoding refusal, got {other:?}"),
    }
    let headerless = importer
        .start(
            uploader,
            incident,
            Mapping::new(),
            job::in_memory(b"AB123456\nCD123456\n".to_vec()),
        )
        .await;
    assert!(
        matches!(headerless, Err(ImportError::Header(_))),
        "{headerless:?}"
    );
    let datasets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM datasets")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(datasets, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_admin_approves_and_activation_makes_the_list_answer() {
    let app = spawn_app().await;
    let uploader = staff_proof(&app, "first@example.com", Role::Admin).await;
    let approver = staff_proof(&app, "second@example.com", Role::Admin).await;
    let incident = new_incident(&app, &uploader, "order-system-2025").await;
    let importer = importer(&app, Profile::ARGON2ID).await;
    let file = "契約番号\nAB123456\nCD987654\n";
    let (first, _) = import(&importer, &uploader, incident, file.as_bytes().to_vec()).await;
    let db = &app.database;
    let hits = |canonical: &'static str| findings_for(&importer, canonical);

    assert!(hits("AB123456").await.is_empty(), "a draft answers nothing");
    let (me, other) = (uploader.as_admin().unwrap(), approver.as_admin().unwrap());
    assert!(matches!(
        lifecycle::activate(&me, db, first).await,
        Err(DatasetError::WrongStatus(Status::Draft))
    ));
    assert!(matches!(
        lifecycle::approve(
            &me,
            db,
            first,
            ApprovalPolicy::default(),
            Acknowledged::Nothing
        )
        .await,
        Err(DatasetError::SameAdmin)
    ));
    lifecycle::approve(
        &other,
        db,
        first,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    assert!(
        hits("AB123456").await.is_empty(),
        "approved is not yet active"
    );
    lifecycle::activate(&me, db, first).await.unwrap();
    let found = hits("AB123456").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].dataset, first);
    assert_eq!(found[0].incident, incident);
    assert_eq!(found[0].categories, 0b111, "the incident's categories");
    assert!(hits("ZZ999999").await.is_empty());

    // A new version replaces the list in one step; rolling back restores the old one.
    let (second, _) = import(
        &importer,
        &uploader,
        incident,
        b"contract\nZZ999999\n".to_vec(),
    )
    .await;
    lifecycle::approve(
        &other,
        db,
        second,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    lifecycle::activate(&other, db, second).await.unwrap();
    assert!(hits("AB123456").await.is_empty());
    assert_eq!(hits("ZZ999999").await.len(), 1);
    let status = |id| async move { lifecycle::find(db, id).await.unwrap().unwrap().status };
    assert_eq!(status(first).await, Status::Retired);
    lifecycle::roll_back_to(&me, db, first).await.unwrap();
    assert_eq!(status(first).await, Status::Active);
    assert_eq!(status(second).await, Status::Retired);
    assert_eq!(hits("AB123456").await.len(), 1);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'dataset.%' ORDER BY seq",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "dataset.import_started",
            "dataset.imported",
            "dataset.approved",
            "dataset.activated",
            "dataset.import_started",
            "dataset.imported",
            "dataset.approved",
            "dataset.activated",
            "dataset.rolled_back",
        ]
    );
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'dataset.approved' ORDER BY seq LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(
        detail.contains("\"rows\":2") && detail.contains("fingerprint"),
        "{detail}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_person_approval_is_a_deliberate_setting() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "only@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let (dataset, _) = import(
        &importer,
        &admin,
        incident,
        b"contract\nAB123456\n".to_vec(),
    )
    .await;
    let me = admin.as_admin().unwrap();
    let one_person = ApprovalPolicy { two_person: false };
    lifecycle::approve(
        &me,
        &app.database,
        dataset,
        one_person,
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    lifecycle::activate(&me, &app.database, dataset)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_contract_number_of_the_file_is_stored_in_the_database() {
    let app = spawn_app().await;
    if app.database.backend() != breachcheck::storage::Backend::Sqlite {
        return; // the file-level search needs the SQLite file; PostgreSQL is covered by SQL
    }
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let numbers: Vec<String> = (0..200)
        .map(|i| format!("QX{:06}", 314_159 + i * 7))
        .collect();
    let mut file = String::from("契約番号,電話番号\n");
    for (i, number) in numbers.iter().enumerate() {
        file.push_str(&format!("{number},03-5555-{:04}\n", i));
    }
    let (_, report) = import(&importer, &admin, incident, file.into_bytes()).await;
    assert_eq!(report.accepted_rows, 200);
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
    let contains = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    for number in &numbers {
        assert!(
            !contains(number.as_bytes()),
            "{number} found in the database file"
        );
    }
    for i in 0..200 {
        let phone = format!("035555{i:04}");
        assert!(!contains(phone.as_bytes()), "no phone number either");
    }
    assert!(
        contains(b"dataset.imported"),
        "the search does read the file"
    );
}

/// A job that goes quiet for longer than replicas wait (a file that reads slowly, a long
/// final sort) still beats, so a sweeper that fails silent jobs leaves it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_import_keeps_beating_and_is_not_taken_for_dead() {
    use std::io::Read;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Sleeps before its first read.
    struct Slow(std::io::Cursor<Vec<u8>>, bool);
    impl Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.1 {
                self.1 = true;
                std::thread::sleep(Duration::from_millis(2_500));
            }
            self.0.read(buf)
        }
    }

    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let bytes = b"contract_number\nAB123456\nCD654321\n".to_vec();
    // The encoding and header are checked before the job exists (three reads, fast);
    // the job's own two passes (validating, hashing) each wait 2.5 s for the file.
    let opened = Arc::new(AtomicUsize::new(0));
    let open: job::Opener = Arc::new(move || {
        let slow = opened.fetch_add(1, Ordering::SeqCst) >= 3;
        Ok(Box::new(Slow(std::io::Cursor::new(bytes.clone()), !slow)) as Box<dyn Read + Send>)
    });
    let sweeper = {
        let db = app.database.clone();
        tokio::spawn(async move {
            loop {
                job::fail_stale(&db, Duration::from_millis(1_800))
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let uploader = Uploader::admin(&admin.as_admin().unwrap());
    let (started, outcome) = importer
        .run(uploader, incident, Mapping::new(), open)
        .await
        .unwrap();
    sweeper.abort();
    let report = outcome.expect("the job was not taken for dead");
    assert_eq!(report.accepted_rows, 2);
    let progress = job::progress_of(&app.database, started.job)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(progress.status, breachcheck::import::JobStatus::Done);
}

/// The real binary imports with argon2 and is killed mid-job; the next start fails the job
/// and removes whatever digests it stored, and the list that was active stays active.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_import_leaves_no_half_imported_list() {
    use std::time::{Duration, Instant};
    let app = spawn_app().await;
    let admin = staff_proof(&app, "first@example.com", Role::Admin).await;
    let second = staff_proof(&app, "second@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let (active, _) = import(
        &importer,
        &admin,
        incident,
        b"contract\nAB123456\n".to_vec(),
    )
    .await;
    lifecycle::approve(
        &second.as_admin().unwrap(),
        &app.database,
        active,
        Default::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    lifecycle::activate(&second.as_admin().unwrap(), &app.database, active)
        .await
        .unwrap();

    let file = app.scratch_dir().join("large.csv");
    let mut rows = String::from("contract_number\n");
    for i in 0..2000 {
        rows.push_str(&format!("KL{:06}\n", i));
    }
    std::fs::write(&file, rows).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_breachcheck"))
        .args(["import", "--incident", "order-system-2025", "--file"])
        .arg(&file)
        .env("DATABASE_URL", &app.database_url)
        .env("BREACHCHECK_PEPPER", TEST_PEPPER)
        .env("BREACHCHECK_DATA_DIR", app.scratch_dir())
        .env("BREACHCHECK_HASH_PROFILE", "argon2id")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let running = loop {
        let job: Option<(i64, i64)> = sqlx::query_as(
            "SELECT dataset_id, done_rows FROM import_jobs WHERE status = 'running'",
        )
        .fetch_optional(app.database.pool())
        .await
        .unwrap();
        match job {
            Some((dataset, done)) if done > 0 => break DatasetId(dataset),
            _ if Instant::now() > deadline => panic!("the import never made progress"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM affected WHERE dataset_id = $1")
        .bind(running.0)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(
        stored, 0,
        "digests wait in the job's own staging table until every row is hashed"
    );
    // A process that dies later, while appending the sorted digests, leaves some in
    // `affected`: as if it had.
    sqlx::query(
        "INSERT INTO affected (dataset_id, kind, digest, categories, rows_listed) \
         VALUES ($1, 'contract', $2, 1, 1)",
    )
    .bind(running.0)
    .bind(vec![7u8; 32])
    .execute(app.database.pool())
    .await
    .unwrap();

    // Restart: a new server on the same database, which takes a silent job for dead.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut settings = crate::helpers::test_settings();
    settings.database_url = Some(app.database_url.clone().into());
    settings.data_dir = Some(app.scratch_dir().join("restart"));
    settings.import_stale_secs = Some(1);
    let config = server::Config::from_settings(settings).unwrap();
    let restarted = server::Application::build(config).await.unwrap();
    drop(restarted);

    let status: String = sqlx::query_scalar("SELECT status FROM import_jobs WHERE dataset_id = $1")
        .bind(running.0)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(status, "failed");
    let half = lifecycle::find(&app.database, running)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(half.status, Status::Failed);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM affected WHERE dataset_id = $1")
        .bind(running.0)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "its digests are gone");
    let untouched = lifecycle::find(&app.database, active)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.status, Status::Active);
    let hits = findings_for(&importer, "AB123456").await;
    assert_eq!(hits.len(), 1, "the active list still answers");
}

/// A column mapped to the wrong meaning must not copy customers into the stored report,
/// whether the cell looks like data or like a name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_category_cell_that_looks_like_data_is_not_kept_in_the_report() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system-2025").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let file = "domain,categories\nexample.co.jp,taro@example.co.jp\nexample.com,山田花子\n";
    let (dataset, report) = import(&importer, &admin, incident, file.into()).await;
    assert_eq!(
        report.rejected[0].reasons,
        vec![RowReason::UnknownCategory {}]
    );
    assert_eq!(
        report.rejected[1].reasons,
        vec![RowReason::UnknownCategory {}]
    );
    let stored: String = sqlx::query_scalar("SELECT report FROM datasets WHERE id = $1")
        .bind(dataset.0)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert!(!stored.contains("taro"), "{stored}");
    assert!(!stored.contains("山田"), "{stored}");
}
