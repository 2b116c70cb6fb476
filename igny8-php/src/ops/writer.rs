//! Tasks, content and images.

use igny8_core::list::PageRequest;
use igny8_core::writer as w;
use igny8_core::{ContentId, ImageId, TaskId};
use serde_json::{Map, Value, json};

use crate::context::Ctx;
use crate::error::Failure;
use crate::input::{ListQuery, alias, ids, parse, patch, take};
use crate::output::{many, one, page, page_with};

type Out = Result<Value, Failure>;

pub(crate) async fn tasks(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let sort = q.sort(w::TaskSort::default())?;
    map.remove("site_id");
    let mut filter: w::TaskFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    page(
        &c.core
            .tasks()
            .list(&c.scope(), &filter, &sort, &q.page)
            .await?,
    )
}

pub(crate) async fn task(c: &Ctx, id: i64) -> Out {
    one(&c.core.tasks().get(&c.scope(), TaskId(id)).await?)
}

pub(crate) async fn create_task(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let sector = take::<i64>(&mut map, "sector_id")?.unwrap_or(c.tenant.sector.get());
    map.insert("sector_id".into(), json!(sector));
    let task: w::NewTask = parse(map)?;
    one(&c.core.tasks().create(&c.scope(), task).await?)
}

pub(crate) async fn update_task(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: w::TaskPatch = patch(map)?;
    one(&c.core.tasks().update(&c.scope(), TaskId(id), patch).await?)
}

pub(crate) async fn delete_tasks(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<TaskId> = ids(ids_)?;
    Ok(c.core.tasks().delete(&c.scope(), &ids).await?)
}

pub(crate) async fn contents(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let sort = q.sort(w::ContentSort::default())?;
    map.remove("site_id");
    let mut filter: w::ContentFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    let found = c
        .core
        .contents()
        .list(&c.scope(), &filter, &sort, &q.page)
        .await?;
    let reports = c.core.contents().checks(&c.scope(), &found.items).await?;
    let mut value = page(&found)?;
    if let Some(Value::Array(rows)) = value.get_mut("results") {
        for (row, report) in rows.iter_mut().zip(reports) {
            add_checks(row, report)?;
        }
    }
    Ok(value)
}

/// A content as the hosted API shows it: with its SEO `score` and `checks`.
async fn checked(c: &Ctx, content: w::Content) -> Out {
    let report = c
        .core
        .contents()
        .checks(&c.scope(), std::slice::from_ref(&content))
        .await?
        .pop()
        .unwrap_or_default();
    let mut value = one(&content)?;
    add_checks(&mut value, report)?;
    Ok(value)
}

fn add_checks(row: &mut Value, report: w::seo::SeoReport) -> Result<(), Failure> {
    if let Value::Object(map) = row {
        map.insert("score".into(), json!(report.score));
        map.insert(
            "checks".into(),
            serde_json::to_value(report.checks)
                .map_err(|e| Failure::internal(format!("cannot serialise checks: {e}")))?,
        );
    }
    Ok(())
}

pub(crate) async fn content(c: &Ctx, id: i64) -> Out {
    let content = c.core.contents().get(&c.scope(), ContentId(id)).await?;
    checked(c, content).await
}

pub(crate) async fn update_content(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: w::ContentPatch = patch(map)?;
    let content = c
        .core
        .contents()
        .update(&c.scope(), ContentId(id), patch)
        .await?;
    checked(c, content).await
}

/// What `renderPost` takes: the REST API's `POST writer/content/{id}/render/` body.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct RenderInput {
    #[serde(default)]
    media: Vec<igny8_core::publish::PostMedia>,
}

pub(crate) async fn render_post(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let input: RenderInput = parse(map)?;
    one(&c
        .core
        .wordpress()
        .render(&c.scope(), ContentId(id), &input.media)
        .await?)
}

pub(crate) async fn delete_contents(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<ContentId> = ids(ids_)?;
    Ok(c.core.contents().delete(&c.scope(), &ids).await?)
}

/// An image as the hosted API shows it (`has_file`), plus what only the extension has: its
/// `file_path`, relative to `media_dir`, and — when it has no URL — one under `media_url`.
fn with_url(c: &Ctx, image: &mut Map<String, Value>) {
    let has_file = image.get("file_path").is_some_and(Value::is_string);
    image.insert("has_file".into(), Value::Bool(has_file));
    let Some(base) = &c.options.media_url else {
        return;
    };
    if !image.get("url").is_none_or(Value::is_null) {
        return;
    }
    let Some(path) = image.get("file_path").and_then(Value::as_str) else {
        return;
    };
    // Stored relative to `media_dir`; rows from before that hold an absolute path under it.
    let stored = std::path::Path::new(path);
    let rel = if stored.is_absolute() {
        match stored.strip_prefix(&c.options.ai.media_dir) {
            Ok(rel) => rel,
            Err(_) => return,
        }
    } else {
        stored
    };
    if rel
        .components()
        .any(|part| !matches!(part, std::path::Component::Normal(_)))
    {
        return;
    }
    let rel = rel.to_string_lossy().replace('\\', "/");
    let base = base.trim_end_matches('/');
    image.insert("url".into(), json!(format!("{base}/{rel}")));
}

