//! Prompt overrides, author profiles and strategies on SQL.

use sea_query::{Expr, ExprTrait, OnConflict, Order, Query, SimpleExpr};

use super::db::Backend;
use super::list::SortSpec;
use super::{SqlStore, T, to_json};
use crate::error::Result;
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::ThinkerStore;
use crate::tenancy::Scope;
use crate::thinker::*;

row!(Prompt: PromptId in Prompts {
    id, account_id, prompt_type, template, created_at, updated_at,
});

row!(AuthorProfile: AuthorProfileId in AuthorProfiles {
    id, account_id, name, description, tone, language, style, structure_template, is_active,
    created_at, updated_at,
});

row!(Strategy: StrategyId in Strategies {
    id, account_id, sector_id, name, guidance, section_structure: json,
    prompt_customisations: json, is_active, created_at, updated_at,
});

fn author_values(a: &AuthorProfileInput) -> Vec<(&'static str, SimpleExpr)> {
    let mut v: Vec<(&'static str, SimpleExpr)> = Vec::new();
    if let Some(x) = &a.name {
        v.push(("name", x.clone().into()));
    }
    for (col, x) in [
        ("description", &a.description),
        ("tone", &a.tone),
        ("language", &a.language),
        ("style", &a.style),
        ("structure_template", &a.structure_template),
    ] {
        if let Some(x) = x {
            v.push((col, x.clone().into()));
        }
    }
    if let Some(x) = a.is_active {
        v.push(("is_active", x.into()));
    }
    v
}

impl SqlStore {
    async fn strategy_values(
        &self,
        scope: &Scope,
        s: &StrategyInput,
    ) -> Result<Vec<(&'static str, SimpleExpr)>> {
        let mut v: Vec<(&'static str, SimpleExpr)> = Vec::new();
        if let Some(sector) = s.sector_id {
            if let Some(id) = sector {
                self.sector_site(scope, id).await?;
            }
            v.push(("sector_id", sector.map(|x| x.get()).into()));
        }
        if let Some(x) = &s.name {
            v.push(("name", x.clone().into()));
        }
        if let Some(x) = &s.guidance {
            v.push(("guidance", x.clone().into()));
        }
        if let Some(x) = &s.section_structure {
            v.push(("section_structure", to_json(x).into()));
        }
        if let Some(x) = &s.prompt_customisations {
            v.push(("prompt_customisations", to_json(x).into()));
        }
        if let Some(x) = s.is_active {
            v.push(("is_active", x.into()));
        }
        Ok(v)
    }
}

impl ThinkerStore for SqlStore {
    async fn list_prompts(&self, scope: &Scope) -> Result<Vec<Prompt>> {
        let mut q = self.scoped::<Prompt>(scope);
        q.order_by("prompt_type", Order::Asc);
        self.db.conn().await?.all(&q).await
    }

    async fn put_prompt(
        &self,
        scope: &Scope,
        prompt_type: PromptType,
        template: &str,
    ) -> Result<Prompt> {
        let now = self.now_ms();
        let mut q = Query::insert();
        q.into_table(self.t(T::Prompts))
            .columns([
                "account_id",
                "prompt_type",
                "template",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account().get().into(),
                prompt_type.as_str().into(),
                template.into(),
                now.into(),
                now.into(),
            ]);
        let (template_v, updated_v) = match self.backend() {
            Backend::MySql => ("VALUES(template)", "VALUES(updated_at)"),
            _ => ("excluded.template", "excluded.updated_at"),
        };
        q.on_conflict(
            OnConflict::columns(["account_id", "prompt_type"])
                .values([
                    ("template", Expr::cust(template_v)),
                    ("updated_at", Expr::cust(updated_v)),
                ])
                .to_owned(),
        );
        self.db.conn().await?.execute(&q).await?;
        let mut q = self.scoped::<Prompt>(scope);
        q.and_where(Expr::col("prompt_type").eq(prompt_type.as_str()));
        self.db.conn().await?.one(&q).await
    }

    async fn delete_prompt(&self, scope: &Scope, prompt_type: PromptType) -> Result<bool> {
        let q = Query::delete()
            .from_table(self.t(T::Prompts))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .and_where(Expr::col("prompt_type").eq(prompt_type.as_str()))
            .to_owned();
        Ok(self.db.conn().await?.execute(&q).await? > 0)
    }

    async fn create_author(&self, scope: &Scope, a: &AuthorProfileInput) -> Result<AuthorProfile> {
        let now = self.now_ms();
        let mut v = author_values(a);
        if a.is_active.is_none() {
            v.push(("is_active", true.into()));
        }
        v.extend([
            ("account_id", scope.account().get().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]);
        let id = self
            .insert_row(T::AuthorProfiles, v, "an author profile with this name")
            .await?;
        self.get_author(scope, AuthorProfileId(id)).await
    }

    async fn get_author(&self, scope: &Scope, id: AuthorProfileId) -> Result<AuthorProfile> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_authors(&self, scope: &Scope, page: &PageRequest) -> Result<Page<AuthorProfile>> {
        let spec = SortSpec::new(
            "id",
            false,
            |x: &AuthorProfile| CursorValue::Int(x.id.get()),
            |x| x.id.get(),
        );
        self.list_page(
            self.scoped::<AuthorProfile>(scope),
            self.t(T::AuthorProfiles),
            &spec,
            page,
        )
        .await
    }

    async fn update_authors(
        &self,
        scope: &Scope,
        ids: &[AuthorProfileId],
        a: &AuthorProfileInput,
    ) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<AuthorProfile>(
            scope,
            &ids,
            author_values(a),
            None,
            "an author profile with this name",
        )
        .await
    }

    async fn delete_authors(&self, scope: &Scope, ids: &[AuthorProfileId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<AuthorProfile>(scope, &ids).await
    }

    async fn create_strategy(&self, scope: &Scope, s: &StrategyInput) -> Result<Strategy> {
        let now = self.now_ms();
        let mut v = self.strategy_values(scope, s).await?;
        if s.section_structure.is_none() {
            v.push(("section_structure", "[]".into()));
        }
        if s.prompt_customisations.is_none() {
            v.push(("prompt_customisations", "{}".into()));
        }
        if s.is_active.is_none() {
            v.push(("is_active", true.into()));
        }
        v.extend([
            ("account_id", scope.account().get().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]);
        let id = self.insert_row(T::Strategies, v, "this strategy").await?;
        self.get_strategy(scope, StrategyId(id)).await
    }

    async fn get_strategy(&self, scope: &Scope, id: StrategyId) -> Result<Strategy> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn list_strategies(
        &self,
        scope: &Scope,
        sector: Option<SectorId>,
        page: &PageRequest,
    ) -> Result<Page<Strategy>> {
        let mut q = self.scoped::<Strategy>(scope);
        if let Some(sector) = sector {
            q.and_where(Expr::col((self.t(T::Strategies), "sector_id")).eq(sector.get()));
        }
        let spec = SortSpec::new(
            "id",
            false,
            |x: &Strategy| CursorValue::Int(x.id.get()),
            |x| x.id.get(),
        );
        self.list_page(q, self.t(T::Strategies), &spec, page).await
    }

    async fn update_strategies(
        &self,
        scope: &Scope,
        ids: &[StrategyId],
        s: &StrategyInput,
    ) -> Result<u64> {
        let v = self.strategy_values(scope, s).await?;
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.update_rows::<Strategy>(scope, &ids, v, None, "this strategy")
            .await
    }

    async fn delete_strategies(&self, scope: &Scope, ids: &[StrategyId]) -> Result<u64> {
        let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.delete_scoped::<Strategy>(scope, &ids).await
    }
}
