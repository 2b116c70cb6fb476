//! `Igny8\Igny8`: the handle `Igny8::open()` returns. Each method converts its PHP arguments,
//! runs one operation of [`crate::ops`] on this process's runtime, and converts the result.
//! Parameters are named as in the stub (`$sectorId`): PHP 8 callers may pass them by name.

#![allow(non_snake_case)] // the macros keep Rust parameter names as PHP's

use std::sync::Arc;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Value, json};

use crate::context::{Ctx, Options, guard};
use crate::error::Failure;
use crate::input::object;
use crate::ops::{account, ai, planner, writer};
use crate::process::block_on;
use crate::value::{from_array, from_php, to_array};

type Array = ZBox<ZendHashTable>;

/// An opened IGNY8 store, scoped to this install's account and site.
#[php_class]
#[php(name = "Igny8\\Igny8")]
#[php(flags = ClassFlags::Final)]
pub struct Igny8 {
    options: Arc<Options>,
}

/// A PHP array argument as a JSON object.
fn map(array: Option<&ZendHashTable>) -> Result<Map<String, Value>, Failure> {
    match array {
        Some(a) => object(from_array(a)?),
        None => Ok(Map::new()),
    }
}

/// A PHP list argument as JSON.
fn list(array: &ZendHashTable) -> Result<Value, Failure> {
    from_array(array)
}

impl Igny8 {
    /// Runs `f` with this handle's context (the store opened in this process).
    fn run<T>(&self, f: impl AsyncFnOnce(&Ctx) -> Result<T, Failure>) -> PhpResult<T> {
        let options = self.options.clone();
        guard(|| {
            block_on(async move {
                let ctx = Ctx::open(options).await?;
                f(&ctx).await
            })?
        })
    }

    /// Like [`Self::run`], for operations that answer an array.
    fn array(&self, f: impl AsyncFnOnce(&Ctx) -> Result<Value, Failure>) -> PhpResult<Array> {
        let value = self.run(f)?;
        guard(|| to_array(value))
    }
}

#[php_impl]
impl Igny8 {
    /// Opens (and migrates) the store and makes sure this install's account, site and default
    /// sector exist.
    pub fn open(options: &ZendHashTable) -> PhpResult<Self> {
        let options = guard(|| Options::parse(object(from_array(options)?)?))?;
        if options.debug_panic {
            guard::<()>(|| panic!("debug_panic was asked for"))?;
        }
        let options = Arc::new(options);
        let handle = Self { options };
        handle.run(async |_| Ok(()))?;
        Ok(handle)
    }

    /// `['version', 'backend', 'account_id', 'site_id', 'default_sector_id', 'site_name',
    /// 'site_url']`.
    pub fn info(&self) -> PhpResult<Array> {
        self.array(async |c| {
            let backend = match c.core.store().backend() {
                igny8_core::Backend::Sqlite => "sqlite",
                igny8_core::Backend::Postgres => "postgres",
                igny8_core::Backend::MySql => "mysql",
            };
            Ok(json!({
                "version": env!("CARGO_PKG_VERSION"),
                "backend": backend,
                "account_id": c.tenant.account.get(),
                "site_id": c.tenant.site.get(),
                "default_sector_id": c.tenant.sector.get(),
                "site_name": c.tenant.site_name,
                "site_url": c.tenant.site_url,
            }))
        })
    }

    // ---- sectors ----

    /// The site's sectors.
    pub fn sectors(&self) -> PhpResult<Array> {
        self.array(async |c| planner::sectors(c).await)
    }

