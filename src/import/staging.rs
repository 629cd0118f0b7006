//! Where an import's digests wait until every row is hashed, and how they reach `affected`.
//!
//! Digests are random. Stored batch by batch, each batch lands all over both indexes of
//! `affected`: on SQLite every commit wrote most index pages into the WAL again (the cost
//! grew with the square of the list), on PostgreSQL every row was a random index insert.
//! So each batch is appended instead to a table of the import's own connection (TEMP:
//! no index, no WAL, gone with the connection, so a killed import leaves nothing behind),
//! and at the end that table is read once per kind in digest order, an identifier given
//! by several batches merged into one row, and the rows appended to `affected` in index
//! order: on PostgreSQL with `COPY ... FROM STDIN (FORMAT binary)`, on SQLite in short
//! transactions, so that other writers wait for at most one of them. The distinct counts
//! and the fingerprint come from that same ordered read.

use super::job::ImportError;
use crate::dataset::DatasetId;
use crate::digest::Digest;
use crate::identifier::Kind;
use crate::storage::{Backend, Database, StorageError};
use futures_util::TryStreamExt;
use sha2::{Digest as _, Sha256};
use sqlx::Row;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use std::collections::BTreeMap;

/// What the list says of one identifier: the categories of all its rows, and how many
/// rows gave it (a domain shared by several contracts).
#[derive(Clone, Copy, Debug, Default)]
pub struct Listed {
    pub categories: i64,
    pub rows: i64,
}

impl Listed {
    fn absorb(&mut self, other: Listed) {
        self.categories |= other.categories;
        self.rows += other.rows;
    }
}

/// A dataset's distinct identifiers per kind, and its fingerprint: SHA-256 over every
/// digest, kind by kind in [`Kind::ALL`]'s order, digests in byte order.
pub struct Stored {
    pub identifiers: BTreeMap<Kind, u64>,
    pub fingerprint: [u8; 32],
}

/// Rows per SQLite statement: each statement is a trip to the connection's thread.
const SQLITE_ROWS_PER_STATEMENT: usize = 200;
/// Rows of the final ordered read SQLite's thread may get ahead of its reader (about
/// 100 bytes each).
const STAGING_ROW_BUFFER: usize = 4_096;
/// Rows appended to `affected` per SQLite transaction: other writers (a lookup counting
/// its limits) wait for one of these at most (timed in the import benchmark, 1M list rows:
/// 123 commits holding the write lock 35 ms on average, 60 ms at most).
const SQLITE_ROWS_PER_COMMIT: usize = 16_384;
/// Rows per `COPY` into `affected` on PostgreSQL: past a few thousand, larger copies gain
/// nothing but memory.
const POSTGRES_ROWS_PER_COPY: usize = 16_384;

/// The digests of one import so far, on a connection of its own.
pub struct Staging {
    connection: Connection,
}

enum Connection {
    /// Not the pool's: dropped, it closes, and its TEMP table with it.
    Sqlite(SqliteConnection),
    /// PostgreSQL's `COPY` needs its own connection type.
    Postgres(PgConnection),
}

const CREATE_SQLITE: &str = "CREATE TEMP TABLE import_staging (kind TEXT NOT NULL, \
     digest BLOB NOT NULL, categories BIGINT NOT NULL, rows_listed BIGINT NOT NULL)";
const CREATE_POSTGRES: &str = "CREATE TEMP TABLE import_staging (kind TEXT NOT NULL, \
     digest BYTEA NOT NULL, categories BIGINT NOT NULL, rows_listed BIGINT NOT NULL)";
const STAGING_COLUMNS: &str = "import_staging (kind, digest, categories, rows_listed)";
const AFFECTED_COLUMNS: &str = "affected (dataset_id, kind, digest, categories, rows_listed)";
const SORTED: &str = "SELECT digest, categories, rows_listed FROM import_staging \
     WHERE kind = $1 ORDER BY digest";

