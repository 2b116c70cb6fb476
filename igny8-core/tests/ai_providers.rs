//! The provider clients against a local fake provider speaking the OpenAI and Runware wire
//! formats over real HTTP: what is sent, retries and their limits, timeouts, and repair or
//! rejection of unusable model output.

use std::time::{Duration, Instant};

use igny8_core::ai::*;
use igny8_core::testing::fake_ai::{FakeAi, FakeReply};
use serde_json::{Value, json};

const CHAT: &str = "/v1/chat/completions";

fn fast_http() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(400),
        request_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(2),
        },
    }
}

fn endpoint(base_url: String, model: &str) -> Endpoint {
    Endpoint {
        base_url,
        api_key: ApiKey::new("sk-test-123"),
        model: model.into(),
        http: fast_http(),
        guard: None,
    }
}

fn chat_client(fake: &FakeAi) -> OpenAiChat {
    OpenAiChat::new(endpoint(fake.base_url(), "gpt-test")).unwrap()
}

fn schema() -> OutputSchema {
    OutputSchema {
        name: "clusters".into(),
        schema: json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["clusters"],
            "properties": {"clusters": {"type": "array", "minItems": 1, "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "keywords"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "keywords": {"type": "array", "items": {"type": "string"}},
                },
            }}},
        }),
    }
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![
            ChatMessage::system("You group keywords."),
            ChatMessage::user("hose reel, hose reel cart"),
        ],
        schema: Some(schema()),
        temperature: Some(0.2),
        max_tokens: Some(500),
    }
}

const GOOD: &str =
    r#"{"clusters": [{"name": "Hose reels", "keywords": ["hose reel", "hose reel cart"]}]}"#;

#[tokio::test]
async fn chat_sends_the_schema_as_a_strict_response_format() {
    let fake = FakeAi::start().await;
    fake.push(CHAT, FakeReply::chat_with(GOOD, "stop", 31, 17));
    let answer = chat_json(&chat_client(&fake), &request(), 3).await.unwrap();
    assert_eq!(answer.value["clusters"][0]["name"], "Hose reels");
    assert_eq!(answer.calls.len(), 1);
    assert_eq!(answer.calls[0].model, "fake-model");
    assert_eq!(
        answer.calls[0].usage,
        TokenUsage {
            input: 31,
            output: 17
        }
    );

    let sent = &fake.requests()[0];
    assert_eq!(sent.path, CHAT);
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test-123"));
    assert_eq!(sent.body["model"], "gpt-test");
    assert_eq!(sent.body["temperature"], 0.2);
    assert_eq!(sent.body["max_tokens"], 500);
    assert_eq!(
        sent.body["messages"][0],
        json!({"role": "system", "content": "You group keywords."})
    );
    let format = &sent.body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "clusters");
    assert_eq!(format["json_schema"]["strict"], true);
    assert_eq!(format["json_schema"]["schema"], schema().schema);
}

