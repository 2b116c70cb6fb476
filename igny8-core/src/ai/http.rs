//! The HTTP side of the provider clients: timeouts, and retries with jittered exponential
//! backoff that honour `Retry-After`.

use std::time::Duration;

use serde_json::Value;

use super::provider::ProviderError;
use crate::outbound::{self, ClientOptions, OutboundConfig, ReadError};

/// When to try a failed call again.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Calls in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// The longest wait a provider's `Retry-After` may impose.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first retry): what the provider asked
    /// for (capped), else a random time between half and all of `base · 2^(retry-1)`, capped.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max_retry_after);
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(rand::random::<f64>())
    }
}

/// Timeouts and retries of a provider client.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOptions {
    /// Connecting, TLS included.
    pub connect_timeout: Duration,
    /// The longest silence while reading an answer.
    pub read_timeout: Duration,
    /// The longest a whole call may take.
    pub request_timeout: Duration,
    /// Retries.
    pub retry: RetryPolicy,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
        }
    }
}

/// Reads `Retry-After` (seconds, or an HTTP date) and OpenAI's `retry-after-ms`.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = text("retry-after")?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// A provider's error message out of its error body: OpenAI's `{"error": {"message", "code"}}`,
/// Ollama's `{"error": "…"}`, Runware's `{"errors": [{"message", "code"}]}`, or the text.
pub(crate) fn error_message(body: &[u8]) -> (String, Option<String>) {
    let code_of = |v: &Value| match v.get("code") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => v.get("type").and_then(Value::as_str).map(str::to_owned),
    };
    if let Ok(json) = serde_json::from_slice::<Value>(body) {
        let detail = match (json.get("error"), json.get("errors")) {
            (Some(Value::String(s)), _) => Some((s.clone(), None)),
            (Some(e @ Value::Object(_)), _) => e
                .get("message")
                .and_then(Value::as_str)
                .map(|m| (m.to_owned(), code_of(e))),
            (_, Some(Value::Array(list))) if !list.is_empty() => {
                let messages: Vec<&str> = list
                    .iter()
                    .filter_map(|e| e.get("message").and_then(Value::as_str))
                    .collect();
                (!messages.is_empty()).then(|| (messages.join("; "), code_of(&list[0])))
            }
            _ => None,
        };
        if let Some(detail) = detail {
            return detail;
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let cut: String = text.chars().take(300).collect();
    if cut.is_empty() {
        ("no error message".to_owned(), None)
    } else {
        (cut, None)
    }
}

/// The largest answer read from a provider (an image as base64 JSON fits many times over).
pub(crate) const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// A client for one provider: a connection pool with timeouts, and the retry policy.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    retry: RetryPolicy,
    provider: &'static str,
}

impl Http {
    /// A client for the provider at `base_url`. `guard` is the deployment's outbound rule when
    /// the URL is an account's own choice: the URL is checked now (no private or local
    /// address unless allowed) and every host it resolves to when connecting. `None` for the
    /// deployment's own URLs, which the operator chose.
    pub(crate) fn new(
        provider: &'static str,
        options: &HttpOptions,
        base_url: &str,
        guard: Option<OutboundConfig>,
    ) -> crate::Result<Self> {
        if let Some(config) = guard {
            outbound::check_url(
                base_url,
                config,
                "config.base_url",
                &format!("the base URL of {provider}"),
            )?;
        }
        let client = outbound::client(
            guard.unwrap_or_default(),
            ClientOptions {
                connect_timeout: options.connect_timeout,
                read_timeout: options.read_timeout,
                timeout: options.request_timeout,
                guarded: guard.is_some(),
            },
        )?;
        Ok(Self {
            client,
            retry: options.retry.clone(),
            provider,
        })
    }

    /// POSTs `body` as JSON and returns the JSON answer, retrying transient failures.
    pub(crate) async fn post_json(
        &self,
        url: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> Result<Value, ProviderError> {
        let mut attempt = 1;
        loop {
            let outcome = self.post_once(url, bearer, body).await;
            match outcome {
                Err(e) if e.is_transient() && attempt < self.retry.max_attempts => {
                    let asked = match &e {
                        ProviderError::Status { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    let wait = self.retry.delay(attempt, asked);
                    tracing::warn!(provider = self.provider, attempt, error = %e, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// One POST of `body` as JSON; no retry (for checking a key: a person waits).
    pub(crate) async fn post_json_once(
        &self,
        url: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> Result<Value, ProviderError> {
        self.post_once(url, bearer, body).await
    }

    /// One GET of `url`, answered with JSON; no retry (for checking a key: a person waits).
    pub(crate) async fn get_json_once(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<Value, ProviderError> {
        self.send_once(self.client.get(url), bearer).await
    }

    async fn post_once(
        &self,
        url: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> Result<Value, ProviderError> {
        self.send_once(self.client.post(url).json(body), bearer)
            .await
    }

    async fn send_once(
        &self,
        mut request: reqwest::RequestBuilder,
        bearer: Option<&str>,
    ) -> Result<Value, ProviderError> {
        let provider = self.provider;
        if let Some(key) = bearer.filter(|k| !k.is_empty()) {
            request = request.bearer_auth(key);
        }
        let transport = |e: reqwest::Error| {
            if let Some(refused) = outbound::refusal_of(&e) {
                return ProviderError::Refused {
                    provider,
                    message: format!("its address {refused}"),
                };
            }
            let message = outbound::describe(&e);
            if e.is_timeout() {
                ProviderError::Timeout { provider, message }
            } else if e.is_connect() || e.is_request() {
                ProviderError::Connect { provider, message }
            } else {
                ProviderError::Malformed { provider, message }
            }
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = outbound::read_capped(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| match e {
                ReadError::TooLarge(too) => ProviderError::Malformed {
                    provider,
                    message: too.to_string(),
                },
                ReadError::Transport(e) => transport(e),
            })?;
        if status.is_redirection() {
            return Err(ProviderError::Status {
                provider,
                status: status.as_u16(),
                code: None,
                message: "it answered with a redirect, which is not followed; use the final \
                          address as the base URL"
                    .into(),
                retry_after: None,
            });
        }
        if !status.is_success() {
            let (message, code) = error_message(&bytes);
            return Err(ProviderError::Status {
                provider,
                status: status.as_u16(),
                code,
                message,
                retry_after,
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| ProviderError::Malformed {
            provider,
            message: format!("not JSON ({e})"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(5),
        };
        for _ in 0..50 {
            let first = p.delay(1, None);
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let third = p.delay(3, None);
            assert!((200..=400).contains(&third.as_millis()), "{third:?}");
            let tenth = p.delay(10, None);
            assert!((500..=1000).contains(&tenth.as_millis()), "{tenth:?}");
        }
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(600))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn retry_after_in_seconds_milliseconds_or_a_date() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past");
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn provider_messages_are_found_in_every_shape() {
        let openai = br#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#;
        assert_eq!(
            error_message(openai),
            (
                "Rate limit reached".into(),
                Some("rate_limit_exceeded".into())
            )
        );
        assert_eq!(
            error_message(br#"{"error":"model 'x' not found"}"#),
            ("model 'x' not found".into(), None)
        );
        let runware = br#"{"errors":[{"code":"invalidApiKey","message":"Invalid API key"}]}"#;
        assert_eq!(
            error_message(runware),
            ("Invalid API key".into(), Some("invalidApiKey".into()))
        );
        assert_eq!(
            error_message(b"Bad Gateway\n"),
            ("Bad Gateway".into(), None)
        );
        assert_eq!(error_message(b""), ("no error message".into(), None));
    }
}
