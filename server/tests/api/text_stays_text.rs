//! Text a person writes stays text (issue 14, "Text that stays text"), on both back ends:
//! break-out strings in every field of the incident form and the notice editor, then every
//! page and format that shows them, read with an HTML5 parser as a browser reads them.

use crate::helpers::check::{check, generous};
use crate::helpers::lists::publish_for;
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app_with, unix_now};
use breachcheck::dataset::incident;
use breachcheck::digest::Profile;
use breachcheck::notice::store;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

/// Closes every element a text could sit in, then adds a redirect and a marked element.
/// Under 100 characters, so it fits a free category's name too.
const BREAKOUT: &str = r#"</title></textarea></script>"'><meta http-equiv="refresh" content="0;url=/x"><b id="pwned">"#;

fn written(field: &str) -> String {
    format!("{field}{BREAKOUT}")
}

const SLUG: &str = "breakout";

/// Registers the incident through its form with a break-out string in every text field.
async fn incident_form(app: &TestApp, cookie: &str) {
    let fields = [
        ("slug", SLUG.to_owned()),
        ("title_ja", written("TJ")),
        ("title_en", written("TE")),
        ("occurred_from", "2025-02-05".to_owned()),
        ("category", "phone".to_owned()),
        ("free_categories", written("F")),
        ("advice_ja", written("AJ")),
        ("advice_en", written("AE")),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = app
        .post_form("/staff/incidents", &fields, Some(cookie))
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(created.headers()["location"], "/staff/incidents?done=1");
}

/// Saves and publishes a notice with a break-out string in every field of the editor.
async fn notice_form(app: &TestApp, cookie: &str) {
    let mut fields: Vec<(&str, String)> = Vec::new();
    for lang in ["ja", "en"] {
        for field in ["title", "summary", "body", "contact"] {
            let name: &'static str = Box::leak(format!("{field}_{lang}").into_boxed_str());
            fields.push((name, written(name)));
        }
    }
    fields.extend([
        ("timeline_date", "2025-02-05".to_owned()),
        ("timeline_ja", written("timeline_ja")),
        ("timeline_en", written("timeline_en")),
        ("action_ja", written("action_ja")),
        ("action_en", written("action_en")),
        ("faq_question_ja", written("faq_question_ja")),
        ("faq_answer_ja", written("faq_answer_ja")),
        ("faq_question_en", written("faq_question_en")),
        ("faq_answer_en", written("faq_answer_en")),
    ]);
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/staff/incidents/{SLUG}/notice");
    let saved = app.post_form(&path, &form, Some(cookie)).await;
    assert_eq!(saved.headers()["location"], format!("{path}?done=saved"));
    let found = incident::find_by_slug(&app.database, SLUG)
        .await
        .unwrap()
        .unwrap();
    let revision = store::state(&app.database, found.id)
        .await
        .unwrap()
        .revisions
        .to_string();
    let published = app
        .post_form(
            &format!("{path}/publish"),
            &[("revision", revision.as_str()), ("confirmed", "yes")],
            Some(cookie),
        )
        .await;
    assert_eq!(
        published.headers()["location"],
        format!("{path}?done=published")
    );
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

/// What a browser would build from `body`: nothing that a person wrote became markup.
fn assert_stays_text(body: &str, page: &str) -> Html {
    let html = Html::parse_document(body);
    assert!(
        select(&html, "#pwned").is_empty(),
        "{page}: an element broke out"
    );
    assert!(
        select(&html, "meta[http-equiv]").is_empty(),
        "{page}: a meta tag broke out"
    );
    assert_eq!(select(&html, "title").len(), 1, "{page}: one title");
    html
}

async fn get(app: &TestApp, path: &str, cookie: &str, lang: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", format!("{cookie}; breachcheck_lang={lang}"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    // A failure says which one (a 503 may be a timeout or the notices being unreadable).
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// A JSON document holds `text` as one of its strings, exactly.
fn json_holds(value: &serde_json::Value, text: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == text,
        serde_json::Value::Array(items) => items.iter().any(|v| json_holds(v, text)),
        serde_json::Value::Object(map) => map.values().any(|v| json_holds(v, text)),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_people_write_stays_text_in_every_page_and_format() {
    let app = spawn_app_with(generous).await;
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let admin = signed_in(&app, "admin@example.com", &totp, unix_now()).await;
    incident_form(&app, &admin).await;
    notice_form(&app, &admin).await;

    // Its list, published, so that the check answers with the incident's texts.
    let found = incident::find_by_slug(&app.database, SLUG)
        .await
        .unwrap()
        .unwrap();
    let dataset = publish_for(
        &app,
        found.id,
        "contract_number\nAA100001\n",
        Profile::HmacSha256,
    )
    .await;

    let notice = format!("/incidents/{SLUG}");
    for lang in ["ja", "en"] {
        let suffix = if lang == "ja" { "_ja" } else { "_en" };
        let page = get(&app, &notice, "", lang).await;
        let html = assert_stays_text(&page, &notice);
        let title: String = select(&html, "title")[0].text().collect();
        assert!(
            title.contains(&written(&format!("title{suffix}"))),
            "the title is the text as written: {title}"
        );
        let description = select(&html, "meta[name=description]")[0]
            .value()
            .attr("content")
            .unwrap()
            .to_owned();
        assert_eq!(description, written(&format!("summary{suffix}")));
        for path in ["/", "/check"] {
            assert_stays_text(&get(&app, path, "", lang).await, path);
        }
    }
    // What a visitor typed comes back in the refused form: in the input's value, and in the
    // form island's props (an attribute holding JSON).
    let refused = check(&app, &[("contract", BREAKOUT)], None).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let html = assert_stays_text(&refused.body, "the refused check form");
    let typed = select(&html, "#check-contract")[0]
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    assert_eq!(typed, BREAKOUT);
    let props = select(&html, r#"leptos-island[data-component^="CheckEntry"]"#)[0]
        .value()
        .attr("data-props")
        .unwrap()
        .to_owned();
    let props: serde_json::Value = serde_json::from_str(&props).unwrap();
    assert!(json_holds(&props, BREAKOUT), "{props}");

    let answer = check(&app, &[("contract", "AA100001")], None).await;
    assert_eq!(answer.outcome(), Some("affected"));
    let html = assert_stays_text(&answer.body, "the check's answer");
    let advice: String = select(&html, ".advice")[0].text().collect();
    assert_eq!(advice, written("AE"));

    let editor = format!("/staff/incidents/{SLUG}/notice");
    for path in [
        editor.as_str(),
        &format!("{editor}/revisions/1"),
        "/staff/incidents",
        "/staff/datasets",
        &format!("/staff/datasets/{}", dataset.0),
        "/staff/datasets/new",
    ] {
        let page = get(&app, path, &admin, "en").await;
        let html = assert_stays_text(&page, path);
        if path == editor {
            let body: Vec<String> = select(&html, "textarea[name=body_en]")
                .iter()
                .map(|e| e.text().collect())
                .collect();
            assert_eq!(
                body,
                vec![written("body_en")],
                "the textarea holds the text"
            );
            let title = select(&html, "input[name=title_en]")[0]
                .value()
                .attr("value")
                .unwrap()
                .to_owned();
            assert_eq!(title, written("title_en"));
            // The editor is an island: its props travel in an attribute, as JSON.
            let props = select(&html, r#"leptos-island[data-component^="NoticeForm"]"#)[0]
                .value()
                .attr("data-props")
                .unwrap()
                .to_owned();
            let props: serde_json::Value = serde_json::from_str(&props).unwrap();
            assert!(json_holds(&props, &written("body_en")), "{props}");
        }
    }

    for lang in ["ja", "en"] {
        let feed = get(&app, &format!("/feed.atom?lang={lang}"), "", lang).await;
        assert!(!feed.contains(r#"<b id="pwned""#), "{feed}");
        assert!(!feed.contains("<meta http-equiv"), "{feed}");
        assert!(feed.contains("&lt;/title&gt;"), "the title is escaped text");
    }
    for path in ["/api/v1/incidents", &format!("/api/v1/incidents/{SLUG}")] {
        let body = get(&app, path, "", "en").await;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(json_holds(&json, &written("title_en")), "{path}: {body}");
    }
}
