//! Liveness and readiness.

use poem::web::Data;
use poem_openapi::{Object, OpenApi};

use super::Tag;
use crate::envelope::{ApiError, ApiResult, ok};
use crate::state::AppState;

/// The server's state.
#[derive(Debug, Object)]
pub struct Health {
    /// Always `ok`; `health/ready/` answers 503 instead when the database does not answer.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// The database engine: `sqlite`, `postgres` or `mysql`.
    pub database: String,
    /// The schema version this build expects.
    pub schema_version: i64,
}

/// Liveness and readiness.
pub struct HealthApi;

#[OpenApi(prefix_path = "/health", tag = "Tag::Health")]
impl HealthApi {
    /// Liveness: the process answers.
    #[oai(path = "/", method = "get")]
    async fn health(&self, state: Data<&AppState>) -> ApiResult<Health> {
        Ok(ok(Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            database: state.core.store().backend().as_str().into(),
            schema_version: igny8_core::store::SCHEMA_VERSION,
        }))
    }

    /// Readiness: the database answers.
    #[oai(path = "/ready/", method = "get")]
    async fn ready(&self, state: Data<&AppState>) -> ApiResult<Health> {
        state.core.store().ping().await.map_err(|e| {
            tracing::error!(error = %e, "database not ready");
            ApiError::with_status(
                poem::http::StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database does not answer",
            )
        })?;
        self.health(state).await
    }
}
