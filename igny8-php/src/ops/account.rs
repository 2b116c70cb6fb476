//! Prompts, author profiles, settings, integrations and credits.

use igny8_core::ai::functions::default_prompt;
use igny8_core::credits::{LedgerEntry, TransactionFilter, TransactionKind, UsageFilter};
use igny8_core::system::{IntegrationConfig, IntegrationInput, IntegrationProvider, SettingLevel};
use igny8_core::thinker::{AuthorProfileInput, Prompt, PromptType, StrategyInput};
use igny8_core::{AuthorProfileId, SectorId, StrategyId};
use serde_json::{Map, Value, json};

use crate::context::Ctx;
use crate::error::Failure;
use crate::input::{ListQuery, ids, parse, patch, take};
use crate::output::{
    TRANSACTION_INTERNALS, many, one, one_without, page, page_without, usage_page,
};

type Out = Result<Value, Failure>;

fn prompt_type(text: &str) -> Result<PromptType, Failure> {
    text.parse()
        .map_err(|e: String| Failure::field("prompt_type", e))
}

/// A prompt type with its effective text.
fn prompt_row(t: PromptType, custom: Option<&Prompt>) -> Value {
    let default = default_prompt(t);
    json!({
        "id": custom.map(|p| p.id.get()),
        "prompt_type": t.as_str(),
        "prompt_value": custom.map_or(default, |p| p.template.as_str()),
        "is_custom": custom.is_some(),
        "default": default,
        "variables": t.variables(),
        "updated_at": custom.map(|p| p.updated_at),
    })
}

pub(crate) async fn prompts(c: &Ctx) -> Out {
    let custom = c.core.thinker().prompts(&c.account_scope()).await?;
    Ok(Value::Array(
        PromptType::ALL
            .iter()
            .map(|t| prompt_row(*t, custom.iter().find(|p| p.prompt_type == *t)))
            .collect(),
    ))
}

pub(crate) async fn set_prompt(c: &Ctx, t: &str, text: &str) -> Out {
    let t = prompt_type(t)?;
    let saved = c
        .core
        .thinker()
        .set_prompt(&c.account_scope(), t, text)
        .await?;
    one(&saved)
}

pub(crate) async fn reset_prompt(c: &Ctx, t: &str) -> Result<bool, Failure> {
    let t = prompt_type(t)?;
    Ok(c.core.thinker().reset_prompt(&c.account_scope(), t).await?)
}

pub(crate) async fn author_profiles(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    if let Some(key) = map.keys().next() {
        return Err(Failure::field(key, "is not a filter of author profiles"));
    }
    page(
        &c.core
            .thinker()
            .authors(&c.account_scope(), &q.page)
            .await?,
    )
}

pub(crate) async fn create_author_profile(c: &Ctx, map: Map<String, Value>) -> Out {
    let input: AuthorProfileInput = patch(map)?;
    one(&c
        .core
        .thinker()
        .create_author(&c.account_scope(), input)
        .await?)
}

pub(crate) async fn update_author_profile(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let input: AuthorProfileInput = patch(map)?;
    let id = AuthorProfileId(id);
    one(&c
        .core
        .thinker()
        .update_author(&c.account_scope(), id, input)
        .await?)
}

pub(crate) async fn delete_author_profiles(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<AuthorProfileId> = ids(ids_)?;
    Ok(c.core
        .thinker()
        .delete_authors(&c.account_scope(), &ids)
        .await?)
}

pub(crate) async fn strategies(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let sector: Option<i64> = take(&mut map, "sector_id")?;
    if let Some(key) = map.keys().next() {
        return Err(Failure::field(key, "is not a filter of strategies"));
    }
    page(
        &c.core
            .thinker()
            .strategies(&c.account_scope(), sector.map(SectorId), &q.page)
            .await?,
    )
}

pub(crate) async fn strategy(c: &Ctx, id: i64) -> Out {
    one(&c
        .core
        .thinker()
        .strategy(&c.account_scope(), StrategyId(id))
        .await?)
}

pub(crate) async fn create_strategy(c: &Ctx, map: Map<String, Value>) -> Out {
    let input: StrategyInput = patch(map)?;
    one(&c
        .core
        .thinker()
        .create_strategy(&c.account_scope(), input)
        .await?)
}

pub(crate) async fn update_strategy(c: &Ctx, id: i64, map: Map<String, Value>) -> Out {
    let input: StrategyInput = patch(map)?;
    one(&c
        .core
        .thinker()
        .update_strategy(&c.account_scope(), StrategyId(id), input)
        .await?)
}

