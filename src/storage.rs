//! The database: one `sqlx::Any` pool over SQLite or PostgreSQL.
//!
//! SQL is written once, in the subset both back ends share (`$1` placeholders, integer
//! times, BLOB/BYTEA digests); only the DDL differs, so each back end has its own
//! migration directory with the same meaning.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// The migrations this build carries. A database may hold newer ones: during a rolling
/// upgrade the first new replica migrates while old ones still run, and an old one that
/// restarts then must start on the newer schema rather than refuse it (every migration
/// only adds what old code can ignore; see docs/DEPLOY.md).
static SQLITE_MIGRATIONS: LazyLock<Migrator> =
    LazyLock::new(|| tolerant(sqlx::migrate!("migrations/sqlite")));
static POSTGRES_MIGRATIONS: LazyLock<Migrator> =
    LazyLock::new(|| tolerant(sqlx::migrate!("migrations/postgres")));

fn tolerant(mut migrator: Migrator) -> Migrator {
    migrator.set_ignore_missing(true);
    migrator
}

/// A write transaction that knows its back end, so that code running inside it (the audit
/// log's lock, for one) can act on the caller's transaction rather than open its own.
/// Dropped without [`WriteTx::commit`], it rolls back.
pub struct WriteTx {
    // Declared before the turn: dropped (rolled back) before the next writer goes.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    _turn: Option<WriteTurn>,
}

/// This process's turn at writing to SQLite; the next writer goes when it is dropped.
pub struct WriteTurn {
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn commit(self) -> Result<(), StorageError> {
        Ok(self.tx.commit().await?)
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl)
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("DATABASE_URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("could not create the directory for the SQLite database: {0}")]
    CreateDir(#[source] std::io::Error),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the database holds something it should not: {0}")]
    Corrupt(&'static str),
    #[error("only PostgreSQL can do this")]
    NotPostgres,
    #[error("only SQLite can do this")]
    NotSqlite,
    #[error(
        "this pepper is not the one this database's lists were hashed with: every replica \
         needs the deployment's pepper (to change it, see docs/DEPLOY.md)"
    )]
    OtherPepper,
}

/// Why `/readyz` says no. Kept coarse on purpose: the probe's body is public.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NotReady {
    #[error("database unreachable")]
    Unreachable,
    #[error("migrations pending: schema {applied}, code expects {expected}")]
    MigrationsPending { applied: i64, expected: i64 },
}

#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this process take turns here, in the
    /// order they asked, instead of meeting on SQLite's lock, where a loser sleeps in
    /// growing steps (1 ms … 100 ms) and tries again: under a flood of lookups, each
    /// counting its limits in a write, that sleeping halved the answers per second.
    writers: Option<Arc<tokio::sync::Mutex<()>>>,
    /// PostgreSQL only: how to open a connection of its own outside the pool (an import's
    /// `COPY`, which `sqlx::Any` cannot speak).
    postgres: Option<PostgresOptions>,
    /// SQLite only: the same, for an import's staging connection, which streams millions
    /// of rows back (see [`Database::sqlite_connection`]).
    sqlite: Option<Arc<sqlx::sqlite::SqliteConnectOptions>>,
}

/// Connection options, which hold the password: never printed.
#[derive(Clone)]
struct PostgresOptions(Arc<sqlx::postgres::PgConnectOptions>);

impl std::fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgresOptions(..)")
    }
}

/// How long a writer waits for its turn, as SQLite's own busy timeout.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(5);

