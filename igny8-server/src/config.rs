//! Settings: defaults → an optional TOML file → `IGNY8_*` environment variables.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Requests per minute allowed per caller, by kind of operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Sign-up, sign-in and token refresh, per client address.
    pub auth: u32,
    /// Reads (GET), per credential.
    pub read: u32,
    /// Writes (POST, PATCH, PUT, DELETE), per credential.
    pub write: u32,
    /// AI operations, per credential.
    pub ai: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            auth: 20,
            read: 1200,
            write: 300,
            ai: 30,
        }
    }
}

/// Everything the server can be told.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// `sqlite://…`, `postgres://…` or `mysql://…`.
    pub database_url: String,
    /// Prefix of every table.
    pub table_prefix: String,
    /// Pooled database connections per process.
    pub max_connections: u32,
    /// 32 bytes, base64: encrypts stored provider keys and WordPress passwords.
    pub secret_key: Option<String>,
    /// The key `secret_key` replaced, while rotating (32 bytes, base64): secrets sealed with
    /// it still open and are re-sealed with `secret_key` when read. Remove it once every
    /// stored secret has been read (or entered again).
    pub secret_key_previous: Option<String>,
    /// At least 32 bytes: signs access tokens. Every process of a deployment needs the same.
    pub jwt_secret: Option<String>,
    /// Lifetime of an access token, in minutes.
    pub access_token_minutes: i64,
    /// Lifetime of a refresh token, in days.
    pub refresh_token_days: i64,
    /// Whether anyone may sign up.
    pub allow_registration: bool,
    /// Credits granted to a new account (the default plan's monthly credits when unset).
    pub signup_credits: Option<i64>,
    /// Redis for rate limits shared by several processes (the database otherwise).
    pub redis_url: Option<String>,
    /// Requests per minute.
    pub rate_limits: RateLimits,
    /// Proxies (addresses or networks, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` names the
    /// client (`IGNY8_TRUSTED_PROXIES`, comma-separated). Empty: the peer's address is the
    /// client's, and `X-Forwarded-For` is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Largest JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Largest keyword file upload, in bytes.
    pub max_upload_bytes: usize,
    /// Job event streams one caller (a user or an API key) may keep open at once
    /// (`IGNY8_EVENT_STREAMS_PER_CALLER`).
    pub event_streams_per_caller: usize,
    /// Run a job worker inside the server process.
    pub worker: bool,
    /// Seconds a worker's claim on a job holds without a progress report; a job whose worker
    /// died is taken over after this (`IGNY8_WORKER_LEASE_SECS`).
    pub worker_lease_secs: u64,
    /// Log level: error, warn, info, debug or trace.
    pub log_level: String,
    /// The AI providers every account uses unless it connects its own (`IGNY8_OPENAI_*`,
    /// `IGNY8_IMAGE_PROVIDER`, `IGNY8_RUNWARE_*`, `IGNY8_AI_*`).
    pub ai: igny8_core::ai::AiConfig,
    /// Publishing to WordPress (`IGNY8_WORDPRESS_TIMEOUT_SECS`).
    pub publish: igny8_core::publish::PublishConfig,
    /// Requests to URLs that accounts choose: AI providers' base URLs, WordPress sites, image
    /// URLs (`IGNY8_ALLOW_PRIVATE_TARGETS`; `IGNY8_WORDPRESS_ALLOW_PRIVATE` is its older name).
    pub outbound: igny8_core::outbound::OutboundConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8011".into(),
            database_url: "sqlite://igny8.db".into(),
            table_prefix: "igny8_".into(),
            max_connections: 10,
            secret_key: None,
            secret_key_previous: None,
            jwt_secret: None,
            access_token_minutes: 15,
            refresh_token_days: 30,
            allow_registration: true,
            signup_credits: None,
            redis_url: None,
            rate_limits: RateLimits::default(),
            trusted_proxies: Vec::new(),
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 200 * 1024 * 1024,
            event_streams_per_caller: 10,
            worker: true,
            worker_lease_secs: 60,
            log_level: "info".into(),
            ai: igny8_core::ai::AiConfig::default(),
            publish: igny8_core::publish::PublishConfig::default(),
            outbound: igny8_core::outbound::OutboundConfig::default(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field(
                "database_url",
                &igny8_core::store::redact_url(&self.database_url),
            )
            .field("table_prefix", &self.table_prefix)
            .field("max_connections", &self.max_connections)
            .field("secret_key", &redact(&self.secret_key))
            .field("secret_key_previous", &redact(&self.secret_key_previous))
            .field("jwt_secret", &redact(&self.jwt_secret))
            .field("access_token_minutes", &self.access_token_minutes)
            .field("refresh_token_days", &self.refresh_token_days)
            .field("allow_registration", &self.allow_registration)
            .field("signup_credits", &self.signup_credits)
            .field(
                "redis_url",
                &self.redis_url.as_deref().map(igny8_core::store::redact_url),
            )
            .field("rate_limits", &self.rate_limits)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("event_streams_per_caller", &self.event_streams_per_caller)
            .field("worker", &self.worker)
            .field("worker_lease_secs", &self.worker_lease_secs)
            .field("log_level", &self.log_level)
            .field("ai", &self.ai)
            .field("publish", &self.publish)
            .field("outbound", &self.outbound)
            .finish()
    }
}

