//! `make bench`, a list of ten million: imported from a file on disk (hmac-sha256), then
//! published, then asked, on SQLite and then on PostgreSQL. Prints the import's rows per
//! second and this process's peak memory (the import streams: it should be what the 1M
//! import of the import benchmark shows), how long publishing takes (a status change: no
//! digest is copied), and what a lookup costs against that many digests: the whole
//! answer and the one query it makes of `affected`, with that query's plan.
//!
//! `BREACHCHECK_BENCH_BIG_ROWS` sets the size (10,000,000 by default) and
//! `BREACHCHECK_BENCH_ONLY=sqlite|postgres` runs one back end; PostgreSQL is the one at
//! `BREACHCHECK_BENCH_PG_URL` (by default the machine's), in a database made and dropped
//! here.

mod common;

#[path = "../../benches/common/imports.rs"]
mod imports;

use breachcheck::check::lookup::{DIGEST_ROWS, Lookup, Query};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::digest::{Digest, Digester, Profile};
use breachcheck::identifier::{ContractNumber, ContractPattern, Kind};
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::pepper::Pepper;
use breachcheck::storage::{Backend, Database};
use common::PEPPER;
use imports::{peak_rss_mib, psql, runs, write_list};
use server::config::{Config, Settings};
use server::startup::Application;
use sqlx::Row;
use std::path::Path;
use std::time::{Duration, Instant};

/// Milliseconds at the median and the 99th percentile.
fn percentiles(mut took: Vec<Duration>) -> (f64, f64) {
    took.sort();
    let at = |q: f64| took[((took.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.99))
}

/// A cheap, fixed sequence of numbers spread over the list (no randomness to seed).
fn spread(n: usize, rows: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| (k * 2_654_435_761) % rows)
}

