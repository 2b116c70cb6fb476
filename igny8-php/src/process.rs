//! What one PHP process keeps between requests: an async runtime and one store (pool) per
//! (database URL, table prefix), made on first use, never in module start-up.
//!
//! Both are remembered with the id of the process that made them. A runtime's threads and a
//! pool's connections do not survive `fork` (php-fpm and `php -S` with workers fork after
//! start-up), so when `std::process::id()` changed they are forgotten — leaked, not dropped,
//! since dropping would wait for threads that only exist in the parent — and made afresh.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use igny8_core::{SqlStore, StoreOptions};
use tokio::runtime::Runtime;

use crate::error::Failure;
use crate::tenant::Tenant;

/// The per-process state.
struct Process {
    pid: u32,
    runtime: Arc<Runtime>,
    stores: HashMap<(String, String), SqlStore>,
    tenants: HashMap<(String, String), Tenant>,
}

static PROCESS: Mutex<Option<Process>> = Mutex::new(None);

/// Runs `f` on this process's state, making it first (or again, after a fork).
fn with_process<T>(f: impl FnOnce(&mut Process) -> T) -> Result<T, Failure> {
    let mut guard = PROCESS.lock().unwrap_or_else(PoisonError::into_inner);
    let pid = std::process::id();
    if guard.as_ref().is_some_and(|p| p.pid != pid) {
        // Made before a fork: its threads and sockets belong to the parent.
        std::mem::forget(guard.take());
    }
    if guard.is_none() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::internal(format!("cannot start the async runtime: {e}")))?;
        *guard = Some(Process {
            pid,
            runtime: Arc::new(runtime),
            stores: HashMap::new(),
            tenants: HashMap::new(),
        });
    }
    Ok(f(guard.as_mut().expect("made above")))
}

/// Runs a future to completion on this process's runtime.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, Failure> {
    let runtime = with_process(|p| p.runtime.clone())?;
    Ok(runtime.block_on(future))
}

/// The store for these options: the one this process opened before, or a new one (opened and
/// migrated).
pub(crate) async fn store(options: &StoreOptions) -> Result<SqlStore, Failure> {
    let key = (options.database_url.clone(), options.table_prefix.clone());
    if let Some(store) = with_process(|p| p.stores.get(&key).cloned())? {
        return Ok(store);
    }
    let store = SqlStore::open(options).await?;
    with_process(|p| p.stores.entry(key).or_insert(store).clone())
}

/// The tenant this process found for a store before, if any.
pub(crate) fn cached_tenant(options: &StoreOptions) -> Result<Option<Tenant>, Failure> {
    let key = (options.database_url.clone(), options.table_prefix.clone());
    with_process(|p| p.tenants.get(&key).cloned())
}

/// Remembers the tenant of a store.
pub(crate) fn cache_tenant(options: &StoreOptions, tenant: Tenant) -> Result<(), Failure> {
    let key = (options.database_url.clone(), options.table_prefix.clone());
    with_process(|p| {
        p.tenants.insert(key, tenant);
    })
}
