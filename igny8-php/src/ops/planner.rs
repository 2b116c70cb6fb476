//! Sectors, keywords, clusters, ideas and the dashboard.

use igny8_core::planner::{self as p, DashboardFilter, KeywordDraft};
use igny8_core::tenancy::{NewSector, SectorFilter, SectorPatch};
use igny8_core::{ClusterId, IdeaId, KeywordId, SectorId};
use serde_json::{Map, Value, json};

use crate::context::Ctx;
use crate::error::Failure;
use crate::input::{ListQuery, alias, ids, parse, patch, take};
use crate::output::{many, one, page};

type Out = Result<Value, Failure>;

/// The sector of an input (`sector_id`), or the default sector.
fn sector_of(c: &Ctx, map: &mut Map<String, Value>) -> Result<SectorId, Failure> {
    Ok(take::<i64>(map, "sector_id")?
        .map(SectorId)
        .unwrap_or(c.tenant.sector))
}

/// The site's sectors (all of them: a site has few).
pub(crate) async fn sectors(c: &Ctx) -> Out {
    let filter = SectorFilter {
        site_id: Some(c.tenant.site),
    };
    let page = igny8_core::list::PageRequest::new(1, igny8_core::list::MAX_PAGE_SIZE);
    let sectors = c.core.tenancy().sectors(&c.scope(), &filter, &page).await?;
    many(&sectors.items)
}

pub(crate) async fn create_sector(c: &Ctx, mut map: Map<String, Value>) -> Out {
    map.insert("site_id".into(), json!(c.tenant.site.get()));
    let sector: NewSector = parse(map)?;
    one(&c.core.tenancy().create_sector(&c.scope(), sector).await?)
}

pub(crate) async fn update_sector(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: SectorPatch = patch(map)?;
    one(&c
        .core
        .tenancy()
        .update_sector(&c.scope(), SectorId(id), patch)
        .await?)
}

/// Deletes a sector; not the default sector, which every install has (keywords, clusters,
/// ideas and tasks created without a `sector_id` go there).
pub(crate) async fn delete_sector(c: &Ctx, id: i64) -> Result<(), Failure> {
    if SectorId(id) == c.tenant.sector {
        return Err(Failure::field(
            "id",
            "is the default sector of this install, which cannot be deleted",
        ));
    }
    match c
        .core
        .tenancy()
        .delete_sectors(&c.scope(), &[SectorId(id)])
        .await?
    {
        0 => Err(SectorId(id).not_found().into()),
        _ => Ok(()),
    }
}

/// A keyword filter from a query (the REST names, plus `volume_min`-style aliases).
fn keyword_filter(c: &Ctx, mut map: Map<String, Value>) -> Result<p::KeywordFilter, Failure> {
    for (from, to) in [
        ("volume_min", "min_volume"),
        ("volume_max", "max_volume"),
        ("difficulty_min", "min_difficulty"),
        ("difficulty_max", "max_difficulty"),
    ] {
        alias(&mut map, from, to);
    }
    map.remove("site_id");
    let mut filter: p::KeywordFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    Ok(filter)
}

pub(crate) async fn keywords(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let sort = q.sort(p::KeywordSort::default())?;
    let filter = keyword_filter(c, map)?;
    page(
        &c.core
            .keywords()
            .list(&c.scope(), &filter, &sort, &q.page)
            .await?,
    )
}

pub(crate) async fn keyword(c: &Ctx, id: i64) -> Out {
    one(&c.core.keywords().get(&c.scope(), KeywordId(id)).await?)
}

pub(crate) async fn create_keyword(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let sector = sector_of(c, &mut map)?;
    // The draft flattens its metrics, which hides field names from serde's errors: read the
    // text and the metrics apart.
    let keyword = take::<String>(&mut map, "keyword")?.unwrap_or_default();
    let draft = KeywordDraft {
        keyword,
        metrics: parse(map)?,
    };
    one(&c.core.keywords().create(&c.scope(), sector, draft).await?)
}

pub(crate) async fn update_keyword(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: p::KeywordPatch = patch(map)?;
    one(&c
        .core
        .keywords()
        .update(&c.scope(), KeywordId(id), patch)
        .await?)
}

pub(crate) async fn bulk_update_keywords(
    c: &Ctx,
    ids_: Value,
    map: Map<String, Value>,
) -> Result<u64, Failure> {
    let ids: Vec<KeywordId> = ids(ids_)?;
    if map.contains_key("keyword") {
        return Err(Failure::field("keyword", "cannot be changed in bulk"));
    }
    let patch: p::KeywordPatch = patch(map)?;
    Ok(c.core
        .keywords()
        .bulk_update(&c.scope(), &ids, patch)
        .await?)
}

