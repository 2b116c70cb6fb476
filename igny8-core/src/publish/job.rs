//! The publish job: each content becomes (or updates) a WordPress post, through the same
//! unit-of-work driver as the AI functions (progress, checkpoints, retries, cancelling).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    PostFormat, PostMedia, PostStatus, WordPress, WpError, content_marker, image_marker, slugify,
};
use crate::Igny8;
use crate::ai::Work;
use crate::ai::functions::{AiFunction, Run, Saved, Unit};
use crate::ai::html;
use crate::credits::Reference;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::jobs::JobKind;
use crate::planner::check_ids;
use crate::store::Store;
use crate::tenancy::Scope;
use crate::writer::*;

/// Largest image file sent to WordPress.
const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;

/// What to publish, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    /// The content (all of one site).
    pub ids: Vec<ContentId>,
    /// The posts' status ([`Publishing::start`](super::Publishing::start) fills in the
    /// account's `publish.status` when absent; draft for a job queued without one).
    #[serde(default)]
    pub status: Option<PostStatus>,
    /// When to publish: required for `future`, in the future.
    #[serde(default)]
    pub date: Option<DateTime<Utc>>,
    /// Make a new post for content whose post was deleted in WordPress (else that is an error).
    #[serde(default)]
    pub recreate: bool,
}

/// Checks the input: the content exists, is the account's, and is all of one site; the status
/// and date agree. The content, in order.
pub(crate) async fn check<S: Store>(
    core: &Igny8<S>,
    scope: &Scope,
    input: &PublishInput,
) -> Result<Vec<Content>> {
    check_ids(&input.ids)?;
    let status = input.status.unwrap_or(PostStatus::Draft);
    match (status, input.date) {
        (PostStatus::Future, None) => {
            return Err(Error::field(
                "date",
                "is required to schedule a post (status future)",
            ));
        }
        (PostStatus::Future, Some(d)) if d <= core.now() => {
            return Err(Error::field(
                "date",
                "must be in the future to schedule a post",
            ));
        }
        _ => {}
    }
    let loaded = crate::ai::functions::load_all(
        &input.ids,
        |c: &Content| c.id,
        ContentId::not_found,
        |ids| async {
            let filter = ContentFilter {
                ids: Some(ids),
                ..ContentFilter::default()
            };
            let page = core
                .contents()
                .list(
                    scope,
                    &filter,
                    &ContentSort::default(),
                    &crate::ai::functions::chunk_page(),
                )
                .await?;
            Ok(page.items)
        },
    )
    .await?;
    let mut contents: Vec<Content> = Vec::with_capacity(loaded.len());
    for c in loaded {
        let id = c.id;
        if let Some(first) = contents.first()
            && first.site_id != c.site_id
        {
            return Err(Error::field("ids", "must all be content of one site"));
        }
        if html::text_of(&c.html).is_empty() {
            return Err(Error::field(
                "ids",
                format!("content {} has no text to publish", id.get()),
            ));
        }
        contents.push(c);
    }
    Ok(contents)
}

/// Publishing one content.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublishContent;

/// A content ready to send.
#[derive(Debug)]
pub struct PreparedPost {
    content: Content,
    images: Vec<Image>,
    wp: WordPress,
    status: PostStatus,
    date: Option<DateTime<Utc>>,
    recreate: bool,
    format: PostFormat,
}

/// The post's fields that need no call to WordPress.
#[derive(Debug)]
pub struct PostDraft {
    body: serde_json::Map<String, Value>,
}

/// What WordPress answered for the post.
#[derive(Debug)]
pub struct Posted {
    post: Value,
    created: bool,
    media: Vec<i64>,
    categories: Vec<i64>,
    tags: Vec<i64>,
}

/// The post as saved.
#[derive(Debug)]
pub struct PostResult {
    id: i64,
    link: Option<String>,
    status: String,
    date: Option<DateTime<Utc>>,
    created: bool,
    media: Vec<i64>,
    categories: Vec<i64>,
    tags: Vec<i64>,
}

