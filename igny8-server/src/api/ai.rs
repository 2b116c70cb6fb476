//! The AI functions: each queues a job and answers `202 Accepted` with it and its estimate;
//! `billing/estimate/` prices one first; `thinker/image_testing/` renders one image at once.

use igny8_core::jobs::JobKind;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;
use serde_json::Value;

use super::Tag;
use crate::auth::Auth;
use crate::dto::ai::*;
use crate::envelope::{Accepted, AcceptedResult, ApiResult, ok};
use crate::state::AppState;

/// The AI functions.
pub struct AiApi;

async fn start(
    state: &AppState,
    auth: Auth,
    kind: JobKind,
    payload: Value,
) -> AcceptedResult<JobStarted> {
    let scope = auth.0.scope()?;
    let (job, estimate) = state.core.ai().start(&scope, kind, payload).await?;
    Ok(Accepted::Accepted(ok(JobStarted {
        job: job.into(),
        estimate: estimate.into(),
    })))
}

#[OpenApi]
impl AiApi {
    /// Auto Cluster: groups unclustered keywords into clusters with the AI model (batched,
    /// existing clusters reused where they fit, every keyword assigned), or for free with
    /// `mode: local`. Answers 202 with the job; 402 when the credits don't cover it.
    #[oai(
        path = "/planner/keywords/auto_cluster/",
        method = "post",
        tag = "Tag::Planner",
        tag = "Tag::Ai"
    )]
    async fn auto_cluster(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<AutoClusterRequest>,
    ) -> AcceptedResult<JobStarted> {
        start(&state, auth, JobKind::AutoCluster, body.0.payload()).await
    }

    /// Generate Ideas: content ideas with an outline, type, structure, target keywords and
    /// length for each cluster. Answers 202 with the job.
    #[oai(
        path = "/planner/clusters/generate_ideas/",
        method = "post",
        tag = "Tag::Planner",
        tag = "Tag::Ai"
    )]
    async fn generate_ideas(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<GenerateIdeasRequest>,
    ) -> AcceptedResult<JobStarted> {
        start(&state, auth, JobKind::GenerateIdeas, body.0.payload()).await
    }

    /// Generate Content: an article for each task (sanitised HTML, meta title and
    /// description, tags, categories); long ones are written section by section to land
    /// within ±15% of the target length. Answers 202 with the job.
    #[oai(
        path = "/writer/tasks/generate_content/",
        method = "post",
        tag = "Tag::Writer",
        tag = "Tag::Ai"
    )]
    async fn generate_content(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<GenerateContentRequest>,
    ) -> AcceptedResult<JobStarted> {
        start(&state, auth, JobKind::GenerateContent, body.0.payload()).await
    }

    /// Generate Image Prompts: a featured-image prompt and in-article prompts, with alt text,
    /// for each content. Answers 202 with the job.
    #[oai(
        path = "/writer/content/generate_image_prompts/",
        method = "post",
        tag = "Tag::Writer",
        tag = "Tag::Ai"
    )]
    async fn generate_image_prompts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<GenerateImagePromptsRequest>,
    ) -> AcceptedResult<JobStarted> {
        start(
            &state,
            auth,
            JobKind::GenerateImagePrompts,
            body.0.payload(),
        )
        .await
    }

    /// Generate Images: each image's prompt through the account's image provider, stored as
    /// a file or URL with alt text. Answers 202 with the job.
    #[oai(
        path = "/writer/images/generate_images/",
        method = "post",
        tag = "Tag::Writer",
        tag = "Tag::Ai"
    )]
    async fn generate_images(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<GenerateImagesRequest>,
    ) -> AcceptedResult<JobStarted> {
        start(&state, auth, JobKind::GenerateImages, body.0.payload()).await
    }

    /// What an AI operation would cost, checked as the operation would check it (ids exist,
    /// options in range), without running it.
    #[oai(path = "/billing/estimate/", method = "post", tag = "Tag::Billing")]
    async fn estimate(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<EstimateRequest>,
    ) -> ApiResult<Estimate> {
        let scope = auth.0.scope()?;
        let estimate = state
            .core
            .ai()
            .estimate(&scope, body.0.operation.0, &body.0.payload())
            .await?;
        Ok(ok(estimate.into()))
    }

    /// Image Testing: renders one prompt with the account's image model and image prompt
    /// template, charges one image, and returns the picture without attaching it to anything.
    #[oai(
        path = "/thinker/image_testing/",
        method = "post",
        tag = "Tag::Thinker",
        tag = "Tag::Ai"
    )]
    async fn image_testing(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<ImageTestRequest>,
    ) -> ApiResult<ImageTestResult> {
        let scope = auth.0.scope()?;
        let b = body.0;
        let test = igny8_core::ai::functions::ImageTest {
            prompt: b.prompt,
            negative_prompt: b.negative_prompt,
            style: b.style,
            size: b.size,
        };
        let result = state.core.ai().test_image(&scope, test).await?;
        Ok(ok(result.into()))
    }
}
