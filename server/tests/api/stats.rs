//! The staff statistics after a known sequence of lookups: the figures in the tables beside
//! the charts, the charts themselves, and the CSV export.

use crate::helpers::check::{check, generous};
use crate::helpers::lists::publish;
use crate::helpers::{create_staff, signed_in, spawn_app_with, unix_now};
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
            ["3", "1", "1", "0"],
            "answered, affected, limited, busy"
        );
        let chart = section
            .select(&select("div.chart[role=img] svg"))
            .next()
            .expect("a chart drawn on the server");
        assert_eq!(
            chart
                .select(&select(r#"polyline[stroke-width="2"]"#))
                .count(),
            4,
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

    // The CSV: a BOM, the header in the reader's language, the hour's counts.
    let csv = app.get_with("/staff/stats.csv", "cookie", &desk).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let csv = csv.strip_prefix('\u{FEFF}').expect("a BOM for Excel");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        r#""Hour (JST)","Lookups answered","Answered “affected”","Refused by a limit","Refused as busy""#
    );
    // One row per hour that saw lookups (two if the test crossed an hour).
    let mut sums = [0i64; 4];
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
        assert!(cells[0].ends_with(":00"), "{line}");
        for (sum, cell) in sums.iter_mut().zip(&cells[1..]) {
            *sum += cell.parse::<i64>().unwrap();
        }
    }
    assert_eq!(sums, [3, 1, 1, 0], "{csv}");

    // Strangers get nothing.
    let anonymous = app.get("/staff/stats.csv").await;
    assert!(!anonymous.status().is_success(), "{}", anonymous.status());
    let anonymous = app.get("/staff/stats").await;
    assert!(!anonymous.status().is_success(), "{}", anonymous.status());
}