impl Database {
    /// Connects, creating the SQLite file (and its directory) on first start.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite has one writer; a small pool avoids piling up on its lock.
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        // WAL lets readers go on while an import writes.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        // With WAL, NORMAL syncs at checkpoints rather than at every commit:
                        // the file is never corrupted, and a power cut (not a crash of the
                        // process) may lose the last commits whole, each with its audit
                        // entry. FULL's sync per commit made every lookup's limit counting
                        // wait for the disk. Production runs on PostgreSQL.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Deleted rows are overwritten, not left in free pages: a domain
                        // or a session must leave no trace once its row is gone.
                        conn.execute("PRAGMA secure_delete = ON").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await.map_err(StorageError::Connect)?;
        let writers = (backend == Backend::Sqlite).then(Arc::default);
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PostgresOptions(Arc::new(
                url.parse().map_err(StorageError::Connect)?,
            ))),
        };
        let sqlite = match backend {
            Backend::Sqlite => Some(Arc::new(url.parse().map_err(StorageError::Connect)?)),
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            backend,
            writers,
            postgres,
            sqlite,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A PostgreSQL connection outside the pool, closed when dropped (an import's `COPY`
    /// and its TEMP table). Refused on SQLite.
    pub async fn postgres_connection(&self) -> Result<sqlx::postgres::PgConnection, StorageError> {
        use sqlx::ConnectOptions;
        let options = self.postgres.as_ref().ok_or(StorageError::NotPostgres)?;
        options.0.connect().await.map_err(StorageError::Connect)
    }

    /// SQLite only: a connection of its own, outside the pool, that buffers up to
    /// `row_buffer` rows of a query ahead of its reader. The pool's connections buffer 50:
    /// a reader of millions of rows then wakes the connection's thread for nearly every
    /// row (a profile of an import of 1M rows put about a fifth of its time there).
    pub async fn sqlite_connection(
        &self,
        row_buffer: usize,
    ) -> Result<sqlx::sqlite::SqliteConnection, StorageError> {
        use sqlx::ConnectOptions;
        let options = self.sqlite.as_ref().ok_or(StorageError::NotSqlite)?;
        (**options)
            .clone()
            .row_buffer_size(row_buffer)
            .busy_timeout(WRITE_TURN_TIMEOUT)
            .connect()
            .await
            .map_err(StorageError::Connect)
    }

    /// A transaction that will write. On SQLite it waits for this process's writers before
    /// it, then takes the write lock at once (`BEGIN IMMEDIATE`), so two writers that both
    /// read first cannot deadlock on the upgrade (another process, the CLI, still meets
    /// them on the busy timeout).
    pub async fn begin_write(&self) -> Result<WriteTx, StorageError> {
        let turn = self.write_turn().await?;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            _turn: turn,
        })
    }

    /// On SQLite, this process's turn at writing, in the order asked (see the `writers`
    /// field): held by a single statement that writes without a [`WriteTx`] around it.
    /// `None` on PostgreSQL, whose writers need no turn.
    pub async fn write_turn(&self) -> Result<Option<WriteTurn>, StorageError> {
        match &self.writers {
            Some(writers) => tokio::time::timeout(WRITE_TURN_TIMEOUT, writers.clone().lock_owned())
                .await
                .map(|guard| Some(WriteTurn { _guard: guard }))
                .map_err(|_| StorageError::Query(sqlx::Error::PoolTimedOut)),
            None => Ok(None),
        }
    }

    /// Applies every migration the code carries that the database lacks.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        self.backend.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Whether this replica can serve: the database answers and its schema is the one the
    /// code was built for.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        let expected = self
            .backend
            .migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        let applied: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "readiness query failed");
            NotReady::Unreachable
        })?;
        if applied < expected {
            return Err(NotReady::MigrationsPending { applied, expected });
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Makes sure the SQLite file can be created: its directory exists and the URL asks for
/// read-write-create mode.
fn prepare_sqlite_url(url: &str) -> Result<String, StorageError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    let on_disk = !path.is_empty() && path != ":memory:";
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| on_disk && !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(StorageError::CreateDir)?;
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_back_ends() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("sqlite::memory:").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[tokio::test]
    async fn sqlite_file_is_created_in_wal_mode_and_migrated() {
        let dir = std::env::temp_dir().join(format!("bc-storage-{}", std::process::id()));
        let url = format!("sqlite://{}/nested/test.db", dir.display());
        let db = Database::connect(&url).await.unwrap();
        assert_eq!(
            db.readiness().await,
            Err(NotReady::Unreachable),
            "no migrations table yet"
        );
        db.migrate().await.unwrap();
        db.readiness().await.unwrap();
        // A newer build's migration applied meanwhile (a rolling upgrade): this build still
        // starts, migrates nothing and is ready.
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, \
             checksum, execution_time) VALUES (99999, 'from a newer build', '2026-12-01', 1, \
             x'00', 0)",
        )
        .execute(db.pool())
        .await
        .unwrap();
        db.migrate().await.unwrap();
        db.readiness().await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert!(dir.join("nested/test.db").exists());
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
