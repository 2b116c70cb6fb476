//! What the AI functions ask of a model provider, and what they get back.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::json::JsonProblem;

/// Who says a message in a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRole {
    /// Instructions.
    System,
    /// The request.
    User,
    /// The model's earlier answer.
    Assistant,
}

impl ChatRole {
    /// The wire name (`system`, `user`, `assistant`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

/// One message of a chat.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    /// Who says it.
    pub role: ChatRole,
    /// What is said.
    pub content: String,
}

impl ChatMessage {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::System,
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::User,
            content: content.into(),
        }
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::Assistant,
            content: content.into(),
        }
    }
}

/// The JSON shape the answer must have: sent as `response_format` and checked on arrival.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSchema {
    /// A short name (letters, digits, `_`, `-`), e.g. `clusters`.
    pub name: String,
    /// The JSON Schema.
    pub schema: Value,
}

/// A chat completion request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    /// The conversation.
    pub messages: Vec<ChatMessage>,
    /// The expected JSON shape, when the answer is data.
    pub schema: Option<OutputSchema>,
    /// Sampling temperature; the provider's setting when `None`.
    pub temperature: Option<f64>,
    /// Largest answer in tokens; the provider's setting when `None`.
    pub max_tokens: Option<u32>,
}

/// Tokens a call consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenUsage {
    /// Prompt tokens.
    pub input: u64,
    /// Completion tokens.
    pub output: u64,
}

/// A chat completion.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatReply {
    /// The answer's text.
    pub content: String,
    /// The model that answered (as the provider names it).
    pub model: String,
    /// Tokens used.
    pub usage: TokenUsage,
    /// The answer was cut off at the token limit.
    pub truncated: bool,
}

/// An image request.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRequest {
    /// What to draw.
    pub prompt: String,
    /// What to avoid (providers that support it).
    pub negative_prompt: Option<String>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A generated image: a link to it, or its bytes.
#[derive(Clone, PartialEq)]
pub enum ImageData {
    /// Where the provider keeps it.
    Url(String),
    /// The image itself.
    Bytes {
        /// The encoded image.
        data: Vec<u8>,
        /// Its media type, e.g. `image/png`.
        mime: &'static str,
    },
}

impl fmt::Debug for ImageData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Self::Bytes { data, mime } => write!(f, "Bytes({} bytes of {mime})", data.len()),
        }
    }
}

/// A generated image with what the provider said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageReply {
    /// The image.
    pub image: ImageData,
    /// The model that drew it.
    pub model: String,
    /// The prompt as the provider rewrote it, when it did.
    pub revised_prompt: Option<String>,
    /// What the provider says the image cost, in USD, when it says.
    pub cost_usd: Option<f64>,
}

/// Why a provider call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The provider answered with an error status; `message` is the provider's own.
    #[error("{provider} answered {status}: {message}")]
    Status {
        /// Which provider.
        provider: &'static str,
        /// The HTTP status.
        status: u16,
        /// The provider's error code, when it gave one.
        code: Option<String>,
        /// The provider's message.
        message: String,
        /// How long it asked us to wait.
        retry_after: Option<Duration>,
    },
    /// No answer in time.
    #[error("{provider} did not answer in time ({message})")]
    Timeout {
        /// Which provider.
        provider: &'static str,
        /// What timed out.
        message: String,
    },
    /// The provider could not be reached.
    #[error("could not reach {provider}: {message}")]
    Connect {
        /// Which provider.
        provider: &'static str,
        /// Why.
        message: String,
    },
    /// The outbound guard refused the provider's address (an account's own base URL that is
    /// or resolves to a private or local address).
    #[error(
        "{provider} may not be called: {message}; use a public address, or ask the operator to \
         allow private targets (IGNY8_ALLOW_PRIVATE_TARGETS)"
    )]
    Refused {
        /// Which provider.
        provider: &'static str,
        /// Which address was refused.
        message: String,
    },
    /// The answer was not in the provider's wire format.
    #[error("{provider} sent an answer that could not be read: {message}")]
    Malformed {
        /// Which provider.
        provider: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The model's answer was not usable data.
    #[error("the model's answer was unusable: {0}")]
    Output(JsonProblem),
}

impl ProviderError {
    /// Whether trying the same call again may succeed: 408, 409, 429 and 5xx answers,
    /// timeouts and connection failures. Other 4xx answers are final.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => {
                matches!(status, 408 | 409 | 429) || (500..600).contains(status)
            }
            Self::Timeout { .. } | Self::Connect { .. } => true,
            Self::Malformed { .. } | Self::Output(_) | Self::Refused { .. } => false,
        }
    }
}

impl From<ProviderError> for crate::Error {
    fn from(e: ProviderError) -> Self {
        if let ProviderError::Refused { .. } = e {
            crate::Error::Forbidden(e.to_string())
        } else if e.is_transient() {
            crate::Error::ProviderUnavailable(e.to_string())
        } else {
            crate::Error::Provider(e.to_string())
        }
    }
}

/// A chat model.
pub trait TextProvider: Send + Sync + fmt::Debug {
    /// The provider's name in usage logs, e.g. `openai`.
    fn name(&self) -> &str;

    /// The model asked for.
    fn model(&self) -> &str;

    /// One chat completion (transient failures are retried inside, per the client's policy).
    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<ChatReply, ProviderError>>;

    /// Whether the provider answers and takes the key, with a call that costs nothing (no
    /// completion): what a "Test key" button runs. Not retried.
    fn check(&self) -> BoxFuture<'_, Result<(), ProviderError>>;
}

/// An image model.
pub trait ImageProvider: Send + Sync + fmt::Debug {
    /// The provider's name in usage logs, e.g. `runware`.
    fn name(&self) -> &str;

    /// The model asked for.
    fn model(&self) -> &str;

    /// Whether the provider answers and takes the key, with a call that makes no image (so
    /// costs nothing): what a "Test key" button runs. Not retried.
    fn check(&self) -> BoxFuture<'_, Result<(), ProviderError>>;

    /// One image (transient failures are retried inside, per the client's policy).
    fn generate<'a>(
        &'a self,
        request: &'a ImageRequest,
    ) -> BoxFuture<'a, Result<ImageReply, ProviderError>>;
}
