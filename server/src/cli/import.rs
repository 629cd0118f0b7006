//! `breachcheck import`: the same parsing, hashing and report as an upload, for lists too
//! large to send through a browser. The file is read where it lies (twice, streaming); the
//! dataset is left as a draft for approval on the site.

use crate::Config;
use anyhow::Context;
use app::i18n::LocaleText;
use breachcheck::dataset::incident;
use breachcheck::digest::Digester;
use breachcheck::hashing_pool::HashingPool;
use breachcheck::import::columns::{Column, Mapping};
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::import::report::ImportReport;
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
    print_report(&report);
    println!(
        "Dataset {} is a draft; a second admin approves it at /staff/datasets/{}.",
        started.dataset.0, started.dataset.0
    );
    Ok(ExitCode::SUCCESS)
}

/// The report as the dataset's page shows it, in English.
fn print_report(report: &ImportReport) {
    let words = app::i18n::Locale::En.strings().data;
    println!(
        "Rows read: {} ({} blank)",
        report.rows_read, report.blank_rows
    );
    println!("Customers (rows accepted): {}", report.customers());
    if report.has_phone {
        println!(
            "  of which without a phone number: {} (found by the helpdesk and the domain \
             check; the public check sends them to the helpdesk)",
            report.accepted_without_phone
        );
    }
    println!(
        "Rows rejected: {} ({:.1}%)",
        report.rejected_rows,
        report.rejected_percent()
    );
    for count in report.reasons.iter().take(3) {
        println!("  {} rows: {}", count.rows, words.reason(&count.reason));
    }
    println!("Identifiers (a customer counts once under each kind its row has):");
    for (kind, count) in &report.identifiers {
        println!("  {}: {count}", words.kind(*kind));
    }
    println!("Duplicates merged: {}", report.duplicates_merged);
    if !report.ignored_columns.is_empty() {
        println!("Columns not used: {}", report.ignored_columns.join(", "));
    }
    for row in &report.rejected {
        for reason in &row.reasons {
            println!("  line {}: {}", row.line, words.reason(reason));
        }
    }
}
