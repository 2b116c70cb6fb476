//! The thinker: prompt templates, author profiles and strategies that shape what the AI writes.

mod author;
mod prompt;
mod service;

pub use author::{AuthorProfile, AuthorProfileInput, Strategy, StrategyInput};
pub use prompt::{Prompt, PromptType, check_template, render_template, template_variables};
pub use service::Thinker;
