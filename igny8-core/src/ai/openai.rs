//! Clients for any OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM,
//! llama.cpp server, OpenRouter) and for OpenAI image generation.

use base64::Engine as _;
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use super::http::{Http, HttpOptions};
use super::provider::*;

/// An API key that never shows in logs or debug output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, to send.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "<none>"
        } else {
            "<redacted>"
        })
    }
}

/// Where and how to reach a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`.
    pub base_url: String,
    /// The key, sent as `Authorization: Bearer …` (local servers often need none).
    pub api_key: ApiKey,
    /// The model.
    pub model: String,
    /// Timeouts and retries.
    pub http: HttpOptions,
    /// The deployment's outbound rule when `base_url` is an account's own choice (checked by
    /// the outbound guard, see [`crate::outbound`]); `None` for the deployment's own URL.
    pub guard: Option<crate::outbound::OutboundConfig>,
}

impl Endpoint {
    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url.trim_end_matches('/'))
    }

    /// `GET {base}/models`, which every OpenAI-compatible API serves and no model bills: the
    /// address answers as such an API and takes the key. An answer without a `data` list is
    /// not one.
    pub(crate) async fn list_models(
        &self,
        http: &Http,
        provider: &'static str,
    ) -> Result<(), ProviderError> {
        let answer = http
            .get_json_once(&self.url("models"), Some(self.api_key.expose()))
            .await?;
        if answer.get("data").is_some_and(Value::is_array) {
            Ok(())
        } else {
            Err(ProviderError::Malformed {
                provider,
                message: "its list of models has no `data` list".into(),
            })
        }
    }
}

/// A chat model behind an OpenAI-compatible `POST {base}/chat/completions`.
#[derive(Debug, Clone)]
pub struct OpenAiChat {
    endpoint: Endpoint,
    http: Http,
}

impl OpenAiChat {
    /// A client for `endpoint`.
    pub fn new(endpoint: Endpoint) -> crate::Result<Self> {
        let http = Http::new(
            "the text model provider",
            &endpoint.http,
            &endpoint.base_url,
            endpoint.guard,
        )?;
        Ok(Self { endpoint, http })
    }

    /// The body sent for `request`: the messages, and the schema as a strict
    /// `response_format` when the answer is data.
    pub fn body(&self, request: &ChatRequest) -> Value {
        let messages: Vec<Value> = request
            .messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
            .collect();
        let mut body = json!({"model": self.endpoint.model, "messages": messages});
        let reasoning = is_reasoning_model(&self.endpoint.model);
        if let Some(t) = request.temperature
            && !reasoning
        {
            body["temperature"] = json!(t);
        }
        if let Some(m) = request.max_tokens {
            let name = if reasoning {
                "max_completion_tokens"
            } else {
                "max_tokens"
            };
            body[name] = json!(m);
        }
        if let Some(schema) = &request.schema {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": schema.name, "schema": schema.schema, "strict": true},
            });
        }
        body
    }

    async fn call(&self, request: &ChatRequest) -> Result<ChatReply, ProviderError> {
        let provider = "the text model provider";
        let url = self.endpoint.url("chat/completions");
        let answer = self
            .http
            .post_json(
                &url,
                Some(self.endpoint.api_key.expose()),
                &self.body(request),
            )
            .await?;
        let malformed = |message: &str| ProviderError::Malformed {
            provider,
            message: message.to_owned(),
        };
        let choice = answer
            .get("choices")
            .and_then(|c| c.get(0))
            .ok_or_else(|| malformed("no choices in the answer"))?;
        let message = choice
            .get("message")
            .ok_or_else(|| malformed("no message in the first choice"))?;
        let content = match message.get("content") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                let refusal = message.get("refusal").and_then(Value::as_str);
                return Err(malformed(&match refusal {
                    Some(r) => format!("the model refused: {r}"),
                    None => "the answer has no text".to_owned(),
                }));
            }
        };
        let usage = answer.get("usage");
        let tokens = |name: &str| {
            usage
                .and_then(|u| u.get(name))
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        Ok(ChatReply {
            content,
            model: answer
                .get("model")
                .and_then(Value::as_str)
                .unwrap_or(&self.endpoint.model)
                .to_owned(),
            usage: TokenUsage {
                input: tokens("prompt_tokens"),
                output: tokens("completion_tokens"),
            },
            truncated: choice.get("finish_reason").and_then(Value::as_str) == Some("length"),
        })
    }
}

/// Whether `model` is one of OpenAI's reasoning models (o1, o3, o4, gpt-5…), which refuse
/// `max_tokens` (they take `max_completion_tokens`) and any temperature but the default.
pub fn is_reasoning_model(model: &str) -> bool {
    let name = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    let family = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '.', '_']))
    };
    ["o1", "o3", "o4"].iter().any(|p| family(p)) || name.starts_with("gpt-5")
}

