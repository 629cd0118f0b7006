//! `make bench`, flood: while wrk floods the home page, a notice page, the JSON API and
//! the public check's POST from one address with many connections, a second client (one
//! request a second to each of the home page, the notice page and a lookup, each lookup
//! from an address of its own, as separate customers) is timed. Prints what fraction of
//! the second client's requests were served and their percentiles, and what the flood got.
//!
//! The settings are the defaults a deployment starts with, behind a trusted proxy on this
//! machine (`X-Forwarded-For` names the customers). One list hashed with argon2id.

mod common;

use breachcheck::digest::Profile;
use common::PEPPER;
use common::load::{COUNT_STATUSES, Wrk};
use server::config::{Config, Settings};
use server::startup::Application;
use std::time::{Duration, Instant};

const FLOOD_CONNECTIONS: usize = 256;
const SECONDS: u64 = 20;

/// A quarter of the flood to each of the four routes; lookups with numbers never asked.
const FLOOD: &str = r#"
function request()
  n = n + 1
  local which = n % 4
  if which == 0 then return wrk.format("GET", "/")
  elseif which == 1 then return wrk.format("GET", "/incidents/order-system")
  elseif which == 2 then return wrk.format("GET", "/api/v1/incidents")
  else return wrk.format("POST", "/check", nil, string.format("contract=F%d%08d", id, n))
  end
end
"#;

#[derive(Default)]
struct Timings {
    served: usize,
    asked: usize,
    latencies: Vec<Duration>,
    statuses: Vec<u16>,
}

impl Timings {
    fn record(&mut self, status: Option<u16>, took: Duration, served: bool) {
        self.asked += 1;
        if served {
            self.served += 1;
        }
        self.latencies.push(took);
        self.statuses.push(status.unwrap_or(0));
    }

    fn print(&self, name: &str) {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |p: f64| {
            sorted
                .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
                .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
        };
        let mut statuses = self.statuses.clone();
        statuses.sort();
        statuses.dedup();
        let counts: Vec<String> = statuses
            .iter()
            .map(|s| {
                let n = self.statuses.iter().filter(|x| *x == s).count();
                if *s == 0 {
                    format!("no answer x{n}")
                } else {
                    format!("{s} x{n}")
                }
            })
            .collect();
        println!(
            "  {name:<24} served {:>5.1}% ({}/{})   p50 {:>7.1} ms   p99 {:>7.1} ms   [{}]",
            100.0 * self.served as f64 / self.asked.max(1) as f64,
            self.served,
            self.asked,
            at(0.50),
            at(0.99),
            counts.join(", "),
        );
    }
}

/// Sends `request` and reads the whole answer: its status (none if it never came) and
/// how long that took.
async fn timed(request: reqwest::RequestBuilder) -> (Option<u16>, Duration) {
    let started = Instant::now();
    let status = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            response.bytes().await.ok().map(|_| status)
        }
        Err(_) => None,
    };
    (status, started.elapsed())
}

/// One request a second to each of three routes, for `SECONDS`.
async fn second_client(base: String) -> [Timings; 3] {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut timings: [Timings; 3] = Default::default();
    let mut every = tokio::time::interval(Duration::from_secs(1));
    for second in 0..SECONDS {
        every.tick().await;
        for (i, path) in ["/", "/incidents/order-system"].into_iter().enumerate() {
            let request = client
                .get(format!("{base}{path}"))
                .header("cookie", "breachcheck_lang=ja");
            let (status, took) = timed(request).await;
            timings[i].record(status, took, status == Some(200));
        }
        // A customer of their own: a new address each time, the number on the list.
        let request = client
            .post(format!("{base}/check"))
            .header("origin", &base)
            .header("x-forwarded-for", format!("198.51.100.{}", second + 1))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("contract=AB{:06}", second % 20));
        let (status, took) = timed(request).await;
        timings[2].record(status, took, status == Some(200));
    }
    timings
}

#[tokio::main]
async fn main() {
    // As the server's own binary does first thing (see `server::memory`).
    server::memory::return_large_blocks_on_free();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(format!("sqlite://{}/bench.db", dir.path().display()).into()),
        data_dir: Some(dir.path().to_owned()),
        site_root: Some(dir.path().join("site")),
        pepper: Some(PEPPER.into()),
        trusted_proxies: Some("127.0.0.1".into()),
        ..Settings::default()
    };
    let app = Application::build(Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    common::publish_list(&app, 20, Profile::ARGON2ID).await;
    common::publish_notice(&app).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    println!(
        "flood: wrk with {FLOOD_CONNECTIONS} connections on /, a notice page, the JSON API and \
         POST /check for {SECONDS} s, default settings;\nmeanwhile one request a second to \
         each of the home page, the notice page and a lookup (a new customer each time):\n"
    );
    let honest = tokio::spawn(second_client(base.clone()));
    let origin = format!("Origin: {base}");
    let script = format!("{COUNT_STATUSES}{FLOOD}");
    let flood = Wrk {
        url: &format!("{base}/"),
        connections: FLOOD_CONNECTIONS,
        duration: Duration::from_secs(SECONDS + 1),
        headers: &[&origin, "Content-Type: application/x-www-form-urlencoded"],
        script: Some(&script),
    }
    .run()
    .await;
    let [home, notice, lookup] = honest.await.unwrap();
    println!("second client:");
    home.print("home page");
    notice.print("notice page");
    lookup.print("lookup (floor 400 ms)");
    let mut statuses: Vec<String> = flood
        .script
        .iter()
        .map(|(status, n)| format!("{status} x{n}"))
        .collect();
    statuses.sort();
    println!(
        "flood: {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms   [{}]",
        flood.requests_per_sec,
        flood.p50_ms,
        flood.p99_ms,
        statuses.join(", ")
    );
    let _ = stop.send(());
}
