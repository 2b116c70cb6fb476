//! Asking a chat model for data: the schema goes out as `response_format`, and the answer is
//! repaired where that is safe (a code fence, prose around the JSON, trailing commas) and
//! checked against the same schema before it is used. An answer that is cut off or of the
//! wrong shape is asked for again, with the problem named, up to a limit.

use serde_json::Value;

use super::json::{JsonProblem, extract_json, validate};
use super::provider::*;

/// One model call, for the usage log: every call costs tokens, the failed ones too.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCall {
    /// The model that answered.
    pub model: String,
    /// Tokens used.
    pub usage: TokenUsage,
    /// What was wrong with the answer, when something was.
    pub problem: Option<JsonProblem>,
}

/// Data from a model, with the calls it took.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonAnswer {
    /// The answer, valid against the schema.
    pub value: Value,
    /// Every call made, the last one being the good one.
    pub calls: Vec<ModelCall>,
}

/// A failed request for data, with the calls it took.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct JsonFailure {
    /// Why it failed: the provider's error, or the last answer's problem.
    pub error: ProviderError,
    /// Every call that got an answer.
    pub calls: Vec<ModelCall>,
}

/// Asks `provider` for data of `request.schema`'s shape, asking again up to `answer_attempts`
/// times in all when an answer is unusable. Transport failures are retried inside the
/// provider's client and end the request when they persist.
///
/// # Panics
/// When `request.schema` is `None`.
pub async fn chat_json(
    provider: &dyn TextProvider,
    request: &ChatRequest,
    answer_attempts: u32,
) -> Result<JsonAnswer, JsonFailure> {
    let schema = &request
        .schema
        .as_ref()
        .expect("chat_json needs a schema")
        .schema;
    let mut conversation = request.clone();
    let mut calls = Vec::new();
    let mut attempt = 1;
    loop {
        let reply = match provider.chat(&conversation).await {
            Ok(reply) => reply,
            Err(error) => return Err(JsonFailure { error, calls }),
        };
        let parsed = if reply.truncated {
            Err(JsonProblem::Truncated)
        } else {
            extract_json(&reply.content).and_then(|v| validate(schema, &v).map(|()| v))
        };
        calls.push(ModelCall {
            model: reply.model.clone(),
            usage: reply.usage,
            problem: parsed.as_ref().err().cloned(),
        });
        match parsed {
            Ok(value) => return Ok(JsonAnswer { value, calls }),
            Err(problem) if attempt >= answer_attempts => {
                return Err(JsonFailure {
                    error: ProviderError::Output(problem),
                    calls,
                });
            }
            Err(problem) => {
                tracing::warn!(attempt, %problem, "unusable model answer; asking again");
                let note = match &problem {
                    JsonProblem::Truncated => "Your answer was cut off. Answer again, more \
                         briefly, with the complete JSON only."
                        .to_owned(),
                    other => format!(
                        "Your answer could not be used: {other}. Answer again with JSON only, \
                         exactly in the required shape."
                    ),
                };
                conversation.messages = request.messages.clone();
                conversation
                    .messages
                    .push(ChatMessage::assistant(truncate(&reply.content, 4000)));
                conversation.messages.push(ChatMessage::user(note));
                attempt += 1;
            }
        }
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}
