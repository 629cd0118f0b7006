//! Building and running the application. Tests build it on port 0 and read the port back.

use crate::check::CheckService;
use crate::domain_control::dns::DnsVerifier;
use crate::domain_control::mail::Mailer;
use crate::domain_control::service::DomainService;
use crate::{config::Config, middleware, routes};
use axum::Router;
use axum::serve::ListenerExt;
use breachcheck::check::limit::SubjectKeys;
use breachcheck::check::lookup::Lookup;
use breachcheck::check::pow::PowKeys;
use breachcheck::check::stats::Tally;
use breachcheck::digest::Digester;
use breachcheck::hashing_pool::HashingPool;
use breachcheck::import::job::Importer;
use breachcheck::notice::snapshot::PublishedNotices;
use breachcheck::storage::{Database, StorageError};
use secrecy::ExposeSecret;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Dns(#[from] crate::domain_control::dns::ResolverError),
    #[error(transparent)]
    Mail(#[from] crate::domain_control::mail::MailError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    database: Database,
    stale_imports_after: std::time::Duration,
    check: CheckService,
    domains: DomainService,
    hashing_pool: HashingPool,
    /// The `/metrics` listener and its routes, when a metrics address is set.
    metrics: Option<(TcpListener, Router)>,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listener. Nothing is
    /// served until [`Application::run_until_stopped`].
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let database = Database::connect(config.database_url.expose_secret()).await?;
        database.migrate().await?;
        // Imports that were running when a process died are failed now, before anything
        // is served, and then by the sweeper that runs alongside the server.
        let stale_imports_after = config.datasets.stale_after;
        sweep_stale_imports(&database, stale_imports_after).await;
        match breachcheck::import::job::scrub_stored_reports(&database).await {
            Ok(0) => {}
            Ok(scrubbed) => tracing::info!(scrubbed, "removed cell contents from old reports"),
            Err(error) => tracing::error!(%error, "could not scrub old import reports"),
        }
        let bind = |source| StartupError::Bind {
            addr: config.addr,
            source,
        };
        let listener = TcpListener::bind(config.addr).await.map_err(bind)?;
        let local_addr = listener.local_addr().map_err(bind)?;
        let importer = Importer {
            db: database.clone(),
            pool: HashingPool::new(config.hashing_workers, config.hashing_queue),
            digester: Digester::for_deployment(
                &database,
                config.datasets.profile,
                config.pepper.clone(),
            )
            .await
            .map_err(StartupError::Storage)?,
            pattern: config.datasets.pattern.clone(),
        };
        let check = CheckService {
            lookup: Lookup::new(
                database.clone(),
                importer.digester.clone(),
                importer.pool.clone(),
                &config.pepper,
            ),
            tally: Arc::default(),
            pow: PowKeys::new(&config.pepper),
            subjects: SubjectKeys::new(&config.pepper),
            settings: config.lookups.clone(),
            pattern: config.datasets.pattern.clone(),
        };
        let hashing_pool = importer.pool.clone();
        let notices = PublishedNotices::new(database.clone(), config.notice_refresh);
        let domains = DomainService {
            lookup: check.lookup.clone(),
            pow: check.pow.clone(),
            subjects: check.subjects.clone(),
            dns: DnsVerifier::new(config.domains.dns_resolver)?,
            mailer: Mailer::new(
                &config.domains.mail,
                &config.domains.mail_from,
                &config.site.name,
            )?,
            settings: config.domains.clone(),
            tally: check.tally.clone(),
            ended: Default::default(),
        };
        let (router, state) = routes::router(
            &config,
            database.clone(),
            importer,
            check.clone(),
            notices,
            domains.clone(),
        );
        let router = middleware::apply(router, &config);
        let metrics = match config.metrics_addr {
            Some(addr) => {
                let bind = |source| StartupError::Bind { addr, source };
                let listener = TcpListener::bind(addr).await.map_err(bind)?;
                Some((listener, crate::metrics::router(state)))
            }
            None => None,
        };
        Ok(Self {
            listener,
            local_addr,
            router,
            database,
            stale_imports_after,
            check,
            domains,
            hashing_pool,
            metrics,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The port `/metrics` is served on, when a metrics address is set.
    pub fn metrics_port(&self) -> Option<u16> {
        let (listener, _) = self.metrics.as_ref()?;
        listener.local_addr().ok().map(|addr| addr.port())
    }

    pub fn database(&self) -> Database {
        self.database.clone()
    }

    /// The bounded argon2 pool every lookup, sign-in and import waits on.
    pub fn hashing_pool(&self) -> HashingPool {
        self.hashing_pool.clone()
    }

    /// The lookups counted and not yet written (tests flush it before reading the counts).
    pub fn lookup_tally(&self) -> Arc<Tally> {
        self.check.tally.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, lets in-flight requests finish, then returns.
    /// (`serve` registers for the signals before building, see [`shutdown_signal`].)
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stop = shutdown_signal()?;
        self.run_until(stop).await
    }

    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let sweeper = tokio::spawn({
            let (database, stale) = (self.database.clone(), self.stale_imports_after);
            async move {
                let mut every = tokio::time::interval((stale / 2).max(Duration::from_secs(1)));
                loop {
                    every.tick().await;
                    sweep_stale_imports(&database, stale).await;
                }
            }
        });
        // The lookup statistics, written once a second and once more after the last request.
        let (stop_tally, tally_stopped) = tokio::sync::oneshot::channel::<()>();
        let tally_writer = tokio::spawn({
            let (tally, database) = (self.check.tally.clone(), self.database.clone());
            async move {
                let mut every = tokio::time::interval(TALLY_FLUSH_EVERY);
                let mut stopped = std::pin::pin!(tally_stopped);
                loop {
                    let last = tokio::select! {
                        _ = every.tick() => false,
                        _ = &mut stopped => true,
                    };
                    if let Err(error) = tally.flush(&database).await {
                        tracing::warn!(%error, "could not write the lookup statistics");
                    }
                    if last {
                        break;
                    }
                }
            }
        });
        let lookup_sweeper = tokio::spawn({
            let check = self.check.clone();
            let domains = self.domains.clone();
            let database = self.database.clone();
            async move {
                let mut every = tokio::time::interval(Duration::from_secs(60));
                loop {
                    every.tick().await;
                    if let Err(error) = check.sweep().await {
                        tracing::error!(%error, "could not sweep lookup counters");
                    }
                    let throttle = breachcheck::staff::throttle::ThrottlePolicy::default();
                    if let Err(error) =
                        breachcheck::staff::throttle::sweep(&database, &throttle).await
                    {
                        tracing::error!(%error, "could not sweep sign-in failures");
                    }
                    if let Err(error) = domains.sweep().await {
                        tracing::error!(%error, "could not sweep domain challenges");
                    }
                }
            }
        });
        // Without TCP_NODELAY a response written in pieces (a streamed page, a file) waits
        // for the client's delayed ACK: ~40 ms per response, as `make bench` showed.
        let listener = self.listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        // The metrics listener runs beside the public one and stops with it.
        let metrics = self.metrics.map(|(listener, router)| {
            let upkeep = tokio::spawn(crate::metrics::upkeep(crate::metrics::recorder()));
            let serving = tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "the metrics listener stopped");
                }
            });
            (upkeep, serving)
        });
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        sweeper.abort();
        lookup_sweeper.abort();
        let _ = stop_tally.send(());
        let _ = tally_writer.await;
        if let Some((upkeep, serving)) = metrics {
            upkeep.abort();
            serving.abort();
        }
        served?;
        self.database.close().await;
        Ok(())
    }
}

/// How often counted lookups are written (see `breachcheck::check::stats::Tally`).
const TALLY_FLUSH_EVERY: Duration = Duration::from_secs(1);

async fn sweep_stale_imports(database: &Database, stale_after: Duration) {
    match breachcheck::import::job::fail_stale(database, stale_after).await {
        Ok(0) => {}
        Ok(failed) => tracing::warn!(failed, "failed imports whose process had stopped"),
        Err(error) => tracing::error!(%error, "could not sweep stale imports"),
    }
}

/// Registers for SIGTERM and SIGINT at once, and returns what resolves when either comes.
/// Registering before the port opens matters: a signal that arrives as soon as the port
/// answers must stop the server gracefully, not kill it with the default action.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
            tracing::info!("shutdown requested; finishing in-flight requests");
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown requested; finishing in-flight requests");
    })
}
