//! Bounds on the work one request can make the server do: the CPU-heavy (the vote path's
//! exact model) runs off the request threads, and the read-heavy (a past heat map or an
//! uncounted trend: every coworker's history probed) waits its turn, each a few at a
//! time, so that members loading pages in a loop slow themselves, not everyone.

use tokio::sync::Semaphore;

use crate::error::AppError;

/// CPU-heavy jobs at once: the machine's cores are the bound (2 here).
const CPU_AT_ONCE: usize = 2;
/// Read-heavy queries at once: each holds a database connection for up to seconds at
/// 100,000 coworkers, and the pool must keep room for everything else.
const READS_AT_ONCE: usize = 2;

static CPU: Semaphore = Semaphore::const_new(CPU_AT_ONCE);
static READS: Semaphore = Semaphore::const_new(READS_AT_ONCE);

/// Runs `job` on the blocking threads, at most [`CPU_AT_ONCE`] at a time.
pub async fn cpu<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _turn = CPU.acquire().await.map_err(|e| AppError::internal(&e))?;
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| AppError::internal(&e))
}

/// Awaits `read` once it is its turn, at most [`READS_AT_ONCE`] at a time.
pub async fn read<T>(read: impl std::future::Future<Output = T>) -> Result<T, AppError> {
    let _turn = READS.acquire().await.map_err(|e| AppError::internal(&e))?;
    Ok(read.await)
}
