//! # igny8-core
//!
//! The core of IGNY8, an SEO keyword-planning and AI content-generation platform: the domain
//! (accounts › sites › sectors; keywords, clusters, ideas; tasks, content, images; prompts,
//! author profiles, strategies), tenancy rules, the credit ledger and the storage on SQLite,
//! PostgreSQL or MySQL/MariaDB. The hosted API server and the WordPress extension are thin
//! adapters over this crate.
//!
//! ```no_run
//! use igny8_core::{Igny8, CoreConfig};
//! use igny8_core::tenancy::{NewAccount, NewSite, NewSector, Operator, Scope};
//!
//! # async fn demo() -> igny8_core::Result<()> {
//! let core = Igny8::open(CoreConfig::new("sqlite://igny8.db")).await?;
//! let account = core.tenancy().create_account(&Operator::embedder(), NewAccount { name: "Acme".into(), ..Default::default() }).await?;
//! let scope = Scope::system(account.id);
//! let site = core.tenancy().create_site(&scope, NewSite { name: "Blog".into(), ..Default::default() }).await?;
//! let sector = core.tenancy().create_sector(&scope, NewSector {
//!     site_id: site.id, name: "Kitchen".into(), description: None, is_active: None,
//! }).await?;
//! let file = tokio::fs::File::open("keywords.csv").await?;
//! let report = core.keywords().import(&scope, sector.id, file).await?;
//! println!("{} imported, {} merged, {} rejected", report.imported, report.merged, report.rejected);
//! # Ok(()) }
//! ```
//!
//! Every operation on tenant data takes a [`tenancy::Scope`]; see [`store`] for how tenancy
//! is enforced in storage.

pub mod ai;
pub mod automation;
mod clock;
pub mod credits;
pub mod crypto;
pub mod enums;
mod error;
mod ids;
pub mod inventory;
pub mod jobs;
pub mod list;
pub mod outbound;
pub mod planner;
pub mod publish;
pub mod settings;
pub mod store;
pub mod system;
pub mod tenancy;
#[cfg(feature = "testing")]
pub mod testing;
pub mod thinker;
mod validate;
pub mod words;
pub mod writer;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock, from_millis};
pub use error::{Error, ErrorCode, FieldError, PlanLimit, Result};
pub use ids::*;
pub use store::{Backend, SqlStore, Store, StoreOptions};
pub use validate::{collapse_whitespace, markup_in, strip_markup};

/// How to open the core.
#[derive(Clone)]
pub struct CoreConfig {
    /// Storage options (database URL, table prefix, pool size).
    pub store: StoreOptions,
    /// The deployment key that encrypts stored secrets (32 bytes, base64). Without it,
    /// secrets can be neither stored nor read.
    pub secret_key: Option<String>,
    /// The key used before `secret_key` (base64), while rotating: secrets sealed with it
    /// still open, and are re-sealed with `secret_key` and written back when read.
    pub previous_secret_key: Option<String>,
    /// Where time comes from (the system clock by default).
    pub clock: Option<Arc<dyn Clock>>,
    /// The deployment's AI providers; an account's active integration overrides them field by
    /// field.
    pub ai: ai::AiConfig,
    /// Publishing to WordPress: how long one WordPress request may take.
    pub publish: publish::PublishConfig,
    /// Requests to URLs that accounts choose (AI providers, WordPress sites, image URLs).
    pub outbound: outbound::OutboundConfig,
}

impl std::fmt::Debug for CoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreConfig")
            .field("store", &self.store)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "previous_secret_key",
                &self.previous_secret_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl CoreConfig {
    /// Defaults for a database URL.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            store: StoreOptions::new(database_url),
            secret_key: None,
            previous_secret_key: None,
            clock: None,
            ai: ai::AiConfig::default(),
            publish: publish::PublishConfig::default(),
            outbound: outbound::OutboundConfig::default(),
        }
    }
}

/// The core: services over a store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Igny8<S = SqlStore> {
    store: S,
    secrets: Option<Arc<crypto::SecretBox>>,
    ai: Arc<ai::AiConfig>,
    publish: Arc<publish::PublishConfig>,
    outbound: outbound::OutboundConfig,
}