pub(crate) async fn delete_strategies(c: &Ctx, ids_: Value) -> Result<u64, Failure> {
    let ids: Vec<StrategyId> = ids(ids_)?;
    Ok(c.core
        .thinker()
        .delete_strategies(&c.account_scope(), &ids)
        .await?)
}

pub(crate) async fn settings(c: &Ctx) -> Out {
    many(
        &c.core
            .system()
            .settings(&c.account_scope(), SettingLevel::Account)
            .await?,
    )
}

pub(crate) async fn set_setting(c: &Ctx, key: &str, value: Value) -> Out {
    one(&c
        .core
        .system()
        .set_setting(&c.account_scope(), key, &value)
        .await?)
}

pub(crate) async fn reset_setting(c: &Ctx, key: &str) -> Result<bool, Failure> {
    Ok(c.core
        .system()
        .reset_setting(&c.account_scope(), key)
        .await?)
}

fn provider(text: &str) -> Result<IntegrationProvider, Failure> {
    text.parse()
        .map_err(|e: String| Failure::field("provider", e))
}

pub(crate) async fn integrations(c: &Ctx) -> Out {
    many(&c.core.system().integrations(&c.account_scope()).await?)
}

/// `$config` flat (`api_key`, `is_active`, and the settings `model`, `base_url`…) or with the
/// settings under `config`, as the REST body.
pub(crate) async fn set_integration(c: &Ctx, p: &str, mut map: Map<String, Value>) -> Out {
    let provider = provider(p)?;
    let api_key = take::<String>(&mut map, "api_key")?;
    let is_active = take::<bool>(&mut map, "is_active")?;
    let config = match map.remove("config") {
        Some(Value::Object(config)) => Some(parse::<IntegrationConfig>(config)?),
        Some(Value::Null) | None if map.is_empty() => None,
        Some(Value::Null) | None => Some(parse::<IntegrationConfig>(map)?),
        Some(_) => return Err(Failure::field("config", "must be an array")),
    };
    let input = IntegrationInput {
        config,
        api_key,
        is_active,
    };
    one(&c
        .core
        .system()
        .set_integration(&c.account_scope(), provider, input)
        .await?)
}

/// "Test key": `['provider', 'model', 'ok', 'message']` (see `Igny8::check_provider`).
pub(crate) async fn test_integration(c: &Ctx, p: &str) -> Out {
    let check = c
        .core
        .check_provider(&c.account_scope(), provider(p)?)
        .await?;
    Ok(json!({
        "provider": check.provider.as_str(),
        "model": check.model,
        "ok": check.ok,
        "message": check.message,
    }))
}

pub(crate) async fn remove_integration(c: &Ctx, p: &str) -> Result<bool, Failure> {
    let provider = provider(p)?;
    Ok(c.core
        .system()
        .remove_integration(&c.account_scope(), provider)
        .await?)
}

pub(crate) async fn credits(c: &Ctx) -> Out {
    let scope = c.account_scope();
    let account = c.core.tenancy().account(&scope).await?;
    let balance = c.core.credits().balance(&scope).await?;
    Ok(json!({
        "balance": balance,
        "credits": balance,
        "plan_id": account.plan_id.get(),
    }))
}

pub(crate) async fn transactions(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let filter: TransactionFilter = parse(map)?;
    page_without(
        &c.core
            .credits()
            .transactions(&c.account_scope(), &filter, &q.page)
            .await?,
        TRANSACTION_INTERNALS,
    )
}

pub(crate) async fn usage(c: &Ctx, mut map: Map<String, Value>) -> Out {
    let q = ListQuery::take(&mut map)?;
    let filter: UsageFilter = parse(map)?;
    usage_page(
        &c.core
            .credits()
            .usage(&c.account_scope(), &filter, &q.page)
            .await?,
    )
}

pub(crate) async fn add_credits(c: &Ctx, amount: i64, note: &str) -> Out {
    if amount <= 0 {
        return Err(Failure::field(
            "amount",
            "must be a positive number of credits",
        ));
    }
    let entry = LedgerEntry {
        kind: TransactionKind::Purchase,
        amount,
        reason: note.to_owned(),
        reference: None,
        idempotency_key: None,
    };
    one_without(
        &c.core.credits().post(&c.account_scope(), entry).await?,
        TRANSACTION_INTERNALS,
    )
}
