//! Runware image inference over its REST API: `POST {base}` with a JSON array of tasks.

use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use super::http::Http;
use super::openai::Endpoint;
use super::provider::*;

/// Runware's `imageInference` task.
#[derive(Debug, Clone)]
pub struct Runware {
    endpoint: Endpoint,
    http: Http,
}

impl Runware {
    /// A client for `endpoint` (base URL `https://api.runware.ai/v1`, a model such as
    /// `runware:101@1`).
    pub fn new(endpoint: Endpoint) -> crate::Result<Self> {
        let http = Http::new(
            "Runware",
            &endpoint.http,
            &endpoint.base_url,
            endpoint.guard,
        )?;
        Ok(Self { endpoint, http })
    }

    /// The task array sent for `request`. Runware wants sides that are multiples of 64
    /// between 128 and 2048; others are rounded to the nearest such size.
    pub fn body(&self, request: &ImageRequest, task_uuid: &str) -> Value {
        let side = |v: u32| ((v.clamp(128, 2048) + 32) / 64 * 64).min(2048);
        let mut task = json!({
            "taskType": "imageInference",
            "taskUUID": task_uuid,
            "positivePrompt": request.prompt,
            "model": self.endpoint.model,
            "width": side(request.width),
            "height": side(request.height),
            "numberResults": 1,
            "outputType": "URL",
            "outputFormat": "WEBP",
            "includeCost": true,
        });
        if let Some(negative) = request.negative_prompt.as_deref().filter(|n| !n.is_empty()) {
            task["negativePrompt"] = json!(negative);
        }
        json!([task])
    }

    async fn call(&self, request: &ImageRequest) -> Result<ImageReply, ProviderError> {
        let uuid = uuid_v4();
        let answer = self
            .http
            .post_json(
                &self.endpoint.base_url,
                Some(self.endpoint.api_key.expose()),
                &self.body(request, &uuid),
            )
            .await?;
        let malformed = |message: String| ProviderError::Malformed {
            provider: "Runware",
            message,
        };
        if let Some(refused) = refusal(&answer, 200) {
            return Err(refused);
        }
        let result = answer
            .get("data")
            .and_then(Value::as_array)
            .and_then(|d| {
                d.iter()
                    .find(|t| t.get("taskUUID").and_then(Value::as_str) == Some(&uuid))
            })
            .ok_or_else(|| malformed("no result for the task in the answer".into()))?;
        let url = result
            .get("imageURL")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("the result has no imageURL".into()))?;
        Ok(ImageReply {
            image: ImageData::Url(url.to_owned()),
            model: self.endpoint.model.clone(),
            revised_prompt: None,
            cost_usd: result.get("cost").and_then(Value::as_f64),
        })
    }
}

impl Runware {
    /// Runware's `authentication` task alone: answered with the task when the key is good,
    /// with an error otherwise; no image is made.
    async fn authenticate(&self) -> Result<(), ProviderError> {
        let key = self.endpoint.api_key.expose();
        let body = json!([{"taskType": "authentication", "apiKey": key}]);
        let answer = self
            .http
            .post_json_once(&self.endpoint.base_url, Some(key), &body)
            .await?;
        if let Some(refused) = refusal(&answer, 401) {
            return Err(refused);
        }
        let authenticated = answer
            .get("data")
            .and_then(Value::as_array)
            .is_some_and(|d| {
                d.iter()
                    .any(|t| t.get("taskType").and_then(Value::as_str) == Some("authentication"))
            });
        if authenticated {
            Ok(())
        } else {
            Err(ProviderError::Malformed {
                provider: "Runware",
                message: "no answer to the authentication task".into(),
            })
        }
    }
}

impl ImageProvider for Runware {
    fn check(&self) -> BoxFuture<'_, Result<(), ProviderError>> {
        Box::pin(self.authenticate())
    }

    fn name(&self) -> &str {
        "runware"
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

/// The error of an answer that lists `errors` (Runware says a task failed with 200, or a key
/// is wrong), as HTTP status `status`; `None` when it lists none.
fn refusal(answer: &Value, status: u16) -> Option<ProviderError> {
    let Some(Value::Array(errors)) = answer.get("errors") else {
        return None;
    };
    if errors.is_empty() {
        return None;
    }
    let body = serde_json::to_vec(answer).unwrap_or_default();
    let (message, code) = super::http::error_message(&body);
    Some(ProviderError::Status {
        provider: "Runware",
        status,
        code,
        message,
        retry_after: None,
    })
}

/// A random (version 4) UUID, as Runware wants for `taskUUID`.
fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
