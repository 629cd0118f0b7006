//! A bounded pool for expensive hashing (argon2). Jobs run on a fixed set of threads, one
//! per worker, never on the async runtime's: each keeps the memory its hashes need (see
//! `crate::digest`) instead of taking 19 MiB from the allocator per hash on whichever of
//! the runtime's many blocking threads is free (which left the process at 0.5-1 GiB after a
//! burst of lookups). A bounded number of jobs wait; the rest are told at once that the
//! server is busy, so a flood sheds load instead of queueing forever.

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone, Debug)]
pub struct HashingPool {
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    workers: usize,
    jobs: mpsc::Sender<Job>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the server is busy hashing; try again shortly")]
pub struct Busy;

impl HashingPool {
    /// Starts `workers` hashing threads; they end when the last copy of the pool is dropped.
    pub fn new(workers: usize, max_waiting: usize) -> Self {
        let workers = workers.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..workers {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("hashing-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking a job, never while running it.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("a hashing thread can be started");
        }
        Self {
            running: Arc::new(Semaphore::new(workers)),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
            workers,
            jobs,
        }
    }

    /// One worker per core, and up to 32 jobs per worker waiting.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, cores * 32)
    }

    /// How many jobs may run at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// How many jobs are running now.
    pub fn running(&self) -> usize {
        self.workers
            .saturating_sub(self.running.available_permits())
    }

    /// Whether a job asking now would be told `Busy`. Callers with work to do before
    /// they hash (limits to count, rows to read) ask first, so that a full pool refuses at
    /// no cost. (The answer may change before they hash; `run` decides in the end.)
    pub fn is_full(&self) -> bool {
        self.waiting() >= self.max_waiting
    }

    /// How many jobs are waiting for a worker now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Runs `job` on a hashing thread once a worker is free, or says `Busy` at once when
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
        let (answer, answered) = oneshot::channel();
        let task: Job = Box::new(move || {
            let _permit: OwnedSemaphorePermit = permit;
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            // The caller may have gone: the work is done either way.
            let _ = answer.send(outcome);
        });
        self.jobs.send(task).map_err(|_| Busy)?;
        match answered.await {
            Ok(Ok(value)) => Ok(value),
            // A panicking hash job is a bug; resume the panic where it can be seen.
            Ok(Err(panic)) => resume(panic),
            // The worker is gone (the process is ending): no answer, and no panic.
            Err(_) => Err(Busy),
        }
    }
}

fn resume<T>(panic: Box<dyn Any + Send>) -> T {
    std::panic::resume_unwind(panic)
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

    /// The same few threads serve every job, so the memory each keeps for hashing is kept
    /// once per worker, not once per thread the runtime ever started.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_run_on_one_thread_per_worker() {
        let pool = HashingPool::new(2, 64);
        let jobs = (0..40).map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(|| {
                    std::thread::sleep(Duration::from_millis(2));
                    std::thread::current().id()
                })
                .await
                .unwrap()
            })
        });
        let mut threads = std::collections::HashSet::new();
        for job in jobs {
            threads.insert(job.await.unwrap());
        }
        assert!(!threads.is_empty() && threads.len() <= 2, "{threads:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[should_panic(expected = "a bug in a job")]
    async fn a_panicking_job_panics_its_caller_and_the_worker_lives_on() {
        let pool = HashingPool::new(1, 4);
        let _ = pool.run(|| panic!("a bug in a job")).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_worker_survives_a_panicking_job() {
        let pool = HashingPool::new(1, 4);
        let caller = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(|| panic!("a bug in a job")).await }
        });
        assert!(caller.await.unwrap_err().is_panic());
        assert_eq!(pool.run(|| 5).await, Ok(5));
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
        assert_eq!(pool.waiting(), 0);
        assert_eq!(pool.run(|| 7).await, Ok(7), "the pool still serves");
    }
}
