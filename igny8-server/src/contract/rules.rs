//! What the core checks, field by field, as the document declares it. The numbers are the
//! core's constants where it exports one; the others repeat the core's literal, next to the
//! field whose rule they describe.

use igny8_core::ai::functions::{MAX_BATCH, MAX_IDEAS, MAX_IN_ARTICLE};
use igny8_core::automation::{MAX_ITEMS_PER_RUN, MAX_KEYWORDS_PER_RUN, MAX_SLOTS};
use igny8_core::planner::MAX_KEYWORD_LEN;
use igny8_core::tenancy::{MAX_PASSWORD_LEN, MIN_PASSWORD_LEN};
use igny8_core::writer::{MAX_HTML_BYTES, MAX_WORD_COUNT, MIN_WORD_COUNT};

use super::IDS;
use super::Rule::{self, *};

/// The core keeps amounts below a quarter of `i64::MAX`, so sums can't overflow.
const MAX_AMOUNT: i64 = i64::MAX / 4;

/// An image size `WIDTHxHEIGHT`, 64–4096 pixels a side (as Rust's integer parsing reads
/// them: an optional `+`, leading zeros).
pub(crate) const SIZE: &str = r"^\+?0*(?:6[4-9]|[7-9][0-9]|[1-9][0-9]{2}|[1-3][0-9]{3}|40[0-8][0-9]|409[0-6])x\+?0*(?:6[4-9]|[7-9][0-9]|[1-9][0-9]{2}|[1-3][0-9]{3}|40[0-8][0-9]|409[0-6])$";

/// An http(s) URL as `Check::url` takes it (empty for none).
const URL: &str = concat!(
    r"^[",
    ws!(),
    r"]*(?:[Hh][Tt][Tt][Pp][Ss]?://[^/",
    ws!(),
    r"][^",
    ws!(),
    r"]*[",
    ws!(),
    r"]*)?$"
);

/// A required http(s) URL.
const REQUIRED_URL: &str = concat!(
    r"^[",
    ws!(),
    r"]*[Hh][Tt][Tt][Pp][Ss]?://[^/",
    ws!(),
    r"][^",
    ws!(),
    r"]*[",
    ws!(),
    r"]*$"
);

/// A keyword: not blank, no control characters other than whitespace.
const KEYWORD: &str = r"^[^\x00-\x08\x0E-\x1F\x7F-\x84\x86-\x9F]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00-\x08\x0E-\x1F\x7F-\x84\x86-\x9F]*$";

/// An email address as the core reads it: something before one `@`, a domain with a dot
/// inside it, no whitespace (around it is trimmed).
const EMAIL: &str = concat!(
    r"^[",
    ws!(),
    r"]*[^@",
    ws!(),
    r"]+@[^@.",
    ws!(),
    r"][^@",
    ws!(),
    r"]*\.[^@",
    ws!(),
    r"]*[^@.",
    ws!(),
    r"][",
    ws!(),
    r"]*$"
);

/// The languages local clustering stems (`Language::from_code`: case-insensitive, a region
/// after `-` or `_` ignored).
const LANGUAGE: &str = concat!(
    r"^[",
    ws!(),
    r"]*(?:[Ee][Nn]|[Ee][Ss]|[Ff][Rr]|[Dd][Ee]|[Pp][Tt]|[Ii][Tt]|[Nn][Ll]|[Ss][Vv]|[Dd][Aa]|[Nn][OoBbNn]|[Rr][Uu])(?:[-_][\s\S]*|[",
    ws!(),
    r"]*)$"
);

/// `ids=1,2,3` in a list's query: integers separated by commas (blank for none).
const ID_LIST: &str = concat!(
    r"^[",
    ws!(),
    r"]*(?:[+-]?0*[0-9]{1,18}[",
    ws!(),
    r"]*(?:,[",
    ws!(),
    r"]*[+-]?0*[0-9]{1,18}[",
    ws!(),
    r"]*)*)?$"
);

/// An automation rule's cluster mode, `ai` or `local` (trimmed, any case).
const CLUSTER_MODE: &str = concat!(
    r"^[",
    ws!(),
    r"]*(?:[Aa][Ii]|[Ll][Oo][Cc][Aa][Ll])[",
    ws!(),
    r"]*$"
);

/// A plan's short name.
const SLUG: &str = concat!(r"^[", ws!(), r"]*[a-zA-Z0-9_-]{1,64}[", ws!(), r"]*$");

