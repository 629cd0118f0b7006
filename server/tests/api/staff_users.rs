//! `/staff/users` over HTTP: what admins can do to accounts, and what helpdesk cannot.

use crate::helpers::{TestApp, create_staff, session_cookie_of, signed_in, spawn_app, unix_now};
use breachcheck::audit::{self, Verification};
use breachcheck::staff::{Role, StaffEmail, store};
use reqwest::StatusCode;

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The audit table's rows, each its cells' text (number, time, actor, action, detail).
fn audit_rows(body: &str) -> Vec<Vec<String>> {
    let html = scraper::Html::parse_document(body);
    let row = scraper::Selector::parse("table.staff-table tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    html.select(&row)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect()
        })
        .collect()
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("cookie", cookie)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_helpdesk_member_who_enrols_once() {
    let app = spawn_app().await;
    let (admin_id, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &admin_totp, unix_now()).await;

    let page = get(&app, "/staff/users", &admin).await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("admin@example.com") && body.contains("(you)"));

    let added = app
        .post_form(
            "/staff/users",
            &[
                ("email", "Desk@Example.com"),
                ("name", "Desk Person"),
                ("role", "helpdesk"),
                ("password", "green-teapot-comet-17"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let enrolment_path = location(&added);
    assert!(enrolment_path.ends_with("/enrolment"), "{enrolment_path}");

    let enrolment = get(&app, &enrolment_path, &admin).await;
    assert_eq!(enrolment.status(), StatusCode::OK);
    let body = enrolment.text().await.unwrap();
    assert!(body.contains("otpauth://totp/"), "{body}");
    assert!(body.contains("<svg"), "a QR code");

    // The new member signs in with the enrolled secret; the enrolment page then closes.
    let desk = store::find_by_email(
        &app.database,
        &StaffEmail::parse("desk@example.com").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(desk.role, Role::Helpdesk);
    let password = app
        .post_form(
            "/staff/login",
            &[
                ("email", "desk@example.com"),
                ("password", "green-teapot-comet-17"),
            ],
            None,
        )
        .await;
    let pending = session_cookie_of(&password).unwrap();
    let code = app
        .post_form(
            "/staff/login/code",
            &[("code", &desk.totp_secret.code_at(unix_now()))],
            Some(&pending),
        )
        .await;
    assert_eq!(location(&code), "/staff");
    let closed = get(&app, &enrolment_path, &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(closed.contains("already enrolled"), "{closed}");
    assert!(!closed.contains("otpauth://"));

    let audit_rows: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = $1")
            .bind("staff.created")
            .fetch_all(app.database.pool())
            .await
            .unwrap();
    assert_eq!(audit_rows, vec![format!("staff:{}", admin_id.0)]);
    assert!(matches!(
        audit::verify(&app.database).await.unwrap(),
        Verification::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_comes_back_as_a_translated_reason() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    for (form, code) in [
        (
            [
                ("email", "x@example.com"),
                ("name", "X"),
                ("role", "helpdesk"),
                ("password", "short"),
            ],
            "password_short",
        ),
        (
            [
                ("email", "nonsense"),
                ("name", "X"),
                ("role", "helpdesk"),
                ("password", "green-teapot-comet-17"),
            ],
            "email_invalid",
        ),
        (
            [
                ("email", "x@example.com"),
                ("name", " "),
                ("role", "helpdesk"),
                ("password", "green-teapot-comet-17"),
            ],
            "name_invalid",
        ),
        (
            [
                ("email", "x@example.com"),
                ("name", "X"),
                ("role", "root"),
                ("password", "green-teapot-comet-17"),
            ],
            "role_invalid",
        ),
        (
            [
                ("email", "admin@example.com"),
                ("name", "X"),
                ("role", "helpdesk"),
                ("password", "green-teapot-comet-17"),
            ],
            "email_taken",
        ),
    ] {
        let response = app.post_form("/staff/users", &form, Some(&admin)).await;
        assert_eq!(location(&response), format!("/staff/users?error={code}"));
    }
    let page = get(&app, "/staff/users?error=email_taken", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("A staff member with this email already exists."));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(count, 1, "nothing half-created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_cannot_lock_everyone_out() {
    let app = spawn_app().await;
    let (admin_id, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    let own = format!("/staff/users/{}", admin_id.0);
    let disable_self = app
        .post_form(&format!("{own}/disable"), &[], Some(&admin))
        .await;
    assert_eq!(location(&disable_self), "/staff/users?error=disable_self");
    let demote_self = app
        .post_form(
            &format!("{own}/role"),
            &[("role", "helpdesk")],
            Some(&admin),
        )
        .await;
    assert_eq!(location(&demote_self), "/staff/users?error=last_admin");
    let missing = app
        .post_form("/staff/users/99999/disable", &[], Some(&admin))
        .await;
    assert_eq!(location(&missing), "/staff/users?error=not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_a_member_ends_their_session_and_helpdesk_cannot_manage() {
    let app = spawn_app().await;
    let (_, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let (desk_id, desk_totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let admin = signed_in(&app, "admin@example.com", &admin_totp, unix_now()).await;
    let desk = signed_in(&app, "desk@example.com", &desk_totp, unix_now()).await;

    let page = get(&app, "/staff/users", &desk).await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Your role does not allow this page.")
    );
    let post = app
        .post_form(
            &format!("/staff/users/{}/role", desk_id.0),
            &[("role", "admin")],
            Some(&desk),
        )
        .await;
    assert_eq!(post.status(), StatusCode::FORBIDDEN);

    let disabled = app
        .post_form(
            &format!("/staff/users/{}/disable", desk_id.0),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(location(&disabled), "/staff/users?done=1");
    assert_eq!(
        get(&app, "/staff", &desk).await.status(),
        StatusCode::SEE_OTHER
    );

    let reset = app
        .post_form(
            &format!("/staff/users/{}/password", desk_id.0),
            &[("password", "green-teapot-comet-17")],
            Some(&admin),
        )
        .await;
    assert_eq!(location(&reset), "/staff/users?done=1");
    let promoted = app
        .post_form(
            &format!("/staff/users/{}/role", desk_id.0),
            &[("role", "admin")],
            Some(&admin),
        )
        .await;
    assert_eq!(location(&promoted), "/staff/users?done=1");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(app.database.pool())
        .await
        .unwrap();
    for expected in [
        "staff.signed_in",
        "staff.disabled",
        "staff.password_reset",
        "staff.role_changed",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_read_and_filter_the_audit_log() {
    let app = spawn_app().await;
    let (admin_id, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let (_, desk_totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let admin = signed_in(&app, "admin@example.com", &admin_totp, unix_now()).await;
    let desk = signed_in(&app, "desk@example.com", &desk_totp, unix_now()).await;
    let _ = app
        .post_form(
            "/staff/login",
            &[("email", "nobody@example.com"), ("password", "x")],
            None,
        )
        .await;

    let all = get(&app, "/staff/audit", &admin).await;
    assert_eq!(all.status(), StatusCode::OK);
    let body = all.text().await.unwrap();
    // Actions in the page's language, actors by name.
    let rows = audit_rows(&body);
    assert!(
        rows.iter()
            .any(|r| r[2] == "Name of admin" && r[3] == "Signed in"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r[2] == "The public" && r[3] == "Sign-in failed"),
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|r| r[3].contains('.')),
        "no action codes: {rows:?}"
    );
    assert!(
        !body.contains("nobody@example.com"),
        "no plaintext email in the log"
    );
    // Nor an unkeyed hash of it, which anyone could confirm a guessed address against.
    let unkeyed: String = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(b"nobody@example.com"))
    };
    let details: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit_log")
        .fetch_all(app.database.pool())
        .await
        .unwrap();
    let subjects: Vec<String> = sqlx::query_scalar("SELECT subject FROM sign_in_failures")
        .fetch_all(app.database.pool())
        .await
        .unwrap();
    assert!(!subjects.is_empty());
    for stored in details.iter().chain(&subjects) {
        assert!(!stored.contains(&unkeyed), "{stored}");
    }

    let filtered = get(&app, "/staff/audit?action=staff.signed_in", &admin)
        .await
        .text()
        .await
        .unwrap();
    let rows = audit_rows(&filtered);
    assert!(rows.len() >= 2, "{rows:?}");
    assert!(rows.iter().all(|r| r[3] == "Signed in"), "{rows:?}");
    assert!(
        filtered.contains(r#"<option value="staff.signed_in" selected"#),
        "the filter shows what it filters by"
    );
    // By a part of the actor's name, in any case; `%` is a character, not a wildcard.
    let by_name = get(&app, "/staff/audit?actor=OF%20DESK", &admin)
        .await
        .text()
        .await
        .unwrap();
    let rows = audit_rows(&by_name);
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r[2] == "Name of desk"),
        "{rows:?}"
    );
    for nobody in [
        "staff:99999",
        "%25",
        format!("staff:{}", admin_id.0).as_str(),
    ] {
        let nothing = get(&app, &format!("/staff/audit?actor={nobody}"), &admin)
            .await
            .text()
            .await
            .unwrap();
        assert!(nothing.contains("No entries match."), "{nobody}");
    }
    // An action this site does not have is refused, not a server error.
    let unknown = get(&app, "/staff/audit?action=staff.nonsense", &admin).await;
    assert!(unknown.status().is_client_error(), "{}", unknown.status());

    // The helpdesk's page lists only their own lookups: none of these entries.
    let theirs = get(&app, "/staff/audit", &desk).await;
    assert_eq!(theirs.status(), StatusCode::OK);
    assert!(audit_rows(&theirs.text().await.unwrap()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_pages_filters_by_period_and_exports_csv() {
    use breachcheck::audit::{Action, Actor, NewEntry};
    use breachcheck::clock::japan_date;
    let app = spawn_app().await;
    let (admin_id, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let (_, desk_totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let admin = signed_in(&app, "admin@example.com", &admin_totp, unix_now()).await;
    let desk = signed_in(&app, "desk@example.com", &desk_totp, unix_now()).await;
    // A name a spreadsheet would run as a formula, and more entries than a page holds.
    sqlx::query("UPDATE staff SET display_name = $1 WHERE id = $2")
        .bind("=HYPERLINK(\"http://evil.example\")")
        .bind(admin_id.0)
        .execute(app.database.pool())
        .await
        .unwrap();
    for i in 0..205 {
        let entry = NewEntry {
            actor: Actor::Staff(admin_id.0),
            action: Action::StaffEnrolmentViewed,
            subject: None,
            detail: serde_json::json!({ "n": i }),
        };
        audit::append(&app.database, entry).await.unwrap();
    }

    // Details are named fields in the page's language, values in words where they are codes.
    let looked_up = NewEntry {
        actor: Actor::Staff(admin_id.0),
        action: Action::LookupHelpdesk,
        subject: None,
        detail: serde_json::json!({
            "ticket": "INC-1", "kind": "contract+phone", "phone_given": true, "role": "helpdesk",
            "later_key": 7,
        }),
    };
    audit::append(&app.database, looked_up).await.unwrap();
    let lookups = get(&app, "/staff/audit?action=lookup.helpdesk", &admin)
        .await
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&lookups);
    let dt = scraper::Selector::parse("dl.audit-detail dt").unwrap();
    let dd = scraper::Selector::parse("dl.audit-detail dd").unwrap();
    let text = |e: scraper::ElementRef| e.text().collect::<String>();
    let shown: std::collections::BTreeMap<String, String> = html
        .select(&dt)
        .map(text)
        .zip(html.select(&dd).map(text))
        .collect();
    let expected: std::collections::BTreeMap<String, String> = [
        ("Ticket", "INC-1"),
        ("Kind of identifier", "Contract number + phone"),
        ("Phone number given", "Yes"),
        ("Role", "Helpdesk"),
        ("later_key", "7"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(shown, expected);

    // Paging: a full page links to the older entries, which follow without overlap.
    let first = get(&app, "/staff/audit", &admin)
        .await
        .text()
        .await
        .unwrap();
    let first_rows = audit_rows(&first);
    assert_eq!(first_rows.len(), 200);
    let html = scraper::Html::parse_document(&first);
    let older = html
        .select(&scraper::Selector::parse("a.older").unwrap())
        .next()
        .expect("a link to older entries")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let last_seq: i64 = first_rows.last().unwrap()[0].parse().unwrap();
    assert_eq!(older, format!("/staff/audit?before={last_seq}"));
    let second = get(&app, &older, &admin).await.text().await.unwrap();
    let second_rows = audit_rows(&second);
    assert!(!second_rows.is_empty(), "the older entries");
    let seqs: Vec<i64> = second_rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(seqs.iter().all(|&seq| seq < last_seq), "{seqs:?}");
    assert!(
        !second.contains("class=\"older\""),
        "the last page links no further"
    );

    // The period, in days in Japan.
    let today = japan_date(breachcheck::now_millis());
    let yesterday = japan_date(breachcheck::now_millis() - 24 * 3_600_000);
    let today_only = get(
        &app,
        &format!("/staff/audit?from={today}&to={today}"),
        &admin,
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(audit_rows(&today_only).len(), 200);
    let before_today = get(&app, &format!("/staff/audit?to={yesterday}"), &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(before_today.contains("No entries match."));
    for (query, says) in [
        (
            format!("from={today}&to={yesterday}"),
            "The period ends before it begins.",
        ),
        ("from=2026-02-30".to_owned(), "Write dates as YYYY-MM-DD."),
        (
            "action=staff.nonsense".to_owned(),
            "There is no such action.",
        ),
    ] {
        let refused = get(&app, &format!("/staff/audit?{query}"), &admin).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}"
        );
        assert!(refused.text().await.unwrap().contains(says), "{query}");
    }

    // The CSV export: the same filters, every entry (not a page), a BOM, formulas defused.
    let csv = get(
        &app,
        "/staff/audit.csv?action=staff.enrolment_viewed",
        &admin,
    )
    .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    let body = body.strip_prefix('\u{FEFF}').expect("a BOM for Excel");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        r#""No.","Time","Actor","Action","Action code","Detail""#
    );
    assert_eq!(lines.len(), 1 + 205, "every entry the filter selects");
    assert!(
        lines[1].contains(r#""'=HYPERLINK(""http://evil.example"")""#),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(r#""Enrolment details viewed","staff.enrolment_viewed""#));
    // The helpdesk's export holds only their own lookups: here, none of these entries.
    let theirs = get(&app, "/staff/audit.csv", &desk).await;
    assert_eq!(theirs.status(), StatusCode::OK);
    assert_eq!(
        theirs.text().await.unwrap().lines().count(),
        1,
        "the header only"
    );
    let anonymous = app.get("/staff/audit.csv").await;
    assert!(!anonymous.status().is_success(), "{}", anonymous.status());
    let refused = get(&app, "/staff/audit.csv?from=someday", &admin).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A NUL in a filter, or a page number that is not one, is bad input: 400, never a 500.
    for path in [
        "/staff/audit?actor=%00",
        "/staff/audit.csv?actor=%00",
        "/staff/audit.csv?before=abc",
    ] {
        let response = get(&app, path, &admin).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_verifies_the_audit_chain_from_the_page() {
    let app = spawn_app().await;
    let (_, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &admin_totp, unix_now()).await;
    let chain_text = |body: &str| {
        let html = scraper::Html::parse_document(body);
        html.select(&scraper::Selector::parse("#audit-chain").unwrap())
            .next()
            .map(|p| p.text().collect::<String>())
    };
    let page = get(&app, "/staff/audit", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(chain_text(&page), None, "walked only when asked");
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    let intact = get(&app, "/staff/audit?verify=1", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        chain_text(&intact).as_deref(),
        Some(
            format!("Entries checked: {entries}. The chain is unbroken: up to the newest entry, none was changed, is missing or is out of order.").as_str()
        )
    );
    // An entry changed behind the application's back is found.
    sqlx::query(r#"UPDATE audit_log SET detail = '{"changed":true}' WHERE seq = 1"#)
        .execute(app.database.pool())
        .await
        .unwrap();
    let broken = get(&app, "/staff/audit?verify=1", &admin)
        .await
        .text()
        .await
        .unwrap();
    let said = chain_text(&broken).unwrap();
    assert!(said.starts_with("The chain breaks at entry 1:"), "{said}");
}
