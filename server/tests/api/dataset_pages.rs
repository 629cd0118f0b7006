//! The incident and affected-list pages over HTTP, as an admin's browser uses them without
//! JavaScript: form posts, the multipart upload, the progress and report pages, the
//! rejected-rows download and two-person publishing.

use crate::helpers::lists::findings_for;
use crate::helpers::pages::{create_incident_form, finished, location, page, upload};
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app, spawn_app_with, unix_now};
use breachcheck::dataset::incident::{self, IncidentId};
use breachcheck::dataset::{DatasetId, Status, lifecycle};
use breachcheck::digest::Profile;
use breachcheck::import::JobStatus;
use breachcheck::staff::Role;
use reqwest::StatusCode;

async fn incident_id(app: &TestApp, slug: &str) -> IncidentId {
    incident::find_by_slug(&app.database, slug)
        .await
        .unwrap()
        .expect("the incident exists")
        .id
}

const LIST: &str = "契約番号,電話番号,漏えい項目\n\
AB-1234-56,03-1234-5678,電話番号\n\
ｃｄ９８７６５４,+81 6 1234 5678,\n\
X1,03-1111-2222,\n\
EF345678,06-9999-0000,Amounts billed\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_uploads_a_list_reads_the_report_and_a_second_admin_publishes_it() {
    let app = spawn_app().await;
    let (_, first_totp) = create_staff(&app, "first@example.com", Role::Admin).await;
    let (_, second_totp) = create_staff(&app, "second@example.com", Role::Admin).await;
    let now = unix_now();
    let first = signed_in(&app, "first@example.com", &first_totp, now).await;
    let second = signed_in(&app, "second@example.com", &second_totp, now).await;

    let created = create_incident_form(&app, &first, "order-system-2025").await;
    assert_eq!(location(&created), "/staff/incidents?done=1");
    let (status, listing) = page(&app, &first, "/staff/incidents").await;
    assert_eq!(status, StatusCode::OK);
    assert!(listing.contains("Unauthorised access to the order system"));
    assert!(listing.contains("Amounts billed"), "the free category");
    let incident = incident_id(&app, "order-system-2025").await;

    let started = upload(
        &app,
        &first,
        &[("incident", &incident.0.to_string())],
        LIST.as_bytes(),
    )
    .await;
    let progress_page = location(&started);
    let job = progress_page
        .strip_prefix("/staff/imports/")
        .expect("the upload answers with the job's progress page")
        .to_owned();
    let done = finished(&app, &first, &job).await;
    assert_eq!(done.status, JobStatus::Done, "{done:?}");
    assert_eq!((done.done_rows, done.total_rows), (3, 3));
    assert_eq!(done.percent(), 100);
    let (status, progress) = page(&app, &first, &progress_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(progress.contains("100%"), "{progress}");
    let report_link = format!("/staff/datasets/{}", done.dataset);
    assert!(progress.contains(&report_link), "the way on to the report");

    // The report: figures, the rejected row's line and translated reason, no identifier.
    let (status, report) = page(&app, &first, &report_link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(report.contains("Rows read"), "{report}");
    assert!(report.contains(r#"data-figure="rows-read">4<"#), "{report}");
    assert!(report.contains(r#"data-figure="rejected">1<"#), "{report}");
    assert!(report.contains("<td>4</td>"), "the rejected row's line");
    assert!(report.contains("The contract number is too short"));
    for number in [
        "AB-1234-56",
        "AB123456",
        "CD987654",
        "EF345678",
        "X1,",
        "1234-5678",
    ] {
        assert!(!report.contains(number), "{number} is echoed by the report");
    }
    assert!(report.contains("An admin other than the uploader approves it."));

    let csv = app
        .client
        .get(app.url(&format!("{report_link}/rejected.csv")))
        .header("cookie", format!("{first}; breachcheck_lang=ja"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains("\"4\",\"契約番号\",\"契約番号が短すぎます"),
        "{csv}"
    );

    // Two people: the uploader cannot approve; the second admin approves and publishes.
    let dataset = DatasetId(done.dataset);
    let own = app
        .post_form(
            &format!("{report_link}/approve"),
            &[("confirmed", "yes")],
            Some(&first),
        )
        .await;
    assert_eq!(location(&own), format!("{report_link}?error=same_admin"));
    let draft = lifecycle::find(&app.database, dataset)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(draft.status, Status::Draft);
    // The import rejected rows: approving needs the approver to say they read them.
    let unacknowledged = app
        .post_form(
            &format!("{report_link}/approve"),
            &[("confirmed", "yes")],
            Some(&second),
        )
        .await;
    assert_eq!(
        location(&unacknowledged),
        format!("{report_link}?error=rejected_not_acknowledged")
    );
    let (_, asking) = page(&app, &second, &report_link).await;
    assert!(
        asking.contains(r#"name="acknowledge_rejected""#),
        "{asking}"
    );
    // Each step asks once more: the first post changes nothing and comes back to the
    // page, which says what will change and makes the second post.
    for (step, before) in [("approve", Status::Draft), ("activate", Status::Approved)] {
        let first_post = app
            .post_form(
                &format!("{report_link}/{step}"),
                &[("acknowledge_rejected", "yes")],
                Some(&second),
            )
            .await;
        let asking = location(&first_post);
        assert_eq!(
            asking,
            format!("{report_link}?confirm={step}&acknowledge_rejected=yes"),
            "{step}"
        );
        let unchanged = lifecycle::find(&app.database, dataset)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(unchanged.status, before, "a single post changes nothing");
        let (status, confirm) = page(&app, &second, &asking).await;
        assert_eq!(status, StatusCode::OK);
        let html = scraper::Html::parse_document(&confirm);
        let section = scraper::Selector::parse("section#confirm").unwrap();
        let section = html.select(&section).next().expect("the confirmation");
        let said: String = section.text().collect();
        if step == "activate" {
            assert!(
                said.contains("Contract numbers that will start to be answered “affected” for this incident: 3."),
                "{said}"
            );
        } else {
            assert!(
                said.contains("Nothing changes for the public until it is published."),
                "{said}"
            );
        }
        let hidden = scraper::Selector::parse("input[type=hidden]").unwrap();
        let fields: Vec<(String, String)> = section
            .select(&hidden)
            .map(|input| {
                let v = input.value();
                (
                    v.attr("name").unwrap().to_owned(),
                    v.attr("value").unwrap().to_owned(),
                )
            })
            .collect();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert!(fields.contains(&("confirmed", "yes")), "{fields:?}");
        let response = app
            .post_form(&format!("{report_link}/{step}"), &fields, Some(&second))
            .await;
        assert_eq!(
            location(&response),
            format!("{report_link}?done=1"),
            "{step}"
        );
    }
    let active = lifecycle::find(&app.database, dataset)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(active.status, Status::Active);
    let approved: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'dataset.approved'")
            .fetch_one(app.database.pool())
            .await
            .unwrap();
    let approved: serde_json::Value = serde_json::from_str(&approved).unwrap();
    assert_eq!(approved["rejected_rows"], 1, "{approved}");
    assert_eq!(approved["rejected_rows_acknowledged"], true, "{approved}");
    let (_, published) = page(&app, &second, &report_link).await;
    assert!(published.contains(r#"data-status="active""#), "{published}");
    assert!(published.contains("Name of first"), "the uploader is named");
    assert!(
        published.contains("Name of second"),
        "the approver is named"
    );

    // The lookup hashes with the active dataset's own recorded profile.
    let importer = crate::helpers::lists::importer(&app, Profile::HmacSha256).await;
    let hits = findings_for(&importer, "CD987654").await;
    assert_eq!(hits.len(), 1, "the published list answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_incident_form_says_why_and_creates_nothing() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    let created = create_incident_form(&app, &admin, "taken-slug").await;
    assert_eq!(location(&created), "/staff/incidents?done=1");

    let base = [
        ("slug", "new-incident"),
        ("title_ja", "題"),
        ("title_en", "Title"),
        ("category", "email"),
    ];
    let with = |name: &'static str, value: &'static str| {
        let mut form: Vec<(&str, &str)> =
            base.iter().filter(|(n, _)| *n != name).copied().collect();
        form.push((name, value));
        form
    };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (with("slug", "Not A Slug"), "slug_invalid"),
        (with("slug", "taken-slug"), "slug_taken"),
        (with("title_en", " "), "title_invalid"),
        (with("occurred_from", "2025-13-40"), "date_invalid"),
        (
            [
                with("occurred_from", "2025-03-01"),
                vec![("occurred_to", "2025-02-01")],
            ]
            .concat(),
            "date_order",
        ),
        (
            base.iter()
                .filter(|(n, _)| *n != "category")
                .copied()
                .collect(),
            "categories_invalid",
        ),
        (with("category", "blood_type"), "categories_invalid"),
    ];
    // A refusal renders the form again, with what was typed and why.
    let english = format!("{admin}; breachcheck_lang=en");
    for (form, code) in cases {
        let response = app
            .post_form("/staff/incidents", &form, Some(&english))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}"
        );
        let body = response.text().await.unwrap();
        let said = app::outcome::ErrorCode::text_of(&app::i18n::EN, code);
        assert!(body.contains(&*said), "{code}: {said}");
        let slug = form.iter().find(|(n, _)| *n == "slug").unwrap().1;
        assert!(body.contains(&format!(r#"value="{slug}""#)), "{code}");
    }
    // Every ticked box comes back ticked (a key repeated in the form), and no other.
    let mut two_boxes = with("slug", "Not A Slug");
    two_boxes.push(("category", "phone"));
    let body = app
        .post_form("/staff/incidents", &two_boxes, Some(&english))
        .await
        .text()
        .await
        .unwrap();
    let ticked = |key: &str| {
        let at = body
            .find(&format!(r#"id="category-{key}""#))
            .unwrap_or_else(|| panic!("the {key} box"));
        body[at..at + body[at..].find('>').unwrap()].contains("checked")
    };
    assert!(ticked("email") && ticked("phone"), "both ticked boxes");
    assert!(!ticked("address"), "a box not ticked");
    let incidents = incident::list(&app.database).await.unwrap();
    assert_eq!(incidents.len(), 1, "only the good form created an incident");
    let (_, shown) = page(&app, &admin, "/staff/incidents?error=date_order").await;
    assert!(shown.contains("The end date is before the start date."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_cannot_start_says_why_and_unknown_headers_can_be_mapped() {
    let app = spawn_app_with(|s| s.hash_profile = Some("hmac-sha256".into())).await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    create_incident_form(&app, &admin, "order-system-2025").await;
    let incident = incident_id(&app, "order-system-2025").await.0.to_string();
    let form = [("incident", incident.as_str())];

    // Neither UTF-8 nor Shift_JIS: both offsets come back.
    let refused = upload(&app, &admin, &form, b"contract\nAB\xFF\xFF1234\n").await;
    let back = location(&refused);
    assert!(back.starts_with("/staff/datasets/new?"), "{back}");
    assert!(back.contains("error=encoding"), "{back}");
    assert!(back.contains("utf8=11") && back.contains("sjis="), "{back}");
    let (_, shown) = page(&app, &admin, &back).await;
    assert!(shown.contains("neither UTF-8 nor Shift_JIS (invalid as UTF-8 at byte 11"));

    // A file without its header row: the first customer is not sent back in the URL.
    let headless = upload(&app, &admin, &form, b"AB123456,03-1234-5678\n").await;
    let back = location(&headless);
    assert!(back.contains("error=header_is_data"), "{back}");
    assert!(
        !back.contains("header=") && !back.contains("AB123456"),
        "{back}"
    );
    let (_, shown) = page(&app, &admin, &back).await;
    assert!(shown.contains("The first row looks like customer data"));

    let missing = upload(&app, &admin, &form, b"").await;
    assert_eq!(location(&missing), "/staff/datasets/new?error=file_missing");

    // Headers it does not know: the form asks what each holds, and the same file then goes.
    let file = "Kundennummer,Bemerkung\nAB123456,x\n".as_bytes();
    let unknown = upload(&app, &admin, &form, file).await;
    let back = location(&unknown);
    assert!(back.contains("error=no_identifier_column"), "{back}");
    assert!(back.contains("header=Kundennummer") && back.contains("header=Bemerkung"));
    let (_, mapping) = page(&app, &admin, &back).await;
    assert!(
        mapping.contains(r#"name="map_header" value="Kundennummer""#),
        "{mapping}"
    );
    assert!(mapping.contains("A column must hold contract numbers"));
    let mapped = upload(
        &app,
        &admin,
        &[
            ("incident", &incident),
            ("map_header", "Kundennummer"),
            ("map_column", "contract_number"),
            ("map_header", "Bemerkung"),
            ("map_column", "ignore"),
        ],
        file,
    )
    .await;
    let job = location(&mapped).replace("/staff/imports/", "");
    let done = finished(&app, &admin, &job).await;
    assert_eq!((done.status.as_str(), done.done_rows), ("done", 1));

    // Larger than the 16 KiB every other route allows, well inside the upload limit.
    let mut large = String::from("contract_number\n");
    for i in 0..10_000 {
        large.push_str(&format!("LG{i:06}\n"));
    }
    assert!(large.len() > 64 * 1024);
    let accepted = upload(&app, &admin, &form, large.as_bytes()).await;
    assert!(location(&accepted).starts_with("/staff/imports/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_over_the_upload_limit_is_refused_without_a_dataset() {
    let app = spawn_app_with(|settings| settings.upload_limit_bytes = Some(4096)).await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    create_incident_form(&app, &admin, "order-system-2025").await;
    let incident = incident_id(&app, "order-system-2025").await.0.to_string();
    let mut file = String::from("contract_number\n");
    while file.len() <= 4096 {
        file.push_str("AB123456\n");
    }
    let refused = upload(&app, &admin, &[("incident", &incident)], file.as_bytes()).await;
    assert_eq!(
        location(&refused),
        "/staff/datasets/new?error=file_too_large"
    );
    let datasets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM datasets")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(datasets, 0);
    let (_, shown) = page(&app, &admin, "/staff/datasets/new?error=file_too_large").await;
    assert!(shown.contains("The file is too large."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rejected_rows_download_is_for_admins_only() {
    let app = spawn_app().await;
    let (_, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let (_, desk_totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let now = unix_now();
    let admin = signed_in(&app, "admin@example.com", &admin_totp, now).await;
    let desk = signed_in(&app, "desk@example.com", &desk_totp, now).await;
    create_incident_form(&app, &admin, "order-system-2025").await;
    let incident = incident_id(&app, "order-system-2025").await.0.to_string();
    let started = upload(&app, &admin, &[("incident", &incident)], LIST.as_bytes()).await;
    let job = location(&started).replace("/staff/imports/", "");
    let done = finished(&app, &admin, &job).await;
    let path = format!("/staff/datasets/{}/rejected.csv", done.dataset);
    let as_desk = app
        .client
        .get(app.url(&path))
        .header("cookie", &desk)
        .send()
        .await
        .unwrap();
    assert_eq!(as_desk.status(), StatusCode::FORBIDDEN);
    let anonymous = app.get(&path).await;
    assert!(
        location(&anonymous).starts_with("/staff/login"),
        "sent to sign in"
    );
    let missing = app
        .client
        .get(app.url("/staff/datasets/999999/rejected.csv"))
        .header("cookie", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