fn image_out(c: &Ctx, image: &w::Image) -> Out {
    let mut value = one(image)?;
    if let Value::Object(map) = &mut value {
        with_url(c, map);
    }
    Ok(value)
}

pub(crate) async fn images(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    alias(&mut map, "image_type", "kind");
    map.remove("site_id");
    let task = take::<i64>(&mut map, "task_id")?;
    let mut filter: w::ImageFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    if let Some(task) = task {
        // Images of a task are those of its content.
        let content = w::ContentFilter {
            task_id: Some(TaskId(task)),
            ..w::ContentFilter::default()
        };
        let found = c
            .core
            .contents()
            .list(
                &c.scope(),
                &content,
                &w::ContentSort::default(),
                &PageRequest::new(1, 1),
            )
            .await?;
        match found.items.first() {
            Some(content) if filter.content_id.is_none_or(|id| id == content.id) => {
                filter.content_id = Some(content.id);
            }
            _ => filter.ids = Some(Vec::new()),
        }
    }
    let list = c.core.images().list(&c.scope(), &filter, &q.page).await?;
    page_with(&list, |row| with_url(c, row))
}

pub(crate) async fn image(c: &Ctx, id: i64) -> Out {
    image_out(c, &c.core.images().get(&c.scope(), ImageId(id)).await?)
}

pub(crate) async fn update_image(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let patch: w::ImagePatch = patch(map)?;
    image_out(
        c,
        &c.core
            .images()
            .update(&c.scope(), ImageId(id), patch)
            .await?,
    )
}

/// What the plugin sends of its own site: `pages` ([`igny8_core::inventory::SyncedPage`]s),
/// `complete` and `since`.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct RecordInput {
    pages: Vec<igny8_core::inventory::SyncedPage>,
    #[serde(default)]
    complete: bool,
    #[serde(default)]
    since: Option<chrono::DateTime<chrono::Utc>>,
}

pub(crate) async fn record_links(c: &Ctx, map: Map<String, Value>) -> Out {
    let input: RecordInput = parse(map)?;
    one(&c
        .core
        .inventory()
        .record(
            &c.scope(),
            c.tenant.site,
            input.pages,
            input.complete,
            input.since,
        )
        .await?)
}

pub(crate) async fn forget_link(c: &Ctx, kind: &str, wp_id: i64) -> Result<bool, Failure> {
    let kind: igny8_core::inventory::LinkKind = kind
        .parse()
        .map_err(|e: String| igny8_core::Error::field("kind", e))?;
    Ok(c.core
        .inventory()
        .forget(&c.scope(), c.tenant.site, kind, wp_id)
        .await?)
}

pub(crate) async fn link_inventory(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    map.remove("site_id");
    let mut filter: igny8_core::inventory::LinkPageFilter = parse(map)?;
    filter.site_id = Some(c.tenant.site);
    page(
        &c.core
            .inventory()
            .list(&c.scope(), &filter, &q.page)
            .await?,
    )
}

pub(crate) async fn links_back(c: &Ctx, id: i64, limit: i64) -> Out {
    let limit = usize::try_from(limit.clamp(1, 100)).unwrap_or(10);
    many(
        &c.core
            .inventory()
            .links_back(&c.scope(), ContentId(id), limit)
            .await?,
    )
}

/// The SEO checks of a content as the editor holds it: `{score, checks}`.
pub(crate) async fn check_draft(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let draft: w::Draft = parse(map)?;
    let report = c
        .core
        .contents()
        .check_draft(&c.scope(), ContentId(id), draft)
        .await?;
    Ok(json!({"score": report.score, "checks": report.checks}))
}

/// Pages of the site the content could link to, with the words to link.
pub(crate) async fn links_out(c: &Ctx, id: i64, mut map: Map<String, Value>) -> Out {
    let html: Option<String> = take(&mut map, "html")?;
    let limit: Option<u64> = take(&mut map, "limit")?;
    if let Some(field) = map.keys().next() {
        return Err(Failure::field(
            field,
            "unknown field: give html and limit only",
        ));
    }
    if html.as_ref().is_some_and(|h| h.len() > w::MAX_HTML_BYTES) {
        return Err(Failure::field("html", "is longer than 2 MiB"));
    }
    let limit = usize::try_from(limit.unwrap_or(10).clamp(1, 50)).unwrap_or(10);
    many(
        &c.core
            .inventory()
            .links_out(&c.scope(), ContentId(id), html.as_deref(), limit)
            .await?,
    )
}

pub(crate) async fn insert_link_back(c: &Ctx, id: i64, from: i64) -> Out {
    let changed = c
        .core
        .inventory()
        .insert_link_back(&c.scope(), ContentId(from), ContentId(id))
        .await?;
    checked(c, changed).await
}
