//! The staff statistics after a known sequence of lookups: the figures in the tables beside
//! the charts, the charts themselves, each incident's totals, and the CSV export.

use crate::helpers::check::{check, generous};
use crate::helpers::lists::{new_incident, publish};
use crate::helpers::{create_staff, signed_in, spawn_app_with, staff_proof, unix_now};
use breachcheck::digest::Profile;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_count_a_known_sequence_of_lookups() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
        // One lookup per number: the second of the same number is limited.
        s.lookup_limit_identifier = Some("1/1d".into());
    })
    .await;
    publish(
        &app,
        "order-system",
        "契約番号\nAB123456\n",
        Profile::HmacSha256,
    )
    .await;
    publish(
        &app,
        "billing",
        "契約番号\nAB123456\nCD123456\n",
        Profile::HmacSha256,
    )
    .await;
    // An incident with no list yet: no answer covers it. Its title is typed text.
    let admin = staff_proof(&app, "draft@example.com", Role::Admin).await;
    let draft = new_incident(&app, &admin, "draft").await;
    sqlx::query("UPDATE incidents SET title_en = $1 WHERE id = $2")
        .bind(r#"<b class="x">Q&A</b>"#)
        .bind(draft.0)
        .execute(app.database.pool())
        .await
        .unwrap();
    for (number, outcome) in [
        ("AB123456", StatusCode::OK),
        ("CD123456", StatusCode::OK),
        ("EF123456", StatusCode::OK),
        ("AB123456", StatusCode::TOO_MANY_REQUESTS),
    ] {
        let answer = check(&app, &[("contract", number)], None).await;
        assert_eq!(answer.status, outcome, "{number}");
    }
    app.flush_lookup_stats().await;

    // Any staff member reads them, the helpdesk too.
    let (_, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let desk = format!(
        "{}; breachcheck_lang=en",
        signed_in(&app, "desk@example.com", &totp, unix_now()).await
    );
    let response = app.get_with("/staff/stats", "cookie", &desk).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let html = Html::parse_document(&body);
    let select = |css: &str| Selector::parse(css).unwrap();
    let sections: Vec<_> = html.select(&select("section.stats-chart")).collect();
    assert_eq!(sections.len(), 3, "24 hours, 7 days, since publication");
    for section in &sections {
        let totals: Vec<String> = section
            .select(&select("tfoot td"))
            .map(|td| td.text().collect())
            .collect();
        assert_eq!(
            totals,
            ["3", "2", "1", "0", "0"],
            "answered, affected, limited, busy, domains proven"
        );
        let chart = section
            .select(&select("div.chart[role=img] svg"))
            .next()
            .expect("a chart drawn on the server");
        assert_eq!(
            chart
                .select(&select(r#"polyline[stroke-width="2"]"#))
                .count(),
            5,
            "a line per series"
        );
    }
    let hours = sections[0].select(&select("tbody tr")).count();
    assert_eq!(
        hours, 24,
        "every hour of the day, those without lookups as zero"
    );
    let days = sections[1].select(&select("tbody tr")).count();
    assert_eq!(days, 7);

    // Each incident's answers: AB123456 is listed by both, CD123456 by billing alone,
    // EF123456 by neither; the limited lookup was not answered.
    let incidents: Vec<Vec<String>> = html
        .select(&select("section.stats-incidents tbody tr"))
        .map(|row| {
            row.select(&select("th, td"))
                .map(|cell| cell.text().collect::<String>())
                .collect()
        })
        .collect();
    let title = "Unauthorised access to the order system";
    assert_eq!(
        incidents,
        [
            [format!("{title} (order-system)"), "3".into(), "1".into()],
            [format!("{title} (billing)"), "3".into(), "2".into()],
            [
                r#"<b class="x">Q&A</b> (draft)"#.into(),
                "0".into(),
                "0".into()
            ],
        ],
        "oldest first"
    );
    assert!(
        body.contains("&lt;b class=\"x\"&gt;Q&amp;A&lt;/b&gt;") && !body.contains("<b class"),
        "a title stays text"
    );

    // The CSV: a BOM, the header in the reader's language, the hour's counts.
    let csv = app.get_with("/staff/stats.csv", "cookie", &desk).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let csv = csv.strip_prefix('\u{FEFF}').expect("a BOM for Excel");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        r#""Hour (JST)","Lookups answered","Answered “affected”","Refused by a limit","Refused as busy","Domains proven""#
    );
    // One row per hour that saw lookups (two if the test crossed an hour).
    let mut sums = [0i64; 5];
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
        assert!(cells[0].ends_with(":00"), "{line}");
        for (sum, cell) in sums.iter_mut().zip(&cells[1..]) {
            *sum += cell.parse::<i64>().unwrap();
        }
    }
    assert_eq!(sums, [3, 2, 1, 0, 0], "{csv}");

    // Strangers get nothing.
    let anonymous = app.get("/staff/stats.csv").await;
    assert!(!anonymous.status().is_success(), "{}", anonymous.status());
    let anonymous = app.get("/staff/stats").await;
    assert!(!anonymous.status().is_success(), "{}", anonymous.status());
}
