//! What every call needs: the options `open()` was given, the core over this process's store,
//! and the tenant; plus the guard that turns failures and panics into `Igny8\Exception`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use ext_php_rs::exception::PhpResult;
use igny8_core::ai::AiConfig;
use igny8_core::crypto::SecretBox;
use igny8_core::settings::{ExposeSecret, SecretString};
use igny8_core::tenancy::Scope;
use igny8_core::{Igny8, SqlStore, StoreOptions};
use serde_json::{Map, Value};

use crate::error::Failure;
use crate::input::take;
use crate::process;
use crate::tenant::{self, Tenant};

/// The options of `Igny8::open()`, parsed.
#[derive(Clone)]
pub(crate) struct Options {
    pub(crate) store: StoreOptions,
    /// The deployment key; redacted in `Debug`.
    pub(crate) secret_key: Option<SecretString>,
    pub(crate) ai: AiConfig,
    pub(crate) media_url: Option<String>,
    /// WordPress's site name and URL, when given (an open without them leaves them alone).
    pub(crate) site_name: Option<String>,
    pub(crate) site_url: Option<String>,
    /// Debug builds only: make `open()` panic, so tests can see a panic become an exception.
    pub(crate) debug_panic: bool,
}

impl Options {
    /// Reads the options array.
    pub(crate) fn parse(mut map: Map<String, Value>) -> Result<Self, Failure> {
        let database_url: String = take(&mut map, "database_url")?
            .ok_or_else(|| Failure::field("database_url", "is required"))?;
        let mut store = StoreOptions::new(database_url);
        if let Some(prefix) = take::<String>(&mut map, "table_prefix")? {
            store.table_prefix = prefix;
        } else {
            store.table_prefix = "igny8_".into();
        }
        // A PHP process serves one request at a time: a small pool is plenty.
        store.max_connections = 4;
        let settings = match map.remove("ai") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(settings)) => settings,
            Some(Value::Array(list)) if list.is_empty() => Map::new(),
            Some(_) => return Err(Failure::field("ai", "must be an array of IGNY8_* settings")),
        };
        // The same names as the server's variables, with or without `IGNY8_`, in any case;
        // read by the core's settings loader, so a value means here what it means there.
        let mut vars = Vec::with_capacity(settings.len());
        for (name, value) in settings {
            let text = match value {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            let name = name.trim_start_matches("IGNY8_").to_ascii_uppercase();
            if !AiConfig::VARS.iter().any(|v| v.name == name) {
                return Err(Failure::field(
                    &format!("ai.{name}"),
                    "is not an AI setting",
                ));
            }
            vars.push((format!("IGNY8_{name}"), text));
        }
        let mut ai = AiConfig::from_vars(vars, |_| false)
            .map_err(|e| Failure::field("ai", e.to_string()))?;
        if let Some(dir) = take::<String>(&mut map, "media_dir")? {
            ai.media_dir = dir;
        }
        let options = Self {
            store,
            secret_key: take::<String>(&mut map, "secret_key")?
                .filter(|k| !k.is_empty())
                .map(SecretString::from),
            ai,
            media_url: take::<String>(&mut map, "media_url")?
                .map(|u| u.trim_end_matches('/').to_owned()),
            site_name: take::<String>(&mut map, "site_name")?.filter(|n| !n.trim().is_empty()),
            site_url: take::<String>(&mut map, "site_url")?.filter(|u| !u.trim().is_empty()),
            debug_panic: take::<bool>(&mut map, "debug_panic")?.unwrap_or(false)
                && cfg!(debug_assertions),
        };
        if let Some(key) = map.keys().next() {
            return Err(Failure::field(key, "is not an option of Igny8::open()"));
        }
        if let Some(key) = &options.secret_key {
            SecretBox::from_base64(key.expose_secret())
                .map_err(|e| Failure::field("secret_key", e.to_string()))?;
        }
        Ok(options)
    }

    /// The core over `store` with these options.
    fn core(&self, store: SqlStore) -> Result<Igny8<SqlStore>, Failure> {
        // Inside WordPress the site owner is the operator and the only tenant: the providers
        // and sites they name may be on their own network (a local Ollama, the WordPress
        // itself), so the outbound guard lets private addresses through here.
        let mut core = Igny8::with_store(store)
            .with_ai(self.ai.clone())
            .with_outbound(igny8_core::outbound::OutboundConfig {
                allow_private: true,
            });
        if let Some(key) = &self.secret_key {
            core = core.with_secrets(SecretBox::from_base64(key.expose_secret())?);
        }
        Ok(core)
    }
}

/// One call's context.
pub(crate) struct Ctx {
    pub(crate) core: Igny8<SqlStore>,
    pub(crate) tenant: Tenant,
    pub(crate) options: Arc<Options>,
}

impl Ctx {
    /// Opens (or finds in this process) the store and the tenant.
    pub(crate) async fn open(options: Arc<Options>) -> Result<Self, Failure> {
        let core = options.core(process::store(&options.store).await?)?;
        let name = options.site_name.as_deref();
        let url = options.site_url.as_deref();
        let mut tenant = match process::cached_tenant(&options.store)? {
            Some(t) => t,
            None => tenant::bootstrap(&core, name.unwrap_or("WordPress"), url).await?,
        };
        tenant::refresh(&core, &mut tenant, name, url).await?;
        process::cache_tenant(&options.store, tenant.clone())?;
        Ok(Self {
            core,
            tenant,
            options,
        })
    }

    /// The scope of every call.
    pub(crate) fn scope(&self) -> Scope {
        self.tenant.scope()
    }

    /// The scope of the whole account, for its account-wide parts (settings, prompts, author
    /// profiles, integrations, credits): one install is one account, which this site owns, so
    /// the site restriction of [`Ctx::scope`] doesn't apply to them.
    pub(crate) fn account_scope(&self) -> Scope {
        Scope::system(self.tenant.account)
    }
}

/// Runs an entry point: failures and panics become `Igny8\Exception`.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> PhpResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(failure)) => Err(failure.into()),
        Err(payload) => Err(Failure::panic(&*payload).into()),
    }
}
