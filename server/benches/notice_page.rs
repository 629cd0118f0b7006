//! `make bench`: what a published notice page and a static file cost us, next to Debian's
//! nginx serving the very same bytes on the same machine, in one run. wrk sends the load
//! (32 connections, two threads) to each in turn; the ratio is ours over nginx's.
//!
//! The server runs in this process on SQLite in a temporary directory. wrk, nginx and the
//! server share the machine's cores; both sides pay the same. On a shared machine one
//! 5-second run of each gave ratios from 0.71 to 1.09 for the same build, so each side runs
//! several short rounds in turn, and the median round is printed with the range.

mod common;

use common::PEPPER;
use common::load::{Nginx, Wrk, WrkFigures};
use server::config::{Config, Environment, Settings};
use server::startup::Application;
use std::time::Duration;

const CONNECTIONS: usize = 32;
const CSS_HASH: &str = "benchstylesheet1";

/// The `hash.txt` a release build writes beside the server's executable, here beside this
/// benchmark's for as long as it runs (other programs built into the same directory must
/// not find it).
struct HashFile(std::path::PathBuf);

impl HashFile {
    fn write(hash: &str) -> Self {
        let path = server::static_files::hash_file().unwrap();
        std::fs::write(&path, format!("js: {hash}\nwasm: {hash}\ncss: {hash}\n")).unwrap();
        Self(path)
    }
}

impl Drop for HashFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
/// The request log's sampling the README advises for a busy day.
const REQUEST_LOG_EVERY: u64 = 100;

/// Rounds per side, taken in turn (ours, nginx, ours, ...), and each round's length.
const ROUNDS: usize = 5;
const ROUND: Duration = Duration::from_secs(3);

async fn load(url: &str, duration: Duration) -> WrkFigures {
    let figures = Wrk {
        url,
        connections: CONNECTIONS,
        duration,
        headers: &["Cookie: breachcheck_lang=ja"],
        script: None,
    }
    .run()
    .await;
    assert_eq!(figures.non_success, 0, "{url} answered errors under load");
    figures
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Ours and nginx's in turn, after a warm-up of each (the page rendered into the cache,
/// connections and caches warm); the median of each figure, and of the rounds' ratios.
async fn compare(name: &str, ours: &str, nginx: &str) {
    load(ours, Duration::from_secs(1)).await;
    load(nginx, Duration::from_secs(1)).await;
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        rounds.push((load(ours, ROUND).await, load(nginx, ROUND).await));
    }
    let ratios: Vec<f64> = rounds
        .iter()
        .map(|(o, n)| o.requests_per_sec / n.requests_per_sec)
        .collect();
    let of = |pick: fn(&(WrkFigures, WrkFigures)) -> f64| median(rounds.iter().map(pick).collect());
    let (low, high) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
    println!(
        "{name:<34} ours {:>8.0} req/s p99 {:>6.2} ms   nginx {:>8.0} req/s p99 {:>6.2} ms   \
         ratio {:.2} (rounds {low:.2}-{high:.2})",
        of(|(o, _)| o.requests_per_sec),
        of(|(o, _)| o.p99_ms),
        of(|(_, n)| n.requests_per_sec),
        of(|(_, n)| n.p99_ms),
        median(ratios),
    );
}

#[tokio::main]
async fn main() {
    // As the server's own binary does first thing (see `server::memory`), and logging as
    // in production, into a sink: a span per request, a line for one in REQUEST_LOG_EVERY.
    server::memory::return_large_blocks_on_free();
    server::telemetry::init_with_writer(Environment::Production, std::io::sink);
    let dir = tempfile::tempdir().unwrap();
    let site_root = dir.path().join("site");
    std::fs::create_dir_all(site_root.join("pkg")).unwrap();
    // The site's stylesheet served as a release build serves it: named after its content,
    // which the server learns from the `hash.txt` beside its executable (read into memory).
    let _hashed = HashFile::write(CSS_HASH);
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../style/main.css"),
        site_root.join(format!("pkg/breachcheck.{CSS_HASH}.css")),
    )
    .unwrap();
    let settings = Settings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(format!("sqlite://{}/bench.db", dir.path().display()).into()),
        data_dir: Some(dir.path().to_owned()),
        site_root: Some(site_root.clone()),
        pepper: Some(PEPPER.into()),
        request_log_every: Some(REQUEST_LOG_EVERY),
        ..Settings::default()
    };
    let app = Application::build(Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    common::publish_notice(&app).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // The same HTML as a file for nginx: what our cache answers, byte for byte but the nonce.
    let page = reqwest::Client::new()
        .get(format!("{base}/incidents/order-system"))
        .header("cookie", "breachcheck_lang=ja")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    std::fs::write(site_root.join("notice.html"), &page).unwrap();
    let nginx = Nginx::serve(&site_root);
    let anchor = format!("http://127.0.0.1:{}", nginx.port);

    println!(
        "pages vs nginx (the same bytes, no compression asked): wrk, {CONNECTIONS} connections, \
         {ROUNDS} rounds of {} s each in turn, medians; our log as in production (JSON, a line \
         for one request in {REQUEST_LOG_EVERY}), nginx's access log off\n",
        ROUND.as_secs()
    );
    compare(
        &format!("notice page ({} bytes)", page.len()),
        &format!("{base}/incidents/order-system"),
        &format!("{anchor}/notice.html"),
    )
    .await;
    let css = format!("pkg/breachcheck.{CSS_HASH}.css");
    let css_bytes = std::fs::metadata(site_root.join(&css)).unwrap().len();
    compare(
        &format!("static file ({css_bytes} bytes)"),
        &format!("{base}/{css}"),
        &format!("{anchor}/{css}"),
    )
    .await;
    let _ = stop.send(());
}
