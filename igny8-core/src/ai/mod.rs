//! The AI layer: model providers and structured output.
//!
//! - [`TextProvider`]: chat completions; [`OpenAiChat`] speaks to any OpenAI-compatible
//!   endpoint (OpenAI, Ollama, vLLM, llama.cpp server, OpenRouter).
//! - [`ImageProvider`]: images; [`OpenAiImages`] and [`Runware`].
//! - [`AiConfig`]: the deployment's providers; an account's integrations override them
//!   ([`crate::Igny8::text_provider`], [`crate::Igny8::image_provider`]).
//! - [`CreditPrices`] and [`PriceTable`]: credits per operation, US dollars per model call.
//! - [`chat_json`]: data from a chat model, sent as a strict JSON Schema `response_format`,
//!   repaired where safe, validated against the schema, asked for again when unusable.
//!
//! Every client has connect, read and overall timeouts, and retries 408, 409, 429, 5xx
//! answers, timeouts and connection failures with jittered exponential backoff, honouring
//! `Retry-After` up to a cap ([`RetryPolicy`]). Other 4xx answers fail at once with the
//! provider's own message. See `docs/ai.md`.

mod config;
pub mod functions;
pub mod html;
mod http;
pub mod json;
mod openai;
mod pricing;
mod provider;
mod runware;
mod service;
mod structured;

pub use config::{
    AccountProvider, AiConfig, ImageBackend, image_provider, image_provider_of, text_provider,
};
pub use http::{HttpOptions, RetryPolicy, retry_after};
pub use openai::{ApiKey, Endpoint, OpenAiChat, OpenAiImages, image_mime, is_reasoning_model};
pub use pricing::{CreditPrices, ModelPrice, PriceTable, Work};
pub use provider::*;
pub use runware::Runware;
pub use service::ProviderCheck;
pub use structured::{JsonAnswer, JsonFailure, ModelCall, chat_json};
