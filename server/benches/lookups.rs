//! `make bench`, lookups: answered public lookups per second next to the raw argon2 rate of
//! this machine, measured in one run, with 32 and then 128 clients, and the process's
//! resident memory before, during and after them.
//!
//! One published list hashed with argon2id (the default profile) and no phone column, so a
//! lookup costs one hash; the lookup floor is off and the limits are out of the way, so that
//! hashing is the work measured. The raw rate is argon2 alone on as many threads as the
//! server has hashing workers. Client and server share the cores, as the raw rate's threads
//! do not: a ratio of 1 is not reachable, and what matters is how close it stays as the
//! clients grow.

mod common;

use breachcheck::dataset::category::{Categories, Category, Standard};
use breachcheck::dataset::incident::{self, NewIncident, Slug};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::digest::{Digester, Profile};
use breachcheck::identifier::{ContractPattern, Kind};
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::pepper::Pepper;
use common::PEPPER;
use server::config::{Config, Settings};
use server::startup::Application;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const DURATION: Duration = Duration::from_secs(6);
const LISTED: usize = 20;

/// The process's resident memory, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// argon2id hashes per second on `threads` threads, nothing else running.
fn raw_argon2_rate(threads: usize) -> f64 {
    let pepper = Pepper::parse(PEPPER.as_bytes().to_vec()).unwrap();
    let digester = Digester::new(Profile::ARGON2ID, pepper, [7; 16]);
    let until = Instant::now() + DURATION;
    let started = Instant::now();
    let done: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let digester = digester.clone();
                scope.spawn(move || {
                    let mut n = 0u64;
                    while Instant::now() < until {
                        digester.digest(Kind::Contract, &format!("RW{t:02}{n:06}"));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    done as f64 / started.elapsed().as_secs_f64()
}

struct Round {
    answered: u64,
    busy: u64,
    other: u64,
    latencies: Vec<Duration>,
    elapsed: Duration,
    peak_rss: f64,
}

/// `clients` clients posting the public form as fast as answers come, for `DURATION`.
async fn round(base: &str, clients: usize, first_number: u64) -> Round {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let number = Arc::new(AtomicU64::new(first_number));
    let (answered, busy, other) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let running = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn({
        let running = running.clone();
        async move {
            let mut peak: f64 = 0.0;
            while running.load(Ordering::SeqCst) {
                peak = peak.max(rss_mib());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            peak
        }
    });
    let started = Instant::now();
    let until = started + DURATION;
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (client, number) = (client.clone(), number.clone());
            let (answered, busy, other) = (answered.clone(), busy.clone(), other.clone());
            let url = format!("{base}/check");
            let origin = base.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < until {
                    // Every number once: the per-number limit never applies.
                    let n = number.fetch_add(1, Ordering::SeqCst);
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .header("origin", &origin)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(format!("contract=AB{:06}", n % 1_000_000))
                        .send()
                        .await;
                    let status = match response {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            let _ = response.bytes().await;
                            status
                        }
                        Err(_) => 0,
                    };
                    match status {
                        200 => {
                            answered.fetch_add(1, Ordering::SeqCst);
                            latencies.push(sent.elapsed());
                        }
                        503 => {
                            busy.fetch_add(1, Ordering::SeqCst);
                        }
                        status => {
                            if other.fetch_add(1, Ordering::SeqCst) == 0 {
                                eprintln!("unexpected answer: {status}");
                            }
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    running.store(false, Ordering::SeqCst);
    latencies.sort();
    Round {
        answered: answered.load(Ordering::SeqCst),
        busy: busy.load(Ordering::SeqCst),
        other: other.load(Ordering::SeqCst),
        latencies,
        elapsed,
        peak_rss: sampler.await.unwrap(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Publishes a list of `LISTED` contract numbers, hashed with argon2id.
async fn publish_list(app: &Application) {
    let db = app.database();
    let uploader = common::admin(app, "uploader@example.com").await;
    let approver = common::admin(app, "approver@example.com").await;
    let incident = incident::create(
        &uploader.as_admin().unwrap(),
        &db,
        NewIncident {
            slug: Slug::parse("order-system").unwrap(),
            title_ja: "受注システムへの不正アクセス".into(),
            title_en: "Unauthorised access to the order system".into(),
            occurred_from: None,
            occurred_to: None,
            announced_on: None,
            categories: Categories::new(vec![Category::standard(Standard::Phone)]).unwrap(),
            advice_ja: String::new(),
            advice_en: String::new(),
        },
    )
    .await
    .unwrap();
    let pepper = Pepper::parse(PEPPER.as_bytes().to_vec()).unwrap();
    let importer = Importer {
        db: db.clone(),
        pool: app.hashing_pool(),
        digester: Digester::for_deployment(&db, Profile::ARGON2ID, pepper)
            .await
            .unwrap(),
        pattern: ContractPattern::default(),
    };
    let csv: String = std::iter::once("contract_number".to_owned())
        .chain((0..LISTED).map(|n| format!("AB{n:06}")))
        .collect::<Vec<_>>()
        .join("\n");
    let (started, outcome) = importer
        .run(
            Uploader::admin(&uploader.as_admin().unwrap()),
            incident,
            Mapping::new(),
            job::in_memory(csv.into_bytes()),
        )
        .await
        .unwrap();
    outcome.unwrap();
    lifecycle::approve(
        &approver.as_admin().unwrap(),
        &db,
        started.dataset,
        ApprovalPolicy::default(),
        Acknowledged::RejectedRows,
    )
    .await
    .unwrap();
    lifecycle::activate(&uploader.as_admin().unwrap(), &db, started.dataset)
        .await
        .unwrap();
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let unlimited = Some("1000000/1m".to_owned());
    let settings = Settings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(format!("sqlite://{}/bench.db", dir.path().display()).into()),
        data_dir: Some(dir.path().to_owned()),
        site_root: Some(dir.path().join("site")),
        pepper: Some(PEPPER.into()),
        lookup_floor_ms: Some(0),
        lookup_limit_address: unlimited.clone(),
        lookup_limit_noscript: unlimited.clone(),
        lookup_limit_identifier: unlimited.clone(),
        lookup_limit_global: unlimited,
        ..Settings::default()
    };
    let app = Application::build(Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let workers = app.hashing_pool().workers();
    publish_list(&app).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let raw = raw_argon2_rate(workers);
    println!(
        "lookups vs raw argon2id on {workers} threads: {raw:.1} hashes/s (alone, {} s)\n",
        DURATION.as_secs()
    );
    let before = rss_mib();
    let mut first_number = 0;
    let mut peak: f64 = 0.0;
    for clients in [32, 128] {
        let round = round(&base, clients, first_number).await;
        first_number += 1_000_000 / 4;
        let rate = round.answered as f64 / round.elapsed.as_secs_f64();
        peak = peak.max(round.peak_rss);
        println!(
            "{clients:>4} clients: {rate:>6.1} answered/s = {:.2} x raw   busy {:>6.1}/s   \
             other {}   answered p50 {:.0} ms p99 {:.0} ms",
            rate / raw,
            round.busy as f64 / round.elapsed.as_secs_f64(),
            round.other,
            percentile(&round.latencies, 0.50),
            percentile(&round.latencies, 0.99),
        );
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_mib();
    println!(
        "\nresident memory: before {before:.0} MiB, peak during lookups {peak:.0} MiB, \
         3 s after {after:.0} MiB (client and server in one process)"
    );
    let _ = stop.send(());
}