impl Staging {
    pub async fn open(db: &Database) -> Result<Self, ImportError> {
        let connection = match db.backend() {
            Backend::Sqlite => {
                let mut connection = db.sqlite_connection(STAGING_ROW_BUFFER).await?;
                // On disk (the system's temporary directory), whatever the build's default:
                // a list of millions must not sit in memory.
                sqlx::query("PRAGMA temp_store = FILE")
                    .execute(&mut connection)
                    .await?;
                sqlx::query(CREATE_SQLITE).execute(&mut connection).await?;
                Connection::Sqlite(connection)
            }
            Backend::Postgres => {
                let mut connection = db.postgres_connection().await?;
                sqlx::query(CREATE_POSTGRES)
                    .execute(&mut connection)
                    .await?;
                // The final ordered read sorts the whole table; a little more memory than
                // the default 4 MB keeps that sort's passes over disk few.
                sqlx::query("SET work_mem = '64MB'")
                    .execute(&mut connection)
                    .await?;
                Connection::Postgres(connection)
            }
        };
        Ok(Self { connection })
    }

    /// Appends one batch's digests.
    pub async fn append(&mut self, rows: &[(Kind, Digest, Listed)]) -> Result<(), ImportError> {
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                // Only the TEMP table is written: the database's write lock is not taken.
                let mut tx = sqlx::Connection::begin(connection).await?;
                sqlite_append(&mut *tx, STAGING_COLUMNS, None, rows).await?;
                tx.commit().await?;
            }
            Connection::Postgres(connection) => {
                let mut copy = CopyBinary::default();
                for (kind, digest, listed) in rows {
                    copy.row(None, *kind, digest, *listed);
                }
                copy.send(connection, STAGING_COLUMNS).await?;
            }
        }
        Ok(())
    }

    /// Reads everything staged in index order and appends it to `affected` as `dataset`'s
    /// rows, each identifier once. The dataset must have no rows yet. Reading (and
    /// merging) and writing overlap: they are two connections, two database processes
    /// or threads.
    pub async fn store(self, db: &Database, dataset: DatasetId) -> Result<Stored, ImportError> {
        let rows_per_write = match db.backend() {
            Backend::Sqlite => SQLITE_ROWS_PER_COMMIT,
            Backend::Postgres => POSTGRES_ROWS_PER_COPY,
        };
        let (sender, mut chunks) = tokio::sync::mpsc::channel(2);
        let mut merged = Merged::new(rows_per_write, sender);
        let read = async move {
            match self.connection {
                Connection::Sqlite(mut connection) => {
                    merged.read_all(&mut connection).await?;
                    sqlx::Connection::close(connection).await?;
                }
                Connection::Postgres(mut connection) => {
                    merged.read_all(&mut connection).await?;
                    sqlx::Connection::close(connection).await?;
                }
            }
            merged.finish().await
        };
        let write = async {
            let mut sink = Sink::open(db, dataset).await?;
            while let Some(chunk) = chunks.recv().await {
                sink.write(&chunk).await?;
            }
            sink.close().await
        };
        let (stored, ()) = tokio::try_join!(read, write)?;
        Ok(stored)
    }
}

/// Rows of one kind after another, each kind in digest order, duplicates merged, sent on
/// in chunks.
struct Merged {
    kind: Kind,
    pending: Option<(Digest, Listed)>,
    chunk: Vec<(Kind, Digest, Listed)>,
    rows_per_chunk: usize,
    chunks: tokio::sync::mpsc::Sender<Vec<(Kind, Digest, Listed)>>,
    hasher: Sha256,
    identifiers: BTreeMap<Kind, u64>,
}

