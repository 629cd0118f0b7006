//! Import jobs. Starting one checks the file's encoding and header at once and returns a
//! job id; the rows are then read twice in the background, streaming: once to count and
//! validate them (the report, and the total for progress), once to hash them in batches
//! and store the digests. Plaintext identifiers exist only in the batch being hashed.
//!
//! A job beats every second while it runs (its row's `updated_at`), whatever it is doing:
//! reading the file, hashing, or sorting and storing the digests at the end; it writes its
//! progress after every batch. A job whose heartbeat stops (the process died) is failed by
//! [`fail_stale`], which every replica runs at start-up and then periodically, and its
//! draft digests are removed: a half-imported list never reaches `draft`, let alone
//! `active`.

use super::JobStatus;
use super::columns::{ColumnMap, Mapping};
use super::report::ImportReport;
use super::row::{Entries, RowOutcome, parse_row};
use super::source::{self, Sniffed, SourceError};
use super::staging::{Listed, Staging, Stored};
use crate::audit::{self, Action, Actor, NewEntry};
use crate::dataset::incident::{self, Incident, IncidentId};
use crate::dataset::{DatasetError, DatasetId, Status};
use crate::digest::{Digest, Digester};
use crate::hashing_pool::{Busy, HashingPool};
use crate::identifier::{ContractPattern, Kind};
use crate::staff::admin::Admin;
use crate::storage::{Database, StorageError};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// Opens the uploaded file afresh for each pass.
pub type Opener = Arc<dyn Fn() -> std::io::Result<Box<dyn Read + Send>> + Send + Sync>;

/// A file held in memory (an upload; never written to disk).
pub fn in_memory(bytes: Vec<u8>) -> Opener {
    let bytes: Arc<[u8]> = bytes.into();
    Arc::new(move || Ok(Box::new(std::io::Cursor::new(bytes.clone())) as Box<dyn Read + Send>))
}

/// A file on disk, read where it lies (the command line's import of very large lists).
pub fn on_disk(path: std::path::PathBuf) -> Opener {
    Arc::new(move || Ok(Box::new(std::fs::File::open(&path)?) as Box<dyn Read + Send>))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobId(pub i64);

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Header(#[from] super::columns::HeaderProblem),
    #[error("the file could not be read as CSV: {0}")]
    Csv(String),
    #[error("the job was stopped (marked failed while it ran)")]
    Stopped,
    #[error(transparent)]
    Dataset(#[from] DatasetError),
}

impl From<StorageError> for ImportError {
    fn from(error: StorageError) -> Self {
        ImportError::Dataset(DatasetError::Storage(error))
    }
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Dataset(error.into())
    }
}

impl From<csv::Error> for ImportError {
    // csv's messages name positions, never cell contents.
    fn from(error: csv::Error) -> Self {
        ImportError::Csv(error.to_string())
    }
}

/// Who started an import: an admin on the site, or the command line.
#[derive(Clone, Copy, Debug)]
pub enum Uploader {
    Admin(crate::staff::StaffId),
    CommandLine,
}

impl Uploader {
    pub fn admin(admin: &Admin<'_>) -> Self {
        Uploader::Admin(admin.staff_id())
    }

    fn actor(self) -> Actor {
        match self {
            Uploader::Admin(id) => Actor::Staff(id.0),
            Uploader::CommandLine => Actor::System,
        }
    }
}

/// What imports need; one per process, shared by every upload.
#[derive(Clone)]
pub struct Importer {
    pub db: Database,
    pub pool: HashingPool,
    /// New datasets are hashed with this digester's profile.
    pub digester: Digester,
    pub pattern: ContractPattern,
}

#[derive(Clone, Copy, Debug)]
pub struct Started {
    pub job: JobId,
    pub dataset: DatasetId,
}

struct Plan {
    incident: Incident,
    columns: ColumnMap,
    sniffed: Sniffed,
    open: Opener,
}

fn csv_reader(open: &Opener, sniffed: Sniffed) -> std::io::Result<csv::Reader<impl Read + use<>>> {
    // No line counting: `Lines` holds every line break it sees until a record's line is
    // asked for, and a reader that never asks would hold them all (16 bytes a line: most
    // of an import's memory at a million rows).
    Ok(csv_builder(sniffed).from_reader(source::decode(open()?, sniffed.encoding)))
}

/// A CSV reader whose records' lines `lines` can tell (the caller asks for every record's
/// line, which lets `lines` forget what is behind it).
fn csv_reader_counting(
    open: &Opener,
    sniffed: Sniffed,
    lines: &source::Lines,
) -> std::io::Result<csv::Reader<impl Read + use<>>> {
    Ok(csv_builder(sniffed).from_reader(lines.track(source::decode(open()?, sniffed.encoding))))
}

fn csv_builder(sniffed: Sniffed) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .delimiter(sniffed.delimiter)
        .flexible(true)
        .has_headers(true);
    builder
}

