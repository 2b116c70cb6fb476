use igny8_core::Igny8;
use igny8_core::ai::*;
use igny8_core::outbound::OutboundConfig;
use igny8_core::store::SystemStore as _;
use igny8_core::system::IntegrationRecord;
use igny8_core::system::{IntegrationConfig, IntegrationInput, IntegrationProvider};
use igny8_core::tenancy::Scope;
use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
use igny8_core::{Error, ErrorCode};

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
    // The fakes listen on loopback: this deployment allows private targets.
    let core = core.with_outbound(OutboundConfig {
        allow_private: true,
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

/// Someone who entered only an OpenAI key (the text integration) gets OpenAI images with it:
/// the same key and base URL, the deployment's image model (not the chat model). An
/// `openai_images` integration of its own still wins, and another account is not affected.
pub(crate) async fn an_openai_text_key_serves_openai_images_too(core: Igny8) {
    let deployment = FakeAi::start().await;
    let own = FakeAi::start().await;
    let core = core
        .with_ai(AiConfig {
            openai_base_url: deployment.base_url(),
            openai_api_key: None,
            ..AiConfig::default()
        })
        .with_outbound(OutboundConfig {
            allow_private: true,
        });
    let a = tenant(&core, "Text key only", 0).await;
    let b = tenant(&core, "No key", 0).await;
    connect(
        &core,
        &a.scope,
        IntegrationProvider::OpenAi,
        own.base_url(),
        Some("gpt-4o-mini"),
        "sk-text-only",
    )
    .await;
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    own.push("/v1/images/generations", FakeReply::openai_image(&png));
    let drawn = draw(&core, &a.scope).await;
    assert!(matches!(drawn.image, ImageData::Bytes { .. }));
    let sent = own.requests().pop().unwrap();
    assert_eq!(sent.path, "/v1/images/generations");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-text-only"));
    assert_eq!(
        sent.body["model"], "gpt-image-1",
        "the image model, not the chat model"
    );
    assert!(deployment.requests().is_empty());

    // An account with no key at all: images go to the deployment's endpoint as before.
    deployment.push("/v1/images/generations", FakeReply::openai_image(&png));
    draw(&core, &b.scope).await;
    assert_eq!(deployment.requests()[0].header("authorization"), None);

    // The account's own OpenAI images integration wins over its text key.
    connect(
        &core,
        &a.scope,
        IntegrationProvider::OpenAiImages,
        own.base_url(),
        None,
        "sk-images",
    )
    .await;
    own.push("/v1/images/generations", FakeReply::openai_image(&png));
    draw(&core, &a.scope).await;
    assert_eq!(
        own.requests().pop().unwrap().header("authorization"),
        Some("Bearer sk-images")
    );
    assert_eq!(own.pending() + deployment.pending(), 0);
}

/// "Test key": each provider is checked with a call that makes nothing (OpenAI's model list,
/// Runware's authentication task), with the account's key; the verdict says in words what
/// to fix. Only account-wide admins may run it.
pub(crate) async fn checking_a_key_costs_nothing_and_says_what_to_fix(core: Igny8) {
    let own = FakeAi::start().await;
    let core = core
        .with_ai(AiConfig {
            openai_base_url: own.base_url(),
            runware_base_url: own.runware_url(),
            ..AiConfig::default()
        })
        .with_outbound(OutboundConfig {
            allow_private: true,
        });
    let t = tenant(&core, "Checks keys", 0).await;
    connect(
        &core,
        &t.scope,
        IntegrationProvider::OpenAi,
        own.base_url(),
        None,
        "sk-good",
    )
    .await;
    own.push(
        "/v1/models",
        FakeReply::json(200, serde_json::json!({"object": "list", "data": []})),
    );
    let good = core
        .check_provider(&t.scope, IntegrationProvider::OpenAi)
        .await
        .unwrap();
    assert!(good.ok, "{good:?}");
    assert_eq!(good.message, "The key works: OpenAI answered.");
    let sent = own.requests().pop().unwrap();
    assert_eq!(sent.path, "/v1/models", "no completion is bought");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-good"));

    // A refused key: 401, in words, with the fix; not retried.
    own.push(
        "/v1/models",
        FakeReply::json(
            401,
            serde_json::json!({"error": {"message": "Incorrect API key provided.", "code": "invalid_api_key"}}),
        ),
    );
    let before = own.requests().len();
    let bad = core
        .check_provider(&t.scope, IntegrationProvider::OpenAiImages)
        .await
        .unwrap();
    assert!(!bad.ok);
    assert_eq!(own.requests().len(), before + 1, "checked once");
    assert!(
        bad.message
            .starts_with("OpenAI refused the key (Incorrect API key provided.)"),
        "{}",
        bad.message
    );
    assert!(bad.message.contains("save it again"), "{}", bad.message);

    // Runware: the authentication task alone, with the deployment's URL and the account's key.
    connect(
        &core,
        &t.scope,
        IntegrationProvider::Runware,
        own.runware_url(),
        None,
        "rw-key",
    )
    .await;
    own.push(
        "/runware",
        FakeReply::json(
            200,
            serde_json::json!({"data": [{"taskType": "authentication", "connectionSessionUUID": "x"}]}),
        ),
    );
    let runware = core
        .check_provider(&t.scope, IntegrationProvider::Runware)
        .await
        .unwrap();
    assert!(runware.ok, "{runware:?}");
    let sent = own.requests().pop().unwrap();
    assert_eq!(sent.body[0]["taskType"], "authentication");
    assert_eq!(sent.body.as_array().unwrap().len(), 1, "no image task");

    // Nothing listening at the base URL: said as such.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    connect(
        &core,
        &t.scope,
        IntegrationProvider::OpenAi,
        dead,
        None,
        "sk-good",
    )
    .await;
    let down = core
        .check_provider(&t.scope, IntegrationProvider::OpenAi)
        .await
        .unwrap();
    assert!(!down.ok);
    assert!(
        down.message
            .starts_with("OpenAI could not be reached at its base URL."),
        "{}",
        down.message
    );

    // A viewer may not call out with the account's keys.
    let viewer = Scope::user(
        t.scope.account(),
        igny8_core::UserId(1),
        igny8_core::tenancy::Role::Viewer,
    );
    let refused = core
        .check_provider(&viewer, IntegrationProvider::OpenAi)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(own.pending(), 0);
}

/// A name other than `localhost` that this machine resolves to a loopback or private address
/// (its own host name, from `/etc/hosts`): the guard must look it up to refuse it.
fn a_local_host_name() -> String {
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    hosts
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let ip: std::net::IpAddr = parts.next()?.parse().ok()?;
            igny8_core::outbound::is_private(ip).then_some(parts.collect::<Vec<_>>())
        })
        .flatten()
        .find(|name| !name.contains("localhost") && !name.starts_with("ip6-"))
        .map(str::to_owned)
        .expect("/etc/hosts names this machine with a private address")
}

