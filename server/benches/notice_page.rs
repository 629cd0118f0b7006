//! `make bench`: how fast a published notice page is served (from the rendered-page
//! cache), next to the very same HTML served as a static file by the same server, in one
//! run. Prints requests per second and latency percentiles for each.
//!
//! The server runs in this process on SQLite in a temporary directory; the load comes from
//! `CONNECTIONS` keep-alive clients for `DURATION` each. Client and server share the
//! machine's cores, so the figures are lower than a real deployment's; what matters is
//! the comparison, and both sides pay the same.

mod common;

use breachcheck::notice::{NoticeContent, NoticeText, store};
use common::PEPPER;
use server::config::{Config, Settings};
use server::startup::Application;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 32;
const DURATION: Duration = Duration::from_secs(5);
const WARM_UP: Duration = Duration::from_secs(1);

struct Figures {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    bytes: usize,
}

impl Figures {
    fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }

    fn print(&self, name: &str) {
        println!(
            "{name:<28} {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} requests, {} bytes each)",
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.percentile(0.50).as_secs_f64() * 1000.0,
            self.percentile(0.99).as_secs_f64() * 1000.0,
            self.requests,
            self.bytes,
        );
    }
}

/// `CONNECTIONS` clients asking for `url` as fast as answers come, for `DURATION`.
async fn load(url: &str) -> Figures {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let fetch = |client: reqwest::Client, url: String| async move {
        let response = client
            .get(&url)
            .header("cookie", "breachcheck_lang=ja")
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 200, "{url}");
        response.bytes().await.unwrap().len()
    };
    // Warm up: connections opened, the page rendered into the cache.
    let warm_until = Instant::now() + WARM_UP;
    while Instant::now() < warm_until {
        fetch(client.clone(), url.to_owned()).await;
    }
    let started = Instant::now();
    let until = started + DURATION;
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let client = client.clone();
            let url = url.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut bytes = 0;
                while Instant::now() < until {
                    let sent = Instant::now();
                    bytes = fetch(client.clone(), url.clone()).await;
                    latencies.push(sent.elapsed());
                }
                (latencies, bytes)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut bytes = 0;
    for worker in workers {
        let (mine, size) = worker.await.unwrap();
        latencies.extend(mine);
        bytes = size;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Figures {
        requests: latencies.len(),
        elapsed,
        latencies,
        bytes,
    }
}

fn notice() -> NoticeContent {
    let body_ja =
        "## 概要\n\n2025年2月5日、受注システムへの不正アクセスを検知しました。\n\n".repeat(12);
    let body_en =
        "## Summary\n\nOn 5 February 2025 we found unauthorised access to the order system.\n\n"
            .repeat(12);
    NoticeContent {
        ja: NoticeText {
            title: "受注システムへの不正アクセスについて".into(),
            summary: "法人のお客さまの情報が流出した可能性があります。".into(),
            body: body_ja,
            contact: String::new(),
        },
        en: NoticeText {
            title: "Unauthorised access to our order system".into(),
            summary: "Data on corporate customers may have leaked.".into(),
            body: body_en,
            contact: String::new(),
        },
        ..Default::default()
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let site_root = dir.path().join("site");
    std::fs::create_dir_all(&site_root).unwrap();
    let settings = Settings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(format!("sqlite://{}/bench.db", dir.path().display()).into()),
        data_dir: Some(dir.path().to_owned()),
        site_root: Some(site_root.clone()),
        pepper: Some(PEPPER.into()),
        ..Settings::default()
    };
    let app = Application::build(Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.database();
    let proof = common::admin(&app, "bench@example.com").await;
    let admin = proof.as_admin().unwrap();
    let incident = breachcheck::dataset::incident::NewIncident {
        slug: breachcheck::dataset::incident::Slug::parse("order-system").unwrap(),
        title_ja: "受注システムへの不正アクセス".into(),
        title_en: "Unauthorised access to the order system".into(),
        occurred_from: None,
        occurred_to: None,
        announced_on: None,
        categories: breachcheck::dataset::category::Categories::new(vec![
            breachcheck::dataset::category::Category::standard(
                breachcheck::dataset::category::Standard::Phone,
            ),
        ])
        .unwrap(),
        advice_ja: String::new(),
        advice_en: String::new(),
    };
    let incident = breachcheck::dataset::incident::create(&admin, &db, incident)
        .await
        .unwrap();
    store::save(&admin, &db, incident, &notice()).await.unwrap();
    store::publish(&admin, &db, incident).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // The same HTML, as a file the server's static-file service answers for.
    let page = reqwest::Client::new()
        .get(format!("{base}/incidents/order-system"))
        .header("cookie", "breachcheck_lang=ja")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(site_root.join("notice.html"), &page).unwrap();

    println!(
        "notice page vs the same HTML as a static file: {CONNECTIONS} connections, {} s each\n",
        DURATION.as_secs()
    );
    let cached = load(&format!("{base}/incidents/order-system")).await;
    let file = load(&format!("{base}/notice.html")).await;
    cached.print("/incidents/order-system");
    file.print("/notice.html (static file)");
    let _ = stop.send(());
}
