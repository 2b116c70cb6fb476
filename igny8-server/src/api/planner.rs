//! `planner/`: keywords (with import and export), clusters (with local clustering) and ideas.

use igny8_core::planner as p;
use igny8_core::{ClusterId, IdeaId, KeywordId, SectorId};
use poem::Request;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};

use super::Tag;
use crate::auth::Auth;
use crate::dto::planner::*;
use crate::dto::{E, Ordering};
use crate::envelope::{Accepted, AcceptedResult, ApiError, ApiResult, CreatedResult, created, ok};
use crate::pagination::{ListPage, list_page, page_of};
use crate::query::{ClusterQuery, IdeaQuery, KeywordQuery, local_cluster_options, sort};
use crate::state::AppState;

/// Keywords, clusters, ideas.
pub struct PlannerApi;

/// Fields of a matching action's filter the core may name in an error (the others are the
/// changes').
const FILTER_ERRORS: &[&str] = &["ids", "min_volume", "min_difficulty"];

/// A core error with its fields named where the request nests them (`filter.min_volume`,
/// `changes.cluster_id`): the core knows the fields, not the body around them.
fn nested(e: igny8_core::Error, place: impl Fn(&str) -> &'static str) -> igny8_core::Error {
    match e {
        igny8_core::Error::Validation { message, errors } => igny8_core::Error::Validation {
            message,
            errors: errors
                .into_iter()
                .map(|f| igny8_core::FieldError {
                    field: format!("{}.{}", place(&f.field), f.field),
                    message: f.message,
                })
                .collect(),
        },
        other => other,
    }
}

#[OpenApi(prefix_path = "/planner", tag = "Tag::Planner")]
impl PlannerApi {
    /// Keywords: filter, order (`ordering=-volume`), and page (`page`/`page_size`, or `cursor`
    /// for deep scans).
    #[oai(path = "/keywords/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_keywords(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        status: Query<Option<E<p::KeywordStatus>>>,
        intent: Query<Option<E<p::Intent>>>,
        cluster_id: Query<Option<i64>>,
        has_cluster: Query<Option<bool>>,
        min_volume: Query<Option<i64>>,
        max_volume: Query<Option<i64>>,
        min_difficulty: Query<Option<i64>>,
        max_difficulty: Query<Option<i64>>,
        search: Query<Option<String>>,
        ids: Query<Option<String>>,
        ordering: Query<Option<Ordering<p::KeywordSortField>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Keyword>> {
        let scope = auth.0.scope()?;
        let filter = KeywordQuery {
            site_id: site_id.0,
            sector_id: sector_id.0,
            status: status.0.map(|s| s.0),
            intent: intent.0.map(|s| s.0),
            cluster_id: cluster_id.0,
            has_cluster: has_cluster.0,
            min_volume: min_volume.0,
            max_volume: max_volume.0,
            min_difficulty: min_difficulty.0,
            max_difficulty: max_difficulty.0,
            search: search.0,
            ids: ids.0,
        }
        .filter()?;
        let order = sort(
            ordering.0.map(Ordering::into_inner),
            p::KeywordSort::default(),
        )?;
        let page = state
            .core
            .keywords()
            .list(
                &scope,
                &filter,
                &order,
                &page_of(page.0, page_size.0, cursor.0),
            )
            .await?;
        Ok(ok(list_page(req, page, Into::into)))
    }

    /// Adds a keyword to a sector (a keyword already there, in any case or spacing, is a conflict).
    #[oai(path = "/keywords/", method = "post")]
    async fn create_keyword(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewKeyword>,
    ) -> CreatedResult<Keyword> {
        let scope = auth.0.scope()?;
        let (sector, draft) = body.0.into_parts();
        Ok(created(
            state
                .core
                .keywords()
                .create(&scope, sector, draft)
                .await?
                .into(),
        ))
    }

