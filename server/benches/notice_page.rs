//! `make bench`: what a published notice page and a static file cost us, next to Debian's
//! nginx serving the very same bytes on the same machine, in one run. wrk sends the load
//! (32 connections, two threads) to each in turn; the ratio is ours over nginx's.
//!
//! The server runs in this process on SQLite in a temporary directory. wrk, nginx and the
//! server share the machine's cores; both sides pay the same.

mod common;

use common::PEPPER;
use common::load::{Nginx, Wrk, WrkFigures};
use server::config::{Config, Settings};
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
const DURATION: Duration = Duration::from_secs(5);

async fn load(url: &str) -> WrkFigures {
    let wrk = |duration| Wrk {
        url,
        connections: CONNECTIONS,
        duration,
        headers: &["Cookie: breachcheck_lang=ja"],
        script: None,
    };
    // Warm-up: the page rendered into the cache, connections and caches warm.
    wrk(Duration::from_secs(1)).run().await;
    let figures = wrk(DURATION).run().await;
    assert_eq!(figures.non_success, 0, "{url} answered errors under load");
    figures
}

fn print(name: &str, ours: &WrkFigures, nginx: &WrkFigures) {
    println!(
        "{name:<34} ours {:>8.0} req/s p99 {:>6.2} ms   nginx {:>8.0} req/s p99 {:>6.2} ms   \
         ratio {:.2}",
        ours.requests_per_sec,
        ours.p99_ms,
        nginx.requests_per_sec,
        nginx.p99_ms,
        ours.requests_per_sec / nginx.requests_per_sec,
    );
}

#[tokio::main]
async fn main() {
    // As the server's own binary does first thing (see `server::memory`).
    server::memory::return_large_blocks_on_free();
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
         {} s each\n",
        DURATION.as_secs()
    );
    let ours = load(&format!("{base}/incidents/order-system")).await;
    let theirs = load(&format!("{anchor}/notice.html")).await;
    print(
        &format!("notice page ({} bytes)", page.len()),
        &ours,
        &theirs,
    );
    let css = format!("pkg/breachcheck.{CSS_HASH}.css");
    let css_bytes = std::fs::metadata(site_root.join(&css)).unwrap().len();
    let ours = load(&format!("{base}/{css}")).await;
    let theirs = load(&format!("{anchor}/{css}")).await;
    print(&format!("static file ({css_bytes} bytes)"), &ours, &theirs);
    let _ = stop.send(());
}
