//! The operations of `/api/v1/`, grouped by module.

pub mod ai;
pub mod auth;
pub mod automation;
pub mod billing;
pub mod dashboard;
pub mod health;
pub mod operator;
pub mod planner;
pub mod publish;
pub mod system;
pub mod tenancy;
pub mod thinker;
pub mod writer;

use poem_openapi::{OpenApiService, Tags};

/// Modules of the API, as documentation groups.
#[derive(Tags)]
pub enum Tag {
    /// Sign-up, sign-in, users, sites, sectors, API keys.
    Auth,
    /// Keywords, clusters, ideas.
    Planner,
    /// Tasks, content, images.
    Writer,
    /// Prompts, author profiles, strategies.
    Thinker,
    /// Settings, integrations, jobs.
    System,
    /// Credits, transactions, usage.
    Billing,
    /// Platform operators: accounts, plans, credit adjustments.
    Operator,
    /// Automation rules and runs.
    Automation,
    /// Liveness and readiness.
    Health,
    /// Operations that call an AI model: each counts against the per-minute AI rate limit
    /// (besides its module's tag) and spends credits.
    #[oai(rename = "AI")]
    Ai,
}

/// Lists every operation group once: the [`Api`] type and the value [`service`] serves.
macro_rules! operations {
    ($($group:ident::$api:ident),* $(,)?) => {
        /// Every operation.
        pub type Api = ($($group::$api,)*);

        fn operations() -> Api {
            ($($group::$api,)*)
        }
    };
}

operations!(
    health::HealthApi,
    auth::AuthApi,
    tenancy::TenancyApi,
    planner::PlannerApi,
    writer::WriterApi,
    thinker::ThinkerApi,
    system::SystemApi,
    billing::BillingApi,
    operator::OperatorApi,
    ai::AiApi,
    publish::PublishApi,
    dashboard::DashboardApi,
    automation::AutomationApi,
);

/// The OpenAPI service of `/api/v1/`.
pub fn service() -> OpenApiService<Api, ()> {
    OpenApiService::new(
        operations(),
        "IGNY8 API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "SEO keyword planning and AI content generation. Every response is the envelope \
         `{success, data, message, errors, request_id}`; lists answer `data: {count, next, previous, results}`. \
         Authenticate with `Authorization: Bearer <access token>` (from `auth/login/`) or \
         `Authorization: Api-Key <key>`.",
    )
    .server("/api/v1")
}
