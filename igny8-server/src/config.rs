//! Settings: defaults → an optional TOML file → `IGNY8_*` environment variables, layered by
//! [`igny8_core::settings::Loader`] (figment underneath). The variables are listed once, in
//! [`VARS`] and the core's tables ([`igny8_core::ai::AiConfig::VARS`], …); secrets are
//! [`SecretString`]s, redacted in `Debug`.

use std::path::{Path, PathBuf};

use igny8_core::settings::{Expect, ExposeSecret, Loader, SecretString, Section, Var};
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

/// Whether the web app's cookies are marked `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSecure {
    /// When the request came over https (directly, or per `X-Forwarded-Proto` from a trusted
    /// proxy).
    #[default]
    Auto,
    /// Always (behind a proxy that terminates TLS and isn't listed as trusted).
    Always,
    /// Never (plain-http development only).
    Never,
}

/// Everything the server can be told.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// `sqlite://…`, `postgres://…` or `mysql://…`; secret, as it may hold a password.
    #[serde(serialize_with = "igny8_core::settings::expose")]
    pub database_url: SecretString,
    /// Prefix of every table.
    pub table_prefix: String,
    /// Pooled database connections per process.
    pub max_connections: u32,
    /// 32 bytes, base64: encrypts stored provider keys and WordPress passwords.
    #[serde(serialize_with = "igny8_core::settings::expose_option")]
    pub secret_key: Option<SecretString>,
    /// The key `secret_key` replaced, while rotating (32 bytes, base64): secrets sealed with
    /// it still open and are re-sealed with `secret_key` when read. Remove it once every
    /// stored secret has been read (or entered again).
    #[serde(serialize_with = "igny8_core::settings::expose_option")]
    pub secret_key_previous: Option<SecretString>,
    /// At least 32 bytes: signs access tokens. Every process of a deployment needs the same.
    #[serde(serialize_with = "igny8_core::settings::expose_option")]
    pub jwt_secret: Option<SecretString>,
    /// Lifetime of an access token, in minutes.
    pub access_token_minutes: i64,
    /// Lifetime of a refresh token, in days.
    pub refresh_token_days: i64,
    /// Longest a web app sign-in lasts, in days, however it is used (`IGNY8_WEB_SESSION_DAYS`).
    pub web_session_days: i64,
    /// A web app sign-in ends after this many minutes unused (`IGNY8_WEB_SESSION_IDLE_MINUTES`).
    pub web_session_idle_minutes: i64,
    /// Whether the web app's cookies carry `Secure` (sent over https only): `auto` when the
    /// request came over https (directly, or per `X-Forwarded-Proto` from a trusted proxy),
    /// `always` or `never` (`IGNY8_COOKIE_SECURE`).
    pub cookie_secure: CookieSecure,
    /// Whether anyone may sign up.
    pub allow_registration: bool,
    /// Credits granted to a new account (the default plan's monthly credits when unset).
    pub signup_credits: Option<i64>,
    /// Redis for rate limits shared by several processes (the database otherwise); secret, as
    /// it may hold a password.
    #[serde(serialize_with = "igny8_core::settings::expose_option")]
    pub redis_url: Option<SecretString>,
    /// Requests per minute.
    pub rate_limits: RateLimits,
    /// Proxies (addresses or networks, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` names the
    /// client (`IGNY8_TRUSTED_PROXIES`, comma-separated). Empty: the peer's address is the
    /// client's, and `X-Forwarded-For` is ignored. A bare address means just that address.
    #[serde(deserialize_with = "networks")]
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
            web_session_days: 14,
            web_session_idle_minutes: 720,
            cookie_secure: CookieSecure::Auto,
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
        // The URLs show without their password (host and database help whoever reads a log);
        // the other secrets show as `[REDACTED]`.
        let url = |u: &SecretString| igny8_core::store::redact_url(u.expose_secret());
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database_url", &url(&self.database_url))
            .field("table_prefix", &self.table_prefix)
            .field("max_connections", &self.max_connections)
            .field("secret_key", &self.secret_key)
            .field("secret_key_previous", &self.secret_key_previous)
            .field("jwt_secret", &self.jwt_secret)
            .field("access_token_minutes", &self.access_token_minutes)
            .field("refresh_token_days", &self.refresh_token_days)
            .field("web_session_days", &self.web_session_days)
            .field("web_session_idle_minutes", &self.web_session_idle_minutes)
            .field("cookie_secure", &self.cookie_secure)
            .field("allow_registration", &self.allow_registration)
            .field("signup_credits", &self.signup_credits)
            .field("redis_url", &self.redis_url.as_ref().map(url))
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

