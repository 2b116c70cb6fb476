//! Content ideas on SQL.

use sea_query::{Expr, ExprTrait, SimpleExpr};

use super::list::{SortSpec, narrow};
use super::{SqlStore, T, to_json};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::planner::*;
use crate::store::{IdeaStore, WriterStore};
use crate::tenancy::Scope;
use crate::writer::{DEFAULT_WORD_COUNT, MAX_WORD_COUNT, MIN_WORD_COUNT, NewTask, Task};

row!(ContentIdea: IdeaId in Ideas, site_scoped {
    id, account_id, site_id, sector_id, cluster_id, title, description, outline: json,
    content_type, content_structure, target_keywords: json, estimated_word_count, status,
    created_at, updated_at,
});

/// `status IN (states that may become next)`.
pub(crate) fn may_become<S: Copy + PartialEq>(
    all: &[S],
    next: S,
    can: fn(S, S) -> bool,
    name: fn(S) -> &'static str,
) -> SimpleExpr {
    Expr::col("status").is_in(all.iter().copied().filter(|s| can(*s, next)).map(name))
}

impl IdeaStore for SqlStore {
    async fn create_idea(&self, scope: &Scope, idea: &NewIdea) -> Result<ContentIdea> {
        let site = self.sector_site(scope, idea.sector_id).await?;
        if let Some(c) = idea.cluster_id {
            self.check_ref(
                T::Clusters,
                scope,
                c.get(),
                Some(idea.sector_id),
                "cluster_id",
                "cluster",
            )
            .await?;
        }
        let now = self.now_ms();
        let id = self
            .insert_row(
                T::Ideas,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("site_id", site.get().into()),
                    ("sector_id", idea.sector_id.get().into()),
                    ("cluster_id", idea.cluster_id.map(|c| c.get()).into()),
                    ("title", idea.title.clone().into()),
                    ("description", idea.description.clone().into()),
                    ("outline", to_json(&idea.outline).into()),
                    (
                        "content_type",
                        idea.content_type
                            .unwrap_or(ContentType::Post)
                            .as_str()
                            .into(),
                    ),
                    (
                        "content_structure",
                        idea.content_structure
                            .unwrap_or(ContentStructure::Article)
                            .as_str()
                            .into(),
                    ),
                    ("target_keywords", to_json(&idea.target_keywords).into()),
                    ("estimated_word_count", idea.estimated_word_count.into()),
                    ("status", IdeaStatus::New.as_str().into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
                "this idea",
            )
            .await?;
        self.get_idea(scope, IdeaId(id)).await
    }

    async fn get_idea(&self, scope: &Scope, id: IdeaId) -> Result<ContentIdea> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_ideas(
        &self,
        scope: &Scope,
        f: &IdeaFilter,
        sort: &IdeaSort,
        page: &PageRequest,
    ) -> Result<Page<ContentIdea>> {
        let t = self.t(T::Ideas);
        let mut q = self.scoped::<ContentIdea>(scope);
        narrow(&mut q, &t)
            .eq("site_id", f.site_id)
            .eq("sector_id", f.sector_id)
            .eq("cluster_id", f.cluster_id)
            .eq("status", f.status)
            .eq("content_type", f.content_type)
            .contains("title", &f.search)
            .any("id", &f.ids);
        let id = |i: &ContentIdea| i.id.get();
        let d = sort.descending;
        let spec = match sort.field {
            IdeaSortField::Id => {
                SortSpec::new("id", d, |i: &ContentIdea| CursorValue::Int(i.id.get()), id)
            }
            IdeaSortField::Title => {
                SortSpec::new("title", d, |i| CursorValue::Text(i.title.clone()), id)
            }
            IdeaSortField::CreatedAt => SortSpec::new(
                "created_at",
                d,
                |i| CursorValue::Int(i.created_at.timestamp_millis()),
                id,
            ),
        };
        self.list_page(q, t.clone(), &spec, page).await
    }

    async fn update_ideas(&self, scope: &Scope, ids: &[IdeaId], p: &IdeaPatch) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        let mut values: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(Some(cluster)) = p.cluster_id {
            // The cluster must be in the ideas' sector.
            let sector = self.check_cluster_in_sector(scope, cluster, None).await?;
            let mut other = self.scoped::<ContentIdea>(scope);
            other
                .clear_selects()
                .expr(Expr::col(sea_query::Asterisk).count())
                .and_where(Expr::col("id").is_in(ids.iter().copied()))
                .and_where(Expr::col("sector_id").ne(sector.get()));
            if self.db.conn().await?.one::<i64>(&other).await? > 0 {
                return Err(Error::field(
                    "cluster_id",
                    format!("cluster {cluster} belongs to another sector"),
                ));
            }
        }
        if let Some(v) = &p.title {
            values.push(("title", v.clone().into()));
        }
        if let Some(v) = &p.description {
            values.push(("description", v.clone().into()));
        }
        if let Some(v) = &p.outline {
            values.push(("outline", to_json(v).into()));
        }
        if let Some(v) = p.content_type {
            values.push(("content_type", v.as_str().into()));
        }
        if let Some(v) = p.content_structure {
            values.push(("content_structure", v.as_str().into()));
        }
        if let Some(v) = &p.target_keywords {
            values.push(("target_keywords", to_json(v).into()));
        }
        if let Some(v) = p.estimated_word_count {
            values.push(("estimated_word_count", v.into()));
        }
        if let Some(v) = p.cluster_id {
            values.push(("cluster_id", v.map(|c| c.get()).into()));
        }
        let only = p.status.map(|next| {
            values.push(("status", next.as_str().into()));
            may_become(
                IdeaStatus::ALL,
                next,
                IdeaStatus::can_become,
                IdeaStatus::as_str,
            )
        });
        self.update_rows::<ContentIdea>(scope, &ids, values, only, "this idea")
            .await
    }