impl Merged {
    fn new(
        rows_per_chunk: usize,
        chunks: tokio::sync::mpsc::Sender<Vec<(Kind, Digest, Listed)>>,
    ) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"breachcheck-dataset-v1");
        Self {
            kind: Kind::ALL[0],
            pending: None,
            chunk: Vec::with_capacity(rows_per_chunk),
            rows_per_chunk,
            chunks,
            hasher,
            identifiers: BTreeMap::new(),
        }
    }

    /// Every staged row, kind by kind, in digest order.
    async fn read_all<C, DB>(&mut self, connection: &mut C) -> Result<(), ImportError>
    where
        DB: sqlx::Database,
        for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
        for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
        for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        Vec<u8>: for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>,
        i64: for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>,
        usize: sqlx::ColumnIndex<DB::Row>,
    {
        for &kind in Kind::ALL {
            self.start(kind).await?;
            let mut rows = sqlx::query(SORTED)
                .bind(kind.as_str())
                .fetch(&mut *connection);
            while let Some(row) = rows.try_next().await? {
                let digest: Vec<u8> = row.try_get(0)?;
                let digest = Digest::from_slice(&digest)
                    .ok_or(StorageError::Corrupt("a staged digest of the wrong length"))?;
                let listed = Listed {
                    categories: row.try_get(1)?,
                    rows: row.try_get(2)?,
                };
                self.push(digest, listed).await?;
            }
        }
        Ok(())
    }

    /// The next kind's rows follow.
    async fn start(&mut self, kind: Kind) -> Result<(), ImportError> {
        self.settle().await?;
        self.kind = kind;
        self.hasher.update(kind.as_str().as_bytes());
        self.hasher.update([0]);
        Ok(())
    }

    async fn push(&mut self, digest: Digest, listed: Listed) -> Result<(), ImportError> {
        match &mut self.pending {
            Some((pending, merged)) if *pending == digest => merged.absorb(listed),
            _ => {
                self.settle().await?;
                self.pending = Some((digest, listed));
            }
        }
        Ok(())
    }

    /// The pending identifier is complete: counted, fingerprinted and sent on.
    async fn settle(&mut self) -> Result<(), ImportError> {
        let Some((digest, listed)) = self.pending.take() else {
            return Ok(());
        };
        self.hasher.update(digest.0);
        *self.identifiers.entry(self.kind).or_default() += 1;
        self.chunk.push((self.kind, digest, listed));
        if self.chunk.len() == self.rows_per_chunk {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> Result<(), ImportError> {
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(self.rows_per_chunk));
        // The writer gone means it failed; its error is the one returned.
        let _ = self.chunks.send(chunk).await;
        Ok(())
    }

    async fn finish(mut self) -> Result<Stored, ImportError> {
        self.settle().await?;
        if !self.chunk.is_empty() {
            self.send().await?;
        }
        Ok(Stored {
            identifiers: self.identifiers,
            fingerprint: self.hasher.finalize().into(),
        })
    }
}

/// Where merged rows go: `affected`, as `dataset`'s.
enum Sink<'a> {
    Sqlite {
        db: &'a Database,
        dataset: DatasetId,
    },
    Postgres {
        connection: PgConnection,
        dataset: DatasetId,
    },
}

impl<'a> Sink<'a> {
    async fn open(db: &'a Database, dataset: DatasetId) -> Result<Self, ImportError> {
        Ok(match db.backend() {
            Backend::Sqlite => Sink::Sqlite { db, dataset },
            Backend::Postgres => Sink::Postgres {
                connection: db.postgres_connection().await?,
                dataset,
            },
        })
    }

    async fn close(self) -> Result<(), ImportError> {
        if let Sink::Postgres { connection, .. } = self {
            sqlx::Connection::close(connection).await?;
        }
        Ok(())
    }

    /// One chunk, in one transaction.
    async fn write(&mut self, rows: &[(Kind, Digest, Listed)]) -> Result<(), ImportError> {
        match self {
            Sink::Sqlite { db, dataset } => {
                let mut tx = db.begin_write().await?;
                sqlite_append(&mut *tx, AFFECTED_COLUMNS, Some(*dataset), rows).await?;
                tx.commit().await?;
            }
            Sink::Postgres {
                connection,
                dataset,
            } => {
                let mut copy = CopyBinary::default();
                for (kind, digest, listed) in rows {
                    copy.row(Some(*dataset), *kind, digest, *listed);
                }
                copy.send(connection, AFFECTED_COLUMNS).await?;
            }
        }
        Ok(())
    }
}

/// Appends `rows` to `target` (its columns named), each row led by `dataset` when the
/// table has that column, a few hundred rows per statement.
async fn sqlite_append<C, DB>(
    connection: &mut C,
    target: &str,
    dataset: Option<DatasetId>,
    rows: &[(Kind, Digest, Listed)],
) -> Result<(), ImportError>
where
    DB: sqlx::Database,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Vec<u8>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let width = if dataset.is_some() { 5 } else { 4 };
    for chunk in rows.chunks(SQLITE_ROWS_PER_STATEMENT) {
        let sql = sqlite_insert(target, width, chunk.len());
        let mut query = sqlx::query::<DB>(&sql);
        for (kind, digest, listed) in chunk {
            if let Some(dataset) = dataset {
                query = query.bind(dataset.0);
            }
            query = query
                .bind(kind.as_str())
                .bind(digest.0.to_vec())
                .bind(listed.categories)
                .bind(listed.rows);
        }
        query.execute(&mut *connection).await?;
    }
    Ok(())
}