#[tokio::test]
async fn rate_limits_are_waited_out_as_the_provider_asks() {
    let fake = FakeAi::start().await;
    fake.push(CHAT, FakeReply::status(429).header("Retry-After", "1"));
    fake.push(CHAT, FakeReply::chat(GOOD));
    let started = Instant::now();
    let answer = chat_json(&chat_client(&fake), &request(), 1).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(answer.value["clusters"][0]["keywords"][1], "hose reel cart");
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_capped() {
    let fake = FakeAi::start().await;
    fake.push(CHAT, FakeReply::status(503).header("Retry-After", "3600"));
    fake.push(CHAT, FakeReply::chat(GOOD));
    let started = Instant::now();
    chat_json(&chat_client(&fake), &request(), 1).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
}

#[tokio::test]
async fn server_errors_are_retried_until_the_attempts_run_out() {
    let fake = FakeAi::start().await;
    fake.push(CHAT, FakeReply::status(500));
    fake.push(CHAT, FakeReply::status(502));
    fake.push(CHAT, FakeReply::chat(GOOD));
    chat_json(&chat_client(&fake), &request(), 1).await.unwrap();
    assert_eq!(fake.requests().len(), 3);

    // Three attempts in all: the fourth reply is never asked for.
    fake.push(CHAT, FakeReply::status(500));
    fake.push(CHAT, FakeReply::status(500));
    fake.push(CHAT, FakeReply::status(503));
    fake.push(CHAT, FakeReply::chat(GOOD));
    let failure = chat_json(&chat_client(&fake), &request(), 1)
        .await
        .unwrap_err();
    match &failure.error {
        ProviderError::Status {
            status,
            message,
            code,
            ..
        } => {
            assert_eq!(*status, 503);
            assert_eq!(
                message, "fake provider error 503",
                "the provider's own message"
            );
            assert_eq!(code.as_deref(), Some("fake_503"));
        }
        other => panic!("{other:?}"),
    }
    assert!(failure.calls.is_empty(), "no answer was had");
    assert_eq!(fake.requests().len(), 6);
    assert_eq!(fake.pending(), 1);
}

#[tokio::test]
async fn other_client_errors_fail_at_once_with_the_providers_message() {
    let fake = FakeAi::start().await;
    fake.push(
        CHAT,
        FakeReply::json(
            401,
            json!({"error": {"message": "Incorrect API key provided: sk-test-***", "code": "invalid_api_key"}}),
        ),
    );
    fake.push(CHAT, FakeReply::chat(GOOD));
    let failure = chat_json(&chat_client(&fake), &request(), 3)
        .await
        .unwrap_err();
    assert!(!failure.error.is_transient());
    assert_eq!(
        failure.error.to_string(),
        "the text model provider answered 401: Incorrect API key provided: sk-test-***"
    );
    assert_eq!(fake.requests().len(), 1);
    let core_error: igny8_core::Error = failure.error.into();
    assert_eq!(core_error.code(), igny8_core::ErrorCode::Provider);
}

#[tokio::test]
async fn answers_slower_than_the_timeout_are_retried_then_reported() {
    let fake = FakeAi::start().await;
    fake.push(CHAT, FakeReply::chat(GOOD).after(Duration::from_secs(3)));
    fake.push(CHAT, FakeReply::chat(GOOD));
    chat_json(&chat_client(&fake), &request(), 1).await.unwrap();
    assert_eq!(fake.requests().len(), 2);

    for _ in 0..3 {
        fake.push(CHAT, FakeReply::chat(GOOD).after(Duration::from_secs(3)));
    }
    let started = Instant::now();
    let failure = chat_json(&chat_client(&fake), &request(), 1)
        .await
        .unwrap_err();
    assert!(
        matches!(failure.error, ProviderError::Timeout { .. }),
        "{:?}",
        failure.error
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the read timeout cut each call short"
    );
    assert_eq!(fake.requests().len(), 5);
}

#[tokio::test]
async fn an_unreachable_provider_is_a_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = OpenAiChat::new(endpoint(format!("http://127.0.0.1:{port}/v1"), "m")).unwrap();
    let failure = chat_json(&client, &request(), 1).await.unwrap_err();
    assert!(
        matches!(failure.error, ProviderError::Connect { .. }),
        "{:?}",
        failure.error
    );
    assert!(
        !failure.error.to_string().contains("sk-test"),
        "no key in messages"
    );
}

#[tokio::test]
async fn fenced_and_prose_wrapped_json_is_repaired() {
    let fake = FakeAi::start().await;
    fake.push(CHAT, FakeReply::chat(&format!("```json\n{GOOD}\n```")));
    fake.push(
        CHAT,
        FakeReply::chat(&format!(
            "Sure! Here are the clusters:\n{GOOD}\nLet me know if you need more."
        )),
    );
    let client = chat_client(&fake);
    for _ in 0..2 {
        let answer = chat_json(&client, &request(), 1).await.unwrap();
        assert_eq!(answer.value["clusters"][0]["name"], "Hose reels");
    }
}

#[tokio::test]
async fn truncated_answers_are_asked_for_again() {
    let fake = FakeAi::start().await;
    // Cut off mid-string, and one flagged by the provider as cut off at the token limit.
    fake.push(CHAT, FakeReply::chat(r#"{"clusters": [{"name": "Hose re"#));
    fake.push(CHAT, FakeReply::chat_with(GOOD, "length", 10, 500));
    fake.push(CHAT, FakeReply::chat(GOOD));
    let answer = chat_json(&chat_client(&fake), &request(), 3).await.unwrap();
    assert_eq!(answer.calls.len(), 3, "every call is counted for usage");
    assert_eq!(answer.calls[0].problem, Some(json::JsonProblem::Truncated));
    assert_eq!(answer.calls[1].usage.output, 500);
    assert!(answer.calls[2].problem.is_none());
    // The retry shows the model its cut-off answer and says what was wrong.
    let retry = &fake.requests()[1].body["messages"];
    let messages = retry.as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2]["role"], "assistant");
    assert!(messages[3]["content"].as_str().unwrap().contains("cut off"));
}