/// A WordPress post URL: http(s).
const POST_URL: &str = r"^https?://";

/// An image's URL: http(s), or blank for none.
const IMAGE_URL: &str = concat!(r"^(?:[", ws!(), r"]*|[", ws!(), r"]*https?://[\s\S]*)$");

const NAME: Rule = Line(255);
const TITLE: Rule = PlainLine(500);
const KEYWORD_LIST: [Rule; 2] = [Items(0, 200), EachLine(MAX_KEYWORD_LEN)];

/// `(schemas, property, rules)`: every schema named gets the rules on that property.
pub const FIELDS: &[(&[&str], &str, &[Rule])] = &[
    // Bulk operations.
    (
        &[
            "Ids",
            "ActiveBulkUpdate",
            "ClusterBulkUpdate",
            "ContentBulkUpdate",
            "IdeaBulkUpdate",
            "ImageBulkUpdate",
            "KeywordBulkUpdate",
            "SectorBulkUpdate",
            "SiteBulkUpdate",
            "TaskBulkUpdate",
            "UserBulkUpdate",
            "QueueIdeas",
            "PublishMany",
            "GenerateContentRequest",
            "GenerateIdeasRequest",
            "GenerateImagePromptsRequest",
            "GenerateImagesRequest",
        ],
        "ids",
        &[IDS],
    ),
    (
        &["AutoClusterRequest", "EstimateRequest"],
        "ids",
        &[Items(0, igny8_core::planner::MAX_BULK_IDS)],
    ),
    // Accounts, users, sign-in.
    (
        &["Register", "NewUser", "Login"],
        "email",
        &[Text(254), Pattern(EMAIL)],
    ),
    (
        &["Register", "NewUser"],
        "password",
        &[Length(MIN_PASSWORD_LEN, MAX_PASSWORD_LEN)],
    ),
    (
        &["PasswordChange"],
        "new_password",
        &[Length(MIN_PASSWORD_LEN, MAX_PASSWORD_LEN)],
    ),
    (&["Register"], "account_name", &[NAME]),
    (&["Register", "NewUser", "UserPatch"], "name", &[NAME]),
    (&["AccountPatch"], "name", &[NAME]),
    (&["PlanInput"], "slug", &[Pattern(SLUG)]),
    (&["PlanInput"], "name", &[NAME]),
    (&["PlanInput"], "monthly_credits", &[Range(0, MAX_AMOUNT)]),
    (&["PlanLimits"], "max_sites", &[AtLeast(0)]),
    (&["PlanLimits"], "max_sectors_per_site", &[AtLeast(0)]),
    (&["PlanLimits"], "max_users", &[AtLeast(0)]),
    (&["PlanLimits"], "max_keywords", &[AtLeast(0)]),
    (&["NewApiKey", "ApiKeyPatch"], "name", &[NAME]),
    (
        &["CreditAdjustment"],
        "amount",
        &[Range(-MAX_AMOUNT, MAX_AMOUNT)],
    ),
    (&["CreditAdjustment"], "reason", &[NAME]),
    (&["CreditAdjustment"], "idempotency_key", &[Line(191)]),
    // Sites and sectors.
    (
        &[
            "NewSite",
            "SitePatch",
            "NewSector",
            "SectorPatch",
            "ConnectSite",
        ],
        "name",
        &[NAME],
    ),
    (
        &["NewSite", "SitePatch", "ConnectSite"],
        "url",
        &[Text(2048), Pattern(URL)],
    ),
    (
        &["NewSite", "SitePatch", "SiteBulkUpdate"],
        "industry",
        &[Text(255)],
    ),
    (
        &["NewSector", "SectorPatch"],
        "description",
        &[Text(10_000)],
    ),
    (
        &["WordPressConnect"],
        "url",
        &[Text(2048), Pattern(REQUIRED_URL)],
    ),
    (&["WordPressConnect"], "username", &[NAME]),
    (&["WordPressConnect"], "application_password", &[Line(255)]),
    // Keywords.
    (
        &["NewKeyword", "KeywordPatch"],
        "keyword",
        &[Text(MAX_KEYWORD_LEN), Pattern(KEYWORD)],
    ),
    (
        &["NewKeyword", "KeywordPatch", "KeywordBulkUpdate"],
        "volume",
        &[AtLeast(0)],
    ),
    (
        &["NewKeyword", "KeywordPatch", "KeywordBulkUpdate"],
        "difficulty",
        &[Range(0, 100)],
    ),
    (
        &["NewKeyword", "KeywordPatch", "KeywordBulkUpdate"],
        "cpc",
        &[NonNegative],
    ),
    (
        &["KeywordPatch", "KeywordBulkUpdate"],
        "status",
        &[OneOf(&["pending", "archived"])],
    ),
    (&["LocalClusterRequest"], "language", &[Pattern(LANGUAGE)]),
    (&["AutoClusterRequest"], "mode", &[OneOf(&["ai", "local"])]),
    (
        &["LocalClusterRequest", "AutoClusterRequest"],
        "min_cluster_size",
        &[Range(1, u32::MAX as i64)],
    ),
    // Clusters and ideas.
    (&["NewCluster", "ClusterPatch"], "name", &[NAME]),
    (
        &["NewCluster", "ClusterPatch", "ClusterBulkUpdate"],
        "description",
        &[Text(10_000)],
    ),
    (&["NewIdea", "IdeaPatch"], "title", &[TITLE]),
    (&["NewIdea", "IdeaPatch"], "description", &[Text(20_000)]),
    (&["NewIdea", "IdeaPatch"], "outline", &[Items(0, 100)]),
    (&["OutlineSection"], "heading", &[Line(500)]),
    (&["OutlineSection"], "notes", &[Text(10_000)]),
    (&["NewIdea", "IdeaPatch"], "target_keywords", &KEYWORD_LIST),
    (
        &["NewIdea", "IdeaPatch"],
        "estimated_word_count",
        &[Range(1, 100_000)],
    ),
    (
        &["QueueIdeas", "NewTask", "TaskPatch", "TaskBulkUpdate"],
        "target_word_count",
        &[Range(MIN_WORD_COUNT, MAX_WORD_COUNT)],
    ),
    // Tasks, content, images.
    (
        &["NewTask", "TaskPatch", "NewContent", "ContentPatch"],
        "title",
        &[TITLE],
    ),
    (&["NewTask", "TaskPatch"], "brief", &[Text(20_000)]),
    (&["NewTask", "TaskPatch"], "keywords", &KEYWORD_LIST),
    (
        &["NewContent", "ContentPatch"],
        "html",
        &[Text(MAX_HTML_BYTES)],
    ),
    (
        &["NewContent", "ContentPatch"],
        "meta_title",
        &[PlainText(300)],
    ),
    (
        &["NewContent", "ContentPatch"],
        "meta_description",
        &[PlainText(1000)],
    ),
    (
        &["NewContent", "ContentPatch"],
        "primary_keyword",
        &[Text(255)],
    ),
    (
        &["NewContent", "ContentPatch"],
        "secondary_keywords",
        &[Items(0, 100), EachLine(200)],
    ),
    (
        &["NewContent", "ContentPatch", "ContentBulkUpdate"],
        "tags",
        &[Items(0, 50), EachPlain(200)],
    ),
    (
        &["NewContent", "ContentPatch", "ContentBulkUpdate"],
        "categories",
        &[Items(0, 20), EachPlain(200)],
    ),
    (&["ContentPatch"], "wp_post_id", &[AtLeast(1)]),
    (
        &["ContentPatch"],
        "wp_url",
        &[Text(2000), Pattern(POST_URL)],
    ),
    (
        &["NewImage", "ImagePatch", "ImageTestRequest"],
        "prompt",
        &[Line(4000)],
    ),
    (
        &["NewImage", "ImagePatch", "ImageTestRequest"],
        "negative_prompt",
        &[Text(2000)],
    ),
    (&["NewImage", "ImagePatch"], "alt_text", &[PlainText(500)]),
    (&["NewImage", "ImagePatch"], "position", &[Range(0, 100)]),
    (
        &[
            "NewImage",
            "ImagePatch",
            "ImageBulkUpdate",
            "ImageTestRequest",
            "GenerateImagePromptsRequest",
        ],
        "size",
        &[Pattern(SIZE)],
    ),
    (&["ImagePatch"], "url", &[Text(2000), Pattern(IMAGE_URL)]),
    // Thinker.
    (&["PromptInput", "PromptPatch"], "template", &[Line(50_000)]),
    (&["AuthorProfileInput", "StrategyInput"], "name", &[NAME]),
    (&["AuthorProfileInput"], "description", &[Text(5000)]),
    (&["AuthorProfileInput"], "tone", &[Text(255)]),
    (&["AuthorProfileInput"], "language", &[Text(64)]),
    (&["AuthorProfileInput"], "style", &[Text(5000)]),
    (
        &["AuthorProfileInput"],
        "structure_template",
        &[Text(20_000)],
    ),
    (&["StrategyInput"], "guidance", &[Text(20_000)]),
    (
        &["StrategyInput"],
        "section_structure",
        &[Items(0, 50), EachLine(500)],
    ),
    // System.
    (
        &["IntegrationConfig"],
        "base_url",
        &[Text(2048), Pattern(URL)],
    ),
    (&["IntegrationConfig"], "model", &[Text(128)]),
    (&["IntegrationConfig"], "temperature", &[Between(0.0, 2.0)]),
    (&["IntegrationConfig"], "max_tokens", &[Range(1, 1_000_000)]),
    (&["IntegrationConfig"], "size", &[Pattern(SIZE)]),
    (
        &["IntegrationInput", "IntegrationPatch"],
        "api_key",
        &[Text(4096), Pattern(r"^[^\x00-\x1F\x7F-\x9F]*$")],
    ),
    // AI functions.
    (
        &["AutoClusterRequest"],
        "batch_size",
        &[Range(1, MAX_BATCH as i64)],
    ),
    (
        &["GenerateIdeasRequest"],
        "ideas_per_cluster",
        &[Range(1, MAX_IDEAS as i64)],
    ),
    (
        &["GenerateContentRequest"],
        "word_count",
        &[Range(MIN_WORD_COUNT, MAX_WORD_COUNT)],
    ),
    (
        &["GenerateImagePromptsRequest"],
        "in_article",
        &[Range(0, MAX_IN_ARTICLE as i64)],
    ),
    // Automation.
    (&["RuleInput"], "name", &[NAME]),
    (
        &["RuleInput"],
        "items_per_run",
        &[Range(1, MAX_ITEMS_PER_RUN)],
    ),
    (
        &["RuleInput"],
        "keywords_per_run",
        &[Range(1, MAX_KEYWORDS_PER_RUN)],
    ),
    (&["RuleInput"], "every_hours", &[Range(1, 24 * 31)]),
    (
        &["RuleInput"],
        "ideas_per_cluster",
        &[Range(1, MAX_IDEAS as i64)],
    ),
    (&["RuleInput"], "word_count", &[Range(100, 10_000)]),
    (&["RuleInput"], "cluster_mode", &[Pattern(CLUSTER_MODE)]),
    (&["RuleInput"], "stages", &[Items(1, 16)]),
    (&["RuleInput"], "budget_per_run", &[AtLeast(0)]),
    (&["RuleInput"], "budget_per_month", &[AtLeast(0)]),
    (&["RuleInput"], "publish_slots", &[Items(0, MAX_SLOTS)]),
];

