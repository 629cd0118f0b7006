//! Answers that are always true (issue 14, "Answers"), on both back ends: the public
//! answer is padded to the largest the published lists can give, whatever the longest
//! texts the forms accept, and refused forms keep what was typed.

use crate::helpers::check::{check, generous};
use crate::helpers::lists::{publish, publish_for};
use crate::helpers::{create_staff, signed_in, spawn_app_with, staff_proof, unix_now};
use breachcheck::dataset::category::{
    Categories, Category, MAX_CATEGORIES, MAX_LABEL_CHARS, Standard,
};
use breachcheck::dataset::incident::{self, CalendarDate, IncidentDetails, NewIncident, Slug};
use breachcheck::dataset::incident_limits::{ADVICE_MAX, TITLE_MAX};
use breachcheck::digest::Profile;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

/// An incident holding the longest texts the incident form accepts, in the widest
/// characters (three bytes each in UTF-8), with as many categories as it allows.
fn longest_incident(slug: &str) -> NewIncident {
    let wide = |n: usize| "長".repeat(n);
    let mut categories: Vec<Category> = Standard::ALL.into_iter().map(Category::standard).collect();
    for index in 1..=(MAX_CATEGORIES - Standard::ALL.len()) {
        let label = format!("{index:02}{}", wide(MAX_LABEL_CHARS - 2));
        categories.push(Category::free(index, &label));
    }
    NewIncident {
        slug: Slug::parse(slug).unwrap(),
        details: IncidentDetails {
            title: breachcheck::locale::Localized::from_fn(|_| wide(TITLE_MAX)),
            occurred_from: CalendarDate::parse_optional("2025-02-05").unwrap(),
            occurred_to: CalendarDate::parse_optional("2025-02-28").unwrap(),
            announced_on: CalendarDate::parse_optional("2025-03-01").unwrap(),
            advice: breachcheck::locale::Localized::from_fn(|_| wide(ADVICE_MAX)),
            categories: Categories::new(categories).unwrap(),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_padded_to_the_largest_the_lists_can_give() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
    })
    .await;
    let author = staff_proof(&app, "author@example.com", Role::Admin).await;
    // Two of them naming the same customer, so that the longest answer takes more than
    // one block of padding.
    for slug in ["longest", "longest-too"] {
        let created = incident::create(
            &author.as_admin().unwrap(),
            &app.database,
            longest_incident(slug),
        )
        .await
        .expect("the longest content the form accepts is accepted");
        publish_for(
            &app,
            created,
            "contract_number\nAA100001\n",
            Profile::HmacSha256,
        )
        .await;
    }
    // A second, ordinary incident: its list does not name the customer.
    publish(
        &app,
        "order-system",
        "contract_number\nBB100001\n",
        Profile::HmacSha256,
    )
    .await;

    let affected = check(&app, &[("contract", "AA100001")], None).await;
    let other = check(&app, &[("contract", "BB100001")], None).await;
    let stranger = check(&app, &[("contract", "ZZ999999")], None).await;
    assert_eq!(affected.outcome(), Some("affected"));
    assert_eq!(other.outcome(), Some("affected"));
    assert_eq!(stranger.outcome(), Some("not-affected"));
    assert!(
        affected.body.len() > 32 * 1024,
        "the longest answer takes more than one block ({} bytes)",
        affected.body.len()
    );
    assert_eq!(affected.body.len(), stranger.body.len(), "affected vs not");
    assert_eq!(
        other.body.len(),
        stranger.body.len(),
        "the short incident too"
    );
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn value_of(html: &Html, css: &str) -> String {
    let found = select(html, css);
    assert_eq!(found.len(), 1, "{css}");
    found[0]
        .value()
        .attr("value")
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_keeps_what_was_typed() {
    let app = spawn_app_with(generous).await;
    publish(
        &app,
        "billing",
        "契約番号,電話番号\nEF123456,03-1234-5678\n",
        Profile::HmacSha256,
    )
    .await;
    let refused = check(
        &app,
        &[("contract", "EF12"), ("phone", "03-1234-5678")],
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.body);
    assert_eq!(value_of(&page, "#check-contract"), "EF12");
    assert_eq!(value_of(&page, "#check-phone"), "03-1234-5678");
    let refused = check(&app, &[("contract", "EF123456"), ("phone", "03")], None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.body);
    assert_eq!(value_of(&page, "#check-contract"), "EF123456");
    assert_eq!(value_of(&page, "#check-phone"), "03");

    // The incident form: a mistyped short name loses nothing, and the longest advice the
    // form accepts (2,000 Japanese characters each) fits in the request.
    let (_, totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let cookie = format!(
        "{}; breachcheck_lang=en",
        signed_in(&app, "admin@example.com", &totp, unix_now()).await
    );
    let advice_ja = "お".repeat(2000);
    let advice_en = "ご".repeat(2000);
    let free = (1..=56)
        .map(|i| format!("{i:02}{}", "項".repeat(MAX_LABEL_CHARS - 2)))
        .collect::<Vec<_>>()
        .join("\n");
    let form = |slug: &'static str| {
        vec![
            ("slug", slug.to_owned()),
            ("title_ja", "長".repeat(200)),
            ("title_en", "Long title".to_owned()),
            ("occurred_from", "2025-02-05".to_owned()),
            ("announced_on", "2025-02-20".to_owned()),
            ("category", "contract_name".to_owned()),
            ("category", "phone".to_owned()),
            ("free_categories", free.clone()),
            ("advice_ja", advice_ja.clone()),
            ("advice_en", advice_en.clone()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/staff/incidents", &fields, Some(&cookie))
                .await
        }
    };
    let refused = post(form("Bad Slug!")).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(value_of(&page, "#incident-slug"), "Bad Slug!");
    assert_eq!(value_of(&page, "#incident-title-ja"), "長".repeat(200));
    assert_eq!(value_of(&page, "#incident-from"), "2025-02-05");
    let text = |css: &str| select(&page, css)[0].text().collect::<String>();
    assert_eq!(text("#incident-advice-ja"), advice_ja);
    assert_eq!(text("#incident-advice-en"), advice_en);
    assert_eq!(text("#incident-free"), free);
    let ticked: Vec<&str> = select(&page, "input[name=category][checked]")
        .iter()
        .filter_map(|e| e.value().attr("value"))
        .collect();
    assert_eq!(ticked, vec!["contract_name", "phone"]);
    assert!(
        text(".notice--error").contains("The short name must be"),
        "the reason is said"
    );
    let accepted = post(form("good-slug")).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(accepted.headers()["location"], "/staff/incidents?done=1");
    let stored = incident::find_by_slug(&app.database, "good-slug")
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(stored.advice.ja, advice_ja);
    assert_eq!(stored.categories.iter().count(), 58);
}
