//! The helpdesk's own tools: finding the answer a caller was given by the reference code
//! they quote (recomputed from the number, nothing stored about them), their own lookups
//! today on the lookup page, and the audit log narrowed to their own lookups.

use crate::helpers::check::{check, generous};
use crate::helpers::lists::{import, importer, new_incident, publish_for};
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app_with, staff_proof, unix_now};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::digest::Profile;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

async fn desk_cookie(app: &TestApp, email: &str) -> String {
    let (_, totp) = create_staff(app, email, Role::Helpdesk).await;
    format!(
        "{}; breachcheck_lang=en",
        signed_in(app, email, &totp, unix_now()).await
    )
}

async fn lookup(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let response = app.post_form("/staff/lookup", form, Some(cookie)).await;
    (response.status(), response.text().await.unwrap())
}

fn texts(body: &str, css: &str) -> Vec<String> {
    let html = Html::parse_document(body);
    html.select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quoted_reference_code_finds_the_answer_the_caller_was_given() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
    })
    .await;
    let author = staff_proof(&app, "author@example.com", Role::Admin).await;
    let incident = new_incident(&app, &author, "billing-system").await;
    publish_for(
        &app,
        incident,
        "契約番号,漏えい項目\nEF123456,電話番号\n",
        Profile::HmacSha256,
    )
    .await;
    // The customer checks: affected, and is given a code.
    let first = check(&app, &[("contract", "EF123456")], None).await;
    assert_eq!(first.outcome(), Some("affected"));
    let first_code = first.reference();

    // A corrected list replaces it: the customer is no longer in it.
    let (uploader, approver) = (
        staff_proof(&app, "second-up@example.com", Role::Admin).await,
        staff_proof(&app, "second-ok@example.com", Role::Admin).await,
    );
    let importer = importer(&app, Profile::HmacSha256).await;
    let csv = "契約番号,漏えい項目\nGH123456,電話番号\n"
        .as_bytes()
        .to_vec();
    let (corrected, _) = import(&importer, &uploader, incident, csv).await;
    let approving = approver.as_admin().unwrap();
    lifecycle::approve(
        &approving,
        &app.database,
        corrected,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    lifecycle::activate(&approving, &app.database, corrected)
        .await
        .unwrap();
    let second = check(&app, &[("contract", "EF123456")], None).await;
    assert_eq!(second.outcome(), Some("not-affected"));
    let second_code = second.reference();
    assert_ne!(first_code, second_code, "a code names the lists it covered");
    let again = check(&app, &[("contract", "EF123456")], None).await;
    assert_eq!(
        again.reference(),
        second_code,
        "the same lists, the same day"
    );

    let desk = desk_cookie(&app, "desk@example.com").await;
    let today = breachcheck::clock::japan_date(breachcheck::now_millis());
    // "5 February 2025", as the English pages write a date.
    let day_in_words = app::i18n::dates::date(app::i18n::Locale::En, &today);

    // The first code, read out over the phone: lower case, no hyphen. It names the
    // retired list, which still says "affected".
    let spoken = first_code.replace('-', "").to_lowercase();
    let (status, body) = lookup(
        &app,
        &desk,
        &[
            ("ticket", "INC-7"),
            ("reference", &spoken),
            ("contract", "ef-123456"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found = texts(&body, "#reference-found").join("");
    assert!(found.contains(&first_code), "{found}");
    assert!(found.contains(&day_in_words), "{found}");
    assert!(body.contains(r#"data-outcome="affected""#), "{body}");
    assert_eq!(texts(&body, "dd.given-on"), vec![day_in_words.clone()]);
    assert_eq!(
        texts(&body, "code.reference-code"),
        vec![first_code.clone()]
    );

    // The second code: the corrected list, which does not name the caller.
    let (status, body) = lookup(
        &app,
        &desk,
        &[
            ("ticket", "INC-7"),
            ("reference", &second_code),
            ("contract", "EF123456"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"data-outcome="not-affected""#));
    assert!(body.contains("Not in any of the lists that answer covered."));

    // Another number with the first code: no such answer, said so.
    let (status, body) = lookup(
        &app,
        &desk,
        &[
            ("ticket", "INC-8"),
            ("reference", &first_code),
            ("contract", "GH123456"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let none = texts(&body, "#reference-none").join("");
    assert!(
        none.contains(
            "No answer of the last 400 days matches this reference code and contract number"
        ),
        "{none}"
    );
    assert!(!body.contains("data-outcome"), "no answer is shown");

    // Not a code at all: refused under its field, with what was typed kept.
    let (status, body) = lookup(
        &app,
        &desk,
        &[
            ("ticket", "INC-9"),
            ("reference", "ABCDU-1234"),
            ("contract", "EF123456"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&body, "#lookup-reference-error"),
        vec!["A reference code is 10 letters and digits (e.g. 7KQ2M-X9D4R).".to_owned()]
    );
    assert!(body.contains(r#"value="ABCDU-1234""#));

    // Each search is audited; neither the code nor the number is kept.
    let details: Vec<(String, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT detail, subject_digest FROM audit_log WHERE action = 'lookup.helpdesk' ORDER BY seq",
    )
    .fetch_all(app.database.pool())
    .await
    .unwrap();
    assert_eq!(details.len(), 3, "the refused search is not a lookup");
    for (detail, _) in &details {
        assert!(detail.contains(r#""by_reference":true"#), "{detail}");
        for secret in [&first_code, &second_code, "EF123456", "GH123456"] {
            assert!(!detail.contains(secret), "{detail}");
        }
    }
    assert!(details[0].0.contains(r#""reference_found":true"#));
    assert!(details[2].0.contains(r#""reference_found":false"#));
    assert!(details[0].1.is_some(), "a found answer keeps its digest");
    assert!(
        details[2].1.is_none(),
        "nothing about a number no code matched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_helpdesk_reads_its_own_lookups_and_no_one_elses() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
    })
    .await;
    let desk = desk_cookie(&app, "desk@example.com").await;
    let other = desk_cookie(&app, "other@example.com").await;
    for (cookie, ticket) in [(&desk, "MINE-1"), (&other, "THEIRS-1"), (&desk, "MINE-2")] {
        let (status, _) = lookup(
            &app,
            cookie,
            &[("ticket", ticket), ("contract", "AB123456")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &admin_totp, unix_now()).await;

    // The lookup page lists today's own lookups, this one included.
    let (_, body) = lookup(
        &app,
        &desk,
        &[("ticket", "MINE-3"), ("contract", "CD123456")],
    )
    .await;
    let listed = texts(
        &body,
        "section[aria-labelledby=own-lookups-heading] tbody tr",
    )
    .join("|");
    for mine in ["MINE-1", "MINE-2", "MINE-3"] {
        assert!(listed.contains(mine), "{listed}");
    }
    assert!(!listed.contains("THEIRS-1"), "{listed}");

    // The audit page and its CSV: their own lookups, whatever the filters ask.
    let get = |path: &'static str, cookie: String| {
        let app = &app;
        async move {
            let response = app.get_with(path, "cookie", &cookie).await;
            (response.status(), response.text().await.unwrap())
        }
    };
    for path in [
        "/staff/audit",
        "/staff/audit?actor=other",
        "/staff/audit?action=lookup.helpdesk",
    ] {
        let (status, body) = get(path, desk.clone()).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let rows = texts(&body, "tbody tr").join("|");
        assert!(
            rows.contains("MINE-1") && rows.contains("MINE-3"),
            "{path}: {rows}"
        );
        assert!(!rows.contains("THEIRS-1"), "{path}: {rows}");
        assert!(!rows.contains("Signed in"), "{path}: only lookups: {rows}");
        assert!(texts(&body, "h1").contains(&"My lookups".to_owned()));
        assert!(
            !body.contains(r#"name="verify""#),
            "the chain check is the admins'"
        );
    }
    let (_, body) = get("/staff/audit?action=staff.signed_in", desk.clone()).await;
    assert!(
        body.contains("No entries match."),
        "another action finds nothing"
    );
    let (status, csv) = get("/staff/audit.csv", desk.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    assert!(!csv.contains("THEIRS-1"));
    // An admin reads everyone's.
    let (_, body) = get("/staff/audit?action=lookup.helpdesk", admin).await;
    let rows = texts(&body, "tbody tr").join("|");
    assert!(
        rows.contains("THEIRS-1") && rows.contains("MINE-1"),
        "{rows}"
    );
    let (_, body) = get("/api/staff/audit", other.clone()).await;
    assert!(!body.contains("MINE-"), "the server function too: {body}");
}
