//! The published notices, held in memory. Public pages, the feed and the API read this
//! rather than the database: on announcement day the whole customer base asks for the
//! same few notices at once.
//!
//! A replica learns of another replica's publish from the version number in the database,
//! read at most once per refresh interval; its own publishes invalidate at once. When the
//! database cannot be reached, the last snapshot keeps being served: a stale notice is
//! better than none.

use super::store::{self, NoticeError, PublishedNotice};
use crate::storage::Database;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Every published notice at one version of the notices.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub version: i64,
    /// The most recently published first.
    pub notices: Vec<PublishedNotice>,
}

impl Snapshot {
    pub fn by_slug(&self, slug: &str) -> Option<&PublishedNotice> {
        self.notices.iter().find(|notice| notice.slug == slug)
    }
}

#[derive(Default)]
struct Held {
    snapshot: Option<Arc<Snapshot>>,
    /// When the version was last compared with the database; `None` forces a check.
    checked_at: Option<Instant>,
}

#[derive(Clone)]
pub struct PublishedNotices {
    db: Database,
    refresh: Duration,
    held: Arc<RwLock<Held>>,
    /// One reload at a time: a thousand requests arriving as the interval ends make one
    /// query, not a thousand.
    reloading: Arc<tokio::sync::Mutex<()>>,
}

impl PublishedNotices {
    pub fn new(db: Database, refresh: Duration) -> Self {
        Self {
            db,
            refresh,
            held: Arc::default(),
            reloading: Arc::default(),
        }
    }

    /// How long another replica's publish may take to show here.
    pub fn refresh(&self) -> Duration {
        self.refresh
    }

    /// The next read compares the version with the database (after a publish here).
    pub fn invalidate(&self) {
        self.held.write().expect("lock not poisoned").checked_at = None;
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        let held = self.held.read().expect("lock not poisoned");
        let checked = held.checked_at?;
        (checked.elapsed() < self.refresh)
            .then(|| held.snapshot.clone())
            .flatten()
    }

    pub async fn current(&self) -> Result<Arc<Snapshot>, NoticeError> {
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        let _one = self.reloading.lock().await;
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        let held = self
            .held
            .read()
            .expect("lock not poisoned")
            .snapshot
            .clone();
        match self.reload(held.clone()).await {
            Ok(snapshot) => {
                let mut guard = self.held.write().expect("lock not poisoned");
                guard.snapshot = Some(snapshot.clone());
                guard.checked_at = Some(Instant::now());
                Ok(snapshot)
            }
            Err(error) => match held {
                Some(stale) => {
                    tracing::warn!(%error, "serving the last known notices: reload failed");
                    Ok(stale)
                }
                None => Err(error),
            },
        }
    }

    async fn reload(&self, held: Option<Arc<Snapshot>>) -> Result<Arc<Snapshot>, NoticeError> {
        // The version first: a publish between the two reads then leaves newer notices
        // under the older number, which the next check corrects, never the reverse.
        let version = store::version(&self.db).await?;
        if let Some(held) = held.filter(|held| held.version == version) {
            return Ok(held);
        }
        let notices = store::published(&self.db).await?;
        Ok(Arc::new(Snapshot { version, notices }))
    }
}
