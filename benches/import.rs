//! Import throughput and memory: 10,000 then 100,000 rows with the hmac-sha256 profile,
//! read from files on disk the way `breachcheck import` reads them, into a temporary
//! SQLite database. Prints rows per second and the process's peak resident memory after
//! each, which should barely move between the two if the import streams.
//!
//! Run with `make bench` (or `cargo bench -p breachcheck --bench import --features server`).

use breachcheck::digest::{Digester, Profile};
use breachcheck::hashing_pool::HashingPool;
use breachcheck::identifier::ContractPattern;
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::pepper::Pepper;
use breachcheck::storage::Database;
use std::time::Instant;

/// Peak resident set size of this process, from /proc (Linux), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn write_list(path: &std::path::Path, rows: usize) {
    use std::io::Write;
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

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&format!("sqlite://{}/bench.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    sqlx::query(
        "INSERT INTO staff (email, display_name, role, password_hash, totp_secret, created_at, \
         password_changed_at) VALUES ('bench@example.com', 'Bench', 'admin', 'x', $1, 0, 0)",
    )
    .bind(vec![0u8; 20])
    .execute(db.pool())
    .await
    .unwrap();
    let incident: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (slug, title_ja, title_en, categories, created_by, created_at) \
         VALUES ('bench', 'ベンチ', 'Bench', '[{\"key\":\"phone\"}]', 1, 0) RETURNING id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let pepper = Pepper::parse(b"benchmark-pepper-0123456789abcdef".to_vec()).unwrap();
    let importer = Importer {
        db: db.clone(),
        pool: HashingPool::for_this_machine(),
        digester: Digester::for_deployment(&db, Profile::HmacSha256, pepper)
            .await
            .unwrap(),
        pattern: ContractPattern::default(),
    };
    println!("import benchmark: hmac-sha256, SQLite, file on disk");
    println!(
        "{:>9} {:>9} {:>12} {:>14}",
        "rows", "seconds", "rows/s", "peak RSS MiB"
    );
    for rows in [10_000usize, 100_000] {
        let path = dir.path().join(format!("list-{rows}.csv"));
        write_list(&path, rows);
        let file_mib = std::fs::metadata(&path).unwrap().len() as f64 / 1_048_576.0;
        let start = Instant::now();
        let (_, outcome) = importer
            .run(
                Uploader::CommandLine,
                breachcheck::dataset::incident::IncidentId(incident),
                Mapping::new(),
                job::on_disk(path),
            )
            .await
            .unwrap();
        let report = outcome.unwrap();
        assert_eq!(report.accepted_rows, rows as u64);
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{rows:>9} {seconds:>9.2} {:>12.0} {:>14.1}   (file {file_mib:.1} MiB)",
            rows as f64 / seconds,
            peak_rss_mib()
        );
    }
    db.close().await;
}