/// The deployment's provider key only ever goes to the deployment's own URL: an account's own
/// base URL needs the account's own key (when saved, and again when called), and an account's
/// URL may not point into the deployment's network unless the operator allows it.
pub(crate) async fn the_deployment_key_never_reaches_an_account_url(core: Igny8) {
    let deployment = FakeAi::start().await;
    let catcher = FakeAi::start().await;
    let core = core.with_ai(AiConfig {
        openai_base_url: deployment.base_url(),
        openai_api_key: Some("sk-deployment-secret".into()),
        runware_base_url: deployment.runware_url(),
        runware_api_key: Some("rw-deployment-secret".into()),
        ..AiConfig::default()
    });
    let open = core.clone().with_outbound(OutboundConfig {
        allow_private: true,
    });
    let t = tenant(&open, "Attacker", 0).await;

    // Saving a base URL of one's own without a key is refused, naming the field.
    for provider in [
        IntegrationProvider::OpenAi,
        IntegrationProvider::OpenAiImages,
        IntegrationProvider::Runware,
    ] {
        let err = open
            .system()
            .set_integration(
                &t.scope,
                provider,
                IntegrationInput {
                    config: Some(IntegrationConfig {
                        base_url: Some(catcher.base_url()),
                        ..IntegrationConfig::default()
                    }),
                    api_key: None,
                    is_active: Some(true),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { errors, .. } if errors[0].field == "api_key"),
            "{provider}: {err}"
        );
    }
    assert!(
        open.system()
            .integrations(&t.scope)
            .await
            .unwrap()
            .is_empty()
    );
    // With a key, then the key removed: refused too.
    connect(
        &open,
        &t.scope,
        IntegrationProvider::OpenAi,
        catcher.base_url(),
        None,
        "sk-own",
    )
    .await;
    let err = open
        .system()
        .set_integration(
            &t.scope,
            IntegrationProvider::OpenAi,
            IntegrationInput {
                api_key: Some(String::new()),
                ..IntegrationInput::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");

    // A row without a key (written before this rule, or by hand) is refused when called,
    // before anything is sent.
    for provider in [IntegrationProvider::OpenAi, IntegrationProvider::Runware] {
        open.store()
            .put_integration(
                &t.scope,
                &IntegrationRecord {
                    provider,
                    config: Some(IntegrationConfig {
                        base_url: Some(if provider == IntegrationProvider::Runware {
                            catcher.runware_url()
                        } else {
                            catcher.base_url()
                        }),
                        ..IntegrationConfig::default()
                    }),
                    secret: Some(None),
                    is_active: Some(true),
                },
            )
            .await
            .unwrap();
    }
    let err = open.text_provider(&t.scope).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotConfigured, "{err}");
    assert!(err.to_string().contains("key of its own"), "{err}");
    let err = open.image_provider(&t.scope).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotConfigured, "{err}");
    assert!(
        catcher.requests().is_empty(),
        "nothing reached the account's URL"
    );

    // A redirect from the account's provider to the deployment's is not followed.
    connect(
        &open,
        &t.scope,
        IntegrationProvider::OpenAi,
        catcher.base_url(),
        None,
        "sk-own",
    )
    .await;
    catcher.push(
        CHAT,
        FakeReply::status(307).header(
            "location",
            &format!("{}/chat/completions", deployment.base_url()),
        ),
    );
    let provider = open.text_provider(&t.scope).await.unwrap();
    let err = provider.chat(&hello()).await.unwrap_err();
    assert!(err.to_string().contains("redirect"), "{err}");
    assert!(
        deployment.requests().is_empty(),
        "the redirect was not followed"
    );
    for sent in catcher.requests() {
        let text = format!("{:?} {}", sent.header("authorization"), sent.body);
        assert!(!text.contains("deployment-secret"), "{text}");
    }

    // Without the operator's permission, an account's URL may not point into the
    // deployment's network: not as an address, not as `localhost`, not as a name that
    // resolves to one (checked when it is saved where it can be, and when it is called).
    let guarded = core.with_outbound(OutboundConfig::default());
    let port = catcher.addr().port();
    for url in [
        format!("http://127.0.0.1:{port}/v1"),
        format!("http://localhost:{port}/v1"),
        format!("http://[::ffff:127.0.0.1]:{port}/v1"),
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let err = guarded
            .system()
            .set_integration(
                &t.scope,
                IntegrationProvider::OpenAi,
                IntegrationInput {
                    config: Some(IntegrationConfig {
                        base_url: Some(url.clone()),
                        ..IntegrationConfig::default()
                    }),
                    api_key: Some("sk-own".into()),
                    is_active: Some(true),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{url}: {err}");
        assert!(
            err.to_string().contains("IGNY8_ALLOW_PRIVATE_TARGETS"),
            "{err}"
        );
    }
    // The row saved above (allowed then) points at loopback: refused when called.
    let err = guarded.text_provider(&t.scope).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    // A host name is saved (no lookup then) but refused when its address is seen.
    let name = a_local_host_name();
    connect(
        &guarded,
        &t.scope,
        IntegrationProvider::OpenAi,
        format!("http://{name}:{port}/v1"),
        None,
        "sk-own",
    )
    .await;
    let before = catcher.requests().len();
    let provider = guarded.text_provider(&t.scope).await.unwrap();
    let err = provider.chat(&hello()).await.unwrap_err();
    assert!(
        err.to_string().contains("private or local address"),
        "{name}: {err}"
    );
    assert_eq!(igny8_core::Error::from(err).code(), ErrorCode::Forbidden);
    assert_eq!(
        catcher.requests().len(),
        before,
        "nothing was sent to {name}"
    );
}

/// A stored key opens only in its own row: copied into another account's row it fails with a
/// message that names neither the key nor the sealed value. After a key rotation (the old key
/// configured as the previous one) it still opens, and is written back sealed with the new
/// key, which then opens it alone.
pub(crate) async fn stored_keys_are_bound_to_their_row_and_survive_rotation(core: Igny8) {
    use igny8_core::crypto::SecretBox;
    let (key_a, key_b) = (SecretBox::generate_key(), SecretBox::generate_key());
    let old = core
        .clone()
        .with_secrets(SecretBox::from_base64(&key_a).unwrap());
    let (a, b) = (
        tenant(&old, "Bound A", 0).await,
        tenant(&old, "Bound B", 0).await,
    );
    let provider = IntegrationProvider::OpenAi;
    let secret = "sk-bound-0123456789abcdef";
    let input = IntegrationInput {
        api_key: Some(secret.into()),
        ..IntegrationInput::default()
    };
    old.system()
        .set_integration(&a.scope, provider, input)
        .await
        .unwrap();
    let sealed = old
        .store()
        .integration_secret(&a.scope, provider)
        .await
        .unwrap()
        .expect("stored");
    assert!(
        sealed.starts_with("v2:") && !sealed.contains(secret),
        "{sealed}"
    );

    // Copied into another account's row, it does not open.
    let copy = IntegrationRecord {
        provider,
        config: None,
        secret: Some(Some((sealed.clone(), "••••cdef".into()))),
        is_active: Some(true),
    };
    old.store().put_integration(&b.scope, &copy).await.unwrap();
    let err = old
        .system()
        .integration_key(&b.scope, provider)
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("sealed for another record"), "{message}");
    assert!(
        !message.contains(secret) && !message.contains(&sealed),
        "{message}"
    );
    // Nor under another provider of the same account.
    let moved = IntegrationRecord {
        provider: IntegrationProvider::Runware,
        ..copy
    };
    old.store().put_integration(&a.scope, &moved).await.unwrap();
    assert!(
        old.system()
            .integration_key(&a.scope, IntegrationProvider::Runware)
            .await
            .is_err()
    );

    // Rotation: current B, previous A. The read works and writes back a value B alone opens.
    let rotated = core.clone().with_secrets(
        SecretBox::from_base64(&key_b)
            .unwrap()
            .with_previous_base64(&key_a)
            .unwrap(),
    );
    let read = rotated.system().integration_key(&a.scope, provider).await;
    assert_eq!(read.unwrap().as_deref(), Some(secret));
    let stored = rotated
        .store()
        .integration_secret(&a.scope, provider)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored, sealed, "re-sealed on read");
    let only_b = core
        .clone()
        .with_secrets(SecretBox::from_base64(&key_b).unwrap());
    let read = only_b.system().integration_key(&a.scope, provider).await;
    assert_eq!(read.unwrap().as_deref(), Some(secret));
    assert!(
        old.system()
            .integration_key(&a.scope, provider)
            .await
            .is_err()
    );
}
