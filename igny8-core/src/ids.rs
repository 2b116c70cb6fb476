//! Typed identifiers: a keyword's id can't be passed where a cluster's is expected.

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident => $entity:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The entity's name, as used in error messages (`keyword 7 not found`).
            pub const ENTITY: &'static str = $entity;

            /// The raw database id.
            pub fn get(self) -> i64 {
                self.0
            }

            /// The error for this id when it does not exist in the caller's scope.
            pub fn not_found(self) -> crate::Error {
                crate::Error::NotFound { entity: Self::ENTITY, id: self.0 }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl crate::store::sql::db::FromColumn for $name {
            fn read(row: &crate::store::sql::db::DbRow<'_>, name: &str) -> crate::Result<Self> {
                row.get(name).map(Self)
            }
        }

        impl crate::store::sql::db::FromColumn for Option<$name> {
            fn read(row: &crate::store::sql::db::DbRow<'_>, name: &str) -> crate::Result<Self> {
                Ok(row.get::<Option<i64>>(name)?.map($name))
            }
        }

        impl crate::store::sql::list::FilterValue for $name {
            fn value(self) -> sea_query::Value {
                self.0.into()
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }
    )*};
}

id_types! {
    /// A plan's id.
    PlanId => "plan";
    /// An account's (tenant's) id.
    AccountId => "account";
    /// A user's id.
    UserId => "user";
    /// A site's id.
    SiteId => "site";
    /// A sector's id.
    SectorId => "sector";
    /// A keyword's id.
    KeywordId => "keyword";
    /// A cluster's id.
    ClusterId => "cluster";
    /// A content idea's id.
    IdeaId => "idea";
    /// A writer task's id.
    TaskId => "task";
    /// A content's id.
    ContentId => "content";
    /// An image's id.
    ImageId => "image";
    /// A prompt override's id.
    PromptId => "prompt";
    /// An author profile's id.
    AuthorProfileId => "author_profile";
    /// A strategy's id.
    StrategyId => "strategy";
    /// A setting's id.
    SettingId => "setting";
    /// An integration's id.
    IntegrationId => "integration";
    /// A credit transaction's id.
    TransactionId => "transaction";
    /// A credit reservation's id.
    ReservationId => "reservation";
    /// A usage log entry's id.
    UsageId => "usage";
    /// A job's id.
    JobId => "job";
    /// A file kept for a background job (a large keyword import).
    UploadId => "upload";
    /// A synced WordPress object of a site's link inventory.
    LinkPageId => "link page";
    /// An automation rule's id.
    AutomationRuleId => "automation_rule";
    /// An automation run's id.
    AutomationRunId => "automation_run";
    /// An API key's id (never its secret, which is only ever stored as a hash).
    ApiKeyId => "api_key";
}
