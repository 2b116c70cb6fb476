use igny8_core::Igny8;
use igny8_core::ai::*;
use igny8_core::system::{IntegrationConfig, IntegrationInput, IntegrationProvider};
use igny8_core::testing::fake_ai::{FakeAi, FakeReply};

use crate::support::tenant;

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
    let system = core.system();
    system
        .set_integration(
            &a.scope,
            IntegrationProvider::OpenAi,
            IntegrationInput {
                config: Some(IntegrationConfig {
                    base_url: Some(own.base_url()),
                    model: Some("account-model".into()),
                    ..IntegrationConfig::default()
                }),
                api_key: Some("account-key".into()),
                is_active: Some(true),
            },
        )
        .await
        .unwrap();

    own.push(
        "/v1/chat/completions",
        FakeReply::chat("from the account's provider"),
    );
    deployment.push(
        "/v1/chat/completions",
        FakeReply::chat("from the deployment's"),
    );
    let reply = core
        .text_provider(&a.scope)
        .await
        .unwrap()
        .chat(&hello())
        .await
        .unwrap();
    assert_eq!(reply.content, "from the account's provider");
    let reply = core
        .text_provider(&b.scope)
        .await
        .unwrap()
        .chat(&hello())
        .await
        .unwrap();
    assert_eq!(reply.content, "from the deployment's");
    let sent = &own.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer account-key"));
    assert_eq!(sent.body["model"], "account-model");
    let sent = &deployment.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer deployment-key"));
    assert_eq!(sent.body["model"], "deployment-model");

    // Switched off, the account's integration is not used.
    system
        .set_integration(
            &a.scope,
            IntegrationProvider::OpenAi,
            IntegrationInput {
                is_active: Some(false),
                ..IntegrationInput::default()
            },
        )
        .await
        .unwrap();
    deployment.push("/v1/chat/completions", FakeReply::chat("fallback"));
    let reply = core
        .text_provider(&a.scope)
        .await
        .unwrap()
        .chat(&hello())
        .await
        .unwrap();
    assert_eq!(reply.content, "fallback");

    // Images: an account's Runware integration wins over the deployment's OpenAI images.
    system
        .set_integration(
            &a.scope,
            IntegrationProvider::Runware,
            IntegrationInput {
                config: Some(IntegrationConfig {
                    base_url: Some(own.runware_url()),
                    ..IntegrationConfig::default()
                }),
                api_key: Some("runware-key".into()),
                is_active: Some(true),
            },
        )
        .await
        .unwrap();
    own.push(
        "/runware",
        FakeReply::runware_image("https://example.test/a.webp", 0.002),
    );
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    deployment.push("/v1/images/generations", FakeReply::openai_image(&png));
    let a_image = core
        .image_provider(&a.scope)
        .await
        .unwrap()
        .generate(&image())
        .await
        .unwrap();
    assert_eq!(
        a_image.image,
        ImageData::Url("https://example.test/a.webp".into())
    );
    assert_eq!(
        own.requests().last().unwrap().header("authorization"),
        Some("Bearer runware-key")
    );
    let b_image = core
        .image_provider(&b.scope)
        .await
        .unwrap()
        .generate(&image())
        .await
        .unwrap();
    assert_eq!(b_image.model, "gpt-image-1");
    assert!(matches!(b_image.image, ImageData::Bytes { .. }));
    assert_eq!(own.pending() + deployment.pending(), 0);
}
