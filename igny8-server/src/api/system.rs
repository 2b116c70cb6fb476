//! `system/`: settings, integrations and jobs.

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use igny8_core::JobId;
use igny8_core::system::{IntegrationProvider, SettingLevel};
use poem::Request;
use poem::web::Data;
use poem::web::sse::Event;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::types::ToJSON;

use super::Tag;
use crate::auth::Auth;
use crate::dto::E;
use crate::dto::planner::Affected;
use crate::dto::system::*;
use crate::envelope::{ApiError, ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, Paging, list_page};
use crate::query::JobQuery;
use crate::state::AppState;

/// Settings, integrations, jobs.
pub struct SystemApi;

fn level(value: Option<String>) -> Result<SettingLevel, ApiError> {
    match value.as_deref() {
        None | Some("account") => Ok(SettingLevel::Account),
        Some("user") => Ok(SettingLevel::User),
        Some(other) => Err(ApiError::field(
            "level",
            format!("{other:?} is not account or user"),
        )),
    }
}

#[OpenApi(prefix_path = "/system", tag = "Tag::System")]
impl SystemApi {
    /// Settings of the account (`level=account`, the default) or your own (`level=user`), with
    /// their effective values.
    #[oai(path = "/settings/", method = "get")]
    async fn list_settings(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        level: Query<Option<String>>,
    ) -> ApiResult<Vec<Setting>> {
        let scope = auth.0.scope()?;
        let level = self::level(level.0)?;
        Ok(ok(state
            .core
            .system()
            .settings(&scope, level)
            .await?
            .into_iter()
            .map(Into::into)
            .collect()))
    }

