//! Connecting a site to WordPress, checking the connection, and starting publish jobs.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{PostMedia, PublishInput, WordPress, WordPressPost};
use crate::Igny8;
use crate::crypto::mask_secret;
use crate::error::{Error, Result};
use crate::ids::{ContentId, SiteId};
use crate::inventory::{LinkKind, LinkPageFilter};
use crate::jobs::{Job, JobFilter, JobKind, JobStatus, NewJob};
use crate::list::{MAX_PAGE_SIZE, PageRequest};
use crate::planner::clustering::Language;
use crate::store::{SiteWordPress, Store};
use crate::tenancy::{Permission, Scope, Site};
use crate::validate::Check;
use crate::writer::Content;

/// A site's WordPress credentials.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct WordPressCredentials {
    /// The site's address, e.g. `https://example.com` (where `/wp-json/` or `?rest_route=`
    /// answers).
    pub url: String,
    /// The WordPress user to publish as, 1–255 characters.
    pub username: String,
    /// An application password of that user, at most 255 characters (Users → Profile → Application
    /// Passwords); sealed with the deployment key when stored.
    pub application_password: String,
}

impl std::fmt::Debug for WordPressCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordPressCredentials")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("application_password", &"<redacted>")
            .finish()
    }
}

/// What a connection check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    /// The site's address.
    pub url: String,
    /// WordPress's version, when the site says (its feed's generator).
    pub wordpress_version: Option<String>,
    /// The user the credentials sign in as.
    pub user: String,
    /// That user's WordPress roles, e.g. `editor`.
    pub roles: Vec<String>,
    /// Whether that user may publish posts.
    pub can_publish: bool,
    /// Whether that user may upload media (needed to publish images).
    pub can_upload: bool,
    /// It may create categories (else only existing ones can be used).
    pub can_manage_categories: bool,
}

/// Publishing to WordPress.
#[derive(Debug)]
pub struct Publishing<'a, S> {
    pub(crate) core: &'a Igny8<S>,
}

impl<S: Store> Igny8<S> {
    /// Publishing to WordPress.
    pub fn wordpress(&self) -> Publishing<'_, S> {
        Publishing { core: self }
    }
}

