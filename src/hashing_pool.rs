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

    /// Runs `job` on a blocking thread once a worker is free, or says `Busy` at once when
    /// the queue is full. The caller may give up at any point (a client that left, a
    /// timeout): a place in the queue is given back when the waiting future is dropped,
    /// and a job already running finishes and then frees its worker.
    pub async fn run<T, F>(&self, job: F) -> Result<T, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (place, queued) = Place::take(&self.waiting);
        if queued >= self.max_waiting {
            return Err(Busy);
        }
        let permit = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        drop(place);
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        })
        .await;
        match result {
            Ok(value) => Ok(value),
            // A panicking hash job is a bug; resume the panic where it can be seen.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // Cancelled (the runtime is shutting down): no answer, and no panic.
            Err(_) => Err(Busy),
        }
    }
}

/// A place in the queue, counted in `waiting` for as long as it is held: dropping it (the
/// job got a worker, was refused, or its caller went away) gives the place back.
struct Place(Arc<AtomicUsize>);

impl Place {
    /// Takes a place; also says how many were taken before it.
    fn take(waiting: &Arc<AtomicUsize>) -> (Self, usize) {
        let before = waiting.fetch_add(1, Ordering::SeqCst);
        (Self(waiting.clone()), before)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
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

    /// Callers that give up while queued (a client gone, a timeout) must not keep their
    /// places: 200 of them against a queue of four, then a normal job is still served.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abandoned_waits_give_their_places_back() {
        let pool = HashingPool::new(1, 4);
        let busy = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(|| std::thread::sleep(Duration::from_millis(1500)))
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..200 {
            let gave_up = tokio::time::timeout(Duration::from_millis(1), pool.run(|| ())).await;
            assert!(gave_up.is_err() || gave_up == Ok(Err(Busy)));
        }
        assert!(busy.await.unwrap().is_ok());
        assert_eq!(pool.waiting.load(Ordering::SeqCst), 0);
        assert_eq!(pool.run(|| 7).await, Ok(7), "the pool still serves");
    }
}