    async fn delete_ideas(&self, scope: &Scope, ids: &[IdeaId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<ContentIdea>(scope, &ids).await
    }

    async fn queue_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        defaults: &QueueDefaults,
    ) -> Result<Vec<Task>> {
        if let Some(a) = defaults.author_profile_id {
            self.check_ref(
                T::AuthorProfiles,
                scope,
                a.get(),
                None,
                "author_profile_id",
                "author profile",
            )
            .await?;
        }
        if let Some(s) = defaults.strategy_id {
            self.check_ref(
                T::Strategies,
                scope,
                s.get(),
                None,
                "strategy_id",
                "strategy",
            )
            .await?;
        }
        let mut tasks = Vec::new();
        for id in ids {
            let idea = match self.get_idea(scope, *id).await {
                Ok(idea) => idea,
                Err(Error::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            if !idea.status.can_become(IdeaStatus::Queued) || idea.status == IdeaStatus::Queued {
                continue;
            }
            // Claim the idea first, so two concurrent calls never make two tasks of it.
            let claimed = self
                .update_rows::<ContentIdea>(
                    scope,
                    &[id.get()],
                    vec![("status", IdeaStatus::Queued.as_str().into())],
                    Some(Expr::col("status").eq(idea.status.as_str())),
                    "this idea",
                )
                .await?;
            if claimed == 0 {
                continue;
            }
            let words = idea
                .estimated_word_count
                .or(defaults.target_word_count)
                .unwrap_or(DEFAULT_WORD_COUNT)
                .clamp(MIN_WORD_COUNT, MAX_WORD_COUNT);
            let brief = {
                let mut b = idea.description.clone().unwrap_or_default();
                if !idea.outline.is_empty() {
                    if !b.is_empty() {
                        b.push_str("\n\n");
                    }
                    b.push_str("Outline:\n");
                    for s in &idea.outline {
                        b.push_str("- ");
                        b.push_str(&s.heading);
                        b.push('\n');
                        for sub in &s.subsections {
                            b.push_str("  - ");
                            b.push_str(sub);
                            b.push('\n');
                        }
                    }
                }
                (!b.is_empty()).then_some(b)
            };
            let task = NewTask {
                sector_id: idea.sector_id,
                idea_id: Some(idea.id),
                cluster_id: idea.cluster_id,
                title: idea.title.clone(),
                brief,
                keywords: idea.target_keywords.clone(),
                content_type: Some(idea.content_type),
                content_structure: Some(idea.content_structure),
                target_word_count: Some(words),
                author_profile_id: defaults.author_profile_id,
                strategy_id: defaults.strategy_id,
                scheduled_at: None,
            };
            match self.create_task(scope, &task).await {
                Ok(t) => tasks.push(t),
                Err(e) => {
                    // Put the idea back as it was.
                    let _ = self
                        .update_rows::<ContentIdea>(
                            scope,
                            &[id.get()],
                            vec![("status", idea.status.as_str().into())],
                            None,
                            "this idea",
                        )
                        .await;
                    return Err(e);
                }
            }
        }
        Ok(tasks)
    }
}
