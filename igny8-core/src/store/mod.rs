//! Storage: one trait per aggregate, joined in [`Store`], and their implementation on SQL
//! databases ([`SqlStore`]).
//!
//! Every method on tenant data takes the [`Scope`]: the store filters every query by its
//! account (and site, when the scope is narrowed to one) and checks that every id a caller
//! passes in — a sector, a cluster — belongs to the same account. An object of another account
//! is reported as not found, exactly like one that does not exist.
//!
//! The traits hold no business rules beyond what must be atomic with the write (plan limits
//! counted in the inserting transaction, a balance that can't go below zero); validation and
//! permissions live in the services ([`crate::Igny8`]).

pub(crate) mod sql;

use std::future::Future;

pub use sql::migrate::SCHEMA_VERSION;
pub use sql::{Backend, SqlStore, StoreOptions, redact_url};

use crate::automation::{
    AutomationRule, AutomationRun, RuleFilter, RuleSettings, RunFilter, RunTrigger,
};
use crate::credits::{
    CreditTransaction, LedgerEntry, NewUsage, Reservation, ReserveRequest, TransactionFilter,
    UsageFilter, UsageLog, UsageSummaryRow,
};
use crate::error::Result;
use crate::ids::*;
use crate::jobs::{Job, JobFilter, JobKind, NewJob, Outcome, Progress};
use crate::list::{Page, PageRequest};
use crate::planner::{
    Cluster, ClusterFilter, ClusterPatch, ClusterSort, ExportRow, ImportBatch, ImportTotals,
    Keyword, KeywordFilter, KeywordSort, NewCluster, UnclusteredKeyword,
};
use crate::planner::{ClusterAssignment, KeywordSource, ValidKeyword};
use crate::planner::{ContentIdea, IdeaFilter, IdeaPatch, IdeaSort, NewIdea, QueueDefaults};
use crate::system::{Integration, IntegrationProvider, IntegrationRecord, StoredSetting};
use crate::tenancy::auth::{ApiKey, ApiKeyRecord, Rotation};
use crate::tenancy::{
    Account, AccountPatch, AccountRecord, NewSector, NewSite, Plan, PlanInput, Scope, Sector,
    SectorFilter, SectorPatch, Site, SitePatch, User, UserPatch, UserRecord,
};
use crate::thinker::{
    AuthorProfile, AuthorProfileInput, Prompt, PromptType, Strategy, StrategyInput,
};
use crate::writer::{
    Content, ContentFilter, ContentPatch, ContentSort, Image, ImageFilter, ImagePatch, NewContent,
    NewImage, NewTask, Task, TaskFilter, TaskPatch, TaskSort,
};

/// A site's WordPress connection as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteWordPress {
    /// The WordPress site's base URL (http or https).
    pub url: String,
    /// The WordPress user that publishes, with the application password below.
    pub username: String,
    /// The application password, sealed with the deployment key.
    pub password_sealed: String,
    /// A masked hint of the password, e.g. `••••abcd`: all that is ever shown of it.
    pub password_hint: String,
}

/// Plans, accounts, users, sites and sectors.
pub trait TenancyStore: Send + Sync {
    /// The store's current time (its clock may be a test's).
    fn now(&self) -> chrono::DateTime<chrono::Utc>;

    /// Creates a plan (and makes it the only default when it says so).
    fn create_plan(&self, plan: &PlanInput) -> impl Future<Output = Result<Plan>> + Send;
    /// Replaces a plan's fields.
    fn update_plan(
        &self,
        id: PlanId,
        plan: &PlanInput,
    ) -> impl Future<Output = Result<Plan>> + Send;
    /// One plan; [`NotFound`](crate::Error::NotFound) when there is none with this id.
    fn get_plan(&self, id: PlanId) -> impl Future<Output = Result<Plan>> + Send;
    /// Every plan.
    fn list_plans(&self) -> impl Future<Output = Result<Vec<Plan>>> + Send;
    /// The plan of new accounts (the one with `is_default`).
    fn default_plan(&self) -> impl Future<Output = Result<Plan>> + Send;