impl TextProvider for OpenAiChat {
    fn check(&self) -> BoxFuture<'_, Result<(), ProviderError>> {
        Box::pin(
            self.endpoint
                .list_models(&self.http, "the text model provider"),
        )
    }

    fn name(&self) -> &str {
        "openai"
    }

    fn model(&self) -> &str {
        &self.endpoint.model
    }

    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<ChatReply, ProviderError>> {
        Box::pin(self.call(request))
    }
}

/// OpenAI image generation, `POST {base}/images/generations`.
#[derive(Debug, Clone)]
pub struct OpenAiImages {
    endpoint: Endpoint,
    http: Http,
}

impl OpenAiImages {
    /// A client for `endpoint`.
    pub fn new(endpoint: Endpoint) -> crate::Result<Self> {
        let http = Http::new(
            "the image provider",
            &endpoint.http,
            &endpoint.base_url,
            endpoint.guard,
        )?;
        Ok(Self { endpoint, http })
    }

    async fn call(&self, request: &ImageRequest) -> Result<ImageReply, ProviderError> {
        let provider = "the image provider";
        let body = json!({
            "model": self.endpoint.model,
            "prompt": request.prompt,
            "n": 1,
            "size": format!("{}x{}", request.width, request.height),
        });
        let answer = self
            .http
            .post_json(
                &self.endpoint.url("images/generations"),
                Some(self.endpoint.api_key.expose()),
                &body,
            )
            .await?;
        let malformed = |message: String| ProviderError::Malformed { provider, message };
        let first = answer
            .get("data")
            .and_then(|d| d.get(0))
            .ok_or_else(|| malformed("no image in the answer".into()))?;
        let image = if let Some(b64) = first.get("b64_json").and_then(Value::as_str) {
            let data = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| malformed(format!("the image is not base64 ({e})")))?;
            let mime = image_mime(&data)
                .ok_or_else(|| malformed("the image is not PNG, JPEG or WebP".into()))?;
            ImageData::Bytes { data, mime }
        } else if let Some(url) = first.get("url").and_then(Value::as_str) {
            ImageData::Url(url.to_owned())
        } else {
            return Err(malformed("the image has neither b64_json nor url".into()));
        };
        Ok(ImageReply {
            image,
            model: self.endpoint.model.clone(),
            revised_prompt: first
                .get("revised_prompt")
                .and_then(Value::as_str)
                .map(str::to_owned),
            cost_usd: None,
        })
    }
}

impl ImageProvider for OpenAiImages {
    fn check(&self) -> BoxFuture<'_, Result<(), ProviderError>> {
        Box::pin(self.endpoint.list_models(&self.http, "the image provider"))
    }

    fn name(&self) -> &str {
        "openai"
    }

    fn model(&self) -> &str {
        &self.endpoint.model
    }

    fn generate<'a>(
        &'a self,
        request: &'a ImageRequest,
    ) -> BoxFuture<'a, Result<ImageReply, ProviderError>> {
        Box::pin(self.call(request))
    }
}

/// The media type of an encoded image, from its first bytes.
pub fn image_mime(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_for(model: &str) -> Value {
        let chat = OpenAiChat::new(Endpoint {
            base_url: "http://127.0.0.1:9/v1".into(),
            api_key: ApiKey::new(""),
            model: model.into(),
            http: HttpOptions::default(),
            guard: None,
        })
        .unwrap();
        chat.body(&ChatRequest {
            messages: vec![ChatMessage::user("hi")],
            temperature: Some(0.4),
            max_tokens: Some(500),
            schema: None,
        })
    }

    #[test]
    fn reasoning_models_get_their_own_parameters() {
        for model in [
            "o1",
            "o3-mini",
            "o4-mini-2025-04-16",
            "gpt-5",
            "gpt-5-mini",
            "openai/o3",
        ] {
            assert!(is_reasoning_model(model), "{model}");
            let body = body_for(model);
            assert_eq!(body["max_completion_tokens"], 500, "{model}");
            assert!(body.get("max_tokens").is_none() && body.get("temperature").is_none());
        }
        for model in [
            "gpt-4o-mini",
            "llama3.1",
            "o1x",
            "gpt-4.1",
            "ollama/qwen2.5",
        ] {
            assert!(!is_reasoning_model(model), "{model}");
            let body = body_for(model);
            assert_eq!(
                (body["max_tokens"].as_u64(), body["temperature"].as_f64()),
                (Some(500), Some(0.4))
            );
        }
    }
}
