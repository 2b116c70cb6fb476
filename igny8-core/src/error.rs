//! The core's one error type.
//!
//! Variants separate the user's mistakes (validation, not found, forbidden, insufficient
//! credits, plan limit reached, conflict) from internal failures (database, I/O, crypto,
//! configuration). Every variant has a stable machine [`ErrorCode`]: the server maps codes to
//! HTTP statuses in one table and the PHP extension maps them to exception classes.

use std::fmt;

use crate::ids::JobId;

/// A `Result` whose error is the core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One field-level validation problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name as the caller sent it (e.g. `volume`).
    pub field: String,
    /// What is wrong, in words a user understands.
    pub message: String,
}

impl FieldError {
    /// A problem with one field.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Which limit of a plan was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanLimit {
    /// `max_sites`: sites in the account.
    Sites,
    /// `max_sectors_per_site`: sectors in one site.
    SectorsPerSite,
    /// `max_users`: users in the account.
    Users,
    /// `max_keywords`: keywords in the account.
    Keywords,
}

impl PlanLimit {
    /// The limit's field name on a plan, as shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sites => "max_sites",
            Self::SectorsPerSite => "max_sectors_per_site",
            Self::Users => "max_users",
            Self::Keywords => "max_keywords",
        }
    }
}

/// The core's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input breaks a rule; `errors` names the fields.
    #[error("{message}")]
    Validation {
        /// A summary sentence.
        message: String,
        /// Field-level details (may be empty).
        errors: Vec<FieldError>,
    },
    /// The object does not exist, or belongs to another tenant (never told apart).
    #[error("{entity} {id} not found")]
    NotFound {
        /// The kind of object, e.g. `keyword`.
        entity: &'static str,
        /// The id that was asked for.
        id: i64,
    },
    /// The actor's role does not allow the action.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The credentials are wrong or missing.
    #[error("{0}")]
    Unauthenticated(String),
    /// The account cannot afford the operation; nothing was reserved.
    #[error(
        "insufficient credits: {needed} needed, {}",
        match available {
            Some(n) => format!("{n} available"),
            None => "more than the account has left".to_owned(),
        }
    )]
    InsufficientCredits {
        /// Credits the operation needs.
        needed: i64,
        /// Credits the account has, where the caller may see them: starting an AI function
        /// from a scope that sees the account's balance. `None` for a key restricted to one
        /// site, and where a job finds the credits gone (its error is read by everyone who
        /// reads the job).
        available: Option<i64>,
    },
    /// A plan limit would be exceeded.
    #[error("plan limit reached: {} is {max} on plan {plan}", limit.as_str())]
    LimitReached {
        /// Which limit.
        limit: PlanLimit,
        /// Its value on the account's plan.
        max: i64,
        /// The plan's name.
        plan: String,
    },
    /// The state changed underneath, or the change doesn't fit the object's state (a bad
    /// transition, a revoked key, a publish already under way).
    #[error("{0}")]
    Conflict(String),
    /// The object already exists: a unique value (an email, a name, an idempotency key) is
    /// taken. The message says what collided. Answered like [`Error::Conflict`] (409).
    #[error("{0}")]
    Duplicate(String),
    /// The worker no longer holds the job: its lease expired and another worker took the job
    /// over. The worker stops; the job is the other worker's now. Answered as a conflict.
    #[error("job {0} is no longer held by this worker")]
    LeaseLost(JobId),
    /// The job was cancelled while it ran: the worker stops at its next report. Answered as a
    /// conflict.
    #[error("job {0} was cancelled while it ran")]
    Cancelled(JobId),
    /// Too many attempts (failed sign-ins of one account): try again after `retry_after_secs`.
    #[error("{message}")]
    RateLimited {
        /// What was refused and when to try again, in words.
        message: String,
        /// Seconds until another attempt is taken.
        retry_after_secs: u64,
    },
    /// The database failed. The driver's error is the source (boxed, so the driver's types
    /// stay out of this API).
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Reading input failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration is unusable (bad URL, bad key…).
    #[error("configuration error: {0}")]
    Config(String),
    /// The account has no usable AI provider for the operation (no key for a hosted provider):
    /// it must connect one in its integrations, or the deployment must set its own.
    #[error("{0}")]
    NotConfigured(String),
    /// An AI provider failed; the message is the provider's own where it gave one.
    #[error("{0}")]
    Provider(String),
    /// An AI provider could not be reached or stayed overloaded (timeouts, refused connections,
    /// 408/409/429/5xx) after the client's retries; trying later may work.
    #[error("{0}")]
    ProviderUnavailable(String),
    /// Anything else that is the system's fault, not the user's.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Stable machine codes for [`Error`] variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// [`Error::Validation`]
    Validation,
    /// [`Error::NotFound`]
    NotFound,
    /// [`Error::Forbidden`]
    Forbidden,
    /// [`Error::Unauthenticated`]
    Unauthenticated,
    /// [`Error::InsufficientCredits`]
    InsufficientCredits,
    /// [`Error::LimitReached`]
    LimitReached,
    /// [`Error::Conflict`]
    Conflict,
    /// [`Error::RateLimited`]
    RateLimited,
    /// [`Error::Database`]
    Database,
    /// [`Error::Io`]
    Io,
    /// [`Error::Config`]
    Config,
    /// [`Error::NotConfigured`]
    NotConfigured,
    /// [`Error::Provider`]
    Provider,
    /// [`Error::ProviderUnavailable`]
    ProviderUnavailable,
    /// [`Error::Internal`]
    Internal,
}

