//! Import throughput and memory: 100,000 then 1,000,000 rows with the hmac-sha256 profile,
//! read from files on disk the way `breachcheck import` reads them, into a temporary SQLite
//! database and then a temporary PostgreSQL one. Prints rows per second and the process's
//! peak resident memory after each (it should not move with the file's size: the import
//! streams). Beside PostgreSQL, the outside anchor: `psql \copy` loading the same number of
//! same-shaped rows into a copy of the same table and indexes, and the ratio.
//!
//! PostgreSQL is the one at `BREACHCHECK_BENCH_PG_URL` (by default the machine's,
//! postgres://postgres@127.0.0.1:5432/postgres); the benchmark makes its own database there
//! and drops it.
//!
//! Run with `make bench` (or `cargo bench -p breachcheck --bench import --features server`).

#[path = "common/imports.rs"]
mod imports;

use breachcheck::digest::{Digester, Profile};
use breachcheck::hashing_pool::HashingPool;
use breachcheck::identifier::ContractPattern;
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::pepper::Pepper;
use breachcheck::storage::Database;
use imports::{peak_rss_mib, psql, runs, write_list};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

const ROWS: [usize; 2] = [100_000, 1_000_000];

/// The list sizes to run: `BREACHCHECK_BENCH_ROWS` (comma-separated) or [`ROWS`].
fn sizes() -> Vec<usize> {
    match std::env::var("BREACHCHECK_BENCH_ROWS") {
        Ok(list) => list
            .split(',')
            .map(|n| n.trim().parse().expect("BREACHCHECK_BENCH_ROWS: numbers"))
            .collect(),
        Err(_) => ROWS.to_vec(),
    }
}

/// A fresh database at `url`, migrated, with one incident to import into.
async fn prepared(url: &str) -> (Database, i64) {
    let db = Database::connect(url).await.unwrap();
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
    (db, incident)
}

/// What one import did: list rows per second, and the digest rows it stored with the
/// seconds it took (the anchor loads as many).
struct Imported {
    rate: f64,
    digests: u64,
    seconds: f64,
}

/// Imports each list into `db`.
async fn import_all(db: &Database, incident: i64, lists: &[(usize, PathBuf)]) -> Vec<Imported> {
    let pepper = Pepper::parse(b"benchmark-pepper-0123456789abcdef".to_vec()).unwrap();
    let importer = Importer {
        db: db.clone(),
        pool: HashingPool::for_this_machine(),
        digester: Digester::for_deployment(db, Profile::HmacSha256, pepper)
            .await
            .unwrap(),
        pattern: ContractPattern::default(),
    };
    let mut imported = Vec::new();
    for (rows, path) in lists {
        let file_mib = std::fs::metadata(path).unwrap().len() as f64 / 1_048_576.0;
        let start = Instant::now();
        let (_, outcome) = importer
            .run(
                Uploader::CommandLine,
                breachcheck::dataset::incident::IncidentId(incident),
                Mapping::new(),
                job::on_disk(path.clone()),
            )
            .await
            .unwrap();
        let report = outcome.unwrap();
        assert_eq!(report.accepted_rows, *rows as u64);
        let seconds = start.elapsed().as_secs_f64();
        let rate = *rows as f64 / seconds;
        let digests: u64 = report.identifiers.values().sum();
        println!(
            "{rows:>9} {seconds:>9.2} {rate:>12.0} {:>14.1}   (file {file_mib:.1} MiB, \
             {digests} digests stored)",
            peak_rss_mib()
        );
        imported.push(Imported {
            rate,
            digests,
            seconds,
        });
    }
    imported
}

/// Seconds `psql \copy` takes to load `rows` digest rows shaped as the import stores them
/// into a copy of the `affected` table with its keys and indexes.
fn copy_seconds(url: &str, dir: &Path, rows: u64) -> f64 {
    use sha2::Digest as _;
    let path = dir.join(format!("copy-{rows}.csv"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..rows {
        let digest = sha2::Sha256::digest(i.to_le_bytes());
        writeln!(out, "1,contract,\\x{},1,1", hex::encode(digest)).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    psql(url, "DROP TABLE IF EXISTS copy_anchor");
    psql(
        url,
        "CREATE TABLE copy_anchor (LIKE affected INCLUDING ALL)",
    );
    let start = Instant::now();
    psql(
        url,
        &format!(
            "\\copy copy_anchor (dataset_id, kind, digest, categories, rows_listed) FROM '{}' CSV",
            path.display()
        ),
    );
    let seconds = start.elapsed().as_secs_f64();
    psql(url, "DROP TABLE copy_anchor");
    std::fs::remove_file(&path).unwrap();
    seconds
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = sizes();
    let lists: Vec<(usize, PathBuf)> = sizes
        .iter()
        .map(|&rows| {
            let path = dir.path().join(format!("list-{rows}.csv"));
            write_list(&path, rows);
            (rows, path)
        })
        .collect();
    let heading = || {
        println!(
            "{:>9} {:>9} {:>12} {:>14}",
            "rows", "seconds", "rows/s", "peak RSS MiB"
        )
    };

    println!("import benchmark: hmac-sha256, file on disk");
    if runs("sqlite") {
        println!("\nSQLite");
        heading();
        let (db, incident) = prepared(&format!("sqlite://{}/bench.db", dir.path().display())).await;
        import_all(&db, incident, &lists).await;
        db.close().await;
    }
    if !runs("postgres") {
        return;
    }
    let admin = std::env::var("BREACHCHECK_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let name = format!("bench_import_{}", std::process::id());
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("BREACHCHECK_BENCH_PG_URL names no database: {admin}"),
    };
    psql(&admin, &format!("CREATE DATABASE {name}"));
    println!("\nPostgreSQL");
    heading();
    let (db, incident) = prepared(&url).await;
    let imported = import_all(&db, incident, &lists).await;
    db.close().await;
    println!(
        "\npsql \\copy of as many same-shaped digest rows as the import stored, into the same \
         table and indexes"
    );
    for (&rows, import) in sizes.iter().zip(imported) {
        let copy = copy_seconds(&url, dir.path(), import.digests);
        println!(
            "{rows:>9} list rows ({} digest rows): copy {copy:.2} s ({:.0} digest rows/s), \
             import {:.2} s ({:.0} list rows/s) = {:.2} x copy",
            import.digests,
            import.digests as f64 / copy,
            import.seconds,
            import.rate,
            copy / import.seconds
        );
    }
    psql(&admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
}