async fn run(url: &str, dir: &Path, list: &Path, rows: usize) {
    let settings = Settings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(url.to_owned().into()),
        data_dir: Some(dir.to_owned()),
        site_root: Some(dir.join("site")),
        pepper: Some(PEPPER.into()),
        ..Settings::default()
    };
    let app = Application::build(Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    let db = app.database();
    let uploader = common::admin(&app, "uploader@example.com").await;
    let approver = common::admin(&app, "approver@example.com").await;
    let incident = common::order_system(&app, &uploader).await;
    let pepper = Pepper::parse(PEPPER.as_bytes().to_vec()).unwrap();
    let digester = Digester::for_deployment(&db, Profile::HmacSha256, pepper.clone())
        .await
        .unwrap();
    let importer = Importer {
        db: db.clone(),
        pool: app.hashing_pool(),
        digester: digester.clone(),
        pattern: ContractPattern::default(),
    };

    let before = peak_rss_mib();
    let start = Instant::now();
    let (started, outcome) = importer
        .run(
            Uploader::admin(&uploader.as_admin().unwrap()),
            incident,
            Mapping::new(),
            job::on_disk(list.to_owned()),
        )
        .await
        .unwrap();
    let report = outcome.unwrap();
    assert_eq!(report.accepted_rows, rows as u64);
    let seconds = start.elapsed().as_secs_f64();
    let digests: u64 = report.identifiers.values().sum();
    println!(
        "import: {rows} rows ({digests} digests) in {seconds:.1} s = {:.0} rows/s, \
         peak RSS {before:.1} MiB before it (the server, its admins signed in), {:.1} after",
        rows as f64 / seconds,
        peak_rss_mib()
    );

    lifecycle::approve(
        &approver.as_admin().unwrap(),
        &db,
        started.dataset,
        ApprovalPolicy::default(),
        Acknowledged::Nothing,
    )
    .await
    .unwrap();
    let start = Instant::now();
    lifecycle::activate(&uploader.as_admin().unwrap(), &db, started.dataset)
        .await
        .unwrap();
    println!("publish: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);

    let lookup = Lookup::new(db.clone(), digester.clone(), app.hashing_pool(), &pepper);
    let pattern = ContractPattern::default();
    let ask = |contract: String| {
        let lookup = lookup.clone();
        let contract = ContractNumber::parse(&contract, &pattern).unwrap();
        async move {
            let start = Instant::now();
            let answer = lookup
                .answer(&Query {
                    contract,
                    phone: None,
                })
                .await
                .unwrap();
            (start.elapsed(), answer.findings.len())
        }
    };
    for (name, listed) in [("listed", true), ("not listed", false)] {
        let mut took = Vec::new();
        for i in spread(500, rows) {
            let contract = format!("{}{i:08}", if listed { "BX" } else { "BY" });
            let (time, found) = ask(contract).await;
            assert_eq!(found, usize::from(listed));
            took.push(time);
        }
        let (p50, p99) = percentiles(took);
        println!("lookup, whole answer, {name}: p50 {p50:.2} ms, p99 {p99:.2} ms (500 asked)");
    }

    // The one query of `affected`, alone, for digests listed and not.
    let digest_of = |i: usize, listed: bool| {
        let contract = format!("{}{i:08}", if listed { "BX" } else { "BY" });
        let contract = ContractNumber::parse(&contract, &pattern).unwrap();
        digester.digest(Kind::Contract, contract.as_str())
    };
    let query = |digest: Digest| {
        sqlx::query(DIGEST_ROWS)
            .bind(Kind::Contract.as_str())
            .bind(digest.0.to_vec())
            .bind(Kind::ContractPhone.as_str())
            .bind(Vec::<u8>::new())
    };
    let mut took = Vec::new();
    for (n, i) in spread(2_000, rows).enumerate() {
        let start = Instant::now();
        query(digest_of(i, n % 2 == 0))
            .fetch_all(db.pool())
            .await
            .unwrap();
        took.push(start.elapsed());
    }
    let (p50, p99) = percentiles(took);
    println!(
        "lookup, its query of affected (half listed): p50 {p50:.3} ms, p99 {p99:.3} ms \
         (2,000 asked, round trip included)"
    );
    print_plan(&db, digest_of(rows / 3, true)).await;
    app.database().close().await;
}

async fn print_plan(db: &Database, digest: Digest) {
    let explain = match db.backend() {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {DIGEST_ROWS}"),
        Backend::Postgres => format!("EXPLAIN (ANALYZE, BUFFERS) {DIGEST_ROWS}"),
    };
    let rows = sqlx::query(&explain)
        .bind(Kind::Contract.as_str())
        .bind(digest.0.to_vec())
        .bind(Kind::ContractPhone.as_str())
        .bind(Vec::<u8>::new())
        .fetch_all(db.pool())
        .await
        .unwrap();
    println!("its plan:");
    for row in rows {
        let line: String = match db.backend() {
            Backend::Sqlite => row.try_get("detail").unwrap(),
            Backend::Postgres => row.try_get(0).unwrap(),
        };
        println!("    {line}");
    }
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("BREACHCHECK_BENCH_BIG_ROWS")
        .map_or(10_000_000, |n| n.parse().expect("a number of rows"));
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    write_list(&list, rows);
    println!(
        "a list of {rows} rows ({:.0} MiB), hmac-sha256",
        std::fs::metadata(&list).unwrap().len() as f64 / 1_048_576.0
    );
    if runs("sqlite") {
        println!("\nSQLite");
        let data = dir.path().join("sqlite");
        let url = format!("sqlite://{}/big.db", data.display());
        run(&url, &data, &list, rows).await;
        std::fs::remove_dir_all(&data).unwrap();
    }
    if runs("postgres") {
        let admin = std::env::var("BREACHCHECK_BENCH_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("bench_big_{}", std::process::id());
        let (base, _) = admin
            .rsplit_once('/')
            .expect("BREACHCHECK_BENCH_PG_URL names a database");
        psql(&admin, &format!("CREATE DATABASE {name}"));
        println!("\nPostgreSQL");
        let data = dir.path().join("postgres");
        run(&format!("{base}/{name}"), &data, &list, rows).await;
        psql(&admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
    }
}