    /// Sets a setting (account settings: admins; user settings: yourself). The value must be
    /// of the setting's type.
    #[oai(path = "/settings/", method = "post")]
    async fn set_setting(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<SettingInput>,
    ) -> ApiResult<Setting> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .system()
            .set_setting(&scope, &body.key, &body.value.0)
            .await?
            .into()))
    }

    /// One setting's effective value.
    #[oai(path = "/settings/:key/", method = "get")]
    async fn get_setting(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        key: Path<String>,
    ) -> ApiResult<Setting> {
        let scope = auth.0.scope()?;
        let def = igny8_core::system::setting_def(&key.0)?;
        let found = state
            .core
            .system()
            .settings(&scope, def.level)
            .await?
            .into_iter()
            .find(|s| s.key == key.0)
            .ok_or_else(|| ApiError::field("key", "unknown setting"))?;
        Ok(ok(found.into()))
    }

    /// Puts a setting back to its default.
    #[oai(path = "/settings/:key/", method = "delete")]
    async fn reset_setting(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        key: Path<String>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let was_set = state.core.system().reset_setting(&scope, &key.0).await?;
        Ok(ok(Affected {
            affected: u64::from(was_set),
        }))
    }

    /// The account's integrations (keys shown as hints only).
    #[oai(path = "/integrations/", method = "get")]
    async fn list_integrations(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> ApiResult<Vec<Integration>> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .system()
            .integrations(&scope)
            .await?
            .into_iter()
            .map(Into::into)
            .collect()))
    }

    /// Connects a provider (admins), or changes its connection. The key is encrypted at rest
    /// and never returned.
    #[oai(path = "/integrations/", method = "post")]
    async fn set_integration(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<IntegrationInput>,
    ) -> CreatedResult<Integration> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let input = igny8_core::system::IntegrationInput {
            config: b.config.map(Into::into),
            api_key: b.api_key,
            is_active: b.is_active,
        };
        Ok(created(
            state
                .core
                .system()
                .set_integration(&scope, b.provider.0, input)
                .await?
                .into(),
        ))
    }

    /// One provider's integration.
    #[oai(path = "/integrations/:provider/", method = "get")]
    async fn get_integration(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        provider: Path<E<IntegrationProvider>>,
    ) -> ApiResult<Integration> {
        let scope = auth.0.scope()?;
        let found = state
            .core
            .system()
            .integrations(&scope)
            .await?
            .into_iter()
            .find(|i| i.provider == provider.0.0)
            .ok_or_else(|| igny8_core::Error::NotFound {
                entity: "integration",
                id: 0,
            })?;
        Ok(ok(found.into()))
    }

    /// Changes a provider's integration.
    #[oai(path = "/integrations/:provider/", method = "patch")]
    async fn update_integration(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        provider: Path<E<IntegrationProvider>>,
        body: Json<IntegrationPatch>,
    ) -> ApiResult<Integration> {
        let scope = auth.0.scope()?;
        let exists = state
            .core
            .system()
            .integrations(&scope)
            .await?
            .iter()
            .any(|i| i.provider == provider.0.0);
        if !exists {
            return Err(igny8_core::Error::NotFound {
                entity: "integration",
                id: 0,
            }
            .into());
        }
        let b = body.0;
        let input = igny8_core::system::IntegrationInput {
            config: b.config.map(Into::into),
            api_key: b.api_key,
            is_active: b.is_active,
        };
        Ok(ok(state
            .core
            .system()
            .set_integration(&scope, provider.0.0, input)
            .await?
            .into()))
    }

    /// Tests a provider's key as the account's AI calls would use it (its own integration,
    /// else the deployment's settings) with one call that costs nothing: the model list of
    /// an OpenAI-compatible API, Runware's authentication task. Answers 200 with the verdict
    /// either way; `message` says what to fix.
    #[oai(path = "/integrations/:provider/test/", method = "post")]
    async fn test_integration(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        provider: Path<E<IntegrationProvider>>,
    ) -> ApiResult<ProviderCheck> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .check_provider(&scope, provider.0.0)
            .await?
            .into()))
    }

    /// Disconnects a provider (its key is deleted).
    #[oai(path = "/integrations/:provider/", method = "delete")]
    async fn delete_integration(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        provider: Path<E<IntegrationProvider>>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .system()
            .remove_integration(&scope, provider.0.0)
            .await?
        {
            true => Ok(ok(Affected { affected: 1 })),
            false => Err(igny8_core::Error::NotFound {
                entity: "integration",
                id: 0,
            }
            .into()),
        }
    }

    /// The account's jobs, newest first; `ids` (comma-separated) picks some.
    #[oai(path = "/jobs/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_jobs(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        kind: Query<Option<E<igny8_core::jobs::JobKind>>>,
        status: Query<Option<E<igny8_core::jobs::JobStatus>>>,
        site_id: Query<Option<i64>>,
        ids: Query<Option<String>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Job>> {
        let scope = auth.0.scope()?;
        let filter = JobQuery {
            kind: kind.0.map(|k| k.0),
            status: status.0.map(|s| s.0),
            site_id: site_id.0,
            ids: ids.0,
        }
        .filter()?;
        let p = state
            .core
            .jobs()
            .list(
                &scope,
                &filter,
                &Paging {
                    page: page.0,
                    page_size: page_size.0,
                    cursor: cursor.0,
                }
                .request(),
            )
            .await?;
        Ok(ok(list_page(req, p, Into::into)))
    }

    /// One job, with its progress.
    #[oai(path = "/jobs/:id/", method = "get")]
    async fn get_job(&self, state: Data<&AppState>, auth: Auth, id: Path<i64>) -> ApiResult<Job> {
        let scope = auth.0.scope()?;
        Ok(ok(state.core.jobs().get(&scope, JobId(id.0)).await?.into()))
    }

    /// The job's progress as server-sent events: the job now, then each time its status,
    /// progress, phase or message changes (`event: progress`), ending with `event: done` when
    /// it has finished. Works whichever process runs the job. A stream opened with an access
    /// token ends when the token expires (reconnect with a fresh one), and any stream ends
    /// soon after its credential is revoked; a caller may keep a limited number of streams
    /// open at once (429 beyond it).
    #[oai(path = "/jobs/:id/events/", method = "get")]
    async fn job_events(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Result<EventStream<BoxStream<'static, Job>>, ApiError> {
        let scope = auth.0.scope()?;
        let first = state.core.jobs().get(&scope, JobId(id.0)).await?;
        let stream = state
            .job_events
            .stream(&scope, first, auth.0.expires_at, auth.0.credential.clone())?
            .map(Job::from)
            .boxed();
        Ok(EventStream::new(stream)
            .keep_alive(crate::events::KEEP_ALIVE)
            .to_event(|job| {
                let kind = if job.status.0.is_finished() {
                    "done"
                } else {
                    "progress"
                };
                Event::message(job.to_json_string())
                    .event_type(kind)
                    .id(format!("{}-{}", job.id, job.progress))
            }))
    }

    /// Cancels a queued job, or asks a running one to stop.
    #[oai(path = "/jobs/:id/cancel/", method = "post")]
    async fn cancel_job(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Job> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .jobs()
            .cancel(&scope, JobId(id.0))
            .await?
            .into()))
    }
}