fn wp_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|n| n.and_utc())
}

/// Decodes the few entities WordPress puts into rendered names (`&amp;` and friends).
fn plain(name: &str) -> String {
    html::text_of(name).to_lowercase()
}

/// The id of the term `name` of `taxonomy` (`categories`, `tags`), made when missing.
async fn ensure_term(wp: &WordPress, taxonomy: &str, name: &str) -> Result<i64, WpError> {
    let route = format!("/wp/v2/{taxonomy}");
    let found = wp
        .call(
            Method::GET,
            &route,
            &[
                ("search", name),
                ("per_page", "100"),
                ("hide_empty", "false"),
            ],
            None,
        )
        .await?;
    let wanted = plain(name);
    if let Some(id) = found.as_array().into_iter().flatten().find_map(|t| {
        let n = t.get("name").and_then(Value::as_str)?;
        (plain(n) == wanted).then(|| t.get("id").and_then(Value::as_i64))?
    }) {
        return Ok(id);
    }
    match wp
        .call(Method::POST, &route, &[], Some(&json!({"name": name})))
        .await
    {
        Ok(made) => made
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| malformed("the new term has no id")),
        // It exists (WordPress matched it where the search didn't): use that one.
        Err(e) if e.code == "term_exists" => e.data.get("term_id").and_then(Value::as_i64).ok_or(e),
        Err(e) => Err(e),
    }
}

fn malformed(message: &str) -> WpError {
    WpError {
        status: None,
        code: "invalid_answer".into(),
        message: message.into(),
        data: Value::Null,
        transient: false,
    }
}

/// The image's bytes: its file, or its URL downloaded through the outbound guard (public
/// addresses only unless private targets are allowed, no redirects, at most 20 MiB read).
async fn image_bytes(
    image: &Image,
    ai: &crate::ai::AiConfig,
    outbound: crate::outbound::OutboundConfig,
) -> Result<(Vec<u8>, String)> {
    use crate::outbound::{self, ClientOptions, ReadError};
    if let Some(stored) = &image.file_path {
        // Only files under the media directory are read, whatever a row says.
        let path = ai.media_file(stored).await.ok_or_else(|| {
            Error::field(
                "images",
                format!("the file of image {} is missing", image.id.get()),
            )
        })?;
        let data = tokio::fs::read(path).await?;
        let mime = crate::ai::image_mime(&data)
            .unwrap_or("image/png")
            .to_owned();
        return Ok((data, mime));
    }
    let url = image.url.as_deref().ok_or_else(|| {
        Error::field(
            "images",
            format!("image {} has no file or URL", image.id.get()),
        )
    })?;
    let parsed = outbound::check_url(url, outbound, "url", "the image URL")?;
    let client = outbound::client(
        outbound,
        ClientOptions {
            connect_timeout: std::time::Duration::from_secs(10),
            read_timeout: std::time::Duration::from_secs(60),
            timeout: std::time::Duration::from_secs(60),
            guarded: true,
        },
    )?;
    let failed = |e: &reqwest::Error| match outbound::refusal_of(e) {
        Some(refused) => outbound::refused_error("the image URL", refused),
        None => Error::ProviderUnavailable(format!(
            "image {} could not be downloaded from its URL: {}",
            image.id.get(),
            outbound::describe(e)
        )),
    };
    let response = client.get(parsed).send().await.map_err(|e| failed(&e))?;
    if !response.status().is_success() {
        return Err(Error::Provider(format!(
            "image {} could not be downloaded: its URL answered {}",
            image.id.get(),
            response.status()
        )));
    }
    let data = outbound::read_capped(response, MAX_IMAGE_BYTES)
        .await
        .map_err(|e| match e {
            ReadError::TooLarge(_) => Error::Provider(format!(
                "image {} is larger than 20 MiB; it was not uploaded",
                image.id.get()
            )),
            ReadError::Transport(e) => failed(&e),
        })?;
    let mime = crate::ai::image_mime(&data)
        .ok_or_else(|| {
            Error::Provider("the image URL does not hold a PNG, JPEG or WebP image".into())
        })?
        .to_owned();
    Ok((data, mime))
}

