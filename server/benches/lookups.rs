//! `make bench`, lookups: answered public lookups per second next to the raw argon2 rate of
//! this machine, measured in one run, with 32 and then 128 connections, and the server's
//! resident memory before, during and after them.
//!
//! One published list hashed with argon2id (the default profile) and no phone column, so a
//! lookup costs one hash; the lookup floor is off and the limits are out of the way, so that
//! hashing is the work measured. The raw rate is argon2 alone on as many threads as the
//! server has hashing workers. The load comes from wrk, in a process of its own, so this
//! process's memory is the server's; wrk still shares the cores, as the raw rate's threads
//! do not.
//!
//! Each round also says where the process's CPU went (the kernel's per-thread scheduler
//! figures): how much of the round each hashing thread ran and how much it waited for a
//! core, the CPU time of a hash in the server next to a hash alone, and the CPU time of
//! every other thread per answer.
//!
//! Last, the same lookups against a list hashed with HMAC: everything a lookup does but its
//! hash, as a share of one argon2 hash. That share is what keeps the ratio from 1, and
//! unlike the ratio it does not move with the machine's argon2 speed.

mod common;

use breachcheck::digest::{Digester, Profile};
use breachcheck::identifier::Kind;
use breachcheck::pepper::Pepper;
use common::PEPPER;
use common::load::{COUNT_STATUSES, Wrk, WrkFigures, rss_mib};
use server::config::{Config, Settings};
use server::startup::Application;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const DURATION: Duration = Duration::from_secs(6);

/// Posts the public form, each request with a number never asked before (so the
/// per-number limit never applies), as a visitor without JavaScript would.
const POST_LOOKUPS: &str = r#"
function request()
  n = n + 1
  return wrk.format("POST", "/check", nil, string.format("contract=W%d%08d", id, n))
end
"#;

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

/// `connections` clients posting lookups as fast as answers come, for `DURATION`, with
/// the server's peak resident memory meanwhile.
async fn round(base: &str, connections: usize) -> (WrkFigures, f64, ThreadTimes) {
    let threads_before = ThreadTimes::now();
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn({
        let sampling = sampling.clone();
        async move {
            let mut peak: f64 = 0.0;
            while sampling.load(Ordering::SeqCst) {
                peak = peak.max(rss_mib());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            peak
        }
    });
    let origin = format!("Origin: {base}");
    let script = format!("{COUNT_STATUSES}{POST_LOOKUPS}");
    let figures = Wrk {
        url: &format!("{base}/check"),
        connections,
        duration: DURATION,
        headers: &[&origin, "Content-Type: application/x-www-form-urlencoded"],
        script: Some(&script),
    }
    .run()
    .await;
    sampling.store(false, Ordering::SeqCst);
    let threads = ThreadTimes::now().since(&threads_before);
    (figures, sampler.await.unwrap(), threads)
}

/// Where this process's CPU time went, by kind of thread, from the kernel's per-thread
/// scheduler figures (`/proc/self/task/*/schedstat`): time on a core, and time runnable but
/// waiting for one. The ratio to the raw rate is what the hashing threads get of the cores;
/// this says what took the rest.
#[derive(Clone, Copy, Debug, Default)]
struct ThreadTimes {
    wall: Option<Instant>,
    seconds: f64,
    /// (on a core, waiting for a core), in seconds: hashing workers, then all other threads.
    hashing: (f64, f64),
    rest: (f64, f64),
    hashing_threads: usize,
}

impl ThreadTimes {
    fn now() -> Self {
        let mut times = Self {
            wall: Some(Instant::now()),
            ..Self::default()
        };
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return times;
        };
        for task in tasks.flatten() {
            let read = |file: &str| std::fs::read_to_string(task.path().join(file));
            let (Ok(name), Ok(stat)) = (read("comm"), read("schedstat")) else {
                continue;
            };
            let mut fields = stat
                .split_whitespace()
                .map(|f| f.parse::<f64>().unwrap_or(0.0));
            let (run, wait) = (fields.next().unwrap_or(0.0), fields.next().unwrap_or(0.0));
            let (run, wait) = (run / 1e9, wait / 1e9);
            if name.starts_with("hashing-") {
                times.hashing.0 += run;
                times.hashing.1 += wait;
                times.hashing_threads += 1;
            } else {
                times.rest.0 += run;
                times.rest.1 += wait;
            }
        }
        times
    }

    /// The time spent between `earlier` and this (threads started in between count whole).
    fn since(&self, earlier: &Self) -> Self {
        let seconds = match (self.wall, earlier.wall) {
            (Some(now), Some(then)) => now.duration_since(then).as_secs_f64(),
            _ => 0.0,
        };
        Self {
            wall: None,
            seconds,
            hashing: (
                self.hashing.0 - earlier.hashing.0,
                self.hashing.1 - earlier.hashing.1,
            ),
            rest: (self.rest.0 - earlier.rest.0, self.rest.1 - earlier.rest.1),
            hashing_threads: self.hashing_threads,
        }
    }

    /// Per hashing thread, the share of the round it ran and the share it waited for a core.
    fn hashing_shares(&self) -> (f64, f64) {
        let span = self.seconds * self.hashing_threads.max(1) as f64;
        (self.hashing.0 / span, self.hashing.1 / span)
    }
}

