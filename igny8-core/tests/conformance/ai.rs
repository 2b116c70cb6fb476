use igny8_core::Igny8;
use igny8_core::ai::*;
use igny8_core::system::{IntegrationConfig, IntegrationInput, IntegrationProvider};
use igny8_core::tenancy::Scope;
use igny8_core::testing::fake_ai::{FakeAi, FakeReply};

use crate::support::tenant;

const CHAT: &str = "/v1/chat/completions";

fn hello() -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user("hello")],
        ..ChatRequest::default()
    }
}

fn image() -> ImageRequest {
    ImageRequest {
        prompt: "a hose reel".into(),
        negative_prompt: None,
        width: 512,
        height: 512,
    }
}

/// Connects `provider` for the tenant at `base_url`, active, with `key` (and `model` when given).
async fn connect(
    core: &Igny8,
    scope: &Scope,
    provider: IntegrationProvider,
    base_url: String,
    model: Option<&str>,
    key: &str,
) {
    let input = IntegrationInput {
        config: Some(IntegrationConfig {
            base_url: Some(base_url),
            model: model.map(str::to_owned),
            ..IntegrationConfig::default()
        }),
        api_key: Some(key.into()),
        is_active: Some(true),
    };
    core.system()
        .set_integration(scope, provider, input)
        .await
        .unwrap();
}

/// What the tenant's text model answers to "hello".
async fn ask(core: &Igny8, scope: &Scope) -> String {
    let provider = core.text_provider(scope).await.unwrap();
    provider.chat(&hello()).await.unwrap().content
}

/// An image from the tenant's image model.
async fn draw(core: &Igny8, scope: &Scope) -> ImageReply {
    let provider = core.image_provider(scope).await.unwrap();
    provider.generate(&image()).await.unwrap()
}

/// An account's own integration (base URL, model, key) wins over the deployment's provider;
/// an account without one, or with one switched off, uses the deployment's.
pub(crate) async fn accounts_use_their_own_providers_over_the_defaults(core: Igny8) {
    let deployment = FakeAi::start().await;
    let own = FakeAi::start().await;
    let core = core.with_ai(AiConfig {
        openai_base_url: deployment.base_url(),
        openai_api_key: Some("deployment-key".into()),
        openai_model: "deployment-model".into(),
        runware_base_url: deployment.runware_url(),
        ..AiConfig::default()
    });
    let a = tenant(&core, "Own provider", 0).await;
    let b = tenant(&core, "Default provider", 0).await;
    connect(
        &core,
        &a.scope,
        IntegrationProvider::OpenAi,
        own.base_url(),
        Some("account-model"),
        "account-key",
    )
    .await;

    own.push(CHAT, FakeReply::chat("from the account's provider"));
    deployment.push(CHAT, FakeReply::chat("from the deployment's"));
    assert_eq!(ask(&core, &a.scope).await, "from the account's provider");
    assert_eq!(ask(&core, &b.scope).await, "from the deployment's");
    let sent = &own.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer account-key"));
    assert_eq!(sent.body["model"], "account-model");
    let sent = &deployment.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer deployment-key"));
    assert_eq!(sent.body["model"], "deployment-model");

    // Switched off, the account's integration is not used.
    let off = IntegrationInput {
        is_active: Some(false),
        ..IntegrationInput::default()
    };
    core.system()
        .set_integration(&a.scope, IntegrationProvider::OpenAi, off)
        .await
        .unwrap();
    deployment.push(CHAT, FakeReply::chat("fallback"));
    assert_eq!(ask(&core, &a.scope).await, "fallback");

    // Images: an account's Runware integration wins over the deployment's OpenAI images.
    connect(
        &core,
        &a.scope,
        IntegrationProvider::Runware,
        own.runware_url(),
        None,
        "runware-key",
    )
    .await;
    own.push(
        "/runware",
        FakeReply::runware_image("https://example.test/a.webp", 0.002),
    );
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    deployment.push("/v1/images/generations", FakeReply::openai_image(&png));
    let a_image = draw(&core, &a.scope).await;
    assert_eq!(
        a_image.image,
        ImageData::Url("https://example.test/a.webp".into())
    );
    assert_eq!(
        own.requests().last().unwrap().header("authorization"),
        Some("Bearer runware-key")
    );
    let b_image = draw(&core, &b.scope).await;
    assert_eq!(b_image.model, "gpt-image-1");
    assert!(matches!(b_image.image, ImageData::Bytes { .. }));
    assert_eq!(own.pending() + deployment.pending(), 0);
}
