//! Lists that lose no customer (issue 14, "Lists that lose no customer"), on both back
//! ends: a phone column keeps the rows without a phone, line numbers are the file's own
//! whatever its line endings, and no cell's content is kept or echoed.

use crate::helpers::lists::{import, importer, new_incident};
use crate::helpers::pages::page;
use crate::helpers::{
    TestApp, create_staff, signed_in, spawn_app, spawn_app_with, staff_proof, unix_now,
};
use breachcheck::dataset::Status;
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::digest::Profile;
use breachcheck::identifier::Kind;
use breachcheck::import::report::RowReason;
use breachcheck::staff::Role;
use reqwest::StatusCode;

/// An admin's session cookie, for the pages and the CSV download.
async fn admin_cookie(app: &TestApp, email: &str) -> String {
    let (_, totp) = create_staff(app, email, Role::Admin).await;
    signed_in(app, email, &totp, unix_now()).await
}

/// Half the customers of this list have no registered phone.
const HALF_WITHOUT_PHONE: &str = "契約番号,電話番号,ドメイン\n\
AA100001,03-1111-0001,\n\
AA100002,,alpha.example.co.jp\n\
AA100003,03-1111-0003,\n\
AA100004,,\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_list_keeps_the_customers_who_have_no_phone() {
    let app = spawn_app_with(crate::helpers::check::generous).await;
    let uploader = staff_proof(&app, "up@example.com", Role::Admin).await;
    let approver = staff_proof(&app, "ok@example.com", Role::Admin).await;
    let incident = new_incident(&app, &uploader, "order-system").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let (dataset, report) = import(
        &importer,
        &uploader,
        incident,
        HALF_WITHOUT_PHONE.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(report.rejected_rows, 0, "{report:?}");
    assert_eq!(report.accepted_rows, 4);
    assert_eq!(report.customers(), 4);
    assert_eq!(report.accepted_without_phone, 2);
    assert_eq!(report.identifiers[&Kind::Contract], 4);
    assert_eq!(report.identifiers[&Kind::ContractPhone], 2);
    assert_eq!(report.identifiers[&Kind::Domain], 1);
    // Nothing was rejected: approving needs no acknowledgement.
    lifecycle::approve(
        &approver.as_admin().unwrap(),
        &app.database,
        dataset,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    lifecycle::activate(&approver.as_admin().unwrap(), &app.database, dataset)
        .await
        .unwrap();

    // The helpdesk finds every customer, with or without a phone.
    let (_, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let desk = format!(
        "{}; breachcheck_lang=en",
        signed_in(&app, "desk@example.com", &totp, unix_now()).await
    );
    for number in ["AA100001", "AA100002", "AA100003", "AA100004"] {
        let answer = app
            .post_form(
                "/staff/lookup",
                &[("ticket", "INC-1"), ("contract", number)],
                Some(&desk),
            )
            .await;
        assert_eq!(answer.status(), StatusCode::OK);
        let body = answer.text().await.unwrap();
        assert!(body.contains(r#"data-outcome="affected""#), "{number}");
    }
    // The domain of a row without a phone answers the domain lookup.
    let domain = app
        .post_form(
            "/staff/lookup",
            &[("ticket", "INC-2"), ("domain", "www.alpha.example.co.jp")],
            Some(&desk),
        )
        .await;
    let domain = domain.text().await.unwrap();
    assert!(domain.contains(r#"data-outcome="affected""#));
    // The list has phones: the answer must not say it has none.
    assert!(
        domain.contains(r#"data-factor="NotApplicable""#),
        "{domain}"
    );
    assert!(!domain.contains("carries no phone numbers"));

    // The public check cannot confirm a customer without a phone: it answers with the page
    // a stranger gets, whose words are true for both.
    let listed = crate::helpers::check::check(
        &app,
        &[("contract", "AA100002"), ("phone", "03-1111-0002")],
        None,
    )
    .await;
    let stranger = crate::helpers::check::check(
        &app,
        &[("contract", "ZZ999999"), ("phone", "03-1111-0002")],
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.outcome(), Some("not-affected"));
    assert_eq!(listed.normalised(), stranger.normalised());
    for said in [
        "Not found with the details entered",
        "No entry matching the details entered was found in the list for",
        "a customer whose phone number the list does not have, cannot be confirmed online",
        "If you believe you are affected, contact the helpdesk and quote the reference code",
        "0120-111-222",
    ] {
        assert!(listed.body.contains(said), "{said}");
    }
    assert!(!listed.body.contains("not in the list"));
    let confirmed = crate::helpers::check::check(
        &app,
        &[("contract", "AA100001"), ("phone", "03-1111-0001")],
        None,
    )
    .await;
    assert_eq!(confirmed.outcome(), Some("affected"));

    // The approver sees what the list is made of.
    let cookie = admin_cookie(&app, "reader@example.com").await;
    let (_, shown) = page(&app, &cookie, &format!("/staff/datasets/{}", dataset.0)).await;
    assert!(
        shown.contains(r#"data-figure="without-phone">2<"#),
        "{shown}"
    );
    assert!(shown.contains("Customers (rows accepted)"));
}

/// The same list with each line ending; the rejected rows are on lines 3, 5 and 8 (line 4
/// is blank, lines 6-7 are one row whose quoted cell spans them).
fn list_with_endings(ending: &str, bom: bool) -> Vec<u8> {
    let text = [
        "contract_number,categories",
        "AB123456,",
        "X1,",
        "",
        "Z3,",
        "CD987654,\"電話番号",
        "メールアドレス\"",
        "Y2,",
        "EF123456,",
    ]
    .join(ending)
        + ending;
    let mut bytes = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_numbers_are_the_files_own_whatever_its_line_endings() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let cookie = admin_cookie(&app, "reader@example.com").await;
    for (name, ending, bom) in [
        ("LF", "\n", false),
        ("CRLF", "\r\n", false),
        ("CR", "\r", false),
        ("BOM + CRLF", "\r\n", true),
        ("BOM + CR", "\r", true),
    ] {
        let (dataset, report) =
            import(&importer, &admin, incident, list_with_endings(ending, bom)).await;
        let lines: Vec<u64> = report.rejected.iter().map(|row| row.line).collect();
        assert_eq!(lines, vec![3, 5, 8], "{name}");
        assert_eq!(report.accepted_rows, 3, "{name}");
        // The page and the download say the same lines.
        let (_, shown) = page(&app, &cookie, &format!("/staff/datasets/{}", dataset.0)).await;
        for line in [3, 5, 8] {
            assert!(
                shown.contains(&format!("<td>{line}</td>")),
                "{name}: {line}"
            );
        }
        let (status, csv) = page(
            &app,
            &cookie,
            &format!("/staff/datasets/{}/rejected.csv", dataset.0),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let csv_lines: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter_map(|row| row.split(',').next())
            .collect();
        assert_eq!(csv_lines, vec!["\"3\"", "\"5\"", "\"8\""], "{name}: {csv}");
    }
}

/// A categories column that holds something else (a name typed into the wrong column)
/// is reported by column and line only: the database, the page and the CSV never hold it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_cell_of_the_file_is_kept_or_echoed() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let file = "契約番号,漏えい項目,taro@example.com\n\
                AA100001,山田花子,x\n\
                AA100002,Yamada Hanako,x\n\
                AA100003,\"電話番号\nメールアドレス\",x\n";
    let (dataset, report) = import(&importer, &admin, incident, file.into()).await;
    assert_eq!(report.accepted_rows, 1, "labels on two lines of one cell");
    assert_eq!(report.rejected_rows, 2);
    for row in &report.rejected {
        assert_eq!(row.reasons, vec![RowReason::UnknownCategory {}]);
    }
    assert_eq!(report.rejected[0].line, 2);
    assert_eq!(report.rejected[1].line, 3);
    assert_eq!(
        report.ignored_columns,
        vec!["#3".to_owned()],
        "a header that looks like data is named by its place"
    );
    let secrets = ["山田花子", "Yamada Hanako", "taro@example.com"];

    let cookie = admin_cookie(&app, "reader@example.com").await;
    let (_, shown) = page(&app, &cookie, &format!("/staff/datasets/{}", dataset.0)).await;
    let (_, csv) = page(
        &app,
        &cookie,
        &format!("/staff/datasets/{}/rejected.csv", dataset.0),
    )
    .await;
    assert!(csv.contains("\"2\",\"Exposed data\""), "{csv}");
    let stored: String = sqlx::query_scalar("SELECT report FROM datasets WHERE id = $1")
        .bind(dataset.0)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret} on the page");
        assert!(!csv.contains(secret), "{secret} in the CSV");
        assert!(!stored.contains(secret), "{secret} in the stored report");
    }
    // A report stored by an earlier version named the unknown category; the next start
    // rewrites it without.
    let old = stored.replace(
        r#"{"reason":"unknown_category"}"#,
        r#"{"reason":"unknown_category","name":"山田花子"}"#,
    );
    assert_ne!(old, stored);
    sqlx::query("UPDATE datasets SET report = $1 WHERE id = $2")
        .bind(&old)
        .bind(dataset.0)
        .execute(app.database.pool())
        .await
        .unwrap();
    let mut settings = crate::helpers::test_settings();
    settings.database_url = Some(app.database_url.clone().into());
    settings.data_dir = Some(app.scratch_dir().join("restart"));
    let restarted = server::Application::build(server::Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    drop(restarted);
    let rewritten: String = sqlx::query_scalar("SELECT report FROM datasets WHERE id = $1")
        .bind(dataset.0)
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert!(!rewritten.contains("山田花子"), "{rewritten}");
    assert!(rewritten.contains("unknown_category"));
    if let Some(file) = app.sqlite_bytes().await {
        for secret in secrets {
            let needle = secret.as_bytes();
            assert!(
                !file.windows(needle.len()).any(|w| w == needle),
                "{secret} in the database file"
            );
        }
        assert!(
            file.windows(16).any(|w| w == b"dataset.imported"),
            "the search does read the file"
        );
    }
}

/// A list that lost rows asks its approver to say so; the report names the commonest
/// reasons and their share.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_a_list_with_rejected_rows_needs_an_acknowledgement() {
    let app = spawn_app().await;
    let uploader = staff_proof(&app, "up@example.com", Role::Admin).await;
    let approver = staff_proof(&app, "ok@example.com", Role::Admin).await;
    let incident = new_incident(&app, &uploader, "order-system").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let file = "contract_number,phone\nAB123456,03-1234-5678\nX1,\nY2,\nCD987654,12\n";
    let (dataset, report) = import(&importer, &uploader, incident, file.into()).await;
    assert_eq!(report.rejected_rows, 3);
    assert!((report.rejected_percent() - 75.0).abs() < 1e-9);
    assert_eq!(report.reasons[0].rows, 2, "{:?}", report.reasons);
    let (db, admin) = (&app.database, approver.as_admin().unwrap());
    let refused = lifecycle::approve(
        &admin,
        db,
        dataset,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(breachcheck::dataset::DatasetError::RejectedRowsNotAcknowledged)
        ),
        "{refused:?}"
    );
    let draft = lifecycle::find(db, dataset).await.unwrap().unwrap();
    assert_eq!(draft.status, Status::Draft, "nothing changed");
    lifecycle::approve(
        &admin,
        db,
        dataset,
        ApprovalPolicy::default(),
        Acknowledged::RejectedRows,
    )
    .await
    .unwrap();
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'dataset.approved' ORDER BY seq DESC",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["rejected_rows"], 3);
    assert_eq!(detail["rejected_rows_acknowledged"], true);
}
