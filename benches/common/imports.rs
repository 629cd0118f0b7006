//! What the import benchmarks share (the core's `import` and the server's `big_list`, which
//! includes this file by path): the list they import, the memory they report, psql, and
//! the choice of back ends.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// Peak resident set size of this process, from /proc (Linux), in MiB.
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// A list of `rows` customers: contract number, phone, and a column the import leaves
/// aside (two digests per row).
pub fn write_list(path: &Path, rows: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "契約番号,電話番号,会社名").unwrap();
    for i in 0..rows {
        writeln!(
            out,
            "BX{i:08},03-{:04}-{:04},株式会社サンプル{i}",
            i / 10_000,
            i % 10_000
        )
        .unwrap();
    }
}

/// Runs one `psql` command against `url`, which must succeed.
pub fn psql(url: &str, command: &str) {
    let status = Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", command])
        .status()
        .expect("psql runs");
    assert!(status.success(), "psql: {command}");
}

/// Whether to run a back end: `BREACHCHECK_BENCH_ONLY=sqlite|postgres`, or both.
pub fn runs(backend: &str) -> bool {
    std::env::var("BREACHCHECK_BENCH_ONLY").map_or(true, |only| only == backend)
}