impl ErrorCode {
    /// The code as a string, e.g. `insufficient_credits`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Unauthenticated => "unauthenticated",
            Self::InsufficientCredits => "insufficient_credits",
            Self::LimitReached => "limit_reached",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::Database => "database",
            Self::Io => "io",
            Self::Config => "config",
            Self::NotConfigured => "not_configured",
            Self::Provider => "provider",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status that stands for this code, for every face that speaks HTTP's language
    /// (the REST API, and the PHP extension's exceptions, which carry it as their code).
    pub fn http_status(self) -> u16 {
        match self {
            Self::Validation | Self::NotConfigured => 400,
            Self::Unauthenticated => 401,
            Self::InsufficientCredits => 402,
            Self::Forbidden | Self::LimitReached => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::Provider => 502,
            Self::ProviderUnavailable => 503,
            Self::Database | Self::Io | Self::Config | Self::Internal => 500,
        }
    }

    /// Whether the error is the caller's doing (a 4xx), not the system's.
    pub fn is_user_error(self) -> bool {
        !matches!(
            self,
            Self::Database
                | Self::Io
                | Self::Config
                | Self::Provider
                | Self::ProviderUnavailable
                | Self::Internal
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The stable machine code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } => ErrorCode::Validation,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::InsufficientCredits { .. } => ErrorCode::InsufficientCredits,
            Self::LimitReached { .. } => ErrorCode::LimitReached,
            Self::Conflict(_) | Self::Duplicate(_) | Self::LeaseLost(_) | Self::Cancelled(_) => {
                ErrorCode::Conflict
            }
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Database(_) => ErrorCode::Database,
            Self::Io(_) => ErrorCode::Io,
            Self::Config(_) => ErrorCode::Config,
            Self::NotConfigured(_) => ErrorCode::NotConfigured,
            Self::Provider(_) => ErrorCode::Provider,
            Self::ProviderUnavailable(_) => ErrorCode::ProviderUnavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A validation error about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = FieldError::new(field, message);
        Self::Validation {
            message: format!("{}: {}", field.field, field.message),
            errors: vec![field],
        }
    }

    /// A validation error from several field errors (`errors` must not be empty).
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let message = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self::Validation { message, errors }
    }

    /// A validation error that concerns the whole input, not one field.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Validation {
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// The field errors of a validation error (empty for other variants).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation { errors, .. } => errors,
            _ => &[],
        }
    }

    /// Whether retrying the same operation may succeed (a lock timeout, deadlock or
    /// serialization failure in the database).
    pub(crate) fn is_retryable(&self) -> bool {
        let Self::Database(source) = self else {
            return false;
        };
        let Some(sqlx::Error::Database(db)) = source.downcast_ref::<sqlx::Error>() else {
            return false;
        };
        if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
            // ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK
            return matches!(my.number(), 1205 | 1213);
        }
        match db.code().as_deref() {
            // PostgreSQL: serialization failure, deadlock detected.
            Some("40001") | Some("40P01") => true,
            // SQLite: SQLITE_BUSY, SQLITE_LOCKED and their extended codes.
            Some(code) => matches!(code.parse::<i32>(), Ok(c) if c & 0xff == 5 || c & 0xff == 6),
            None => false,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return Self::Duplicate(
                        "an object with the same unique value already exists".into(),
                    );
                }
                sqlx::error::ErrorKind::CheckViolation => {
                    return Self::Conflict(
                        "the change would break a rule of the database (a balance below zero or a value out of range)"
                            .into(),
                    );
                }
                _ => {}
            }
        }
        Self::Database(Box::new(err))
    }
}