/// The server's own `IGNY8_*` variables (the AI, publishing and outbound ones are the core's:
/// see [`SECTIONS`]). Where two name one setting, the later wins (`LOG_LEVEL` over `LOG`).
pub const VARS: &[Var] = &[
    Var::new("BIND", "bind", Expect::Text),
    Var::new("DATABASE_URL", "database_url", Expect::Secret),
    Var::new("TABLE_PREFIX", "table_prefix", Expect::Text),
    Var::new("MAX_CONNECTIONS", "max_connections", Expect::Whole),
    Var::new("SECRET_KEY", "secret_key", Expect::Secret),
    Var::new("SECRET_KEY_PREVIOUS", "secret_key_previous", Expect::Secret),
    Var::new("JWT_SECRET", "jwt_secret", Expect::Secret),
    Var::new(
        "ACCESS_TOKEN_MINUTES",
        "access_token_minutes",
        Expect::Integer,
    ),
    Var::new("REFRESH_TOKEN_DAYS", "refresh_token_days", Expect::Integer),
    Var::new("WEB_SESSION_DAYS", "web_session_days", Expect::Positive),
    Var::new(
        "WEB_SESSION_IDLE_MINUTES",
        "web_session_idle_minutes",
        Expect::Positive,
    ),
    Var::new(
        "COOKIE_SECURE",
        "cookie_secure",
        Expect::OneOf(&["auto", "always", "never"]),
    ),
    Var::new("ALLOW_REGISTRATION", "allow_registration", Expect::Bool),
    Var::new("SIGNUP_CREDITS", "signup_credits", Expect::Integer),
    Var::new("REDIS_URL", "redis_url", Expect::Secret),
    Var::new("RATE_LIMIT_AUTH", "rate_limits.auth", Expect::Whole),
    Var::new("RATE_LIMIT_READ", "rate_limits.read", Expect::Whole),
    Var::new("RATE_LIMIT_WRITE", "rate_limits.write", Expect::Whole),
    Var::new("RATE_LIMIT_AI", "rate_limits.ai", Expect::Whole),
    Var::new(
        "TRUSTED_PROXIES",
        "trusted_proxies",
        Expect::List("addresses or networks like 10.0.0.0/8"),
    ),
    Var::new("MAX_BODY_BYTES", "max_body_bytes", Expect::Whole),
    Var::new("MAX_UPLOAD_BYTES", "max_upload_bytes", Expect::Whole),
    Var::new(
        "EVENT_STREAMS_PER_CALLER",
        "event_streams_per_caller",
        Expect::Whole,
    ),
    Var::new("WORKER", "worker", Expect::Bool),
    Var::new("WORKER_LEASE_SECS", "worker_lease_secs", Expect::Whole),
    Var::new("LOG", "log_level", Expect::Text),
    Var::new("LOG_LEVEL", "log_level", Expect::Text),
];

/// Every variable the server reads into its settings, and where each section sits.
pub const SECTIONS: &[Section] = &[
    Section::new("", VARS),
    Section::new("ai", igny8_core::ai::AiConfig::VARS),
    Section::new("publish", igny8_core::publish::PublishConfig::VARS),
    Section::new("outbound", igny8_core::outbound::OutboundConfig::VARS),
];

/// `IGNY8_*` names (without the prefix) that are not settings: the variables of the other
/// commands and of the tests and benchmarks.
fn not_a_setting(name: &str) -> bool {
    matches!(name, "CONFIG" | "SUPERUSER_EMAIL" | "SUPERUSER_PASSWORD")
        || name.starts_with("TEST_")
        || name.starts_with("BENCH_")
}

/// Addresses and networks (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`); a bare address is a network
/// of one.
fn networks<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ipnet::IpNet>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|v| {
            v.parse::<ipnet::IpNet>()
                .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{v:?} is not an address or a network like 10.0.0.0/8"
                    ))
                })
        })
        .collect()
}

