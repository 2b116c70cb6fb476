//! What every request handler shares.

use std::sync::Arc;

use chrono::Duration;
use igny8_core::settings::{ExposeSecret, SecretString};
use igny8_core::tenancy::{Account, Registration, User};
use igny8_core::{Clock, CoreConfig, Igny8, StoreOptions};

use crate::config::{Settings, generated_secrets_path};
use crate::jwt::Signer;
use crate::ratelimit::Limiter;

/// The server's shared state. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The core, over the database the settings' URL names (SQLite, PostgreSQL or MySQL/MariaDB).
    pub core: Igny8,
    /// Signs and checks access tokens (HS256 JWTs with the deployment's secret).
    pub signer: Signer,
    /// The settings it was started with.
    pub settings: Arc<Settings>,
    /// Counts requests against the rate limits, in the database or in Redis.
    pub limiter: Limiter,
    /// The job watcher behind the event streams.
    pub job_events: crate::events::JobEvents,
}

impl AppState {
    /// Opens the database (migrating it) and prepares the secrets and the limiter.
    pub async fn open(settings: Settings) -> Result<Self, String> {
        Self::open_with_clock(settings, None).await
    }

    /// [`Self::open`] with time from `clock` (the system clock when `None`): tests set the
    /// time instead of waiting for it.
    pub async fn open_with_clock(
        settings: Settings,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Self, String> {
        let mut settings = settings;
        fill_secrets(&mut settings)?;
        let mut store = StoreOptions::new(settings.database_url.expose_secret());
        store.table_prefix = settings.table_prefix.clone();
        store.max_connections = settings.max_connections;
        let config = CoreConfig {
            store,
            secret_key: reveal(&settings.secret_key),
            previous_secret_key: reveal(&settings.secret_key_previous),
            clock,
            ai: settings.ai.clone(),
            publish: settings.publish.clone(),
            outbound: settings.outbound,
        };
        let core = Igny8::open(config).await.map_err(|e| e.to_string())?;
        let signer = Signer::new(
            settings
                .jwt_secret
                .as_ref()
                .map(|s| s.expose_secret())
                .unwrap_or_default()
                .as_bytes(),
        )?;
        let redis_url = settings.redis_url.as_ref().map(|u| u.expose_secret());
        let limiter = Limiter::new(core.clone(), redis_url).await?;
        let job_events =
            crate::events::JobEvents::new(core.clone(), settings.event_streams_per_caller);
        Ok(Self {
            core,
            signer,
            settings: Arc::new(settings),
            limiter,
            job_events,
        })
    }

    /// Lifetime of an access token.
    pub fn access_ttl(&self) -> Duration {
        Duration::minutes(self.settings.access_token_minutes)
    }

    /// Lifetime of a refresh token.
    pub fn refresh_ttl(&self) -> Duration {
        Duration::days(self.settings.refresh_token_days)
    }

    /// Signs up on this server: refused while the operator has closed sign-up
    /// (`allow_registration`), else the account is made with this server's sign-up credits.
    /// Every way in (the API, the web app) signs up through here.
    pub async fn sign_up(&self, registration: Registration) -> igny8_core::Result<(Account, User)> {
        if !self.settings.allow_registration {
            return Err(igny8_core::Error::Forbidden(
                "sign-up is closed on this server".into(),
            ));
        }
        self.core
            .tenancy()
            .register(registration, self.settings.signup_credits)
            .await
    }
}

/// A secret setting in clear, for the core's plain config struct.
fn reveal(secret: &Option<SecretString>) -> Option<String> {
    secret.as_ref().map(|s| s.expose_secret().to_owned())
}

/// Generated secrets, kept beside a SQLite database.
#[derive(serde::Serialize, serde::Deserialize)]
struct GeneratedSecrets {
    secret_key: String,
    jwt_secret: String,
}

/// Fills missing secrets: from (or into) a file beside a SQLite database, so a development
/// server keeps them across restarts; otherwise for this process only, with a warning.
fn fill_secrets(settings: &mut Settings) -> Result<(), String> {
    if settings.secret_key.is_some() && settings.jwt_secret.is_some() {
        return Ok(());
    }
    let generated = match generated_secrets_path(settings.database_url.expose_secret()) {
        Some(path) if path.exists() => {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            toml::from_str::<GeneratedSecrets>(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        path => {
            let fresh = GeneratedSecrets {
                secret_key: igny8_core::crypto::SecretBox::generate_key(),
                jwt_secret: igny8_core::crypto::SecretBox::generate_key(),
            };
            match path {
                Some(path) => {
                    write_private(&path, &toml::to_string(&fresh).unwrap_or_default())
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    tracing::warn!(file = %path.display(), "no secrets configured: generated them and kept them beside the database");
                }
                None => tracing::warn!(
                    "no IGNY8_SECRET_KEY / IGNY8_JWT_SECRET configured: using secrets of this process only; \
                     tokens won't survive a restart or work across processes, and stored provider keys can't be read later"
                ),
            }
            fresh
        }
    };
    settings
        .secret_key
        .get_or_insert_with(|| generated.secret_key.into());
    settings
        .jwt_secret
        .get_or_insert_with(|| generated.jwt_secret.into());
    Ok(())
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}