/// The version in a feed's `<generator>https://wordpress.org/?v=6.4.2</generator>` or a page's
/// `<meta name="generator" content="WordPress 6.4.2">`.
fn version_in(text: &str) -> Option<String> {
    let from = |marker: &str| {
        text.find(marker).map(|i| {
            text[i + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                .collect::<String>()
        })
    };
    from("wordpress.org/?v=")
        .or_else(|| from("content=\"WordPress "))
        .filter(|v| !v.is_empty())
}

impl<S: Store> Publishing<'_, S> {
    /// Stores the site's WordPress credentials (the password sealed; only a masked hint is
    /// ever shown). The URL passes the SSRF guard now, and again at every use.
    pub async fn connect(
        &self,
        scope: &Scope,
        site: SiteId,
        credentials: WordPressCredentials,
    ) -> Result<Site> {
        scope.require(Permission::Manage)?;
        let mut check = Check::new();
        let url = check.url("url", Some(&credentials.url));
        let username = check.name("username", &credentials.username, 255);
        let password = credentials.application_password.trim().to_owned();
        if password.is_empty() {
            check.fail("application_password", "is required");
        } else if password.len() > 255 {
            check.fail("application_password", "must be at most 255 characters");
        }
        check.finish()?;
        let url = url.unwrap_or_default();
        // No lookup here: names are resolved and checked again at every use.
        crate::outbound::check_url(&url, self.core.outbound, "url", "the WordPress URL")?;
        let sealed = self
            .core
            .secrets()?
            .seal(&password, &site_secret_context(scope, site))?;
        let connection = SiteWordPress {
            url,
            username,
            password_sealed: sealed,
            password_hint: mask_secret(&password),
        };
        self.core
            .store()
            .set_site_wordpress(scope, site, Some(&connection))
            .await
    }

    /// Forgets the site's WordPress credentials.
    pub async fn disconnect(&self, scope: &Scope, site: SiteId) -> Result<Site> {
        scope.require(Permission::Manage)?;
        self.core
            .store()
            .set_site_wordpress(scope, site, None)
            .await
    }

    /// A client for the site's WordPress, or an error saying the site isn't connected.
    pub(crate) async fn client(&self, scope: &Scope, site: SiteId) -> Result<WordPress> {
        let found = self.core.store().get_site(scope, site).await?;
        let connection = found.wordpress.ok_or_else(|| {
            Error::NotConfigured(format!(
                "site {} is not connected to WordPress: set its URL, user and application \
                 password first",
                site.get()
            ))
        })?;
        let sealed = self
            .core
            .store()
            .site_wordpress_secret(scope, site)
            .await?
            .ok_or_else(|| {
                Error::NotConfigured("the site's application password is missing".into())
            })?;
        let context = site_secret_context(scope, site);
        let opened = self.core.secrets()?.open(&sealed, &context)?;
        if let Some(resealed) = &opened.resealed {
            // Sealed with the previous key (or before rows were bound): store it re-sealed.
            self.core
                .store()
                .reseal_site_wordpress_secret(scope, site, &sealed, resealed)
                .await?;
        }
        let password = opened.plain;
        let config = &self.core.publish;
        WordPress::connect(
            &connection.url,
            &connection.username,
            &password,
            config.timeout(),
            self.core.outbound,
        )
    }

    /// Signs in to the site's WordPress and reports its version and what the user may do.
    pub async fn test_connection(&self, scope: &Scope, site: SiteId) -> Result<ConnectionCheck> {
        scope.require(Permission::Read)?;
        let wp = self.client(scope, site).await?;
        let me = wp
            .call(Method::GET, "/wp/v2/users/me", &[("context", "edit")], None)
            .await?;
        let can = |name: &str| {
            me.get("capabilities")
                .and_then(|c| c.get(name))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        let version = match wp.page(&[("feed", "rss2")]).await {
            Ok(feed) => version_in(&feed),
            Err(_) => None,
        };
        let version = match version {
            Some(v) => Some(v),
            None => wp.page(&[]).await.ok().and_then(|home| version_in(&home)),
        };
        Ok(ConnectionCheck {
            url: wp.base().to_owned(),
            wordpress_version: version,
            user: me
                .get("username")
                .or_else(|| me.get("slug"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            roles: me
                .get("roles")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            can_publish: can("publish_posts"),
            can_upload: can("upload_files"),
            can_manage_categories: can("manage_categories"),
        })
    }

    /// Queues a publish job for the content (all of one site, which must be connected). Posts
    /// get the account's `publish.status` when the input names no status; the queued job
    /// names it.
    pub async fn start(&self, scope: &Scope, mut input: PublishInput) -> Result<Job> {
        scope.require(Permission::Write)?;
        if input.status.is_none() {
            input.status = Some(self.core.system().defaults(scope).await?.publish_status);
        }
        let units = super::job::check(self.core, scope, &input).await?;
        let site = units.first().map(|c| c.site_id);
        self.refuse_twins(scope, site, &input).await?;
        if let Some(site) = site {
            // Not connected: say so now, not when the job runs.
            let found = self.core.store().get_site(scope, site).await?;
            if found.wordpress.is_none() {
                return Err(Error::NotConfigured(format!(
                    "site {} is not connected to WordPress: set its URL, user and application \
                     password first",
                    site.get()
                )));
            }
        }
        self.core
            .jobs()
            .enqueue(
                scope,
                NewJob {
                    kind: JobKind::Publish,
                    site_id: site,
                    payload: serde_json::to_value(&input)
                        .map_err(|e| Error::Internal(e.to_string()))?,
                    max_attempts: Some(5),
                    run_after: None,
                },
            )
            .await
    }
}

impl<S: Store> Publishing<'_, S> {
    /// The post WordPress receives for a content ([`render_post`](super::render_post)), for
    /// a caller that writes posts itself (the WordPress plugin): `media` are the media items
    /// its generated images became there (others are left out), the body is written as the
    /// account's `publish.format` says. Changes nothing.
    pub async fn render(
        &self,
        scope: &Scope,
        content: ContentId,
        media: &[PostMedia],
    ) -> Result<WordPressPost> {
        scope.require(Permission::Read)?;
        let content = self.core.contents().get(scope, content).await?;
        let images = super::post_images(
            crate::ai::functions::images_of(self.core, scope, content.id).await?,
        );
        super::check_media(&images, media)?;
        let format = self.core.system().defaults(scope).await?.post_format;
        let content = self.with_site_categories(scope, content).await?;
        Ok(super::render_post(&content, &images, media, format))
    }

    /// The content with its categories as the post gets them: matched to the site's existing
    /// categories (those of its link inventory) as the account's `publish.categories` says
    /// ([`choose_categories`](super::choose_categories)).
    pub(crate) async fn with_site_categories(
        &self,
        scope: &Scope,
        mut content: Content,
    ) -> Result<Content> {
        if content.categories.is_empty() {
            return Ok(content);
        }
        let defaults = self.core.system().defaults(scope).await?;
        let filter = LinkPageFilter {
            site_id: Some(content.site_id),
            kind: Some(LinkKind::Category),
            search: None,
        };
        let mut page = PageRequest::new(1, MAX_PAGE_SIZE);
        page.with_total = false;
        let existing: Vec<String> = self
            .core
            .inventory()
            .list(scope, &filter, &page)
            .await?
            .items
            .into_iter()
            .map(|c| c.title)
            .collect();
        let language = Language::from_code(&defaults.language).unwrap_or_default();
        content.categories = super::choose_categories(
            &content.categories,
            &existing,
            language,
            defaults.categories,
        );
        Ok(content)
    }
}

impl<S: Store> Publishing<'_, S> {
    /// Refuses to queue a publish of content that a queued or running publish job already
    /// covers: one publish job per content at a time. (Two requests racing past this check
    /// are still safe: the jobs mark each content before sending it, and the second finds the
    /// mark — see `claim_publishing`.)
    async fn refuse_twins(
        &self,
        scope: &Scope,
        site: Option<SiteId>,
        input: &PublishInput,
    ) -> Result<()> {
        for status in [JobStatus::Running, JobStatus::Queued] {
            let filter = JobFilter {
                kind: Some(JobKind::Publish),
                status: Some(status),
                site_id: site,
                ..JobFilter::default()
            };
            let active = self
                .core
                .jobs()
                .list(scope, &filter, &PageRequest::new(1, MAX_PAGE_SIZE))
                .await?;
            for job in active.items {
                let Ok(queued) = serde_json::from_value::<PublishInput>(job.payload) else {
                    continue;
                };
                if let Some(id) = input.ids.iter().find(|id| queued.ids.contains(id)) {
                    return Err(Error::Conflict(format!(
                        "content {} is already being published by job {}; wait for that job to \
                         finish (or cancel it), then publish again (publish_in_progress)",
                        id.get(),
                        job.id.get()
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The row identity a site's application password is sealed with: a sealed value copied to
/// another site or account does not open there.
pub(crate) fn site_secret_context(scope: &Scope, site: SiteId) -> String {
    format!("site-wordpress:{}:{}", scope.account().get(), site.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_feed_or_the_page() {
        assert_eq!(
            version_in("<generator>https://wordpress.org/?v=6.4.2</generator>").as_deref(),
            Some("6.4.2")
        );
        assert_eq!(
            version_in(r#"<meta name="generator" content="WordPress 6.1.1" />"#).as_deref(),
            Some("6.1.1")
        );
        assert_eq!(version_in("<html></html>"), None);
    }
}