pub(crate) async fn delete_keywords(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<KeywordId> = ids(ids_)?;
    Ok(c.core.keywords().delete(&c.scope(), &ids).await?)
}

pub(crate) async fn import_keywords(c: &Ctx, sector: i64, csv: Vec<u8>) -> Out {
    let scope = c.scope();
    let sector = c.core.tenancy().sector(&scope, SectorId(sector)).await?;
    let report = c
        .core
        .keywords()
        .import(&scope, sector.id, std::io::Cursor::new(csv))
        .await?;
    serde_json::to_value(&report).map_err(|e| Failure::internal(e.to_string()))
}

pub(crate) async fn export_keywords(
    c: &Ctx,
    mut map: Map<String, Value>,
) -> Result<Vec<u8>, Failure> {
    map.remove("ordering");
    let filter = keyword_filter(c, map)?;
    let mut out = Vec::new();
    c.core
        .keywords()
        .export(&c.scope(), &filter, &mut out)
        .await?;
    Ok(out)
}

pub(crate) async fn clusters(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let sort = q.sort(p::ClusterSort::default())?;
    map.remove("site_id");
    let mut filter: p::ClusterFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    page(
        &c.core
            .clusters()
            .list(&c.scope(), &filter, &sort, &q.page)
            .await?,
    )
}

pub(crate) async fn cluster(c: &Ctx, id: i64) -> Out {
    one(&c.core.clusters().get(&c.scope(), ClusterId(id)).await?)
}

pub(crate) async fn create_cluster(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let sector = sector_of(c, &mut map)?;
    map.insert("sector_id".into(), json!(sector.get()));
    let cluster: p::NewCluster = parse(map)?;
    one(&c.core.clusters().create(&c.scope(), cluster).await?)
}

pub(crate) async fn update_cluster(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: p::ClusterPatch = patch(map)?;
    one(&c
        .core
        .clusters()
        .update(&c.scope(), ClusterId(id), patch)
        .await?)
}

pub(crate) async fn delete_clusters(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<ClusterId> = ids(ids_)?;
    Ok(c.core.clusters().delete(&c.scope(), &ids).await?)
}

pub(crate) async fn ideas(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let sort = q.sort(p::IdeaSort::default())?;
    map.remove("site_id");
    let mut filter: p::IdeaFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    page(
        &c.core
            .ideas()
            .list(&c.scope(), &filter, &sort, &q.page)
            .await?,
    )
}

pub(crate) async fn idea(c: &Ctx, id: i64) -> Out {
    one(&c.core.ideas().get(&c.scope(), IdeaId(id)).await?)
}

pub(crate) async fn create_idea(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let sector = sector_of(c, &mut map)?;
    map.insert("sector_id".into(), json!(sector.get()));
    let idea: p::NewIdea = parse(map)?;
    one(&c.core.ideas().create(&c.scope(), idea).await?)
}

pub(crate) async fn update_idea(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: p::IdeaPatch = patch(map)?;
    one(&c.core.ideas().update(&c.scope(), IdeaId(id), patch).await?)
}

pub(crate) async fn delete_ideas(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<IdeaId> = ids(ids_)?;
    Ok(c.core.ideas().delete(&c.scope(), &ids).await?)
}

pub(crate) async fn queue_ideas(c: &Ctx, ids_: Value) -> Out {
    let ids: Vec<IdeaId> = ids(ids_)?;
    let queued = c
        .core
        .ideas()
        .queue_to_writer(&c.scope(), &ids, p::QueueDefaults::default())
        .await?;
    // Each task with what its idea competes with on the site, as the API gives it.
    let mut out = Vec::with_capacity(queued.tasks.len());
    for task in &queued.tasks {
        let mut row = one(task)?;
        if let Value::Object(map) = &mut row {
            map.insert("conflicts".into(), many(&queued.conflicts_of(task))?);
        }
        out.push(row);
    }
    Ok(Value::Array(out))
}

pub(crate) async fn dashboard(c: &Ctx, mut map: Map<String, Value>) -> Out {
    map.remove("site_id");
    let mut filter: DashboardFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    // The dashboard includes the account's credit usage, an account-wide figure.
    let d = c
        .core
        .keywords()
        .dashboard(&c.account_scope(), filter)
        .await?;
    serde_json::to_value(&d).map_err(|e| Failure::internal(e.to_string()))
}