#[tokio::test]
async fn answers_of_the_wrong_shape_fail_after_the_attempts_with_the_reason() {
    let fake = FakeAi::start().await;
    fake.push(
        CHAT,
        FakeReply::chat(r#"{"clusters": [{"name": "Hose reels"}]}"#),
    );
    fake.push(CHAT, FakeReply::chat(r#"{"clusters": []}"#));
    fake.push(CHAT, FakeReply::chat("I cannot help with that."));
    let failure = chat_json(&chat_client(&fake), &request(), 3)
        .await
        .unwrap_err();
    assert_eq!(failure.calls.len(), 3);
    let problems: Vec<String> = failure
        .calls
        .iter()
        .map(|c| c.problem.as_ref().unwrap().to_string())
        .collect();
    assert!(problems[0].contains("keywords"), "{problems:?}");
    assert!(problems[1].contains("/clusters"), "{problems:?}");
    assert!(matches!(failure.error, ProviderError::Output(_)));
    let second: &Value = &fake.requests()[1].body["messages"][3]["content"];
    assert!(
        second.as_str().unwrap().contains("keywords"),
        "the model is told what was wrong"
    );
}

#[tokio::test]
async fn openai_images_come_back_as_bytes() {
    let fake = FakeAi::start().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake".to_vec();
    fake.push("/v1/images/generations", FakeReply::status(500));
    fake.push("/v1/images/generations", FakeReply::openai_image(&png));
    let client = OpenAiImages::new(endpoint(fake.base_url(), "gpt-image-1")).unwrap();
    let reply = client
        .generate(&ImageRequest {
            prompt: "a garden hose reel on a lawn".into(),
            negative_prompt: None,
            width: 1024,
            height: 1536,
        })
        .await
        .unwrap();
    assert_eq!(
        reply.image,
        ImageData::Bytes {
            data: png,
            mime: "image/png"
        }
    );
    assert_eq!(reply.revised_prompt.as_deref(), Some("a revised prompt"));
    let sent = &fake.requests()[1];
    assert_eq!(sent.body["size"], "1024x1536");
    assert_eq!(sent.body["model"], "gpt-image-1");
    assert_eq!(sent.body["prompt"], "a garden hose reel on a lawn");
}

#[tokio::test]
async fn runware_images_come_back_as_links_with_their_cost() {
    let fake = FakeAi::start().await;
    fake.push(
        "/runware",
        FakeReply::runware_image("https://im.runware.ai/image/x.webp", 0.0038),
    );
    let client = Runware::new(endpoint(fake.runware_url(), "runware:101@1")).unwrap();
    let reply = client
        .generate(&ImageRequest {
            prompt: "a hose reel cart".into(),
            negative_prompt: Some("text, watermark".into()),
            width: 1000,
            height: 700,
        })
        .await
        .unwrap();
    assert_eq!(
        reply.image,
        ImageData::Url("https://im.runware.ai/image/x.webp".into())
    );
    assert_eq!(reply.cost_usd, Some(0.0038));
    let sent = &fake.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test-123"));
    let task = &sent.body[0];
    assert_eq!(task["taskType"], "imageInference");
    assert_eq!(task["positivePrompt"], "a hose reel cart");
    assert_eq!(task["negativePrompt"], "text, watermark");
    assert_eq!(
        (task["width"].as_u64(), task["height"].as_u64()),
        (Some(1024), Some(704))
    );
    assert_eq!(task["taskUUID"].as_str().unwrap().len(), 36);

    // Runware's errors arrive as an `errors` array, with its own message.
    fake.push(
        "/runware",
        FakeReply::json(
            400,
            json!({"errors": [{"code": "invalidModel", "message": "Invalid model 'x'"}]}),
        ),
    );
    let err = client
        .generate(&ImageRequest {
            prompt: "p".into(),
            negative_prompt: None,
            width: 512,
            height: 512,
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Runware answered 400: Invalid model 'x'");
}