/// The media item of `image` in WordPress (found by its marker, else uploaded): id and URL.
async fn ensure_media(
    wp: &WordPress,
    image: &Image,
    title: &str,
    ai: &crate::ai::AiConfig,
    outbound: crate::outbound::OutboundConfig,
) -> Result<PostMedia> {
    let marker = image_marker(image);
    let found = wp
        .call(
            Method::GET,
            "/wp/v2/media",
            &[("search", &marker), ("context", "edit"), ("per_page", "10")],
            None,
        )
        .await?;
    let existing = found.as_array().into_iter().flatten().find(|m| {
        m.get("description")
            .and_then(|d| d.get("raw"))
            .and_then(Value::as_str)
            .is_some_and(|d| d.contains(&marker))
    });
    let media = match existing {
        Some(m) => m.clone(),
        None => {
            let (data, mime) = image_bytes(image, ai, outbound).await?;
            let ext = match mime.as_str() {
                "image/jpeg" => "jpg",
                "image/webp" => "webp",
                _ => "png",
            };
            let stem = slugify(title);
            let stem = if stem.is_empty() {
                "image".to_owned()
            } else {
                stem
            };
            let name = format!(
                "{}-{}.{ext}",
                stem.chars().take(60).collect::<String>(),
                image.id.get()
            );
            let alt = image.alt_text.clone().unwrap_or_default();
            wp.upload(
                &name,
                &mime,
                data,
                &[
                    ("alt_text", &alt),
                    ("description", &marker),
                    // The media title is rendered as HTML, the alt text is an attribute value.
                    ("title", &html::escape(&alt)),
                ],
            )
            .await?
        }
    };
    let id = media
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| Error::from(malformed("the media item has no id")))?;
    // The body shows WordPress's `large` size where it made one (a small upload has none).
    let large = media
        .pointer("/media_details/sizes/large/source_url")
        .and_then(Value::as_str);
    let (url, size) = match large {
        Some(url) => (url, "large"),
        None => (
            media
                .get("source_url")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            "full",
        ),
    };
    Ok(PostMedia {
        image_id: image.id,
        attachment_id: id,
        url: url.to_owned(),
        size: size.to_owned(),
    })
}

/// Whether the post (as WordPress answers it with `context=edit`) is the one IGNY8 made from
/// `content` ([`super::carries_marker`]).
fn carries_marker(post: &Value, content: &Content) -> bool {
    post.get("content")
        .and_then(|c| c.get("raw"))
        .and_then(Value::as_str)
        .is_some_and(|raw| super::carries_marker(raw, content))
}