    /// Creates a sector: `['name', 'description']`.
    pub fn create_sector(&self, sector: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(sector)))?;
        self.array(async |c| planner::create_sector(c, input).await)
    }

    /// Changes a sector.
    pub fn update_sector(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| planner::update_sector(c, id, input).await)
    }

    /// Deletes a sector and everything in it.
    pub fn delete_sector(&self, id: i64) -> PhpResult<()> {
        self.run(async |c| planner::delete_sector(c, id).await)
    }

    // ---- keywords ----

    /// Keywords: filters, `ordering`, `page`, `page_size`.
    pub fn keywords(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| planner::keywords(c, input).await)
    }

    /// One keyword.
    pub fn keyword(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| planner::keyword(c, id).await)
    }

    /// Adds a keyword (to `sector_id`, or the default sector).
    pub fn create_keyword(&self, keyword: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(keyword)))?;
        self.array(async |c| planner::create_keyword(c, input).await)
    }

    /// Changes a keyword (null clears a value).
    pub fn update_keyword(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| planner::update_keyword(c, id, input).await)
    }

    /// Changes several keywords; how many were updated.
    pub fn bulk_update_keywords(
        &self,
        ids: &ZendHashTable,
        patch: &ZendHashTable,
    ) -> PhpResult<i64> {
        let (ids, input) = guard(|| Ok((list(ids)?, map(Some(patch))?)))?;
        self.run(async |c| Ok(planner::bulk_update_keywords(c, ids, input).await? as i64))
    }

    /// Deletes keywords; how many were deleted.
    pub fn delete_keywords(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(planner::delete_keywords(c, ids).await? as i64))
    }

    /// Imports a keyword file into a sector; the import report.
    pub fn import_keywords(&self, sectorId: i64, csv: String) -> PhpResult<Array> {
        let bytes = csv.into_bytes();
        self.array(async |c| planner::import_keywords(c, sectorId, bytes).await)
    }

    /// The keywords matching the filters, as CSV.
    pub fn export_keywords(&self, query: Option<&ZendHashTable>) -> PhpResult<String> {
        let input = guard(|| map(query))?;
        let bytes = self.run(async |c| planner::export_keywords(c, input).await)?;
        guard(|| String::from_utf8(bytes).map_err(|e| Failure::internal(e.to_string())))
    }

    // ---- clusters ----

    /// Clusters.
    pub fn clusters(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| planner::clusters(c, input).await)
    }

    /// One cluster.
    pub fn cluster(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| planner::cluster(c, id).await)
    }

    /// Creates a cluster.
    pub fn create_cluster(&self, cluster: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(cluster)))?;
        self.array(async |c| planner::create_cluster(c, input).await)
    }

    /// Changes a cluster.
    pub fn update_cluster(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| planner::update_cluster(c, id, input).await)
    }

    /// Deletes clusters; how many.
    pub fn delete_clusters(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(planner::delete_clusters(c, ids).await? as i64))
    }

    // ---- ideas ----

    /// Ideas.
    pub fn ideas(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| planner::ideas(c, input).await)
    }

    /// One idea.
    pub fn idea(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| planner::idea(c, id).await)
    }

    /// Creates an idea.
    pub fn create_idea(&self, idea: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(idea)))?;
        self.array(async |c| planner::create_idea(c, input).await)
    }

    /// Changes an idea.
    pub fn update_idea(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| planner::update_idea(c, id, input).await)
    }

    /// Deletes ideas; how many.
    pub fn delete_ideas(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(planner::delete_ideas(c, ids).await? as i64))
    }

    /// Queues ideas to the writer; the tasks made.
    pub fn queue_ideas(&self, ids: &ZendHashTable) -> PhpResult<Array> {
        let ids = guard(|| list(ids))?;
        self.array(async |c| planner::queue_ideas(c, ids).await)
    }

    // ---- writer ----

    /// Tasks.
    pub fn tasks(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| writer::tasks(c, input).await)
    }

    /// One task.
    pub fn task(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| writer::task(c, id).await)
    }

    /// Creates a task.
    pub fn create_task(&self, task: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(task)))?;
        self.array(async |c| writer::create_task(c, input).await)
    }

    /// Changes a task.
    pub fn update_task(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| writer::update_task(c, id, input).await)
    }

    /// Deletes tasks; how many.
    pub fn delete_tasks(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(writer::delete_tasks(c, ids).await? as i64))
    }

    /// Content.
    pub fn contents(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| writer::contents(c, input).await)
    }

    /// One content.
    pub fn content(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| writer::content(c, id).await)
    }

    /// Changes a content (and links it to its WordPress post).
    pub fn update_content(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| writer::update_content(c, id, input).await)
    }

    /// The post WordPress receives for a content: title, slug, excerpt, body (blocks, or
    /// HTML when the account's `publish.format` is `classic`) with the images placed that
    /// `['media' => [['image_id', 'attachment_id', 'url', 'size'], …]]` names, featured
    /// image, terms and SEO meta — the hosted API's `writer/content/{id}/render/`.
    pub fn render_post(&self, id: i64, input: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(input))?;
        self.array(async |c| writer::render_post(c, id, input).await)
    }

    /// Records this site's WordPress objects in its link inventory, as the plugin reads them
    /// from its own database: `['pages' => [['kind' => 'post'|'page'|'category', 'wp_id',
    /// 'url', 'title', 'keywords' => [...], 'modified_at' => RFC 3339], …], 'complete' =>
    /// bool, 'since' => the first call's 'seen_at']` (at most 5,000 pages a call). Answers
    /// `['recorded', 'removed', 'seen_at']`.
    pub fn record_links(&self, input: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(input)))?;
        self.array(async |c| writer::record_links(c, input).await)
    }

    /// Takes one WordPress object (deleted, unpublished) out of the site's link inventory;
    /// whether it was in.
    pub fn forget_link(&self, kind: String, wpId: i64) -> PhpResult<bool> {
        self.run(async |c| Ok(writer::forget_link(c, &kind, wpId).await?))
    }

    /// A page of the site's link inventory (`kind`, `search`, `page`, `page_size`).
    pub fn link_inventory(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| writer::link_inventory(c, input).await)
    }

    /// Pages of the site that could link to the (published) content, most related first:
    /// `[['from' => entry, 'shared', 'anchor', 'paragraph'], …]`.
    pub fn links_back(&self, id: i64, limit: Option<i64>) -> PhpResult<Array> {
        self.array(async |c| writer::links_back(c, id, limit.unwrap_or(10)).await)
    }

    /// The SEO checks of content `id` as an editor holds it now, nothing saved: `draft`'s
    /// `title`, `html`, `meta_title`, `meta_description`, `slug` replace the stored ones;
    /// `['score' => 0–100, 'checks' => [...]]` as `content()` gives them.
    pub fn check_draft(&self, id: i64, draft: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(draft)))?;
        self.array(async |c| writer::check_draft(c, id, input).await)
    }

    /// Pages of the site content `id` could link to, most related first, each with the words
    /// of the article to make the link: `[['to' => entry, 'shared', 'anchor', 'paragraph'],
    /// …]`. `input`: `html` (the body as the editor holds it; the stored one without it),
    /// `limit` (1–50, default 10).
    pub fn links_out(&self, id: i64, input: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(input))?;
        self.array(async |c| writer::links_out(c, id, input).await)
    }

    /// Links content `fromId` to the published content `id` where `id`'s primary keyword
    /// first stands in its text; the changed `fromId`.
    pub fn insert_link_back(&self, id: i64, fromId: i64) -> PhpResult<Array> {
        self.array(async |c| writer::insert_link_back(c, id, fromId).await)
    }

    /// Deletes content; how many.
    pub fn delete_contents(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(writer::delete_contents(c, ids).await? as i64))
    }

    /// Images.
    pub fn images(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| writer::images(c, input).await)
    }

    /// One image.
    pub fn image(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| writer::image(c, id).await)
    }

    /// Changes an image.
    pub fn update_image(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| writer::update_image(c, id, input).await)
    }

    // ---- thinker ----

    /// Every prompt type with its effective text and the shipped default.
    pub fn prompts(&self) -> PhpResult<Array> {
        self.array(async |c| account::prompts(c).await)
    }

    /// Saves a custom prompt.
    pub fn set_prompt(&self, promptType: String, text: String) -> PhpResult<Array> {
        self.array(async |c| account::set_prompt(c, &promptType, &text).await)
    }

    /// Back to the shipped default; whether there was a custom prompt.
    pub fn reset_prompt(&self, promptType: String) -> PhpResult<bool> {
        self.run(async |c| account::reset_prompt(c, &promptType).await)
    }

    /// Author profiles.
    pub fn author_profiles(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| account::author_profiles(c, input).await)
    }

    /// Creates an author profile.
    pub fn create_author_profile(&self, profile: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(profile)))?;
        self.array(async |c| account::create_author_profile(c, input).await)
    }

    /// Changes an author profile.
    pub fn update_author_profile(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| account::update_author_profile(c, id, input).await)
    }

    /// Deletes author profiles; how many.
    pub fn delete_author_profiles(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(account::delete_author_profiles(c, ids).await? as i64))
    }

    /// Strategies (how articles are written: guidance, section structure, prompt
    /// customisations); query: sector_id, page, page_size.
    pub fn strategies(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| account::strategies(c, input).await)
    }

    /// One strategy.
    pub fn strategy(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| account::strategy(c, id).await)
    }

    /// Creates a strategy.
    pub fn create_strategy(&self, strategy: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(strategy)))?;
        self.array(async |c| account::create_strategy(c, input).await)
    }

    /// Changes a strategy.
    pub fn update_strategy(&self, id: i64, patch: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(patch)))?;
        self.array(async |c| account::update_strategy(c, id, input).await)
    }

    /// Deletes strategies; how many.
    pub fn delete_strategies(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guard(|| list(ids))?;
        self.run(async |c| Ok(account::delete_strategies(c, ids).await? as i64))
    }

    // ---- settings and providers ----

    /// The account's settings with their effective values.
    pub fn settings(&self) -> PhpResult<Array> {
        self.array(async |c| account::settings(c).await)
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: String, value: &Zval) -> PhpResult<Array> {
        let value = guard(|| from_php(value))?;
        self.array(async |c| account::set_setting(c, &key, value).await)
    }

    /// Back to the default; whether it was set.
    pub fn reset_setting(&self, key: String) -> PhpResult<bool> {
        self.run(async |c| account::reset_setting(c, &key).await)
    }

    /// The provider integrations (keys masked).
    pub fn integrations(&self) -> PhpResult<Array> {
        self.array(async |c| account::integrations(c).await)
    }

    /// Connects or changes a provider.
    pub fn set_integration(&self, provider: String, config: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(config)))?;
        self.array(async |c| account::set_integration(c, &provider, input).await)
    }

    /// Tests a provider's key with one call that costs nothing: `['provider', 'model', 'ok',
    /// 'message']`, the message in plain words with what to fix.
    pub fn test_integration(&self, provider: String) -> PhpResult<Array> {
        self.array(async |c| account::test_integration(c, &provider).await)
    }

    /// Disconnects a provider; whether it was connected.
    pub fn remove_integration(&self, provider: String) -> PhpResult<bool> {
        self.run(async |c| account::remove_integration(c, &provider).await)
    }

    // ---- credits and usage ----

    /// The balance.
    pub fn credits(&self) -> PhpResult<Array> {
        self.array(async |c| account::credits(c).await)
    }

    /// Ledger entries, newest first.
    pub fn transactions(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| account::transactions(c, input).await)
    }

    /// Usage rows.
    pub fn usage(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| account::usage(c, input).await)
    }

    /// A top-up; the transaction.
    pub fn add_credits(&self, amount: i64, note: String) -> PhpResult<Array> {
        self.array(async |c| account::add_credits(c, amount, &note).await)
    }

    // ---- AI functions and jobs ----

    /// Image Testing: draws `prompt` (with `negative_prompt`, `style`, `size` or the
    /// account's defaults) with the account's image model and template, charges one image and
    /// saves it nowhere: `['prompt', 'negative_prompt', 'url' (a data: URL when the model sent
    /// bytes), 'provider', 'model', 'revised_prompt', 'credits']`.
    pub fn test_image(&self, test: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(test)))?;
        self.array(async |c| ai::test_image(c, input).await)
    }

    /// The credits a run would take.
    pub fn estimate(&self, function: String, input: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(input)))?;
        self.array(async |c| ai::estimate(c, &function, input).await)
    }

    /// Queues an AI function as a job.
    pub fn start(&self, function: String, input: &ZendHashTable) -> PhpResult<Array> {
        let input = guard(|| map(Some(input)))?;
        self.array(async |c| ai::start(c, &function, input).await)
    }

    /// A job.
    pub fn job(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| ai::job(c, id).await)
    }

    /// Jobs, newest first.
    pub fn jobs(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| ai::jobs(c, input).await)
    }

    /// Cancels a job.
    pub fn cancel_job(&self, id: i64) -> PhpResult<Array> {
        self.array(async |c| ai::cancel_job(c, id).await)
    }

    /// Runs due jobs in this process for at most `$maxSeconds`.
    #[php(defaults(maxSeconds = 20.0))]
    pub fn run_jobs(&self, maxSeconds: f64) -> PhpResult<Array> {
        self.array(async |c| ai::run_jobs(c, maxSeconds).await)
    }

    /// The planner dashboard.
    pub fn dashboard(&self, query: Option<&ZendHashTable>) -> PhpResult<Array> {
        let input = guard(|| map(query))?;
        self.array(async |c| planner::dashboard(c, input).await)
    }
}
