//! What AI work costs: credits per operation (what an account pays) and US dollars per model
//! call (what the deployment pays the provider, from a price table).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::provider::TokenUsage;
use super::structured::ModelCall;
use crate::credits::{NewUsage, Reference};
use crate::ids::JobId;
use crate::jobs::JobKind;

/// Credit prices of the AI operations. Defaults in the core; a deployment sets its own
/// (`[ai.credit_prices]` in the settings file, or `IGNY8_CREDITS_*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditPrices {
    /// Auto Cluster: keywords per credit (a started batch costs a whole credit).
    pub keywords_per_cluster_credit: u32,
    /// Generate Ideas: credits per idea.
    pub per_idea: u32,
    /// Generate Content: credits per started 100 words of the target length.
    pub per_100_words: u32,
    /// Generate Image Prompts: credits per content.
    pub per_image_prompt_set: u32,
    /// Generate Images: credits per image.
    pub per_image: u32,
}

impl Default for CreditPrices {
    fn default() -> Self {
        Self {
            keywords_per_cluster_credit: 50,
            per_idea: 2,
            per_100_words: 1,
            per_image_prompt_set: 1,
            per_image: 5,
        }
    }
}

/// How much work an operation is, for its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Auto Cluster of this many keywords.
    ClusterKeywords(u64),
    /// This many ideas.
    Ideas(u64),
    /// Articles of this many words in all.
    Words(u64),
    /// Image prompts for this many contents.
    ImagePromptSets(u64),
    /// This many images.
    Images(u64),
    /// Work that costs no credits (publishing).
    Free,
}

impl Work {
    /// The job kind that does this work.
    pub fn kind(self) -> JobKind {
        match self {
            Self::ClusterKeywords(_) => JobKind::AutoCluster,
            Self::Ideas(_) => JobKind::GenerateIdeas,
            Self::Words(_) => JobKind::GenerateContent,
            Self::ImagePromptSets(_) => JobKind::GenerateImagePrompts,
            Self::Images(_) => JobKind::GenerateImages,
            Self::Free => JobKind::Publish,
        }
    }
}

impl CreditPrices {
    /// The credits `work` costs.
    pub fn credits(&self, work: Work) -> i64 {
        let per = |n: u64, price: u32| n.saturating_mul(u64::from(price));
        let credits = match work {
            Work::ClusterKeywords(n) => {
                n.div_ceil(u64::from(self.keywords_per_cluster_credit.max(1)))
            }
            Work::Ideas(n) => per(n, self.per_idea),
            Work::Words(n) => per(n.div_ceil(100), self.per_100_words),
            Work::ImagePromptSets(n) => per(n, self.per_image_prompt_set),
            Work::Images(n) => per(n, self.per_image),
            Work::Free => 0,
        };
        i64::try_from(credits).unwrap_or(i64::MAX)
    }
}

/// A model's list price in US dollars.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelPrice {
    /// Per million prompt tokens.
    pub input_per_million: f64,
    /// Per million completion tokens.
    pub output_per_million: f64,
    /// Per image.
    pub per_image: f64,
}

/// Model prices, matched by the longest prefix of the model's name (so a dated snapshot such
/// as `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`; an OpenRouter name's vendor part,
/// `openai/`, is ignored). A model not in the table costs nothing — right for local models;
/// add hosted ones to `[ai.model_prices]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriceTable(pub BTreeMap<String, ModelPrice>);

impl Default for PriceTable {
    fn default() -> Self {
        let text = |i, o| ModelPrice {
            input_per_million: i,
            output_per_million: o,
            per_image: 0.0,
        };
        let image = |p| ModelPrice {
            per_image: p,
            ..ModelPrice::default()
        };
        Self(BTreeMap::from([
            ("gpt-4o-mini".into(), text(0.15, 0.60)),
            ("gpt-4o".into(), text(2.50, 10.00)),
            ("gpt-4.1".into(), text(2.00, 8.00)),
            ("gpt-4.1-mini".into(), text(0.40, 1.60)),
            ("gpt-4.1-nano".into(), text(0.10, 0.40)),
            ("gpt-5".into(), text(1.25, 10.00)),
            ("gpt-5-mini".into(), text(0.25, 2.00)),
            ("gpt-5-nano".into(), text(0.05, 0.40)),
            ("gpt-image-1".into(), image(0.042)),
            ("dall-e-3".into(), image(0.040)),
        ]))
    }
}