/// Encoding, delimiter and header: what must be right before a job is worth starting.
fn prepare(open: &Opener, mapping: &Mapping) -> Result<(Sniffed, ColumnMap), ImportError> {
    let sniffed = source::sniff(|| open())?;
    let mut reader = csv_reader(open, sniffed).map_err(SourceError::from)?;
    let headers: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let columns = ColumnMap::new(&headers, mapping)?;
    Ok((sniffed, columns))
}

/// Pass one: every row validated and counted; nothing kept but the report.
fn scan(plan: &Plan, pattern: &ContractPattern) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport {
        encoding: Some(plan.sniffed.encoding),
        tab_separated: plan.sniffed.delimiter == b'\t',
        columns: plan.columns.used.iter().map(|(_, c)| *c).collect(),
        ignored_columns: plan.columns.ignored.clone(),
        has_phone: plan.columns.has_phone(),
        ..ImportReport::default()
    };
    let lines = source::Lines::default();
    let mut reader =
        csv_reader_counting(&plan.open, plan.sniffed, &lines).map_err(SourceError::from)?;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        report.rows_read += 1;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        match parse_row(&record, &plan.columns, pattern, &plan.incident.categories) {
            RowOutcome::Blank => report.blank_rows += 1,
            RowOutcome::Accepted(accepted) => {
                report.accepted_rows += 1;
                report.accepted_without_phone += u64::from(accepted.without_phone);
            }
            RowOutcome::Rejected(reasons) => report.reject(line, reasons),
        }
    }
    Ok(report)
}

/// Pass two: accepted rows' entries, in batches, into `batches`.
fn produce(
    plan: &Plan,
    pattern: &ContractPattern,
    rows_per_batch: usize,
    batches: tokio::sync::mpsc::Sender<Vec<Entries>>,
) -> Result<(), ImportError> {
    let mut reader = csv_reader(&plan.open, plan.sniffed).map_err(SourceError::from)?;
    let mut record = csv::StringRecord::new();
    let mut batch = Vec::with_capacity(rows_per_batch);
    while reader.read_record(&mut record)? {
        if let RowOutcome::Accepted(accepted) =
            parse_row(&record, &plan.columns, pattern, &plan.incident.categories)
        {
            batch.push(accepted.entries);
        }
        if batch.len() == rows_per_batch {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(rows_per_batch));
            if batches.blocking_send(full).is_err() {
                return Ok(()); // the job ended; nothing more is wanted
            }
        }
    }
    if !batch.is_empty() {
        let _ = batches.blocking_send(batch);
    }
    Ok(())
}

impl Importer {
    /// Checks the file and starts the job in the background; returns at once.
    pub async fn start(
        &self,
        uploader: Uploader,
        incident: IncidentId,
        mapping: Mapping,
        open: Opener,
    ) -> Result<Started, ImportError> {
        let (started, plan) = self.begin(uploader, incident, mapping, open).await?;
        let importer = self.clone();
        tokio::spawn(async move {
            // `finish` records and logs the outcome; nobody waits for it here.
            let _ = importer.finish(uploader, started, plan).await;
        });
        Ok(started)
    }

    /// The same as [`Importer::start`], waiting for the job to end (the command line).
    pub async fn run(
        &self,
        uploader: Uploader,
        incident: IncidentId,
        mapping: Mapping,
        open: Opener,
    ) -> Result<(Started, Result<ImportReport, ImportError>), ImportError> {
        let (started, plan) = self.begin(uploader, incident, mapping, open).await?;
        let outcome = self.finish(uploader, started, plan).await;
        Ok((started, outcome))
    }

