//! `breachcheck import`: the same parsing, hashing and report as an upload, for lists too
//! large to send through a browser. The file is read where it lies (twice, streaming); the
//! dataset is left as a draft for approval on the site.

use crate::Config;
use anyhow::Context;
use breachcheck::dataset::incident;
use breachcheck::digest::Digester;
use breachcheck::hashing_pool::HashingPool;
use breachcheck::import::columns::{Column, Mapping};
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::storage::Database;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ImportArgs {
    /// The slug of the incident the list belongs to.
    #[arg(long)]
    incident: String,
    /// A CSV or TSV file, UTF-8 or Shift_JIS (CP932), with a header row.
    #[arg(long)]
    file: PathBuf,
    /// What an unrecognised header holds: `HEADER=contract_number|domain|email|phone|
    /// categories|ignore`. May be repeated.
    #[arg(long = "map", value_name = "HEADER=COLUMN")]
    mapping: Vec<String>,
}

fn parse_mapping(pairs: &[String]) -> anyhow::Result<Mapping> {
    let mut mapping = Mapping::new();
    for pair in pairs {
        let (header, column) = pair
            .rsplit_once('=')
            .with_context(|| format!("--map {pair}: expected HEADER=COLUMN"))?;
        let column = match column.trim() {
            "ignore" => None,
            key => Some(Column::from_key(key).with_context(|| {
                format!("--map {pair}: {key} is not contract_number, domain, email, phone, categories or ignore")
            })?),
        };
        mapping.insert(header.trim().to_owned(), column);
    }
    Ok(mapping)
}

pub async fn run(args: ImportArgs, config: &Config, db: &Database) -> anyhow::Result<ExitCode> {
    let mapping = parse_mapping(&args.mapping)?;
    let incident = incident::find_by_slug(db, &args.incident)
        .await?
        .with_context(|| format!("no incident has the slug {}", args.incident))?;
    std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let importer = Importer {
        db: db.clone(),
        pool: HashingPool::new(config.hashing_workers, config.hashing_queue),
        digester: Digester::for_deployment(db, config.datasets.profile, config.pepper.clone())
            .await?,
        pattern: config.datasets.pattern.clone(),
    };
    println!(
        "Importing {} into incident {} ({})…",
        args.file.display(),
        incident.slug,
        config.datasets.profile.name()
    );
    let (started, outcome) = importer
        .run(
            Uploader::CommandLine,
            incident.id,
            mapping,
            job::on_disk(args.file.clone()),
        )
        .await?;
    let report = match outcome {
        Ok(report) => report,
        Err(error) => {
            eprintln!("breachcheck: the import failed: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "Rows read: {} ({} blank)",
        report.rows_read, report.blank_rows
    );
    println!("Rows accepted: {}", report.accepted_rows);
    for (kind, count) in &report.identifiers {
        println!("  {kind}: {count} distinct");
    }
    println!("Duplicates merged: {}", report.duplicates_merged);
    println!("Rows rejected: {}", report.rejected_rows);
    for row in &report.rejected {
        for reason in &row.reasons {
            println!("  line {}: {reason:?}", row.line);
        }
    }
    if !report.ignored_columns.is_empty() {
        println!("Columns ignored: {}", report.ignored_columns.join(", "));
    }
    println!(
        "Dataset {} is a draft; a second admin approves it at /staff/datasets/{}.",
        started.dataset.0, started.dataset.0
    );
    Ok(ExitCode::SUCCESS)
}
