//! The notice editor's form posts and the public notice pages over HTTP, on both back
//! ends: sanitised rendering, the publishing rules, revisions restored, and the page cache
//! (ETag, 304, an update showing within the refresh interval).

use crate::helpers::pages::{create_incident_form, location, page};
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app_with, staff_proof, unix_now};
use breachcheck::dataset::incident;
use breachcheck::notice::store;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

const HOSTILE_BODY: &str = "Intro\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
     [x](javascript:alert(3))\n\n<iframe src=\"https://evil.example\"></iframe>\n\n\
     <p style=\"color:red\">styled</p>\n\n[ok](https://example.com/help)";

/// The editor form's fields for a notice whose English body is `body_en`.
pub(crate) fn fields(title_en: &str, body_en: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title_ja", "受注システムへの不正アクセスについて".into()),
        (
            "summary_ja",
            "受注システムの一部の情報が流出した可能性があります。".into(),
        ),
        ("body_ja", "本文です。".into()),
        ("contact_ja", String::new()),
        ("title_en", title_en.into()),
        ("summary_en", "Some order data may have leaked.".into()),
        ("body_en", body_en.into()),
        ("contact_en", String::new()),
        ("timeline_date", "2025-02-05".into()),
        ("timeline_ja", "不正アクセスを検知".into()),
        ("timeline_en", "Unauthorised access discovered".into()),
        ("timeline_date", String::new()),
        ("timeline_ja", String::new()),
        ("timeline_en", String::new()),
        ("action_ja", "パスワードを変更してください".into()),
        ("action_en", "Change your password".into()),
        ("faq_question_ja", "対象ですか？".into()),
        ("faq_answer_ja", "確認ページでご確認ください。".into()),
        ("faq_question_en", "Am I affected?".into()),
        ("faq_answer_en", "Use the **check** page.".into()),
    ]
}

struct Editor {
    app: TestApp,
    cookie: String,
}

impl Editor {
    async fn new(customise: impl FnOnce(&mut server::config::Settings)) -> Self {
        let app = spawn_app_with(customise).await;
        let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
        let cookie = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
        let created = create_incident_form(&app, &cookie, "order-system").await;
        assert_eq!(location(&created), "/staff/incidents?done=1");
        Self { app, cookie }
    }

    async fn post(&self, path: &str, form: &[(&str, String)]) -> String {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = self.app.post_form(path, &form, Some(&self.cookie)).await;
        location(&response)
    }

    async fn save(&self, form: &[(&str, String)]) -> String {
        self.post("/staff/incidents/order-system/notice", form)
            .await
    }

    async fn latest(&self) -> i64 {
        let found = incident::find_by_slug(&self.app.database, "order-system")
            .await
            .unwrap()
            .unwrap();
        store::state(&self.app.database, found.id)
            .await
            .unwrap()
            .revisions
    }

    async fn publish(&self) -> String {
        let revision = self.latest().await.to_string();
        self.post(
            "/staff/incidents/order-system/notice/publish",
            &[("revision", revision), ("confirmed", "yes".into())],
        )
        .await
    }
}

fn article(html: &str) -> &str {
    let start = html
        .find("<article class=\"notice-article\"")
        .expect("the page has the notice");
    let end = html[start..].find("</article>").unwrap() + start;
    &html[start..end]
}