/// The post of `content` in WordPress: its recorded id, else the post carrying its marker, else
/// none. The recorded id is checked: it must be the post the publisher made for this content
/// (`owned`) or carry the content's marker — `wp_post_id` can be edited, and naming some other
/// post must not let publishing overwrite it — and a deleted or trashed post is an error
/// unless `recreate`.
async fn existing_post(
    wp: &WordPress,
    content: &Content,
    owned: Option<i64>,
    recreate: bool,
) -> Result<Option<i64>> {
    if let Some(id) = content.wp_post_id {
        match wp
            .call(
                Method::GET,
                &format!("/wp/v2/posts/{id}"),
                &[("context", "edit")],
                None,
            )
            .await
        {
            Ok(post) if owned != Some(id) && !carries_marker(&post, content) => {
                return Err(Error::Conflict(format!(
                    "WordPress post {id} was not created by IGNY8 for this content; clear the \
                     WordPress post link or pick the post IGNY8 created (post_not_owned)"
                )));
            }
            Ok(post) if post.get("status").and_then(Value::as_str) != Some("trash") => {
                return Ok(Some(id));
            }
            Ok(_)
            | Err(WpError {
                status: Some(404 | 410),
                ..
            }) if recreate => {}
            Ok(_) => {
                return Err(Error::Conflict(format!(
                    "WordPress post {id} of this content is in the trash; restore it in \
                     WordPress, or publish with recreate to make a new post (post_trashed)"
                )));
            }
            Err(e) if matches!(e.status, Some(404 | 410)) => {
                return Err(Error::Conflict(format!(
                    "WordPress post {id} of this content was deleted in WordPress; publish with \
                     recreate to make a new post ({})",
                    e.code
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let marker = content_marker(content);
    let found = wp
        .call(
            Method::GET,
            "/wp/v2/posts",
            &[
                ("search", &marker),
                ("status", "draft,publish,future,pending,private"),
                ("context", "edit"),
                ("per_page", "10"),
            ],
            None,
        )
        .await?;
    Ok(found
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| carries_marker(p, content))
        .and_then(|p| p.get("id").and_then(Value::as_i64)))
}

impl AiFunction for PublishContent {
    type Input = PublishInput;
    type Data = ();
    type Prepared = PreparedPost;
    type Prompt = PostDraft;
    type Answer = Posted;
    type Draft = PostResult;

    fn kind(&self) -> JobKind {
        JobKind::Publish
    }

    fn calling(&self) -> &'static str {
        "sending to WordPress"
    }

    async fn validate<S: Store>(
        &self,
        core: &Igny8<S>,
        scope: &Scope,
        input: &PublishInput,
    ) -> Result<Vec<Unit<()>>> {
        Ok(check(core, scope, input)
            .await?
            .into_iter()
            .map(|c| Unit {
                object: Reference::new("content", c.id.get()),
                label: c.title,
                estimate: Work::Free,
                data: (),
            })
            .collect())
    }

    async fn prepare<S: Store>(
        &self,
        run: &Run<'_, S>,
        input: &PublishInput,
        unit: &Unit<()>,
    ) -> Result<PreparedPost> {
        let core = run.core;
        let content = core
            .contents()
            .get(&run.scope, ContentId(unit.object.id))
            .await?;
        let images = super::post_images(
            crate::ai::functions::images_of(core, &run.scope, content.id).await?,
        );
        let format = core.system().defaults(&run.scope).await?.post_format;
        let content = core
            .wordpress()
            .with_site_categories(&run.scope, content)
            .await?;
        let wp = core.wordpress().client(&run.scope, content.site_id).await?;
        Ok(PreparedPost {
            content,
            images,
            wp,
            status: input.status.unwrap_or(PostStatus::Draft),
            date: input.date,
            recreate: input.recreate,
            format,
        })
    }

    async fn prompt<S: Store>(&self, _run: &Run<'_, S>, p: &PreparedPost) -> Result<PostDraft> {
        let mut body = serde_json::Map::new();
        body.insert("status".into(), json!(p.status.as_str()));
        if let Some(date) = p.date {
            body.insert(
                "date_gmt".into(),
                json!(date.format("%Y-%m-%dT%H:%M:%S").to_string()),
            );
        }
        Ok(PostDraft { body })
    }

    async fn call<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: &PreparedPost,
        draft: PostDraft,
    ) -> Result<Posted> {
        let wp = &p.wp;
        // One publish of a content at a time: mark it as this job's before looking for its
        // post, so a twin job (a person and an automation run at once) can't make a second one.
        if let Some(other) = run
            .core
            .store()
            .claim_publishing(&run.scope, p.content.id, run.job.id)
            .await?
        {
            return Err(Error::Conflict(format!(
                "content {} is being published by job {} right now, so nothing was sent for it \
                 here; publish it again once that job has finished (publish_in_progress)",
                p.content.id.get(),
                other.get()
            )));
        }
        // Which post to update, checked before anything is sent: a post that isn't this
        // content's stops the job here, with nothing changed in WordPress.
        let owned = run
            .core
            .store()
            .owned_post(&run.scope, p.content.id)
            .await?;
        let existing = existing_post(wp, &p.content, owned, p.recreate).await?;
        let outbound = run.core.outbound_config();
        let mut body = draft.body;
        run.step("call", 0.3, "uploading images").await?;
        let mut media = Vec::new();
        for image in &p.images {
            media.push(
                ensure_media(wp, image, &p.content.title, run.core.ai_config(), outbound).await?,
            );
        }
        // The one renderer the plugin uses too: title, slug, excerpt, body, SEO fields.
        let post = super::render_post(&p.content, &p.images, &media, p.format);
        let mut categories = Vec::new();
        for name in &post.categories {
            categories.push(ensure_term(wp, "categories", name).await?);
        }
        let mut tags = Vec::new();
        for name in &post.tags {
            tags.push(ensure_term(wp, "tags", name).await?);
        }
        body.insert("title".into(), json!(post.title));
        body.insert("excerpt".into(), json!(post.excerpt));
        if !post.slug.is_empty() {
            body.insert("slug".into(), json!(post.slug));
        }
        body.insert("content".into(), json!(post.content));
        body.insert("meta".into(), json!(post.meta));
        if !categories.is_empty() {
            body.insert("categories".into(), json!(categories));
        }
        body.insert("tags".into(), json!(tags));
        if let Some(id) = post.featured_media {
            body.insert("featured_media".into(), json!(id));
        }
        let media = post.media;
        run.step("call", 0.7, "saving the post").await?;
        let body = Value::Object(body);
        let (post, created) = match existing {
            Some(id) => (
                wp.call(
                    Method::POST,
                    &format!("/wp/v2/posts/{id}"),
                    &[],
                    Some(&body),
                )
                .await?,
                false,
            ),
            None => (
                wp.call(Method::POST, "/wp/v2/posts", &[], Some(&body))
                    .await?,
                true,
            ),
        };
        Ok(Posted {
            post,
            created,
            media,
            categories,
            tags,
        })
    }

    fn parse(&self, _p: &PreparedPost, posted: Posted) -> Result<PostResult> {
        let post = &posted.post;
        let id = post
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| Error::from(malformed("WordPress's answer has no post id")))?;
        Ok(PostResult {
            id,
            link: post.get("link").and_then(Value::as_str).map(str::to_owned),
            status: post
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            date: post.get("date_gmt").and_then(wp_time),
            created: posted.created,
            media: posted.media,
            categories: posted.categories,
            tags: posted.tags,
        })
    }

    async fn save<S: Store>(
        &self,
        run: &Run<'_, S>,
        p: PreparedPost,
        r: PostResult,
    ) -> Result<Saved> {
        // The post is this content's (made now, found by its marker, or checked): remember it
        // as IGNY8's own before linking it.
        run.core
            .store()
            .set_owned_post(&run.scope, p.content.id, r.id)
            .await?;
        let live = matches!(r.status.as_str(), "publish" | "future" | "private");
        let patch = ContentPatch {
            wp_post_id: Some(Some(r.id)),
            wp_url: Some(r.link.clone()),
            published_at: Some(if live { r.date } else { None }),
            status: Some(if live {
                ContentStatus::Published
            } else if p.content.status == ContentStatus::Published {
                ContentStatus::Draft
            } else {
                p.content.status
            }),
            ..ContentPatch::default()
        };
        run.core
            .contents()
            .update(&run.scope, p.content.id, patch)
            .await?;
        let media: HashMap<&str, &Vec<i64>> = HashMap::from([
            ("media", &r.media),
            ("categories", &r.categories),
            ("tags", &r.tags),
        ]);
        Ok(Saved {
            summary: json!({
                "content_id": p.content.id.get(),
                "post_id": r.id,
                "url": r.link,
                "status": r.status,
                "created": r.created,
                "media_ids": media["media"],
                "category_ids": media["categories"],
                "tag_ids": media["tags"],
            }),
            work: Work::Free,
        })
    }
}