    async fn begin(
        &self,
        uploader: Uploader,
        incident: IncidentId,
        mapping: Mapping,
        open: Opener,
    ) -> Result<(Started, Plan), ImportError> {
        let incident = incident::find(&self.db, incident)
            .await?
            .ok_or(DatasetError::IncidentNotFound)?;
        let (sniffed, columns) = {
            let open = open.clone();
            tokio::task::spawn_blocking(move || prepare(&open, &mapping))
                .await
                .map_err(|e| std::panic::resume_unwind(e.into_panic()))
                .and_then(|r| r)?
        };
        let now = crate::now_millis();
        let profile = self.digester.profile();
        let mut tx = self.db.begin_write().await?;
        let dataset: i64 = sqlx::query_scalar(
            "INSERT INTO datasets (incident_id, status, profile, has_phone, uploaded_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(incident.id.0)
        .bind(Status::Importing.as_str())
        .bind(profile.to_record())
        .bind(i64::from(columns.has_phone()))
        .bind(match uploader {
            Uploader::Admin(id) => Some(id.0),
            Uploader::CommandLine => None,
        })
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let job: i64 = sqlx::query_scalar(
            "INSERT INTO import_jobs (dataset_id, status, started_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
        )
        .bind(dataset)
        .bind(JobStatus::Running.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let entry = NewEntry {
            actor: uploader.actor(),
            action: Action::DatasetImportStarted,
            subject: None,
            detail: json!({
                "dataset_id": dataset,
                "incident_id": incident.id.0,
                "job_id": job,
                "profile": profile.name(),
            }),
        };
        audit::commit_with(tx, entry).await?;
        let started = Started {
            job: JobId(job),
            dataset: DatasetId(dataset),
        };
        Ok((
            started,
            Plan {
                incident,
                columns,
                sniffed,
                open,
            },
        ))
    }

    /// Runs the job to its end and records how it ended.
    async fn finish(
        &self,
        uploader: Uploader,
        started: Started,
        plan: Plan,
    ) -> Result<ImportReport, ImportError> {
        let outcome = beating(&self.db, started.job, self.hash_and_store(started, plan)).await;
        match &outcome {
            Ok(report) => tracing::info!(
                job = started.job.0,
                dataset = started.dataset.0,
                accepted = report.accepted_rows,
                rejected = report.rejected_rows,
                "import finished"
            ),
            Err(error) => {
                tracing::warn!(job = started.job.0, %error, "import failed");
                let reason = error.to_string();
                if let Err(e) = fail(&self.db, started, &reason, uploader.actor()).await {
                    tracing::error!(job = started.job.0, error = %e, "could not record a failed import");
                }
            }
        }
        outcome
    }

    async fn hash_and_store(
        &self,
        started: Started,
        plan: Plan,
    ) -> Result<ImportReport, ImportError> {
        let plan = Arc::new(plan);
        let pattern = self.pattern.clone();
        let checking = std::time::Instant::now();
        let mut report = {
            let (plan, pattern) = (plan.clone(), pattern.clone());
            blocking(move || scan(&plan, &pattern)).await?
        };
        progress(&self.db, started.job, 0, report.accepted_rows as i64).await?;

        let profile = self.digester.profile();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        // A batch of cheap digests is hashed on one blocking thread and staged in one
        // statement group: large enough that the per-batch costs vanish, small enough to
        // keep memory bounded and progress frequent.
        let rows_per_batch = if profile.is_expensive() {
            8 * workers
        } else {
            8_192
        };
        let (sender, mut batches) = tokio::sync::mpsc::channel(2);
        let producer = {
            let (plan, pattern) = (plan.clone(), pattern.clone());
            tokio::task::spawn_blocking(move || produce(&plan, &pattern, rows_per_batch, sender))
        };
        let hashing = std::time::Instant::now();
        let mut staging = Staging::open(&self.db).await?;
        // A batch is staged (by the database's thread or process) while the next is hashed
        // (on a blocking thread): two cores at work instead of one after the other. Both
        // halves are polled by this one future, so a dropped import drops both.
        let (to_stage, mut hashed) = tokio::sync::mpsc::channel(1);
        let hash = async move {
            let mut entries_read = 0u64;
            while let Some(batch) = batches.recv().await {
                let rows = batch.len() as i64;
                entries_read += batch.iter().map(Vec::len).sum::<usize>() as u64;
                let digests = self.digest_all(merge(batch), workers).await?;
                if to_stage.send((digests, rows)).await.is_err() {
                    break; // the staging half failed: its error is the one returned
                }
            }
            Ok::<_, ImportError>(entries_read)
        };
        let total = report.accepted_rows as i64;
        let stage = {
            let staging = &mut staging;
            async move {
                let mut done = 0i64;
                while let Some((digests, rows)) = hashed.recv().await {
                    staging.append(&digests).await?;
                    done += rows;
                    metrics::counter!("breachcheck_import_rows_total").increment(rows as u64);
                    progress(&self.db, started.job, done, total).await?;
                }
                Ok::<_, ImportError>(())
            }
        };
        let (entries_read, ()) = tokio::try_join!(hash, stage)?;
        producer
            .await
            .map_err(|e| std::panic::resume_unwind(e.into_panic()))
            .and_then(|r| r)?;

        let storing = std::time::Instant::now();
        let Stored {
            identifiers,
            fingerprint,
        } = staging.store(&self.db, started.dataset).await?;
        // Where an import's time goes, for the operator sizing a big list.
        tracing::info!(
            job = started.job.0,
            checking_s = (hashing - checking).as_secs_f64(),
            hashing_s = (storing - hashing).as_secs_f64(),
            storing_s = storing.elapsed().as_secs_f64(),
            "import stored"
        );
        let distinct: u64 = identifiers.values().sum();
        report.identifiers = identifiers;
        report.duplicates_merged = entries_read.saturating_sub(distinct);
        complete(&self.db, started, &report, distinct, &fingerprint).await?;
        Ok(report)
    }

    /// Digests for every entry, spread over the hashing pool (argon2) or one blocking
    /// thread (HMAC, which is cheap). A full pool makes the import wait, not fail.
    async fn digest_all(
        &self,
        entries: Vec<(Kind, String, Listed)>,
        workers: usize,
    ) -> Result<Vec<(Kind, Digest, Listed)>, ImportError> {
        if !self.digester.profile().is_expensive() {
            let digester = self.digester.clone();
            return blocking(move || {
                Ok(entries
                    .into_iter()
                    .map(|(kind, canonical, bits)| (kind, digester.digest(kind, &canonical), bits))
                    .collect())
            })
            .await;
        }
        let chunk = entries.len().div_ceil(workers).max(1);
        let mut chunks: Vec<Vec<(Kind, String, Listed)>> = Vec::new();
        let mut entries = entries.into_iter().peekable();
        while entries.peek().is_some() {
            chunks.push(entries.by_ref().take(chunk).collect());
        }
        let jobs = chunks.into_iter().map(|chunk| {
            let digester = self.digester.clone();
            let pool = self.pool.clone();
            async move {
                loop {
                    let (digester, chunk) = (digester.clone(), chunk.clone());
                    let job = move || {
                        chunk
                            .into_iter()
                            .map(|(kind, canonical, bits)| {
                                (kind, digester.digest(kind, &canonical), bits)
                            })
                            .collect::<Vec<_>>()
                    };
                    match pool.run(job).await {
                        Ok(digests) => return digests,
                        Err(Busy) => tokio::time::sleep(Duration::from_millis(200)).await,
                    }
                }
            }
        });
        Ok(futures_util::future::join_all(jobs)
            .await
            .into_iter()
            .flatten()
            .collect())
    }
}

async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, ImportError> + Send + 'static,
) -> Result<T, ImportError> {
    match tokio::task::spawn_blocking(job).await {
        Ok(result) => result,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// One entry per (kind, identifier) in a batch, categories merged and rows counted.
fn merge(batch: Vec<Entries>) -> Vec<(Kind, String, Listed)> {
    let mut merged: HashMap<(Kind, String), Listed> = HashMap::new();
    for (kind, canonical, bits) in batch.into_iter().flatten() {
        let listed = merged.entry((kind, canonical)).or_default();
        listed.categories |= bits;
        listed.rows += 1;
    }
    merged
        .into_iter()
        .map(|((kind, canonical), listed)| (kind, canonical, listed))
        .collect()
}

/// Runs a job's `work` while its heartbeat goes on every second, so that no replica
/// takes it for dead however long one step takes (validating a list of tens of millions,
/// the final sort); stops the work if the job was failed meanwhile (by a sweeper that
/// thought it dead, which the shortest stale time a test uses, two seconds, leaves room
/// for).
async fn beating<T>(
    db: &Database,
    job: JobId,
    work: impl std::future::Future<Output = Result<T, ImportError>>,
) -> Result<T, ImportError> {
    // Both are polled together: a beat waiting for SQLite's write lock must not keep the
    // work, which may hold that lock, from going on.
    let beats = async {
        let mut beat = tokio::time::interval(Duration::from_secs(1));
        beat.tick().await; // the first tick is immediate
        loop {
            beat.tick().await;
            if let Err(stopped) = touch(db, job).await {
                return stopped;
            }
        }
    };
    tokio::select! {
        outcome = work => outcome,
        stopped = beats => Err(stopped),
    }
}

/// The heartbeat alone; a job that is no longer running stops.
async fn touch(db: &Database, job: JobId) -> Result<(), ImportError> {
    mark_running(db, job, None).await
}

/// Writes progress (and a beat). A job that is no longer running stops.
async fn progress(db: &Database, job: JobId, done: i64, total: i64) -> Result<(), ImportError> {
    mark_running(db, job, Some((done, total))).await
}

/// A beat, with progress when there is some to tell; [`ImportError::Stopped`] when the job
/// is no longer running (failed by a sweeper that thought it dead).
async fn mark_running(
    db: &Database,
    job: JobId,
    progress: Option<(i64, i64)>,
) -> Result<(), ImportError> {
    let updated = sqlx::query(
        "UPDATE import_jobs SET done_rows = COALESCE($1, done_rows), \
         total_rows = COALESCE($2, total_rows), updated_at = $3 WHERE id = $4 AND status = $5",
    )
    .bind(progress.map(|(done, _)| done))
    .bind(progress.map(|(_, total)| total))
    .bind(crate::now_millis())
    .bind(job.0)
    .bind(JobStatus::Running.as_str())
    .execute(db.pool())
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ImportError::Stopped);
    }
    Ok(())
}

async fn complete(
    db: &Database,
    started: Started,
    report: &ImportReport,
    distinct: u64,
    fingerprint: &[u8; 32],
) -> Result<(), ImportError> {
    let now = crate::now_millis();
    let mut tx = db.begin_write().await?;
    let finished = sqlx::query(
        "UPDATE import_jobs SET status = $1, finished_at = $2, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(JobStatus::Done.as_str())
    .bind(now)
    .bind(started.job.0)
    .bind(JobStatus::Running.as_str())
    .execute(&mut *tx)
    .await?;
    if finished.rows_affected() == 0 {
        return Err(ImportError::Stopped);
    }
    sqlx::query(
        "UPDATE datasets SET status = $1, row_count = $2, fingerprint = $3, report = $4 \
         WHERE id = $5 AND status = $6",
    )
    .bind(Status::Draft.as_str())
    .bind(distinct as i64)
    .bind(fingerprint.to_vec())
    .bind(serde_json::to_string(report).expect("a report serialises"))
    .bind(started.dataset.0)
    .bind(Status::Importing.as_str())
    .execute(&mut *tx)
    .await?;
    let entry = NewEntry {
        actor: Actor::System,
        action: Action::DatasetImported,
        subject: None,
        detail: json!({
            "dataset_id": started.dataset.0,
            "job_id": started.job.0,
            "rows": distinct,
            "rejected_rows": report.rejected_rows,
            "fingerprint": Digest(*fingerprint).hex(),
        }),
    };
    audit::commit_with(tx, entry).await?;
    Ok(())
}

/// Marks a job failed and removes what it stored, in one transaction.
async fn fail(
    db: &Database,
    started: Started,
    reason: &str,
    actor: Actor,
) -> Result<(), StorageError> {
    let now = crate::now_millis();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE import_jobs SET status = $1, error = $2, finished_at = $3, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(JobStatus::Failed.as_str())
    .bind(reason)
    .bind(now)
    .bind(started.job.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM affected WHERE dataset_id = $1")
        .bind(started.dataset.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE datasets SET status = $1 WHERE id = $2 AND status = $3")
        .bind(Status::Failed.as_str())
        .bind(started.dataset.0)
        .bind(Status::Importing.as_str())
        .execute(&mut *tx)
        .await?;
    let entry = NewEntry {
        actor,
        action: Action::DatasetImportFailed,
        subject: None,
        detail: json!({ "dataset_id": started.dataset.0, "job_id": started.job.0, "error": reason }),
    };
    audit::commit_with(tx, entry).await?;
    Ok(())
}

/// Fails every running job whose heartbeat is older than `stale_after` (its process is
/// gone) and removes its digests. Returns how many it failed.
pub async fn fail_stale(db: &Database, stale_after: Duration) -> Result<u64, StorageError> {
    let cutoff = crate::now_millis() - stale_after.as_millis() as i64;
    let stale: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, dataset_id FROM import_jobs WHERE status = $1 AND updated_at < $2",
    )
    .bind(JobStatus::Running.as_str())
    .bind(cutoff)
    .fetch_all(db.pool())
    .await?;
    for (job, dataset) in &stale {
        let started = Started {
            job: JobId(*job),
            dataset: DatasetId(*dataset),
        };
        fail(
            db,
            started,
            "interrupted: the server stopped during the import",
            Actor::System,
        )
        .await?;
    }
    Ok(stale.len() as u64)
}

/// A job as its progress page shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    pub job: JobId,
    pub dataset: DatasetId,
    pub status: JobStatus,
    pub total_rows: i64,
    pub done_rows: i64,
    pub started_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
}

pub async fn progress_of(db: &Database, job: JobId) -> Result<Option<Progress>, StorageError> {
    let row = sqlx::query(
        "SELECT id, dataset_id, status, total_rows, done_rows, started_at, updated_at, \
         finished_at, error FROM import_jobs WHERE id = $1",
    )
    .bind(job.0)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Progress {
        job: JobId(row.try_get(0)?),
        dataset: DatasetId(row.try_get(1)?),
        status: JobStatus::parse(&row.try_get::<String, _>(2)?)
            .ok_or(StorageError::Corrupt("an import job has an unknown status"))?,
        total_rows: row.try_get(3)?,
        done_rows: row.try_get(4)?,
        started_at: row.try_get(5)?,
        updated_at: row.try_get(6)?,
        finished_at: row.try_get(7)?,
        error: row.try_get(8)?,
    }))
}