async fn public(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app.get_with(path, "cookie", "breachcheck_lang=en").await;
    (
        response.status(),
        crate::helpers::without_markers(&response.text().await.unwrap()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_is_sanitised_when_saved_and_shown_as_written() {
    let editor = Editor::new(|_| {}).await;
    let saved = editor
        .save(&fields(
            "Unauthorised access to the order system",
            HOSTILE_BODY,
        ))
        .await;
    assert_eq!(saved, "/staff/incidents/order-system/notice?done=saved");
    assert_eq!(
        editor.publish().await,
        "/staff/incidents/order-system/notice?done=published"
    );
    let (status, html) = public(&editor.app, "/incidents/order-system").await;
    assert_eq!(status, StatusCode::OK);
    let shown = article(&html);
    for banned in [
        "<script",
        "alert(",
        "onerror",
        "javascript:",
        "<iframe",
        "style=",
        "<img",
    ] {
        assert!(!shown.contains(banned), "{banned} survived: {shown}");
    }
    assert!(shown.contains("Intro"));
    assert!(
        shown.contains("styled"),
        "the text of a styled paragraph stays"
    );
    assert!(
        shown.contains(r#"href="https://example.com/help" rel="noopener noreferrer""#),
        "{shown}"
    );
    // Everything the notice is made of, in the visitor's language.
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("<title>Unauthorised access to the order system | Test Telecom</title>"));
    assert!(
        html.contains(r#"<meta name="description" content="Some order data may have leaked.""#)
    );
    assert!(shown.contains("Unauthorised access discovered"));
    assert!(shown.contains("<time datetime=\"2025-02-05\">"));
    assert!(shown.contains("Change your password"));
    assert!(shown.contains("<details class=\"faq\"><summary lang=\"en\">Am I affected?</summary>"));
    assert!(shown.contains("<strong>check</strong>"));
    assert!(
        shown.contains("Phone number"),
        "the incident's data categories"
    );
    assert!(shown.contains("href=\"/check\""), "the link to the check");
    assert!(
        shown.contains("0120-111-222"),
        "no contact written: the helpdesk's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_needs_both_languages_and_hidden_notices_are_nowhere() {
    let editor = Editor::new(|_| {}).await;
    let app = &editor.app;
    // No revision yet: nothing to publish.
    let refused = editor
        .post(
            "/staff/incidents/order-system/notice/publish",
            &[("revision", "0".into()), ("confirmed", "yes".into())],
        )
        .await;
    assert!(refused.ends_with("?error=revision"), "{refused}");
    editor.save(&fields("", "")).await;
    assert_eq!(
        editor.publish().await,
        "/staff/incidents/order-system/notice?error=incomplete"
    );
    // The editor says what is missing.
    let (_, html) = page(app, &editor.cookie, "/staff/incidents/order-system/notice").await;
    assert!(html.contains("an English title"), "{html}");
    assert!(html.contains("an English body"));
    assert!(!html.contains("a Japanese title"));

    for path in ["/incidents/order-system", "/api/v1/incidents/order-system"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (_, home) = public(app, "/").await;
    assert!(!home.contains("/incidents/order-system"));
    let feed = app.get("/feed.atom?lang=en").await.text().await.unwrap();
    assert!(!feed.contains("order-system"));

    editor.save(&fields("Order system", "Body")).await;
    editor.publish().await;
    let (status, _) = public(app, "/incidents/order-system").await;
    assert_eq!(status, StatusCode::OK);
    let (_, home) = public(app, "/").await;
    assert!(home.contains("href=\"/incidents/order-system\""));

    let unpublished = editor
        .post(
            "/staff/incidents/order-system/notice/unpublish",
            &[("confirmed", "yes".into())],
        )
        .await;
    assert!(unpublished.ends_with("?done=unpublished"));
    for path in ["/incidents/order-system", "/api/v1/incidents/order-system"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (_, home) = public(app, "/").await;
    assert!(!home.contains("/incidents/order-system"));
    let feed = app.get("/feed.atom?lang=en").await.text().await.unwrap();
    assert!(!feed.contains("order-system"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_what_someone_else_has_since_changed_is_refused() {
    let editor = Editor::new(|_| {}).await;
    editor.save(&fields("First", "Body")).await;
    let seen = editor.latest().await.to_string();
    editor.save(&fields("Second", "Body")).await;
    let refused = editor
        .post(
            "/staff/incidents/order-system/notice/publish",
            &[("revision", seen), ("confirmed", "yes".into())],
        )
        .await;
    assert!(refused.ends_with("?error=changed"), "{refused}");
    assert_eq!(
        editor.app.get("/incidents/order-system").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restoring_a_revision_brings_back_its_text() {
    let editor = Editor::new(|_| {}).await;
    editor
        .save(&fields("The first wording", "First body"))
        .await;
    editor.save(&fields("A later wording", "Later body")).await;
    let restored = editor
        .post(
            "/staff/incidents/order-system/notice/revisions/1/restore",
            &[],
        )
        .await;
    assert!(restored.ends_with("?done=restored"), "{restored}");
    assert_eq!(editor.latest().await, 3);
    let (status, html) = page(
        &editor.app,
        &editor.cookie,
        "/staff/incidents/order-system/notice",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"The first wording\""), "{html}");
    assert!(html.contains("First body"));
    // Revision 2 is still there to look at.
    let (status, html) = page(
        &editor.app,
        &editor.cookie,
        "/staff/incidents/order-system/notice/revisions/2",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("A later wording"));
    let missing = editor
        .post(
            "/staff/incidents/order-system/notice/revisions/9/restore",
            &[],
        )
        .await;
    assert!(missing.ends_with("?error=revision"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helpdesk_staff_cannot_change_notices() {
    let editor = Editor::new(|_| {}).await;
    let app = &editor.app;
    let (_, totp) = create_staff(app, "help@example.com", Role::Helpdesk).await;
    let helpdesk = signed_in(app, "help@example.com", &totp, unix_now()).await;
    let form: Vec<(&str, &str)> = vec![("title_en", "Defaced")];
    let response = app
        .post_form(
            "/staff/incidents/order-system/notice",
            &form,
            Some(&helpdesk),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(editor.latest().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_pages_go_gzipped_to_browsers_that_take_it_each_with_its_own_nonce() {
    use std::io::Read;
    let editor = Editor::new(|_| {}).await;
    let app = &editor.app;
    editor
        .save(&fields(
            "Order system",
            &"The text of the notice. ".repeat(200),
        ))
        .await;
    editor.publish().await;
    let fetch = |encoding: &'static str| async move {
        let response = app
            .client
            .get(app.url("/incidents/order-system"))
            .header("cookie", "breachcheck_lang=en")
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert!(
            headers["vary"]
                .to_str()
                .unwrap()
                .contains("Accept-Encoding")
        );
        let nonce = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap()
            .to_owned();
        let encoded = headers
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        (encoded, nonce, response.bytes().await.unwrap().to_vec())
    };
    // The first render fills the cache; both answers below come from it.
    fetch("identity").await;
    let (plain_encoding, plain_nonce, plain) = fetch("identity").await;
    assert_eq!(plain_encoding, None);
    let (encoding, nonce, gzipped) = fetch("br;q=1, gzip;q=0.8").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_ne!(nonce, plain_nonce, "each response has its own nonce");
    assert!(gzipped.len() * 3 < plain.len(), "the page is compressed");
    let mut html = String::new();
    flate2::read::GzDecoder::new(gzipped.as_slice())
        .read_to_string(&mut html)
        .expect("a valid gzip stream");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")));
    assert_eq!(
        html.replace(&nonce, "NONCE"),
        String::from_utf8(plain)
            .unwrap()
            .replace(&plain_nonce, "NONCE"),
        "the same page but for its nonce"
    );
    let (refused, _, _) = fetch("gzip;q=0").await;
    assert_eq!(refused, None);
}

/// A page in the cache is answered from memory alone, and a file of the site from disk. Staff
/// reading them send their session cookie, and anyone can send one: it must not cost a
/// session lookup per request (a flood of them would be a flood of queries), so they are
/// served even with the database gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_page_asks_nothing_of_the_database_even_with_a_session_cookie() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(
        site.path().join("pkg/breachcheck.css"),
        "body { color: black; }",
    )
    .unwrap();
    let root = site.path().to_owned();
    let editor = Editor::new(|s| {
        s.notice_refresh_ms = Some(3_600_000);
        s.site_root = Some(root);
    })
    .await;
    let app = &editor.app;
    editor
        .save(&fields("Order system", "The text of the notice."))
        .await;
    editor.publish().await;
    let cookie = format!("breachcheck_lang=en; {}", editor.cookie);
    for path in ["/", "/incidents/order-system"] {
        let response = app.get_with(path, "cookie", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }

    app.database.close().await;
    for path in ["/", "/incidents/order-system"] {
        let response = app.get_with(path, "cookie", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.text().await.unwrap().contains("Order system"),
            "{path} shows the notice"
        );
    }
    // The site's files too.
    let css = app
        .get_with("/pkg/breachcheck.css", "cookie", &cookie)
        .await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.text().await.unwrap(), "body { color: black; }");
    // The database is gone indeed: a page that needs the session cannot have it.
    let staff = app.get_with("/staff", "cookie", &cookie).await;
    assert_eq!(staff.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_pages_are_cached_with_an_etag_and_refreshed_after_an_update() {
    const REFRESH_MS: u64 = 300;
    let editor = Editor::new(|s| s.notice_refresh_ms = Some(REFRESH_MS)).await;
    let app = &editor.app;
    editor
        .save(&fields("Order system", "The first text."))
        .await;
    editor.publish().await;

    let first = app
        .get_with("/incidents/order-system", "cookie", "breachcheck_lang=en")
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let headers = first.headers().clone();
    assert_eq!(headers["cache-control"], "public, max-age=60");
    assert!(headers["vary"].to_str().unwrap().contains("Cookie"));
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let policy = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = first.text().await.unwrap();
    assert!(html.contains("The first text."));

    // The same page again: the same ETag, a fresh nonce that the page itself carries.
    let second = app
        .get_with("/incidents/order-system", "cookie", "breachcheck_lang=en")
        .await;
    assert_eq!(second.headers()["etag"].to_str().unwrap(), etag);
    let second_policy = second.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(second_policy, policy, "each response has its own nonce");
    let nonce = second_policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    assert!(
        second
            .text()
            .await
            .unwrap()
            .contains(&format!("nonce=\"{nonce}\""))
    );

    let revalidated = app
        .client
        .get(app.url("/incidents/order-system"))
        .header("cookie", "breachcheck_lang=en")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert!(
        !revalidated
            .headers()
            .contains_key("content-security-policy"),
        "a 304 must not replace the stored page's policy"
    );
    assert!(revalidated.text().await.unwrap().is_empty());
    // The other language is another page.
    let japanese = app
        .get_with("/incidents/order-system", "cookie", "breachcheck_lang=ja")
        .await;
    assert_ne!(japanese.headers()["etag"].to_str().unwrap(), etag);

    // Another replica publishes an update: this one is not told, and must notice by itself.
    let found = incident::find_by_slug(&app.database, "order-system")
        .await
        .unwrap()
        .unwrap();
    let proof = staff_proof(app, "other-admin@example.com", Role::Admin).await;
    let admin = proof.as_admin().unwrap();
    let mut content = store::revision(&app.database, found.id, 1)
        .await
        .unwrap()
        .unwrap()
        .content;
    content.text.en.body = "The updated text.".into();
    store::save(&admin, &app.database, found.id, &content)
        .await
        .unwrap();
    let published = Instant::now();
    let note = breachcheck::locale::Localized::new("本文を更新".into(), "Text updated".into());
    store::publish(
        &admin,
        &app.database,
        found.id,
        &breachcheck::notice::store::UpdateNote::parse(note).unwrap(),
    )
    .await
    .unwrap();
    loop {
        let response = app
            .client
            .get(app.url("/incidents/order-system"))
            .header("cookie", "breachcheck_lang=en")
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::OK {
            assert_ne!(response.headers()["etag"].to_str().unwrap(), etag);
            let html = response.text().await.unwrap();
            assert!(html.contains("The updated text."));
            assert!(html.contains("Updated"), "an update says so");
            break;
        }
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert!(
            published.elapsed() < Duration::from_millis(REFRESH_MS + 700),
            "the update did not show within the refresh interval"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_of_the_check_links_to_the_published_notice() {
    use crate::helpers::check::{check, generous};
    use crate::helpers::lists::publish;
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(50);
    })
    .await;
    publish(
        &app,
        "order-system",
        "contract_number\nAF000001\n",
        breachcheck::digest::Profile::HmacSha256,
    )
    .await;
    let link = "href=\"/incidents/order-system\"";
    let before = check(&app, &[("contract", "AF000001")], None).await;
    assert_eq!(before.outcome(), Some("affected"));
    assert!(!before.body.contains(link), "no notice yet, no link");

    let found = incident::find_by_slug(&app.database, "order-system")
        .await
        .unwrap()
        .unwrap();
    let proof = staff_proof(&app, "writer@example.com", Role::Admin).await;
    let admin = proof.as_admin().unwrap();
    let mut content = breachcheck::notice::NoticeContent::default();
    content.text.ja.title = "題".into();
    content.text.ja.body = "本文".into();
    content.text.en.title = "Title".into();
    content.text.en.body = "Body".into();
    store::save(&admin, &app.database, found.id, &content)
        .await
        .unwrap();
    store::publish(
        &admin,
        &app.database,
        found.id,
        &breachcheck::notice::store::UpdateNote::first(),
    )
    .await
    .unwrap();
    for (number, outcome) in [("AF000001", "affected"), ("NA000001", "not-affected")] {
        let answer = check(&app, &[("contract", number)], None).await;
        assert_eq!(answer.outcome(), Some(outcome));
        assert!(answer.body.contains(link), "{outcome}: {}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_notice_is_saved_and_previewed_while_other_forms_keep_their_limit() {
    let editor = Editor::new(|_| {}).await;
    // 30,000 Japanese characters: about 270 KB as a form, far over the usual 16 KiB.
    let long = "情報流出".repeat(7_500);
    let saved = editor.save(&fields("Order system", &long)).await;
    assert_eq!(saved, "/staff/incidents/order-system/notice?done=saved");
    let stored = store::revision(
        &editor.app.database,
        incident::find_by_slug(&editor.app.database, "order-system")
            .await
            .unwrap()
            .unwrap()
            .id,
        1,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.content.text.en.body, long);

    let mut content = breachcheck::notice::NoticeContent::default();
    content.text.en.body = long.clone();
    let preview = editor
        .app
        .client
        .post(editor.app.url("/api/staff/notice_preview"))
        .header("origin", &editor.app.address)
        .header("cookie", &editor.cookie)
        .header("content-type", "application/json")
        .body(serde_json::json!({ "content": content }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), StatusCode::OK);
    assert!(preview.text().await.unwrap().contains("情報流出情報流出"));

    let other = editor
        .app
        .post_form(
            "/staff/incidents",
            &[("slug", long.as_str())],
            Some(&editor.cookie),
        )
        .await;
    assert_eq!(other.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_are_written_the_way_each_language_writes_them() {
    let editor = Editor::new(|_| {}).await;
    editor
        .save(&fields("Unauthorised access to the order system", "Body."))
        .await;
    editor.publish().await;
    let page = |lang: &'static str| {
        let app = &editor.app;
        async move {
            let response = app
                .get_with(
                    "/incidents/order-system",
                    "cookie",
                    &format!("breachcheck_lang={lang}"),
                )
                .await;
            crate::helpers::without_markers(&response.text().await.unwrap())
        }
    };
    // The timeline's date: machine form for the browser, the language's form for people.
    let en = page("en").await;
    assert!(
        article(&en).contains(r#"<time datetime="2025-02-05">5 February 2025</time>"#),
        "{}",
        article(&en)
    );
    let ja = page("ja").await;
    assert!(
        article(&ja).contains(r#"<time datetime="2025-02-05">2025年2月5日</time>"#),
        "{}",
        article(&ja)
    );

    // The staff list of incidents: a period, and a one-day period as one date.
    let one_day = editor
        .app
        .post_form(
            "/staff/incidents",
            &[
                ("slug", "one-day"),
                ("title_ja", "一日の事案"),
                ("title_en", "A one-day incident"),
                ("occurred_from", "2025-03-01"),
                ("occurred_to", "2025-03-01"),
                ("category", "phone"),
            ],
            Some(&editor.cookie),
        )
        .await;
    assert_eq!(location(&one_day), "/staff/incidents?done=1");
    let list = editor
        .app
        .get_with(
            "/staff/incidents",
            "cookie",
            &format!("{}; breachcheck_lang=en", editor.cookie),
        )
        .await
        .text()
        .await
        .unwrap();
    let list = crate::helpers::without_markers(&list);
    assert!(list.contains("5 February 2025 – 9 February 2025"), "{list}");
    assert!(list.contains("20 February 2025"), "announced");
    assert!(list.contains("<td>1 March 2025</td>"), "{list}");
    assert!(!list.contains("1 March 2025 –"), "{list}");
}