impl Settings {
    /// Defaults, then `file` (or `igny8.toml` when it exists), then the `IGNY8_*` variables
    /// among `env`; checked. An error is one sentence naming the variable, or the file and
    /// key, that is wrong.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, String> {
        let file = file.or_else(|| {
            Path::new(DEFAULT_FILE)
                .exists()
                .then_some(Path::new(DEFAULT_FILE))
        });
        let file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Some((path.display().to_string(), text))
            }
            None => None,
        };
        Self::layered(file.as_ref().map(|(n, t)| (n.as_str(), t.as_str())), env)
    }

    /// [`Settings::load`] from a file's name and text, already read.
    fn layered(
        file: Option<(&str, &str)>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, String> {
        let mut loader = Loader::new(&Self::default());
        if let Some((name, text)) = file {
            let table: toml::Table = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
            loader = loader.layer(name, &table).map_err(|e| e.0)?;
        }
        let settings: Self = loader
            .env(SECTIONS, env, not_a_setting)
            .and_then(|l| l.extract())
            .map_err(|e| e.0)?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), String> {
        self.ai.check().map_err(|e| format!("ai.{e}"))?;
        igny8_core::Backend::from_url(self.database_url.expose_secret())
            .map_err(|e| e.to_string())?;
        self.bind
            .parse::<std::net::SocketAddr>()
            .map_err(|_| format!("bind {:?} is not an address like 127.0.0.1:8011", self.bind))?;
        if self.access_token_minutes < 1
            || self.refresh_token_days < 1
            || self.web_session_days < 1
            || self.web_session_idle_minutes < 1
        {
            return Err("token lifetimes must be positive".into());
        }
        if let Some(key) = &self.secret_key {
            let secrets = igny8_core::crypto::SecretBox::from_base64(key.expose_secret())
                .map_err(|e| format!("secret_key: {e}"))?;
            if let Some(previous) = &self.secret_key_previous {
                secrets
                    .with_previous_base64(previous.expose_secret())
                    .map_err(|e| format!("secret_key_previous: {e}"))?;
            }
        } else if self.secret_key_previous.is_some() {
            return Err(
                "secret_key_previous is set without secret_key: set the new key as secret_key"
                    .into(),
            );
        }
        if self
            .jwt_secret
            .as_ref()
            .is_some_and(|s| s.expose_secret().len() < 32)
        {
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
            secret_key: Some(igny8_core::crypto::SecretBox::generate_key().into()),
            jwt_secret: Some(igny8_core::crypto::SecretBox::generate_key().into()),
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

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn load(file: Option<&str>, pairs: &[(&str, &str)]) -> Result<Settings, String> {
        Settings::layered(file.map(|text| ("igny8.toml", text)), env(pairs))
    }

    #[test]
    fn env_wins_over_the_file_which_wins_over_the_defaults() {
        let file = "bind = \"0.0.0.0:8000\"\nmax_connections = 3\n\
                    [rate_limits]\nread = 7\nwrite = 8\n[ai]\nopenai_model = \"from-file\"\n";
        let s = load(
            Some(file),
            &[
                ("IGNY8_BIND", "0.0.0.0:9000"),
                ("IGNY8_RATE_LIMIT_READ", "5"),
                ("PATH", "/bin"),
                ("IGNY8_TEST_POSTGRES_URL", "postgres://x"),
                ("IGNY8_CONFIG", "igny8.toml"),
            ],
        )
        .unwrap();
        assert_eq!((s.bind.as_str(), s.rate_limits.read), ("0.0.0.0:9000", 5));
        assert_eq!((s.max_connections, s.rate_limits.write), (3, 8));
        assert_eq!(s.rate_limits.auth, RateLimits::default().auth);
        assert_eq!(s.ai.openai_model, "from-file");
        let s = load(
            None,
            &[
                ("IGNY8_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
                ("IGNY8_OPENAI_API_KEY", "sk-deployment"),
                ("IGNY8_IMAGE_PROVIDER", "runware"),
                ("IGNY8_WORDPRESS_TIMEOUT_SECS", "5"),
                ("IGNY8_ALLOW_PRIVATE_TARGETS", "yes"),
                ("IGNY8_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
                ("IGNY8_LOG", "debug"),
                ("IGNY8_CREDITS_PER_IDEA", "3"),
            ],
        )
        .unwrap();
        assert_eq!(s.ai.openai_base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(s.ai.image_provider, igny8_core::ai::ImageBackend::Runware);
        assert_eq!(s.ai.credit_prices.per_idea, 3);
        assert_eq!(s.publish.timeout_secs, 5);
        assert!(s.outbound.allow_private);
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.log_level, "debug");
        assert!(!format!("{s:?}").contains("sk-deployment"));
    }

    #[test]
    fn secrets_are_checked_and_redacted() {
        // Rotation: the previous key is a setting of its own, checked and redacted.
        let (new, old) = (
            igny8_core::crypto::SecretBox::generate_key(),
            igny8_core::crypto::SecretBox::generate_key(),
        );
        let r = load(
            None,
            &[
                ("IGNY8_SECRET_KEY", new.as_str()),
                ("IGNY8_SECRET_KEY_PREVIOUS", old.as_str()),
                ("IGNY8_DATABASE_URL", "postgres://igny8:hunter2@db/igny8"),
                ("IGNY8_REDIS_URL", "redis://:hunter3@cache:6379"),
            ],
        )
        .unwrap();
        assert_eq!(
            r.secret_key_previous.as_ref().map(|k| k.expose_secret()),
            Some(old.as_str())
        );
        let debug = format!("{r:?}");
        for secret in [&new, &old, "hunter2", "hunter3"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains("db/igny8"), "{debug}");
        let err = load(
            None,
            &[
                ("IGNY8_SECRET_KEY", new.as_str()),
                ("IGNY8_SECRET_KEY_PREVIOUS", "short"),
            ],
        )
        .unwrap_err();
        assert!(err.starts_with("secret_key_previous"), "{err}");
        let err = load(None, &[("IGNY8_SECRET_KEY_PREVIOUS", old.as_str())]).unwrap_err();
        assert!(err.contains("without secret_key"), "{err}");
        assert!(!err.contains(&old));
        let err = load(None, &[("IGNY8_JWT_SECRET", "too short to sign")]).unwrap_err();
        assert!(!err.contains("too short to sign"), "{err}");

        let example = load(Some(&Settings::example()), &[]).unwrap();
        let key = example.secret_key.as_ref().unwrap().expose_secret();
        assert!(!format!("{example:?}").contains(key));
    }

    #[test]
    fn bad_values_give_a_plain_error_naming_the_variable() {
        let err = |pairs: &[(&str, &str)]| load(None, pairs).unwrap_err();
        assert_eq!(
            err(&[("IGNY8_IMAGE_PROVIDER", "dalle")]),
            r#"IGNY8_IMAGE_PROVIDER must be openai or runware, got "dalle""#
        );
        assert_eq!(
            err(&[("IGNY8_MAX_CONNECTIONS", "lots")]),
            r#"IGNY8_MAX_CONNECTIONS must be a whole number, got "lots""#
        );
        // Out of range for its field (a u32): the range is named.
        assert_eq!(
            err(&[("IGNY8_RATE_LIMIT_READ", "99999999999")]),
            r#"IGNY8_RATE_LIMIT_READ must be a whole number from 0 to 4294967295, got "99999999999""#
        );
        assert_eq!(
            err(&[("IGNY8_WORKER", "sometimes")]),
            r#"IGNY8_WORKER must be true or false, got "sometimes""#
        );
        assert_eq!(
            err(&[("IGNY8_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")]),
            "IGNY8_TRUSTED_PROXIES must be a comma-separated list of addresses or networks \
             like 10.0.0.0/8, got \"10.0.0.0/8, proxy.local\""
        );
        assert_eq!(err(&[("IGNY8_NOPE", "1")]), "unknown setting IGNY8_NOPE");
        let file = load(Some("[rate_limits]\nread = \"many\"\n"), &[]).unwrap_err();
        assert!(file.starts_with("igny8.toml: rate_limits.read: "), "{file}");
        let unknown = load(Some("nope = 1\n"), &[]).unwrap_err();
        assert!(unknown.contains("nope"), "{unknown}");
        assert_eq!(
            generated_secrets_path("sqlite://igny8.db").unwrap(),
            PathBuf::from("igny8.db.secrets.toml")
        );
        assert_eq!(generated_secrets_path("postgres://x/y"), None);
    }
}