/// The raw rate, measured in a process of its own: its threads' memory must not count as
/// the server's.
fn raw_argon2_rate_apart(threads: usize) -> f64 {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .env(RAW_ONLY, threads.to_string())
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the raw rate")
}

const RAW_ONLY: &str = "BREACHCHECK_BENCH_RAW_ARGON2_THREADS";

#[tokio::main]
async fn main() {
    // As the server's own binary does first thing (see `server::memory`).
    server::memory::return_large_blocks_on_free();
    if let Some(threads) = std::env::var_os(RAW_ONLY) {
        let threads = threads.to_string_lossy().parse().unwrap();
        println!("{}", raw_argon2_rate(threads));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (app, stop) = start(dir.path(), Profile::ARGON2ID).await;
    let base = format!("http://127.0.0.1:{}", app.port);
    let workers = app.workers;

    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_mib();
    // The raw rate before and after the rounds: on a shared machine it moves from minute
    // to minute, and each round is compared with the mean of the two.
    let raw_before = raw_argon2_rate_apart(workers);
    let mut peak: f64 = 0.0;
    let mut rounds = Vec::new();
    for connections in [32, 128] {
        let (figures, round_peak, threads) = round(&base, connections).await;
        peak = peak.max(round_peak);
        rounds.push((connections, figures, threads));
    }
    let raw_after = raw_argon2_rate_apart(workers);
    let raw = (raw_before + raw_after) / 2.0;
    println!(
        "lookups vs raw argon2id on {workers} threads: {raw:.1} hashes/s \
         ({raw_before:.1} before the rounds, {raw_after:.1} after; alone, {} s each)\n",
        DURATION.as_secs()
    );
    for (connections, figures, threads) in rounds {
        let seconds = DURATION.as_secs_f64();
        let answered = figures.script_value("200") / seconds;
        let busy = figures.script_value("503") / seconds;
        let other = (figures.requests as f64 / seconds - answered - busy).max(0.0);
        println!(
            "{connections:>4} connections: {answered:>6.1} answered/s = {:.2} x raw   \
             busy {busy:>7.1}/s   other {other:.1}/s   p50 {:.1} ms p99 {:.1} ms (all answers)",
            answered / raw,
            figures.p50_ms,
            figures.p99_ms,
        );
        let (ran, waited) = threads.hashing_shares();
        let answers = figures.requests.max(1) as f64;
        let hashed = figures.script_value("200").max(1.0);
        println!(
            "      each hashing thread ran {:.0}% of the round and waited for a core {:.0}%; \
             a hash took {:.1} ms of CPU ({:.1} ms alone); the server's other threads ran \
             {:.2} ms per answer",
            100.0 * ran,
            100.0 * waited,
            1000.0 * threads.hashing.0 / hashed,
            workers as f64 * 1000.0 / raw,
            1000.0 * threads.rest.0 / answers,
        );
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_mib();
    println!(
        "\nserver resident memory: before {before:.0} MiB, peak during lookups {peak:.0} MiB, \
         3 s after {after:.0} MiB"
    );
    let _ = stop.send(());

    // The same lookups with the list hashed with HMAC: everything a lookup does but its
    // hash. The 0.9 goal leaves the rest a tenth of a hash.
    let dir = tempfile::tempdir().unwrap();
    let (app, stop) = start(dir.path(), Profile::HmacSha256).await;
    let base = format!("http://127.0.0.1:{}", app.port);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (figures, _, _) = round(&base, 32).await;
    let _ = stop.send(());
    let answered = figures.script_value("200") / DURATION.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let rest_ms = cores * 1000.0 / answered;
    let hash_ms = workers as f64 * 1000.0 / raw;
    println!(
        "\nwithout the hash (the list hashed with HMAC-SHA256), 32 connections: \
         {answered:.0} answered/s, so a lookup's other work costs {rest_ms:.2} ms of the \
         {cores:.0} cores (wrk included) = {:.1}% of an argon2 hash ({hash_ms:.1} ms); \
         0.9 x raw needs at most 11%",
        100.0 * rest_ms / hash_ms
    );
}

struct Started {
    port: u16,
    workers: usize,
}

/// A server on SQLite in `dir` whose one published list is hashed with `profile`, with the
/// lookup floor off and the limits out of the way; it runs until the sender is used.
async fn start(
    dir: &std::path::Path,
    profile: Profile,
) -> (Started, tokio::sync::oneshot::Sender<()>) {
    let unlimited = Some("100000000/1m".to_owned());
    let settings = Settings {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(format!("sqlite://{}/bench.db", dir.display()).into()),
        data_dir: Some(dir.to_owned()),
        site_root: Some(dir.join("site")),
        pepper: Some(PEPPER.into()),
        lookup_floor_ms: Some(0),
        lookup_limit_address: unlimited.clone(),
        lookup_limit_noscript: unlimited.clone(),
        lookup_limit_identifier: unlimited.clone(),
        lookup_limit_global: unlimited,
        // Every connection may be in progress, whoever it comes from (the load comes from
        // one address): the hashing pool's own queue decides.
        lookup_concurrency: Some(1024),
        lookup_concurrency_per_client: Some(1024),
        ..Settings::default()
    };
    let app = Application::build(Config::from_settings(settings).unwrap())
        .await
        .unwrap();
    let started = Started {
        port: app.port(),
        workers: app.hashing_pool().workers(),
    };
    common::publish_list(&app, 20, profile).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (started, stop)
}
