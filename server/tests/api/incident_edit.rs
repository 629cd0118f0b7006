//! Editing an incident: titles, dates, categories and advice change with an audit entry,
//! and the published notice and the check's answers say the new text at once. Categories
//! already registered keep their places (lists record them so).

use crate::helpers::check::{check, generous};
use crate::helpers::lists::publish_for;
use crate::helpers::pages::{INCIDENT_FIELDS, create_incident_form, location, page};
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app_with, unix_now};
use breachcheck::dataset::incident;
use breachcheck::digest::Profile;
use breachcheck::staff::Role;
use reqwest::StatusCode;

const EDIT: &str = "/staff/incidents/order-system/edit";

/// The edit form's fields as the page fills them, with `changes` in place of their own.
fn form_with<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = INCIDENT_FIELDS.to_vec();
    form.extend([("advice_ja", ""), ("advice_en", "")]);
    for (key, value) in changes {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    form
}

async fn setup() -> (TestApp, String) {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
    })
    .await;
    let (_, totp) = create_staff(&app, "lead@example.com", Role::Admin).await;
    let lead = format!(
        "{}; breachcheck_lang=en",
        signed_in(&app, "lead@example.com", &totp, unix_now()).await
    );
    let created = create_incident_form(&app, &lead, "order-system").await;
    assert_eq!(location(&created), "/staff/incidents?done=1");
    (app, lead)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_incident_is_audited_and_shown_at_once() {
    let (app, lead) = setup().await;
    let found = incident::find_by_slug(&app.database, "order-system")
        .await
        .unwrap()
        .unwrap();
    publish_for(&app, found.id, "契約番号\nAB123456\n", Profile::HmacSha256).await;
    // A published notice, which shows the incident's categories.
    let fields: Vec<(&str, String)> = crate::notice_pages::fields("Order system", "Body");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form("/staff/incidents/order-system/notice", &fields, Some(&lead))
        .await;
    let published = app
        .post_form(
            "/staff/incidents/order-system/notice/publish",
            &[("revision", "1"), ("confirmed", "yes")],
            Some(&lead),
        )
        .await;
    assert!(location(&published).ends_with("?done=published"));

    // The edit page shows the incident as it is.
    let (status, body) = page(&app, &lead, EDIT).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"value="Unauthorised access to the order system""#));
    assert!(
        body.contains("ご利用金額 / Amounts billed"),
        "the free category's line"
    );

    let edit = form_with(&[
        ("title_en", "Unauthorised access to the billing system"),
        (
            "free_categories",
            "ご請求金額 / Amounts invoiced\nIP アドレス / IP address",
        ),
        ("advice_en", "Change your password."),
    ]);
    let edited = app.post_form(EDIT, &edit, Some(&lead)).await;
    assert_eq!(location(&edited), format!("{EDIT}?done=saved"));

    // Audited, with what changed.
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'incident.updated'")
            .fetch_one(app.database.pool())
            .await
            .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["changed"], "title, categories, advice", "{detail}");
    assert_eq!(detail["slug"], "order-system");

    // The categories kept their places: the renamed one where it was, the new one after.
    let after = incident::find_by_slug(&app.database, "order-system")
        .await
        .unwrap()
        .unwrap();
    let keys: Vec<&str> = after.categories.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["contract_name", "phone", "free_1", "free_2"]);

    // The check's answer and the published notice say it at once.
    let answer = check(&app, &[("contract", "AB123456")], None).await;
    assert!(
        answer
            .body
            .contains("Unauthorised access to the billing system")
    );
    assert!(answer.body.contains("Change your password."));
    assert!(answer.body.contains("Amounts invoiced"));
    let notice = app
        .get_with("/incidents/order-system", "cookie", "breachcheck_lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        notice.contains("IP address"),
        "the notice lists the new category"
    );
    assert!(!notice.contains("Amounts billed"));

    // Saving it unchanged writes no entry.
    let same = app.post_form(EDIT, &edit, Some(&lead)).await;
    assert_eq!(location(&same), format!("{EDIT}?done=saved"));
    let entries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'incident.updated'")
            .fetch_one(app.database.pool())
            .await
            .unwrap();
    assert_eq!(entries, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_category_cannot_be_removed_and_bad_input_keeps_what_was_typed() {
    let (app, lead) = setup().await;
    let before = incident::find_by_slug(&app.database, "order-system")
        .await
        .unwrap()
        .unwrap();
    for (changes, says) in [
        (
            vec![("category", "contract_name")],
            "A data category already registered cannot be removed or moved",
        ),
        (
            vec![("free_categories", "")],
            "A data category already registered cannot be removed or moved",
        ),
        (vec![("occurred_to", "2025-01-01")], ""),
        (vec![("title_en", "")], ""),
    ] {
        let mut changes = changes.clone();
        changes.push(("title_ja", "入力した題名"));
        let form = form_with(&changes);
        let response = app.post_form(EDIT, &form, Some(&lead)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(says), "{changes:?}: {body}");
        assert!(
            body.contains(r#"value="入力した題名""#),
            "what was typed is kept"
        );
    }
    let after = incident::find_by_slug(&app.database, "order-system")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before, "nothing was changed");
    let (status, _) = page(&app, &lead, "/staff/incidents/no-such-thing/edit").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