    /// One keyword.
    #[oai(path = "/keywords/:id/", method = "get")]
    async fn get_keyword(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Keyword> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .keywords()
            .get(&scope, KeywordId(id.0))
            .await?
            .into()))
    }

    /// Changes a keyword.
    #[oai(path = "/keywords/:id/", method = "patch")]
    async fn update_keyword(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<KeywordPatch>,
    ) -> ApiResult<Keyword> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .keywords()
            .update(&scope, KeywordId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a keyword.
    #[oai(path = "/keywords/:id/", method = "delete")]
    async fn delete_keyword(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .keywords()
            .delete(&scope, &[KeywordId(id.0)])
            .await?
        {
            0 => Err(KeywordId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several keywords.
    #[oai(path = "/keywords/bulk_delete/", method = "post")]
    async fn bulk_delete_keywords(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<KeywordId> = body.0.ids.into_iter().map(KeywordId).collect();
        Ok(ok(Affected {
            affected: state.core.keywords().delete(&scope, &ids).await?,
        }))
    }

    /// Changes several keywords (not their text).
    #[oai(path = "/keywords/bulk_update/", method = "post")]
    async fn bulk_update_keywords(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<KeywordBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let (ids, patch) = body.0.into_parts();
        Ok(ok(Affected {
            affected: state
                .core
                .keywords()
                .bulk_update(&scope, &ids, patch)
                .await?,
        }))
    }

    /// Changes every keyword matching the list's filters, however many ("select all
    /// matching"), in one transaction. Send `expected` (the count you showed) so that keywords
    /// added or changed meanwhile don't get caught: another number answers 409 and changes
    /// nothing.
    #[oai(path = "/keywords/update_matching/", method = "post")]
    async fn update_matching_keywords(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<KeywordUpdateMatching>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let body = body.0;
        let filter = body.filter.into_filter();
        let affected = state
            .core
            .keywords()
            .update_matching(&scope, &filter, body.changes.into_patch(), body.expected)
            .await
            .map_err(|e| {
                nested(e, |field| {
                    if FILTER_ERRORS.contains(&field) {
                        "filter"
                    } else {
                        "changes"
                    }
                })
            })?;
        Ok(ok(Affected { affected }))
    }

    /// Deletes every keyword matching the list's filters, in one transaction; `expected` as
    /// for `update_matching`.
    #[oai(path = "/keywords/delete_matching/", method = "post")]
    async fn delete_matching_keywords(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<KeywordDeleteMatching>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let filter = body.0.filter.into_filter();
        let affected = state
            .core
            .keywords()
            .delete_matching(&scope, &filter, body.0.expected)
            .await
            .map_err(|e| nested(e, |_| "filter"))?;
        Ok(ok(Affected { affected }))
    }

    /// Imports a keyword export into a sector: Google Keyword Planner, Ahrefs, Semrush,
    /// Ubersuggest, Moz, Search Console or a plain list, recognised from the file. Duplicates
    /// merge; bad rows are reported by line and the rest kept.
    #[oai(path = "/keywords/import/", method = "post")]
    async fn import_keywords(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<i64>,
        body: ImportBody,
    ) -> ApiResult<ImportResult> {
        let scope = auth.0.scope()?;
        let sector = state
            .core
            .tenancy()
            .sector(&scope, SectorId(sector_id.0))
            .await?;
        if site_id.0.is_some_and(|s| s != sector.site_id.get()) {
            return Err(ApiError::field("sector_id", "is not a sector of that site"));
        }
        let keywords = state.core.keywords();
        let report = match body {
            ImportBody::Form(form) => {
                keywords
                    .import(&scope, sector.id, form.file.into_async_read())
                    .await?
            }
            ImportBody::Csv(Binary(body)) | ImportBody::Text(Binary(body)) => {
                keywords
                    .import(&scope, sector.id, body.into_async_read())
                    .await?
            }
        };
        Ok(ok(report.into()))
    }

    /// Imports a keyword file in the background, for files too large to wait for: the file
    /// is kept, and an `import_keywords` job imports it. Answers 202 with the job; follow it at
    /// `system/jobs/{id}/` (its progress says how much of the file is read) and find the
    /// import's report (`{format, imported, merged, rejected, errors}`) in its `result`.
    /// Cancelling the job imports nothing.
    #[oai(path = "/keywords/import_in_background/", method = "post")]
    async fn import_keywords_in_background(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        sector_id: Query<i64>,
        body: ImportBody,
    ) -> AcceptedResult<crate::dto::system::Job> {
        let scope = auth.0.scope()?;
        let keywords = state.core.keywords();
        let sector = SectorId(sector_id.0);
        let job = match body {
            ImportBody::Form(form) => {
                keywords
                    .import_in_background(&scope, sector, form.file.into_async_read())
                    .await?
            }
            ImportBody::Csv(Binary(body)) | ImportBody::Text(Binary(body)) => {
                keywords
                    .import_in_background(&scope, sector, body.into_async_read())
                    .await?
            }
        };
        Ok(Accepted::Accepted(ok(job.into())))
    }

    /// Downloads the keywords matching the filters as CSV, streamed. Import reads it back.
    #[oai(path = "/keywords/export/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn export_keywords(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        status: Query<Option<E<p::KeywordStatus>>>,
        intent: Query<Option<E<p::Intent>>>,
        cluster_id: Query<Option<i64>>,
        has_cluster: Query<Option<bool>>,
        min_volume: Query<Option<i64>>,
        max_volume: Query<Option<i64>>,
        min_difficulty: Query<Option<i64>>,
        max_difficulty: Query<Option<i64>>,
        search: Query<Option<String>>,
        ids: Query<Option<String>>,
    ) -> Result<CsvFile, ApiError> {
        let scope = auth.0.scope()?;
        let filter = KeywordQuery {
            site_id: site_id.0,
            sector_id: sector_id.0,
            status: status.0.map(|s| s.0),
            intent: intent.0.map(|s| s.0),
            cluster_id: cluster_id.0,
            has_cluster: has_cluster.0,
            min_volume: min_volume.0,
            max_volume: max_volume.0,
            min_difficulty: min_difficulty.0,
            max_difficulty: max_difficulty.0,
            search: search.0,
            ids: ids.0,
        }
        .filter()?;
        // Errors (permissions, bad filters) are answered before the first byte is sent.
        let body = crate::downloads::keywords_csv(&state.core, scope, filter).await?;
        Ok(CsvFile::Csv(
            Binary(body),
            "attachment; filename=\"keywords.csv\"".into(),
        ))
    }

    /// Groups a sector's unclustered keywords without AI (free, deterministic): related
    /// keywords share a cluster, existing clusters are reused where their name fits.
    #[oai(path = "/keywords/cluster_locally/", method = "post")]
    async fn cluster_locally(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<LocalClusterRequest>,
    ) -> ApiResult<ClusteringReport> {
        let scope = auth.0.scope()?;
        let options = local_cluster_options(body.min_cluster_size, body.language.as_deref())?;
        let report = state
            .core
            .clusters()
            .cluster_locally(&scope, SectorId(body.sector_id), &options)
            .await?;
        Ok(ok(report.into()))
    }

    /// Clusters.
    #[oai(path = "/clusters/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_clusters(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        status: Query<Option<E<p::ClusterStatus>>>,
        has_ideas: Query<Option<bool>>,
        search: Query<Option<String>>,
        ids: Query<Option<String>>,
        ordering: Query<Option<Ordering<p::ClusterSortField>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Cluster>> {
        let scope = auth.0.scope()?;
        let filter = ClusterQuery {
            site_id: site_id.0,
            sector_id: sector_id.0,
            status: status.0.map(|s| s.0),
            has_ideas: has_ideas.0,
            search: search.0,
            ids: ids.0,
        }
        .filter()?;
        let order = sort(
            ordering.0.map(Ordering::into_inner),
            p::ClusterSort::default(),
        )?;
        let page = state
            .core
            .clusters()
            .list(
                &scope,
                &filter,
                &order,
                &page_of(page.0, page_size.0, cursor.0),
            )
            .await?;
        Ok(ok(list_page(req, page, Into::into)))
    }

    /// Creates a cluster.
    #[oai(path = "/clusters/", method = "post")]
    async fn create_cluster(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewCluster>,
    ) -> CreatedResult<Cluster> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .clusters()
                .create(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One cluster with its keyword count, volume and idea count.
    #[oai(path = "/clusters/:id/", method = "get")]
    async fn get_cluster(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Cluster> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .clusters()
            .get(&scope, ClusterId(id.0))
            .await?
            .into()))
    }

    /// Changes a cluster.
    #[oai(path = "/clusters/:id/", method = "patch")]
    async fn update_cluster(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<ClusterPatch>,
    ) -> ApiResult<Cluster> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .clusters()
            .update(&scope, ClusterId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes a cluster; its keywords become pending again.
    #[oai(path = "/clusters/:id/", method = "delete")]
    async fn delete_cluster(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state
            .core
            .clusters()
            .delete(&scope, &[ClusterId(id.0)])
            .await?
        {
            0 => Err(ClusterId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Merges other clusters of the same sector into this one: their keywords, ideas and
    /// writer tasks move here and they are deleted, all at once. 404 when this cluster isn't
    /// yours; 400 naming a cluster of another sector; ids that aren't your clusters (and this
    /// one's own) are ignored.
    #[oai(path = "/clusters/:id/merge/", method = "post")]
    async fn merge_clusters(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<MergeClusters>,
    ) -> ApiResult<MergeReport> {
        let scope = auth.0.scope()?;
        let from: Vec<ClusterId> = body.0.ids.into_iter().map(ClusterId).collect();
        Ok(ok(state
            .core
            .clusters()
            .merge(&scope, ClusterId(id.0), &from)
            .await?
            .into()))
    }

    /// Deletes several clusters.
    #[oai(path = "/clusters/bulk_delete/", method = "post")]
    async fn bulk_delete_clusters(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<ClusterId> = body.0.ids.into_iter().map(ClusterId).collect();
        Ok(ok(Affected {
            affected: state.core.clusters().delete(&scope, &ids).await?,
        }))
    }

    /// Changes several clusters (not their names).
    #[oai(path = "/clusters/bulk_update/", method = "post")]
    async fn bulk_update_clusters(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ClusterBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let ids: Vec<ClusterId> = b.ids.into_iter().map(ClusterId).collect();
        let patch = p::ClusterPatch {
            name: None,
            description: crate::dto::patch(b.description, |v| v),
            status: b.status.map(|s| s.0),
        };
        Ok(ok(Affected {
            affected: state
                .core
                .clusters()
                .bulk_update(&scope, &ids, patch)
                .await?,
        }))
    }

    /// The site's ideas and articles that compete for the same searches (cannibalisation),
    /// strongest first: new ideas (not queued yet) and every article, compared by main
    /// keyword, shared keywords and title; each pair with what to do (merge, retarget, link).
    #[oai(path = "/overlaps/", method = "get")]
    async fn overlaps(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        site_id: Query<i64>,
    ) -> ApiResult<Vec<Overlap>> {
        let scope = auth.0.scope()?;
        let found = state
            .core
            .ideas()
            .overlaps(&scope, igny8_core::SiteId(site_id.0))
            .await?;
        Ok(ok(found.into_iter().map(Into::into).collect()))
    }

    /// Content ideas.
    #[oai(path = "/ideas/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list_ideas(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: Auth,
        site_id: Query<Option<i64>>,
        sector_id: Query<Option<i64>>,
        cluster_id: Query<Option<i64>>,
        status: Query<Option<E<p::IdeaStatus>>>,
        content_type: Query<Option<E<p::ContentType>>>,
        search: Query<Option<String>>,
        ids: Query<Option<String>>,
        ordering: Query<Option<Ordering<p::IdeaSortField>>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ListPage<Idea>> {
        let scope = auth.0.scope()?;
        let filter = IdeaQuery {
            site_id: site_id.0,
            sector_id: sector_id.0,
            cluster_id: cluster_id.0,
            status: status.0.map(|s| s.0),
            content_type: content_type.0.map(|s| s.0),
            search: search.0,
            ids: ids.0,
        }
        .filter()?;
        let order = sort(ordering.0.map(Ordering::into_inner), p::IdeaSort::default())?;
        let page = state
            .core
            .ideas()
            .list(
                &scope,
                &filter,
                &order,
                &page_of(page.0, page_size.0, cursor.0),
            )
            .await?;
        Ok(ok(list_page(req, page, Into::into)))
    }

    /// Creates an idea.
    #[oai(path = "/ideas/", method = "post")]
    async fn create_idea(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<NewIdea>,
    ) -> CreatedResult<Idea> {
        let scope = auth.0.scope()?;
        Ok(created(
            state
                .core
                .ideas()
                .create(&scope, body.0.into())
                .await?
                .into(),
        ))
    }

    /// One idea.
    #[oai(path = "/ideas/:id/", method = "get")]
    async fn get_idea(&self, state: Data<&AppState>, auth: Auth, id: Path<i64>) -> ApiResult<Idea> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .ideas()
            .get(&scope, IdeaId(id.0))
            .await?
            .into()))
    }

    /// Changes an idea.
    #[oai(path = "/ideas/:id/", method = "patch")]
    async fn update_idea(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<IdeaPatch>,
    ) -> ApiResult<Idea> {
        let scope = auth.0.scope()?;
        Ok(ok(state
            .core
            .ideas()
            .update(&scope, IdeaId(id.0), body.0.into())
            .await?
            .into()))
    }

    /// Deletes an idea.
    #[oai(path = "/ideas/:id/", method = "delete")]
    async fn delete_idea(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        match state.core.ideas().delete(&scope, &[IdeaId(id.0)]).await? {
            0 => Err(IdeaId(id.0).not_found().into()),
            affected => Ok(ok(Affected { affected })),
        }
    }

    /// Deletes several ideas.
    #[oai(path = "/ideas/bulk_delete/", method = "post")]
    async fn bulk_delete_ideas(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<Ids>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let ids: Vec<IdeaId> = body.0.ids.into_iter().map(IdeaId).collect();
        Ok(ok(Affected {
            affected: state.core.ideas().delete(&scope, &ids).await?,
        }))
    }

    /// Changes several ideas (not their titles).
    #[oai(path = "/ideas/bulk_update/", method = "post")]
    async fn bulk_update_ideas(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<IdeaBulkUpdate>,
    ) -> ApiResult<Affected> {
        let scope = auth.0.scope()?;
        let (ids, patch) = body.0.into_parts();
        Ok(ok(Affected {
            affected: state.core.ideas().bulk_update(&scope, &ids, patch).await?,
        }))
    }

    /// Queues ideas to the writer: each new idea becomes a task; queued ideas are skipped.
    /// Each task says what its idea competes with on the site (`conflicts`).
    #[oai(path = "/ideas/queue_to_writer/", method = "post")]
    async fn queue_to_writer(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<QueueIdeas>,
    ) -> ApiResult<Vec<QueuedTask>> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let ids: Vec<IdeaId> = b.ids.into_iter().map(IdeaId).collect();
        let defaults = p::QueueDefaults {
            target_word_count: b.target_word_count,
            author_profile_id: b.author_profile_id.map(igny8_core::AuthorProfileId),
            strategy_id: b.strategy_id.map(igny8_core::StrategyId),
        };
        let queued = state
            .core
            .ideas()
            .queue_to_writer(&scope, &ids, defaults)
            .await?;
        let tasks = queued
            .tasks
            .iter()
            .map(|t| QueuedTask {
                conflicts: queued
                    .conflicts_of(t)
                    .into_iter()
                    .cloned()
                    .map(Into::into)
                    .collect(),
                task: t.clone().into(),
            })
            .collect();
        Ok(ok(tasks))
    }
}