/// `INSERT INTO target VALUES (?, …), …` for `rows` rows of `width` values. SQLite only:
/// its anonymous `?` are bound in order, where each numbered `$N` would be looked up by
/// name in a list as long as the statement's parameters (the cost would grow with the
/// square of the rows per statement).
fn sqlite_insert(target: &str, width: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    format!("INSERT INTO {target} VALUES {}", vec![row; rows].join(", "))
}

/// Rows in PostgreSQL's binary `COPY` format: a signature and header, then per row its
/// field count and each field as a length and big-endian bytes, then -1.
#[derive(Default)]
struct CopyBinary {
    buffer: Vec<u8>,
    rows: usize,
}

impl CopyBinary {
    const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

    /// One row: the dataset (when the table has that column), kind, digest, categories
    /// and rows listed.
    fn row(&mut self, dataset: Option<DatasetId>, kind: Kind, digest: &Digest, listed: Listed) {
        if self.buffer.is_empty() {
            self.buffer.extend_from_slice(Self::SIGNATURE);
            self.buffer.extend_from_slice(&0i32.to_be_bytes()); // flags
            self.buffer.extend_from_slice(&0i32.to_be_bytes()); // no header extension
        }
        let fields: i16 = if dataset.is_some() { 5 } else { 4 };
        self.buffer.extend_from_slice(&fields.to_be_bytes());
        if let Some(dataset) = dataset {
            self.field(&dataset.0.to_be_bytes());
        }
        self.field(kind.as_str().as_bytes());
        self.field(&digest.0);
        self.field(&listed.categories.to_be_bytes());
        self.field(&listed.rows.to_be_bytes());
        self.rows += 1;
    }

    fn field(&mut self, bytes: &[u8]) {
        let length = i32::try_from(bytes.len()).expect("a field of a digest row is small");
        self.buffer.extend_from_slice(&length.to_be_bytes());
        self.buffer.extend_from_slice(bytes);
    }

    /// Sends the rows with one `COPY` (its own transaction).
    async fn send(
        mut self,
        connection: &mut PgConnection,
        target: &str,
    ) -> Result<(), ImportError> {
        if self.rows == 0 {
            return Ok(());
        }
        self.buffer.extend_from_slice(&(-1i16).to_be_bytes());
        let mut copy = connection
            .copy_in_raw(&format!("COPY {target} FROM STDIN (FORMAT binary)"))
            .await?;
        if let Err(error) = copy.send(self.buffer).await {
            copy.abort("the import stopped").await.ok();
            return Err(error.into());
        }
        copy.finish().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_inserts_have_a_place_for_every_value() {
        assert_eq!(
            sqlite_insert("t (a, b)", 2, 3),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"
        );
    }

    #[test]
    fn binary_copy_rows_are_framed_as_postgres_reads_them() {
        let mut copy = CopyBinary::default();
        let listed = Listed {
            categories: 5,
            rows: 2,
        };
        copy.row(
            Some(DatasetId(7)),
            Kind::Contract,
            &Digest([0xAB; 32]),
            listed,
        );
        let b = &copy.buffer;
        assert_eq!(&b[..11], CopyBinary::SIGNATURE);
        assert_eq!(&b[11..19], &[0; 8], "flags and header extension");
        assert_eq!(&b[19..21], &5i16.to_be_bytes(), "five fields");
        assert_eq!(&b[21..25], &8i32.to_be_bytes());
        assert_eq!(&b[25..33], &7i64.to_be_bytes());
        assert_eq!(&b[33..37], &8i32.to_be_bytes(), "\"contract\" is 8 bytes");
        assert_eq!(&b[37..45], b"contract");
        assert_eq!(&b[45..49], &32i32.to_be_bytes());
        assert_eq!(&b[49..81], &[0xAB; 32]);
        assert_eq!(&b[85..93], &5i64.to_be_bytes());
        assert_eq!(&b[97..105], &2i64.to_be_bytes());
        assert_eq!(b.len(), 105);
        assert_eq!(copy.rows, 1);
    }
}
