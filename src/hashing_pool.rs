//! A bounded pool for expensive hashing (argon2). At most one job per core runs, on
//! blocking threads, never on the async runtime's; a bounded number wait; the rest are told
//! at once that the server is busy, so a flood sheds load instead of queueing forever.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

#[derive(Clone, Debug)]
pub struct HashingPool {
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the server is busy hashing; try again shortly")]
pub struct Busy;

impl HashingPool {
    pub fn new(workers: usize, max_waiting: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(workers.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
        }
    }

    /// One worker per core, and up to 32 jobs per worker waiting.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, cores * 32)
    }

    pub async fn run<T, F>(&self, job: F) -> Result<T, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let permit = if queued >= self.max_waiting {
            Err(Busy)
        } else {
            self.running.clone().acquire_owned().await.map_err(|_| Busy)
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let permit = permit?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        })
        .await;
        // A panicking hash job is a bug; resume the panic where it can be seen.
        result.map_err(|e| std::panic::resume_unwind(e.into_panic()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn runs_jobs_off_the_runtime() {
        let pool = HashingPool::new(1, 4);
        let caller = std::thread::current().id();
        let worker = pool.run(|| std::thread::current().id()).await.unwrap();
        assert_ne!(caller, worker);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sheds_load_when_the_queue_is_full() {
        let pool = HashingPool::new(1, 1);
        let slow = || std::thread::sleep(Duration::from_millis(300));
        let running = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(slow).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let waiting = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(slow).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(pool.run(|| ()).await, Err(Busy), "third job is refused");
        assert!(running.await.unwrap().is_ok());
        assert!(waiting.await.unwrap().is_ok());
        assert!(pool.run(|| ()).await.is_ok(), "accepted again once drained");
    }
}