/// The default config file, read when present.
pub const DEFAULT_FILE: &str = "igny8.toml";

fn parse<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{name}={value:?} is not a valid value"))
}

fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{name}={value:?} is not true or false")),
    }
}

/// A comma-separated list of addresses and networks (`127.0.0.1, 10.0.0.0/8, fd00::/8`).
fn parse_networks(name: &str, value: &str) -> Result<Vec<ipnet::IpNet>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<ipnet::IpNet>()
                .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!("{name}: {v:?} is not an address or a network like 10.0.0.0/8")
                })
        })
        .collect()
}

impl Settings {
    /// Defaults, then `file` (or `igny8.toml` when it exists), then the environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, String> {
        let mut settings = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new(DEFAULT_FILE).exists() => Self::from_file(Path::new(DEFAULT_FILE))?,
            None => Self::default(),
        };
        settings.apply_env(env)?;
        settings.check()?;
        Ok(settings)
    }

    fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Applies `IGNY8_*` variables.
    pub fn apply_env(
        &mut self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), String> {
        for (name, value) in env {
            let Some(key) = name.strip_prefix("IGNY8_") else {
                continue;
            };
            let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
            match key {
                "BIND" => self.bind = value.trim().to_owned(),
                "DATABASE_URL" => self.database_url = value.trim().to_owned(),
                "TABLE_PREFIX" => self.table_prefix = value.trim().to_owned(),
                "MAX_CONNECTIONS" => self.max_connections = parse(&name, &value)?,
                "SECRET_KEY" => self.secret_key = opt(&value),
                "SECRET_KEY_PREVIOUS" => self.secret_key_previous = opt(&value),
                "JWT_SECRET" => self.jwt_secret = opt(&value),
                "ACCESS_TOKEN_MINUTES" => self.access_token_minutes = parse(&name, &value)?,
                "REFRESH_TOKEN_DAYS" => self.refresh_token_days = parse(&name, &value)?,
                "ALLOW_REGISTRATION" => self.allow_registration = parse_bool(&name, &value)?,
                "SIGNUP_CREDITS" => self.signup_credits = Some(parse(&name, &value)?),
                "REDIS_URL" => self.redis_url = opt(&value),
                "RATE_LIMIT_AUTH" => self.rate_limits.auth = parse(&name, &value)?,
                "RATE_LIMIT_READ" => self.rate_limits.read = parse(&name, &value)?,
                "RATE_LIMIT_WRITE" => self.rate_limits.write = parse(&name, &value)?,
                "RATE_LIMIT_AI" => self.rate_limits.ai = parse(&name, &value)?,
                "TRUSTED_PROXIES" => self.trusted_proxies = parse_networks(&name, &value)?,
                "MAX_BODY_BYTES" => self.max_body_bytes = parse(&name, &value)?,
                "MAX_UPLOAD_BYTES" => self.max_upload_bytes = parse(&name, &value)?,
                "EVENT_STREAMS_PER_CALLER" => {
                    self.event_streams_per_caller = parse(&name, &value)?;
                }
                "WORKER" => self.worker = parse_bool(&name, &value)?,
                "WORKER_LEASE_SECS" => self.worker_lease_secs = parse(&name, &value)?,
                "LOG_LEVEL" | "LOG" => self.log_level = value.trim().to_owned(),
                // Variables of the other commands and of the tests.
                "CONFIG" | "SUPERUSER_EMAIL" | "SUPERUSER_PASSWORD" => {}
                _ if key.starts_with("TEST_") || key.starts_with("BENCH_") => {}
                _ if self.ai.set(key, &value)? => {}
                _ if self.publish.set(key, &value)? => {}
                _ if self.outbound.set(key, &value)? => {}
                _ => return Err(format!("unknown setting {name}")),
            }
        }
        Ok(())
    }

    fn check(&self) -> Result<(), String> {
        self.ai.check().map_err(|e| format!("ai.{e}"))?;
        igny8_core::Backend::from_url(&self.database_url).map_err(|e| e.to_string())?;
        self.bind
            .parse::<std::net::SocketAddr>()
            .map_err(|_| format!("bind {:?} is not an address like 127.0.0.1:8011", self.bind))?;
        if self.access_token_minutes < 1 || self.refresh_token_days < 1 {
            return Err("token lifetimes must be positive".into());
        }
        if let Some(key) = &self.secret_key {
            let secrets = igny8_core::crypto::SecretBox::from_base64(key)
                .map_err(|e| format!("secret_key: {e}"))?;
            if let Some(previous) = &self.secret_key_previous {
                secrets
                    .with_previous_base64(previous)
                    .map_err(|e| format!("secret_key_previous: {e}"))?;
            }
        } else if self.secret_key_previous.is_some() {
            return Err(
                "secret_key_previous is set without secret_key: set the new key as secret_key"
                    .into(),
            );
        }
        if self.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err("jwt_secret must be at least 32 characters".into());
        }
        if !["error", "warn", "info", "debug", "trace"].contains(&self.log_level.as_str()) {
            return Err(format!(
                "log_level {:?} is not error, warn, info, debug or trace",
                self.log_level
            ));
        }
        Ok(())
    }

    /// An example file with every setting and a fresh secret.
    pub fn example() -> String {
        let settings = Settings {
            secret_key: Some(igny8_core::crypto::SecretBox::generate_key()),
            jwt_secret: Some(igny8_core::crypto::SecretBox::generate_key()),
            ..Settings::default()
        };
        let mut out = String::from(
            "# IGNY8 server settings. Every setting can also be given as an IGNY8_* environment\n\
             # variable (IGNY8_DATABASE_URL, IGNY8_RATE_LIMIT_READ, …), which wins over this file.\n\
             # The secrets below were generated for you: keep them, and keep them secret.\n\n",
        );
        out.push_str(&toml::to_string_pretty(&settings).unwrap_or_default());
        out
    }
}