/// `("METHOD /path/", parameter, rules)` for parameters of one operation.
pub const PARAMS: &[(&str, &str, &[Rule])] = &[
    (
        "GET /system/settings/",
        "level",
        &[OneOf(&["account", "user"])],
    ),
    ("GET /planner/keywords/", "ids", &[Pattern(ID_LIST)]),
    ("GET /planner/keywords/export/", "ids", &[Pattern(ID_LIST)]),
    ("GET /planner/clusters/", "ids", &[Pattern(ID_LIST)]),
    ("GET /planner/ideas/", "ids", &[Pattern(ID_LIST)]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use igny8_core::planner::clustering::Language;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn languages_are_the_ones_local_clustering_reads() {
        for code in [
            "en", "EN", "pt-BR", "en_US", " de ", "nb", "nn", "no", "ru", "sv", "da", "nl", "it",
            "fr", "es", "xx", "", "e", "eng", "english", "zz-en",
        ] {
            assert_eq!(
                matches(LANGUAGE, code),
                Language::from_code(code).is_some(),
                "{code:?}"
            );
        }
    }

    #[test]
    fn id_lists_and_sizes_read_as_the_server_reads_them() {
        for (text, ok) in [
            ("", true),
            (" ", true),
            ("1", true),
            ("1,2, 3", true),
            ("-4,+5", true),
            ("1,", false),
            ("a", false),
            ("1;2", false),
        ] {
            assert_eq!(matches(ID_LIST, text), ok, "{text:?}");
        }
        for (text, ok) in [
            ("1024x1024", true),
            ("64x4096", true),
            ("+0064x512", true),
            ("63x64", false),
            ("4097x64", false),
            ("1024X1024", false),
            ("1024x", false),
        ] {
            assert_eq!(matches(SIZE, text), ok, "{text:?}");
        }
    }
}