impl PriceTable {
    /// The default table with `overrides` laid over it.
    pub fn with(overrides: &BTreeMap<String, ModelPrice>) -> Self {
        let mut table = Self::default();
        table
            .0
            .extend(overrides.iter().map(|(k, v)| (k.to_ascii_lowercase(), *v)));
        table
    }

    /// The price of `model`, if the table knows it.
    pub fn price(&self, model: &str) -> Option<ModelPrice> {
        let name = model.to_ascii_lowercase();
        let name = name.rsplit('/').next().unwrap_or(&name);
        self.0
            .iter()
            .filter(|(prefix, _)| name.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, price)| *price)
    }

    /// What a call cost, in millionths of a dollar.
    pub fn cost_micros(&self, model: &str, usage: TokenUsage, images: u64) -> i64 {
        let Some(p) = self.price(model) else {
            return 0;
        };
        let usd = usage.input as f64 * p.input_per_million / 1e6
            + usage.output as f64 * p.output_per_million / 1e6
            + images as f64 * p.per_image;
        (usd * 1e6).round() as i64
    }

    /// Usage-log rows for `calls` of a text model in `job` on `object`.
    pub fn usage_rows(
        &self,
        calls: &[ModelCall],
        operation: JobKind,
        provider: &str,
        job: Option<JobId>,
        object: Option<Reference>,
    ) -> Vec<NewUsage> {
        calls
            .iter()
            .map(|c| NewUsage {
                job_id: job,
                operation: operation.as_str().to_owned(),
                provider: provider.to_owned(),
                model: c.model.clone(),
                input_tokens: i64::try_from(c.usage.input).unwrap_or(i64::MAX),
                output_tokens: i64::try_from(c.usage.output).unwrap_or(i64::MAX),
                images: 0,
                cost_micros: self.cost_micros(&c.model, c.usage, 0),
                credits: 0,
                object: object.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_per_operation() {
        let p = CreditPrices::default();
        assert_eq!(p.credits(Work::ClusterKeywords(0)), 0);
        assert_eq!(p.credits(Work::ClusterKeywords(1)), 1);
        assert_eq!(p.credits(Work::ClusterKeywords(50)), 1);
        assert_eq!(p.credits(Work::ClusterKeywords(51)), 2);
        assert_eq!(p.credits(Work::Ideas(3)), 6);
        assert_eq!(p.credits(Work::Words(1500)), 15);
        assert_eq!(p.credits(Work::Words(1501)), 16);
        assert_eq!(p.credits(Work::ImagePromptSets(2)), 2);
        assert_eq!(p.credits(Work::Images(4)), 20);
        assert_eq!(Work::Images(1).kind(), JobKind::GenerateImages);

        let p = CreditPrices {
            per_image: 8,
            ..CreditPrices::default()
        };
        assert_eq!(p.credits(Work::Images(2)), 16);
    }

    #[test]
    fn models_are_priced_by_their_longest_known_prefix() {
        let t = PriceTable::default();
        let usage = TokenUsage {
            input: 1_000_000,
            output: 500_000,
        };
        // gpt-4o-mini, not gpt-4o: $0.15 + $0.30.
        assert_eq!(t.cost_micros("gpt-4o-mini-2024-07-18", usage, 0), 450_000);
        assert_eq!(t.cost_micros("openai/gpt-4o", usage, 0), 7_500_000);
        assert_eq!(t.cost_micros("GPT-4.1-nano", usage, 0), 300_000);
        assert_eq!(
            t.cost_micros("gpt-image-1", TokenUsage::default(), 2),
            84_000
        );
        assert_eq!(
            t.cost_micros("llama3.2:3b", usage, 0),
            0,
            "local models are free"
        );

        let ours = PriceTable::with(&BTreeMap::from([(
            "Llama3.2".to_owned(),
            ModelPrice {
                input_per_million: 0.02,
                output_per_million: 0.02,
                per_image: 0.0,
            },
        )]));
        assert_eq!(ours.cost_micros("llama3.2:3b", usage, 0), 30_000);

        let calls = [ModelCall {
            model: "gpt-4o-mini".into(),
            usage: TokenUsage {
                input: 2000,
                output: 1000,
            },
            problem: None,
        }];
        let rows = t.usage_rows(
            &calls,
            JobKind::GenerateIdeas,
            "openai",
            Some(JobId(7)),
            Some(Reference::new("cluster", 3)),
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].operation, "generate_ideas");
        assert_eq!((rows[0].input_tokens, rows[0].output_tokens), (2000, 1000));
        assert_eq!(rows[0].cost_micros, 900);
    }
}