/// The report stored with a dataset, once its import is complete.
pub async fn report_of(
    db: &Database,
    dataset: DatasetId,
) -> Result<Option<ImportReport>, StorageError> {
    let report: Option<Option<String>> =
        sqlx::query_scalar("SELECT report FROM datasets WHERE id = $1")
            .bind(dataset.0)
            .fetch_optional(db.pool())
            .await?;
    Ok(report
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok()))
}

/// Rewrites the import reports stored before reports stopped naming the unknown
/// categories a file held (such a cell may be a person's name): each is read back, which
/// drops the name, and stored again. Runs at start-up; finds nothing once done.
pub async fn scrub_stored_reports(db: &Database) -> Result<u64, StorageError> {
    let stored: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, report FROM datasets WHERE report LIKE $1")
            .bind("%\"unknown_category\",\"name\"%")
            .fetch_all(db.pool())
            .await?;
    let mut scrubbed = 0;
    for (id, json) in stored {
        let Ok(report) = serde_json::from_str::<ImportReport>(&json) else {
            continue;
        };
        sqlx::query("UPDATE datasets SET report = $1 WHERE id = $2")
            .bind(serde_json::to_string(&report).expect("a report serialises"))
            .bind(id)
            .execute(db.pool())
            .await?;
        scrubbed += 1;
    }
    Ok(scrubbed)
}

/// The newest import job of a dataset (its page links to the job's progress).
pub async fn job_of(db: &Database, dataset: DatasetId) -> Result<Option<JobId>, StorageError> {
    let job: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM import_jobs WHERE dataset_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(dataset.0)
    .fetch_optional(db.pool())
    .await?;
    Ok(job.map(JobId))
}