/// Where the server keeps the secrets it generated for itself when none were configured.
pub fn generated_secrets_path(database_url: &str) -> Option<PathBuf> {
    let path = database_url.strip_prefix("sqlite://")?;
    let path = path.split('?').next()?;
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Some(PathBuf::from(format!("{path}.secrets.toml")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_wins_and_bad_values_are_named() {
        let env = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let mut s = Settings::default();
        s.apply_env(env(&[
            ("IGNY8_BIND", "0.0.0.0:9000"),
            ("IGNY8_RATE_LIMIT_READ", "5"),
            ("PATH", "/bin"),
        ]))
        .unwrap();
        assert_eq!((s.bind.as_str(), s.rate_limits.read), ("0.0.0.0:9000", 5));
        s.apply_env(env(&[
            ("IGNY8_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
            ("IGNY8_OPENAI_API_KEY", "sk-deployment"),
            ("IGNY8_IMAGE_PROVIDER", "runware"),
        ]))
        .unwrap();
        assert_eq!(s.ai.openai_base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(s.ai.image_provider, igny8_core::ai::ImageBackend::Runware);
        assert!(!format!("{s:?}").contains("sk-deployment"));
        // Rotation: the previous key is a setting of its own, checked and redacted.
        let (new, old) = (
            igny8_core::crypto::SecretBox::generate_key(),
            igny8_core::crypto::SecretBox::generate_key(),
        );
        let mut r = Settings::default();
        r.apply_env(env(&[
            ("IGNY8_SECRET_KEY", new.as_str()),
            ("IGNY8_SECRET_KEY_PREVIOUS", old.as_str()),
        ]))
        .unwrap();
        assert_eq!(r.secret_key_previous.as_deref(), Some(old.as_str()));
        r.check().unwrap();
        assert!(!format!("{r:?}").contains(&old));
        r.secret_key_previous = Some("short".into());
        assert!(r.check().unwrap_err().starts_with("secret_key_previous"));
        r.secret_key = None;
        r.secret_key_previous = Some(old.clone());
        assert!(r.check().unwrap_err().contains("without secret_key"));
        assert!(
            Settings::default()
                .apply_env(env(&[("IGNY8_IMAGE_PROVIDER", "dalle")]))
                .unwrap_err()
                .contains("IGNY8_IMAGE_PROVIDER")
        );
        assert!(
            Settings::default()
                .apply_env(env(&[("IGNY8_MAX_CONNECTIONS", "lots")]))
                .unwrap_err()
                .contains("IGNY8_MAX_CONNECTIONS")
        );
        assert!(
            Settings::default()
                .apply_env(env(&[("IGNY8_NOPE", "1")]))
                .unwrap_err()
                .contains("unknown")
        );
        let example: Settings = toml::from_str(&Settings::example()).unwrap();
        assert!(example.secret_key.is_some());
        assert!(!format!("{example:?}").contains(example.secret_key.as_deref().unwrap()));
        assert_eq!(
            generated_secrets_path("sqlite://igny8.db").unwrap(),
            PathBuf::from("igny8.db.secrets.toml")
        );
        assert_eq!(generated_secrets_path("postgres://x/y"), None);
    }
}