impl Igny8<SqlStore> {
    /// Opens the database named by the config (migrating it) and the services over it.
    pub async fn open(config: CoreConfig) -> Result<Self> {
        let secrets = match (&config.secret_key, &config.previous_secret_key) {
            (Some(key), previous) => {
                let mut secrets = crypto::SecretBox::from_base64(key)?;
                if let Some(previous) = previous {
                    secrets = secrets.with_previous_base64(previous)?;
                }
                Some(Arc::new(secrets))
            }
            (None, Some(_)) => {
                return Err(Error::Config(
                    "a previous secret key is set without a current one: set the secret key too"
                        .into(),
                ));
            }
            (None, None) => None,
        };
        let mut store = SqlStore::open(&config.store).await?;
        if let Some(clock) = config.clock {
            store = store.with_clock(clock);
        }
        Ok(Self {
            store,
            secrets,
            ai: Arc::new(config.ai),
            publish: Arc::new(config.publish),
            outbound: config.outbound,
        })
    }
}

impl<S: Store> Igny8<S> {
    /// The services over an existing store.
    pub fn with_store(store: S) -> Self {
        Self {
            store,
            secrets: None,
            ai: Arc::default(),
            publish: Arc::default(),
            outbound: outbound::OutboundConfig::default(),
        }
    }

    /// The same core calling the AI providers of `config` by default.
    pub fn with_ai(mut self, config: ai::AiConfig) -> Self {
        self.ai = Arc::new(config);
        self
    }

    /// The same core publishing to WordPress with `config`.
    pub fn with_publish(mut self, config: publish::PublishConfig) -> Self {
        self.publish = Arc::new(config);
        self
    }

    /// The same core with `config`'s rules for requests to account-chosen URLs.
    pub fn with_outbound(mut self, config: outbound::OutboundConfig) -> Self {
        self.outbound = config;
        self
    }

    /// The deployment's rules for requests to account-chosen URLs.
    pub fn outbound_config(&self) -> outbound::OutboundConfig {
        self.outbound
    }

    /// The deployment's publishing settings.
    pub fn publish_config(&self) -> &publish::PublishConfig {
        &self.publish
    }

    /// The same core able to seal and open stored secrets with `secrets`.
    pub fn with_secrets(mut self, secrets: crypto::SecretBox) -> Self {
        self.secrets = Some(Arc::new(secrets));
        self
    }

    pub(crate) fn secrets(&self) -> Result<&crypto::SecretBox> {
        self.secrets.as_deref().ok_or_else(|| {
            Error::Config(
                "no secret key is configured, so secrets can be neither stored nor read".into(),
            )
        })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The current time, from the store's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.store.now()
    }

    /// Sessions and API keys.
    pub fn auth(&self) -> tenancy::Auth<'_, S> {
        tenancy::Auth { core: self }
    }

    /// Plans, accounts, users, sites and sectors.
    pub fn tenancy(&self) -> tenancy::Tenancy<'_, S> {
        tenancy::Tenancy { core: self }
    }

    /// Keywords.
    pub fn keywords(&self) -> planner::Keywords<'_, S> {
        planner::Keywords { core: self }
    }

    /// Clusters.
    pub fn clusters(&self) -> planner::Clusters<'_, S> {
        planner::Clusters { core: self }
    }

    /// Content ideas.
    pub fn ideas(&self) -> planner::Ideas<'_, S> {
        planner::Ideas { core: self }
    }

    /// Writer tasks.
    pub fn tasks(&self) -> writer::Tasks<'_, S> {
        writer::Tasks { core: self }
    }

    /// Content.
    pub fn contents(&self) -> writer::Contents<'_, S> {
        writer::Contents { core: self }
    }

    /// Images.
    pub fn images(&self) -> writer::Images<'_, S> {
        writer::Images { core: self }
    }

    /// Prompts, author profiles and strategies.
    pub fn thinker(&self) -> thinker::Thinker<'_, S> {
        thinker::Thinker { core: self }
    }

    /// Settings and integrations.
    pub fn system(&self) -> system::System<'_, S> {
        system::System { core: self }
    }

    /// Durable jobs.
    pub fn jobs(&self) -> jobs::Jobs<'_, S> {
        jobs::Jobs { core: self }
    }

    /// Credits and usage.
    pub fn credits(&self) -> credits::Credits<'_, S> {
        credits::Credits { core: self }
    }
}