    /// Creates an account, its first credits and optionally its owner, in one transaction.
    fn create_account(
        &self,
        account: &AccountRecord,
    ) -> impl Future<Output = Result<(Account, Option<User>)>> + Send;
    /// One account (operators, or the account's own scope).
    fn get_account(&self, id: AccountId) -> impl Future<Output = Result<Account>> + Send;
    /// Accounts, oldest first (operators).
    fn list_accounts(
        &self,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Account>>> + Send;
    /// Changes an account (operators).
    fn update_account(
        &self,
        id: AccountId,
        patch: &AccountPatch,
    ) -> impl Future<Output = Result<Account>> + Send;
    /// Deletes an account and everything in it.
    fn delete_account(&self, id: AccountId) -> impl Future<Output = Result<()>> + Send;

    /// Creates a user in the scope's account, within the plan's `max_users`.
    fn create_user(
        &self,
        scope: &Scope,
        user: &UserRecord,
    ) -> impl Future<Output = Result<User>> + Send;
    /// Creates a platform operator with no account.
    fn create_superuser(&self, user: &UserRecord) -> impl Future<Output = Result<User>> + Send;
    /// One user of the account; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_user(&self, scope: &Scope, id: UserId) -> impl Future<Output = Result<User>> + Send;
    /// The account's users.
    fn list_users(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<User>>> + Send;
    /// Changes a user of the account.
    fn update_user(
        &self,
        scope: &Scope,
        id: UserId,
        patch: &UserPatch,
    ) -> impl Future<Output = Result<User>> + Send;
    /// Deletes a user of the account.
    fn delete_user(&self, scope: &Scope, id: UserId) -> impl Future<Output = Result<()>> + Send;
    /// Changes users of the account in one statement; the number changed.
    fn update_users(
        &self,
        scope: &Scope,
        ids: &[UserId],
        patch: &UserPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes users of the account in one statement; the number deleted.
    fn delete_users(
        &self,
        scope: &Scope,
        ids: &[UserId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// A user by email with their password hash, for sign-in (not scoped: the email is the key).
    fn find_login(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<(User, String)>>> + Send;
    /// Any user by id (not scoped: for token validation).
    fn find_user(&self, id: UserId) -> impl Future<Output = Result<Option<User>>> + Send;
    /// Records a successful sign-in.
    fn record_login(&self, id: UserId) -> impl Future<Output = Result<()>> + Send;
    /// Replaces a user's password hash.
    fn set_password_hash(&self, id: UserId, hash: &str) -> impl Future<Output = Result<()>> + Send;

    /// Creates a site, within the plan's `max_sites`.
    fn create_site(
        &self,
        scope: &Scope,
        site: &NewSite,
    ) -> impl Future<Output = Result<Site>> + Send;
    /// One site; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_site(&self, scope: &Scope, id: SiteId) -> impl Future<Output = Result<Site>> + Send;
    /// The account's sites.
    fn list_sites(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Site>>> + Send;
    /// Stores (or with `None` removes) a site's WordPress connection: URL, user, the sealed
    /// application password and its masked hint.
    fn set_site_wordpress(
        &self,
        scope: &Scope,
        id: SiteId,
        connection: Option<&SiteWordPress>,
    ) -> impl Future<Output = Result<Site>> + Send;
    /// The sealed application password of a site's WordPress connection.
    fn site_wordpress_secret(
        &self,
        scope: &Scope,
        id: SiteId,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Replaces the sealed application password `old` with `new` (the same password sealed
    /// again after a key rotation); nothing changes if the stored value is no longer `old`.
    fn reseal_site_wordpress_secret(
        &self,
        scope: &Scope,
        id: SiteId,
        old: &str,
        new: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Changes a site.
    fn update_site(
        &self,
        scope: &Scope,
        id: SiteId,
        patch: &SitePatch,
    ) -> impl Future<Output = Result<Site>> + Send;
    /// Changes sites in one statement; the number changed.
    fn update_sites(
        &self,
        scope: &Scope,
        ids: &[SiteId],
        patch: &SitePatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes sites and everything in them; the number deleted.
    fn delete_sites(
        &self,
        scope: &Scope,
        ids: &[SiteId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates a sector in a site of the account, within the plan's `max_sectors_per_site`.
    fn create_sector(
        &self,
        scope: &Scope,
        sector: &NewSector,
    ) -> impl Future<Output = Result<Sector>> + Send;
    /// One sector; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_sector(
        &self,
        scope: &Scope,
        id: SectorId,
    ) -> impl Future<Output = Result<Sector>> + Send;
    /// The account's sectors.
    fn list_sectors(
        &self,
        scope: &Scope,
        filter: &SectorFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Sector>>> + Send;
    /// Changes sectors in one statement; the number changed.
    fn update_sectors(
        &self,
        scope: &Scope,
        ids: &[SectorId],
        patch: &SectorPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Changes a sector.
    fn update_sector(
        &self,
        scope: &Scope,
        id: SectorId,
        patch: &SectorPatch,
    ) -> impl Future<Output = Result<Sector>> + Send;
    /// Deletes sectors and everything in them; the number deleted.
    fn delete_sectors(
        &self,
        scope: &Scope,
        ids: &[SectorId],
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// Keywords, one by one and in bulk.
pub trait KeywordStore: Send + Sync {
    /// Creates a keyword in a sector of the account, within the plan's `max_keywords`; a
    /// keyword with the same normalised text in the sector is a conflict.
    fn create_keyword(
        &self,
        scope: &Scope,
        sector: SectorId,
        keyword: &ValidKeyword,
        source: KeywordSource,
    ) -> impl Future<Output = Result<Keyword>> + Send;
    /// One keyword; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_keyword(
        &self,
        scope: &Scope,
        id: KeywordId,
    ) -> impl Future<Output = Result<Keyword>> + Send;
    /// A filtered, ordered page.
    fn list_keywords(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        sort: &KeywordSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Keyword>>> + Send;
    /// Applies a validated patch to the scope's keywords among `ids`; the number changed.
    fn update_keywords(
        &self,
        scope: &Scope,
        ids: &[KeywordId],
        patch: &crate::planner::ValidKeywordPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes the scope's keywords among `ids`; the number deleted.
    fn delete_keywords(
        &self,
        scope: &Scope,
        ids: &[KeywordId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Writes an import's batches in one transaction, merging keywords that already exist.
    fn import_keywords(
        &self,
        scope: &Scope,
        sector: SectorId,
        batches: tokio::sync::mpsc::Receiver<Result<ImportBatch>>,
    ) -> impl Future<Output = Result<ImportTotals>> + Send;
    /// Up to `limit` keywords matching `filter` with id greater than `after`, in id order, with
    /// their cluster's name (for streamed exports).
    fn export_keywords(
        &self,
        scope: &Scope,
        filter: &KeywordFilter,
        after: Option<KeywordId>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<ExportRow>>> + Send;
    /// The dashboard's counts: keywords per status and intent (kept until the account's
    /// keywords change), clusters, clusters with ideas, ideas, tasks, content per status.
    fn pipeline_counts(
        &self,
        scope: &Scope,
        filter: &crate::planner::DashboardFilter,
    ) -> impl Future<Output = Result<crate::planner::PipelineCounts>> + Send;
    /// Keywords of a sector that are in no cluster and not archived.
    fn unclustered_keywords(
        &self,
        scope: &Scope,
        sector: SectorId,
    ) -> impl Future<Output = Result<Vec<UnclusteredKeyword>>> + Send;
}

/// Clusters.
pub trait ClusterStore: Send + Sync {
    /// Creates a cluster in a sector of the account; a duplicate name in the sector is a conflict.
    fn create_cluster(
        &self,
        scope: &Scope,
        cluster: &NewCluster,
    ) -> impl Future<Output = Result<Cluster>> + Send;
    /// One cluster with its aggregates; [`NotFound`](crate::Error::NotFound) when it doesn't
    /// exist or lies outside the scope.
    fn get_cluster(
        &self,
        scope: &Scope,
        id: ClusterId,
    ) -> impl Future<Output = Result<Cluster>> + Send;
    /// A filtered, ordered page.
    fn list_clusters(
        &self,
        scope: &Scope,
        filter: &ClusterFilter,
        sort: &ClusterSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Cluster>>> + Send;
    /// Changes the scope's clusters among `ids` (a name only for a single id); the number changed.
    fn update_clusters(
        &self,
        scope: &Scope,
        ids: &[ClusterId],
        patch: &ClusterPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes clusters; their keywords become pending again. The number deleted.
    fn delete_clusters(
        &self,
        scope: &Scope,
        ids: &[ClusterId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Creates the planned clusters and assigns their keywords, in one transaction.
    /// Keywords that changed meanwhile (deleted, archived or clustered) are skipped.
    fn apply_clustering(
        &self,
        scope: &Scope,
        sector: SectorId,
        assignments: &[ClusterAssignment],
    ) -> impl Future<Output = Result<Vec<(ClusterId, u64)>>> + Send;
}

/// The credit ledger, reservations and the usage log.
pub trait CreditStore: Send + Sync {
    /// The account's available credits.
    fn credit_balance(&self, scope: &Scope) -> impl Future<Output = Result<i64>> + Send;
    /// The sum of the account's ledger (equals the balance).
    fn ledger_sum(&self, scope: &Scope) -> impl Future<Output = Result<i64>> + Send;
    /// Posts an entry; with a known idempotency key, returns the earlier entry instead.
    fn post_credits(
        &self,
        scope: &Scope,
        entry: &LedgerEntry,
    ) -> impl Future<Output = Result<CreditTransaction>> + Send;
    /// Holds credits, or fails with insufficient credits and changes nothing; with a known
    /// idempotency key, returns the earlier reservation instead.
    fn reserve_credits(
        &self,
        scope: &Scope,
        request: &ReserveRequest,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// Keeps `used` (≤ held) credits of a held reservation and releases the rest. Charging a
    /// charged reservation again returns it unchanged.
    fn charge_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
        used: i64,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// Gives a held reservation's credits back. Releasing twice returns it unchanged.
    fn release_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// One reservation; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
    ) -> impl Future<Output = Result<Reservation>> + Send;
    /// System-wide: held reservations of jobs that have finished, oldest first — left by a
    /// worker that died on the job's last attempt. Their credits must still be settled.
    fn abandoned_job_holds(
        &self,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<Reservation>>> + Send;
    /// A filtered page of the ledger, newest first.
    fn list_transactions(
        &self,
        scope: &Scope,
        filter: &TransactionFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<CreditTransaction>>> + Send;
    /// Logs one model call.
    fn record_usage(
        &self,
        scope: &Scope,
        usage: &NewUsage,
    ) -> impl Future<Output = Result<UsageLog>> + Send;
    /// A filtered page of the usage log, newest first.
    fn list_usage(
        &self,
        scope: &Scope,
        filter: &UsageFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<UsageLog>>> + Send;
    /// Usage summed per UTC day and operation.
    fn usage_summary(
        &self,
        scope: &Scope,
        filter: &UsageFilter,
    ) -> impl Future<Output = Result<Vec<UsageSummaryRow>>> + Send;
}

/// Content ideas.
pub trait IdeaStore: Send + Sync {
    /// Creates an idea in a sector (its cluster, if any, in the same sector).
    fn create_idea(
        &self,
        scope: &Scope,
        idea: &NewIdea,
    ) -> impl Future<Output = Result<ContentIdea>> + Send;
    /// One idea; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_idea(
        &self,
        scope: &Scope,
        id: IdeaId,
    ) -> impl Future<Output = Result<ContentIdea>> + Send;
    /// A filtered, ordered page.
    fn list_ideas(
        &self,
        scope: &Scope,
        filter: &IdeaFilter,
        sort: &IdeaSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<ContentIdea>>> + Send;
    /// Changes the scope's ideas among `ids`; a status change only applies to ideas allowed to
    /// make it. The number changed.
    fn update_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        patch: &IdeaPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes ideas; the number deleted.
    fn delete_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Turns the ideas that may be queued into writer tasks and marks them queued; each idea is
    /// claimed before its task is made, so concurrent calls never make two tasks of one idea.
    /// The tasks made (ideas already queued, or of other accounts, are skipped).
    fn queue_ideas(
        &self,
        scope: &Scope,
        ids: &[IdeaId],
        defaults: &QueueDefaults,
    ) -> impl Future<Output = Result<Vec<Task>>> + Send;
}

/// Writer tasks, content and images.
pub trait WriterStore: Send + Sync {
    /// Creates a task (its idea, cluster, author profile and strategy must be the account's).
    fn create_task(
        &self,
        scope: &Scope,
        task: &NewTask,
    ) -> impl Future<Output = Result<Task>> + Send;
    /// One task; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_task(&self, scope: &Scope, id: TaskId) -> impl Future<Output = Result<Task>> + Send;
    /// A filtered, ordered page.
    fn list_tasks(
        &self,
        scope: &Scope,
        filter: &TaskFilter,
        sort: &TaskSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Task>>> + Send;
    /// Changes tasks (status changes only where allowed); the number changed.
    fn update_tasks(
        &self,
        scope: &Scope,
        ids: &[TaskId],
        patch: &TaskPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes tasks; the number deleted.
    fn delete_tasks(
        &self,
        scope: &Scope,
        ids: &[TaskId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates content.
    fn create_content(
        &self,
        scope: &Scope,
        content: &NewContent,
    ) -> impl Future<Output = Result<Content>> + Send;
    /// One piece of content; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_content(
        &self,
        scope: &Scope,
        id: ContentId,
    ) -> impl Future<Output = Result<Content>> + Send;
    /// A filtered, ordered page.
    fn list_contents(
        &self,
        scope: &Scope,
        filter: &ContentFilter,
        sort: &ContentSort,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Content>>> + Send;
    /// Changes content (status changes only where allowed); the number changed.
    fn update_contents(
        &self,
        scope: &Scope,
        ids: &[ContentId],
        patch: &ContentPatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// The WordPress post IGNY8's publisher made (or found by its marker) for the content, as
    /// recorded by [`WriterStore::set_owned_post`].
    fn owned_post(
        &self,
        scope: &Scope,
        id: ContentId,
    ) -> impl Future<Output = Result<Option<i64>>> + Send;
    /// Records the WordPress post the publisher made (or found by its marker) for the content.
    /// Only publishing calls this; no patch reaches it.
    fn set_owned_post(
        &self,
        scope: &Scope,
        id: ContentId,
        post: i64,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Marks the content as being published by `job`, unless another publish job that is still
    /// queued or running marked it first: `None` when the mark is `job`'s (now or already),
    /// else the job that holds it. Atomic: of two jobs claiming at once, one gets it.
    fn claim_publishing(
        &self,
        scope: &Scope,
        id: ContentId,
        job: JobId,
    ) -> impl Future<Output = Result<Option<JobId>>> + Send;
    /// Deletes content (and its images); the number deleted.
    fn delete_contents(
        &self,
        scope: &Scope,
        ids: &[ContentId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates an image.
    fn create_image(
        &self,
        scope: &Scope,
        image: &NewImage,
    ) -> impl Future<Output = Result<Image>> + Send;
    /// One image; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_image(&self, scope: &Scope, id: ImageId) -> impl Future<Output = Result<Image>> + Send;
    /// A filtered page, by content then position.
    fn list_images(
        &self,
        scope: &Scope,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Image>>> + Send;
    /// Changes images (status changes only where allowed); the number changed.
    fn update_images(
        &self,
        scope: &Scope,
        ids: &[ImageId],
        patch: &ImagePatch,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes images; the number deleted.
    fn delete_images(
        &self,
        scope: &Scope,
        ids: &[ImageId],
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// Prompt overrides, author profiles and strategies.
pub trait ThinkerStore: Send + Sync {
    /// The account's prompt overrides.
    fn list_prompts(&self, scope: &Scope) -> impl Future<Output = Result<Vec<Prompt>>> + Send;
    /// Creates or replaces the override of one prompt (the template already checked).
    fn put_prompt(
        &self,
        scope: &Scope,
        prompt_type: PromptType,
        template: &str,
    ) -> impl Future<Output = Result<Prompt>> + Send;
    /// Removes an override (back to the default); whether there was one.
    fn delete_prompt(
        &self,
        scope: &Scope,
        prompt_type: PromptType,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Creates an author profile.
    fn create_author(
        &self,
        scope: &Scope,
        input: &AuthorProfileInput,
    ) -> impl Future<Output = Result<AuthorProfile>> + Send;
    /// One author profile; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_author(
        &self,
        scope: &Scope,
        id: AuthorProfileId,
    ) -> impl Future<Output = Result<AuthorProfile>> + Send;
    /// The account's author profiles.
    fn list_authors(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AuthorProfile>>> + Send;
    /// Changes author profiles; the number changed.
    fn update_authors(
        &self,
        scope: &Scope,
        ids: &[AuthorProfileId],
        input: &AuthorProfileInput,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes author profiles; the number deleted.
    fn delete_authors(
        &self,
        scope: &Scope,
        ids: &[AuthorProfileId],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Creates a strategy.
    fn create_strategy(
        &self,
        scope: &Scope,
        input: &StrategyInput,
    ) -> impl Future<Output = Result<Strategy>> + Send;
    /// One strategy; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_strategy(
        &self,
        scope: &Scope,
        id: StrategyId,
    ) -> impl Future<Output = Result<Strategy>> + Send;
    /// The account's strategies, optionally of one sector.
    fn list_strategies(
        &self,
        scope: &Scope,
        sector: Option<SectorId>,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Strategy>>> + Send;
    /// Changes strategies; the number changed.
    fn update_strategies(
        &self,
        scope: &Scope,
        ids: &[StrategyId],
        input: &StrategyInput,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes strategies; the number deleted.
    fn delete_strategies(
        &self,
        scope: &Scope,
        ids: &[StrategyId],
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// Settings and integrations.
pub trait SystemStore: Send + Sync {
    /// Stored settings of the account (`user: None`) or of one user.
    fn list_settings(
        &self,
        scope: &Scope,
        user: Option<UserId>,
    ) -> impl Future<Output = Result<Vec<StoredSetting>>> + Send;
    /// Stores a setting (the value already checked).
    fn put_setting(
        &self,
        scope: &Scope,
        user: Option<UserId>,
        key: &str,
        value: &serde_json::Value,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Removes a setting (back to its default); whether it was set.
    fn delete_setting(
        &self,
        scope: &Scope,
        user: Option<UserId>,
        key: &str,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The account's integrations (secrets masked).
    fn list_integrations(
        &self,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<Integration>>> + Send;
    /// Creates or changes the integration of a provider.
    fn put_integration(
        &self,
        scope: &Scope,
        record: &IntegrationRecord,
    ) -> impl Future<Output = Result<Integration>> + Send;
    /// Removes an integration; whether there was one.
    fn delete_integration(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// The sealed secret of a provider's integration, for the core to open.
    fn integration_secret(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Replaces the sealed secret `old` with `new` (the same secret sealed again after a key
    /// rotation); nothing changes if the stored value is no longer `old`.
    fn reseal_integration_secret(
        &self,
        scope: &Scope,
        provider: IntegrationProvider,
        old: &str,
        new: &str,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// Durable jobs.
pub trait JobStore: Send + Sync {
    /// Queues a job.
    fn enqueue_job(&self, scope: &Scope, job: &NewJob) -> impl Future<Output = Result<Job>> + Send;
    /// One job; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_job(&self, scope: &Scope, id: JobId) -> impl Future<Output = Result<Job>> + Send;
    /// The account's jobs, newest first.
    fn list_jobs(
        &self,
        scope: &Scope,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Job>>> + Send;
    /// Cancels a queued job, or asks a running one to stop.
    fn cancel_job(&self, scope: &Scope, id: JobId) -> impl Future<Output = Result<Job>> + Send;
    /// Takes the next due job of `kinds` (any account) for `worker` with a lease: a queued job,
    /// or a running one whose lease expired. Jobs out of attempts are failed instead.
    fn claim_job(
        &self,
        worker: &str,
        kinds: &[JobKind],
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<Option<Job>>> + Send;
    /// Takes job `id` for `worker` if it is due (queued, or its lease expired), like
    /// [`claim_job`](Self::claim_job).
    fn claim_job_id(
        &self,
        id: JobId,
        worker: &str,
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<Option<Job>>> + Send;
    /// Records progress and extends the lease; [`Error::LeaseLost`](crate::Error::LeaseLost)
    /// when the worker no longer holds the job. Returns whether a cancel was requested.
    fn report_progress(
        &self,
        id: JobId,
        worker: &str,
        progress: &Progress,
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// The jobs with these ids, of any account: for a process's event streams, which look at
    /// every job they follow in one query. Callers check access to each job first.
    fn jobs_by_id(&self, ids: &[JobId]) -> impl Future<Output = Result<Vec<Job>>> + Send;
    /// Extends the lease of a job the worker holds without touching its progress (the
    /// heartbeat of a worker busy in one long step);
    /// [`Error::LeaseLost`](crate::Error::LeaseLost) when the worker no longer holds the job.
    fn renew_lease(
        &self,
        id: JobId,
        worker: &str,
        lease: std::time::Duration,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Ends a run the worker holds.
    fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        outcome: &Outcome,
    ) -> impl Future<Output = Result<Job>> + Send;
}

/// A run to start: the rule, what started it, the time it stands for, and its job.
#[derive(Debug, Clone)]
pub struct RunStart<'a> {
    /// The rule.
    pub rule: &'a AutomationRule,
    /// What started it.
    pub trigger: RunTrigger,
    /// The schedule time it stands for.
    pub scheduled_for: chrono::DateTime<chrono::Utc>,
    /// For a scheduled run: the rule's `next_run_at` as read (the start happens only if it is
    /// unchanged) and the one to set.
    pub advance: Option<(
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
    )>,
    /// Its job.
    pub job: &'a NewJob,
}

/// Automation rules and their runs.
pub trait AutomationStore: Send + Sync {
    /// Creates a rule from validated settings, first due at `next_run_at` (`None`: paused).
    fn create_rule(
        &self,
        scope: &Scope,
        settings: &RuleSettings,
        next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> impl Future<Output = Result<AutomationRule>> + Send;
    /// One rule; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_rule(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
    ) -> impl Future<Output = Result<AutomationRule>> + Send;
    /// The account's rules, oldest first.
    fn list_rules(
        &self,
        scope: &Scope,
        filter: &RuleFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AutomationRule>>> + Send;
    /// Replaces a rule's settings and its next scheduled time.
    fn update_rule(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        settings: &RuleSettings,
        next_run_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> impl Future<Output = Result<AutomationRule>> + Send;
    /// Deletes rules (and their run records; the jobs stay); how many.
    fn delete_rules(
        &self,
        scope: &Scope,
        ids: &[AutomationRuleId],
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Active rules of any account whose `next_run_at` has passed, earliest first.
    fn due_rules(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<AutomationRule>>> + Send;
    /// In one transaction: moves the rule's schedule on (when `advance` is given, only if it
    /// is unchanged), queues the run's job and records the run. `None` when another worker
    /// moved the schedule first.
    fn start_run(
        &self,
        scope: &Scope,
        start: &RunStart<'_>,
    ) -> impl Future<Output = Result<Option<AutomationRun>>> + Send;
    /// One run; [`NotFound`](crate::Error::NotFound) when it doesn't exist or lies
    /// outside the scope.
    fn get_run(
        &self,
        scope: &Scope,
        id: AutomationRunId,
    ) -> impl Future<Output = Result<AutomationRun>> + Send;
    /// The account's runs, newest first.
    fn list_runs(
        &self,
        scope: &Scope,
        filter: &RunFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AutomationRun>>> + Send;
    /// Records the credits a run's stages were charged so far.
    fn set_run_credits(
        &self,
        scope: &Scope,
        id: AutomationRunId,
        credits: i64,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Credits charged to a rule's runs created since `since`.
    fn rule_credits_since(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
    /// Remembers the last publish slot given out.
    fn set_last_slot(
        &self,
        scope: &Scope,
        id: AutomationRuleId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// Sessions and API keys.
pub trait AuthStore: Send + Sync {
    /// Stores a new refresh token (its hash) of a session family.
    fn insert_refresh_token(
        &self,
        user: UserId,
        family: &str,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Rotates a current refresh token to `next_hash` (same family), atomically; a token
    /// rotated before revokes its family.
    fn rotate_refresh_token(
        &self,
        token_hash: &str,
        next_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Rotation>> + Send;
    /// Revokes the family of a token (sign-out).
    fn revoke_token_family(&self, token_hash: &str) -> impl Future<Output = Result<()>> + Send;
    /// Revokes every refresh token of a user.
    fn revoke_user_tokens(&self, user: UserId) -> impl Future<Output = Result<()>> + Send;
    /// Stores a new API key.
    fn create_api_key(
        &self,
        scope: &Scope,
        key: &ApiKeyRecord,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// The account's API keys.
    fn list_api_keys(
        &self,
        scope: &Scope,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<ApiKey>>> + Send;
    /// Revokes one of the account's API keys.
    fn revoke_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// One of the account's API keys.
    fn get_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// Renames an API key and/or changes when it expires (`Some(None)`: never).
    fn update_api_key(
        &self,
        scope: &Scope,
        id: ApiKeyId,
        name: Option<&str>,
        expires_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> impl Future<Output = Result<ApiKey>> + Send;
    /// An API key by the hash of its secret (any account), with what decides whether it
    /// still works: its creator's state and its account's status.
    fn find_api_key(
        &self,
        key_hash: &str,
    ) -> impl Future<Output = Result<Option<crate::tenancy::auth::ApiKeyHolder>>> + Send;
    /// A user with their account's status (none for operators without an account): what
    /// decides, at every request, whether their access token is still honoured.
    fn find_principal(
        &self,
        user: UserId,
    ) -> impl Future<
        Output = Result<Option<(crate::tenancy::User, Option<crate::tenancy::AccountStatus>)>>,
    > + Send;
    /// Records that an API key was used now.
    fn touch_api_key(&self, id: ApiKeyId) -> impl Future<Output = Result<()>> + Send;
}

/// Counters shared by every process (rate limits).
pub trait RateLimitStore: Send + Sync {
    /// Counts one hit in `bucket`'s fixed window of `window`; the hits in the window so far
    /// (this one included) and when the window ends.
    fn hit(
        &self,
        bucket: &str,
        window: std::time::Duration,
    ) -> impl Future<Output = Result<(u64, chrono::DateTime<chrono::Utc>)>> + Send;
    /// The failures counted against `key` and when the last one happened, if any.
    fn failures(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<(u64, chrono::DateTime<chrono::Utc>)>>> + Send;
    /// Counts a failure against `key` now; a count whose last failure is before `forget_before`
    /// starts again at one.
    fn record_failure(
        &self,
        key: &str,
        forget_before: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Forgets the failures counted against `key` (after a success).
    fn clear_failures(&self, key: &str) -> impl Future<Output = Result<()>> + Send;
    /// Deletes counters (rate-limit windows and failure counts) last touched before `before`;
    /// how many.
    fn prune_counters(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// Everything the services need from storage.
pub trait Store:
    TenancyStore
    + KeywordStore
    + ClusterStore
    + IdeaStore
    + WriterStore
    + ThinkerStore
    + SystemStore
    + CreditStore
    + JobStore
    + AutomationStore
    + AuthStore
    + RateLimitStore
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> Store for S where
    S: TenancyStore
        + KeywordStore
        + ClusterStore
        + IdeaStore
        + WriterStore
        + ThinkerStore
        + SystemStore
        + CreditStore
        + JobStore
        + AutomationStore
        + AuthStore
        + RateLimitStore
        + Clone
        + Send
        + Sync
        + 'static
{
}
