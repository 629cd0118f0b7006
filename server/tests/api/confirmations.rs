//! Risky steps ask once more: publishing, retiring and rolling back a list, publishing and
//! unpublishing a notice. The first post changes nothing and comes back to the page, which
//! says what the step will change; only the second post (`confirmed=yes`) makes it.

use crate::helpers::lists::{import, importer, new_incident, publish_for};
use crate::helpers::pages::location;
use crate::helpers::pages::page;
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app, staff_proof, unix_now};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::dataset::{DatasetId, Status};
use breachcheck::digest::Profile;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

async fn status(app: &TestApp, id: DatasetId) -> Status {
    lifecycle::find(&app.database, id)
        .await
        .unwrap()
        .unwrap()
        .status
}

/// The confirmation's text and the fields of its form, from the page a first post led to.
async fn confirmation(app: &TestApp, cookie: &str, path: &str) -> (String, Vec<(String, String)>) {
    let (status, body) = page(app, cookie, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let html = Html::parse_document(&body);
    let section = html
        .select(&Selector::parse("section#confirm").unwrap())
        .next()
        .unwrap_or_else(|| panic!("{path} asks once more: {body}"));
    let fields = section
        .select(&Selector::parse("form input[type=hidden]").unwrap())
        .map(|input| {
            let value = input.value();
            (
                value.attr("name").unwrap().to_owned(),
                value.attr("value").unwrap().to_owned(),
            )
        })
        .collect();
    (section.text().collect(), fields)
}

async fn post(app: &TestApp, cookie: &str, path: &str, fields: &[(String, String)]) -> String {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    location(&app.post_form(path, &fields, Some(cookie)).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_steps_say_what_will_change_and_need_a_second_post() {
    let app = spawn_app().await;
    let author = staff_proof(&app, "author@example.com", Role::Admin).await;
    let incident = new_incident(&app, &author, "order-system").await;
    let first = publish_for(
        &app,
        incident,
        "契約番号\nAA000001\nAA000002\nAA000003\n",
        Profile::HmacSha256,
    )
    .await;
    // A corrected list: one number gone, two new.
    let uploader = staff_proof(&app, "second-up@example.com", Role::Admin).await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let csv = "契約番号\nAA000002\nAA000003\nAA000004\nAA000005\n";
    let (second, _) = import(&importer, &uploader, incident, csv.as_bytes().to_vec()).await;
    let (_, totp) = create_staff(&app, "lead@example.com", Role::Admin).await;
    let lead = signed_in(&app, "lead@example.com", &totp, unix_now()).await;
    let proof = staff_proof(&app, "approver@example.com", Role::Admin).await;
    lifecycle::approve(
        &proof.as_admin().unwrap(),
        &app.database,
        second,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    let page_of = |id: DatasetId| format!("/staff/datasets/{}", id.0);

    // Publishing the corrected list: asked once more, with the difference counted.
    let asking = post(&app, &lead, &format!("{}/activate", page_of(second)), &[]).await;
    assert_eq!(asking, format!("{}?confirm=activate", page_of(second)));
    assert_eq!(
        status(&app, second).await,
        Status::Approved,
        "a single post changes nothing"
    );
    assert_eq!(status(&app, first).await, Status::Active);
    let (said, fields) = confirmation(&app, &lead, &asking).await;
    let old = first.0;
    for sentence in [
        format!(
            "This list replaces list #{old}, published now (contract numbers: 3), which stops being published."
        ),
        format!(
            "Contract numbers not in list #{old}, which will start to be answered “affected”: 2."
        ),
        format!(
            "Contract numbers only in list #{old}, which will no longer be answered “affected” for this incident: 1."
        ),
    ] {
        assert!(said.contains(&sentence), "{sentence} in {said}");
    }
    assert_eq!(fields, vec![("confirmed".to_owned(), "yes".to_owned())]);
    let done = post(
        &app,
        &lead,
        &format!("{}/activate", page_of(second)),
        &fields,
    )
    .await;
    assert_eq!(done, format!("{}?done=1", page_of(second)));
    assert_eq!(status(&app, second).await, Status::Active);
    assert_eq!(status(&app, first).await, Status::Retired);

    // Retiring it: the public stops being answered from it.
    let asking = post(&app, &lead, &format!("{}/retire", page_of(second)), &[]).await;
    assert_eq!(status(&app, second).await, Status::Active);
    let (said, fields) = confirmation(&app, &lead, &asking).await;
    assert!(
        said.contains(
            "Contract numbers that will no longer be answered “affected” for this incident: 4."
        ),
        "{said}"
    );
    post(&app, &lead, &format!("{}/retire", page_of(second)), &fields).await;
    assert_eq!(status(&app, second).await, Status::Retired);
    // The check says what the public now sees: that incident is not answered for.
    let check = app
        .get_with("/check", "cookie", "breachcheck_lang=en")
        .await
        .text()
        .await
        .unwrap();
    let html = Html::parse_document(&check);
    let said: String = html
        .select(&Selector::parse("p.withdrawn").unwrap())
        .flat_map(|p| p.text())
        .collect();
    assert!(
        said.contains(
            "The list of affected customers for \"Unauthorised access to the order system\""
        ) && said.contains("was withdrawn on")
            && said.contains("This check does not answer for that incident at present."),
        "{said}"
    );

    // Rolling back to the first list, with nothing published to replace.
    let asking = post(&app, &lead, &format!("{}/roll-back", page_of(first)), &[]).await;
    assert_eq!(status(&app, first).await, Status::Retired);
    let (said, fields) = confirmation(&app, &lead, &asking).await;
    assert!(
        said.contains(
            "Contract numbers that will start to be answered “affected” for this incident: 3."
        ),
        "{said}"
    );
    post(
        &app,
        &lead,
        &format!("{}/roll-back", page_of(first)),
        &fields,
    )
    .await;
    assert_eq!(status(&app, first).await, Status::Active);
    let check = app.get("/check").await.text().await.unwrap();
    assert!(
        !check.contains("notice withdrawn"),
        "published again: nothing withdrawn"
    );

    // A confirmation asked of a step the list's status does not allow is not offered.
    let (_, body) = page(&app, &lead, &format!("{}?confirm=activate", page_of(first))).await;
    assert!(!body.contains("id=\"confirm\""), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_and_unpublishing_a_notice_need_a_second_post() {
    let app = spawn_app().await;
    let author = staff_proof(&app, "author@example.com", Role::Admin).await;
    new_incident(&app, &author, "order-system").await;
    let (_, totp) = create_staff(&app, "lead@example.com", Role::Admin).await;
    let lead = signed_in(&app, "lead@example.com", &totp, unix_now()).await;
    let editor = "/staff/incidents/order-system/notice";
    let form: Vec<(String, String)> = crate::notice_pages::fields("Order system", "Body")
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let saved = post(&app, &lead, editor, &form).await;
    assert!(saved.ends_with("?done=saved"), "{saved}");
    async fn public(app: &TestApp) -> StatusCode {
        app.get("/incidents/order-system").await.status()
    }

    let asking = post(
        &app,
        &lead,
        &format!("{editor}/publish"),
        &[("revision".to_owned(), "1".to_owned())],
    )
    .await;
    assert_eq!(asking, format!("{editor}?confirm=publish&revision=1"));
    assert_eq!(
        public(&app).await,
        StatusCode::NOT_FOUND,
        "nothing published yet"
    );
    let (said, fields) = confirmation(&app, &lead, &asking).await;
    assert!(
        said.contains("Revision 1 will be shown to the public at /incidents/order-system"),
        "{said}"
    );
    let done = post(&app, &lead, &format!("{editor}/publish"), &fields).await;
    assert!(done.ends_with("?done=published"), "{done}");
    assert_eq!(public(&app).await, StatusCode::OK);

    let asking = post(&app, &lead, &format!("{editor}/unpublish"), &[]).await;
    assert_eq!(asking, format!("{editor}?confirm=unpublish"));
    assert_eq!(public(&app).await, StatusCode::OK, "still published");
    let (said, fields) = confirmation(&app, &lead, &asking).await;
    assert!(
        said.contains(
            "The notice at /incidents/order-system will no longer be shown to the public"
        ),
        "{said}"
    );
    let done = post(&app, &lead, &format!("{editor}/unpublish"), &fields).await;
    assert!(done.ends_with("?done=unpublished"), "{done}");
    assert_eq!(public(&app).await, StatusCode::NOT_FOUND);

    // Published again: an update, which says what it changes (第2報).
    let asking = post(
        &app,
        &lead,
        &format!("{editor}/publish"),
        &[("revision".to_owned(), "1".to_owned())],
    )
    .await;
    let (said, fields) = confirmation(&app, &lead, &asking).await;
    assert!(said.contains("What this update changes"), "{said}");
    let refused = post(&app, &lead, &format!("{editor}/publish"), &fields).await;
    assert!(
        refused.contains("confirm=publish"),
        "back to the confirmation: {refused}"
    );
    assert!(refused.contains("error=note_missing"), "{refused}");
    assert_eq!(
        public(&app).await,
        StatusCode::NOT_FOUND,
        "not published without a note"
    );
    let mut noted = fields.clone();
    noted.push(("note_ja".to_owned(), "対象期間を訂正しました".to_owned()));
    noted.push((
        "note_en".to_owned(),
        "The period was corrected <b>".to_owned(),
    ));
    let done = post(&app, &lead, &format!("{editor}/publish"), &noted).await;
    assert!(done.ends_with("?done=published"), "{done}");
    let notice = app
        .get_with("/incidents/order-system", "cookie", "breachcheck_lang=en")
        .await
        .text()
        .await
        .unwrap();
    let html = Html::parse_document(&notice);
    let history: Vec<String> = html
        .select(&Selector::parse(".notice-history li").unwrap())
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history[0].ends_with("Notice 1"), "{history:?}");
    assert!(
        history[1].ends_with("Notice 2: The period was corrected <b>"),
        "the note, as text: {history:?}"
    );
    assert!(!notice.contains("corrected <b>"), "escaped in the HTML");
}
