//! The web app: the hosted service in the browser, served by the same binary and port as the
//! API (`/` and below; the API stays under `/api/`).
//!
//! Server-rendered pages from compile-time checked templates (`templates/`, askama), htmx for
//! partial updates, and one hand-written CSS file — everything embedded in the binary
//! ([`assets`]). It is a second transport over the same core as [`crate::api`]: a handler
//! parses the request, makes the core call the API's handler makes, and renders the result;
//! permissions, validation and tenancy are the core's, so a page can't allow what the API
//! refuses. See `docs/design/web-app.md` for the design and `docs/web.md` for users.
//!
//! Every route is listed once, in [`routes`], with who may use it and the API operation it
//! mirrors: that operation's rate class is the route's (so the browser and the API share one
//! budget per user), and a test checks that every write names a real operation.

pub mod assets;
pub mod charts;
pub mod forms;
mod pages;
pub mod render;
pub mod session;
pub mod table;

use poem::endpoint::BoxEndpoint;
use poem::http::Method;
use poem::{Endpoint, EndpointExt, Response, Route, RouteMethod};

use crate::middleware::{Class, RateClasses};
use session::{Access, Guard};

/// What a route counts against, named by what it mirrors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mirror {
    /// A page to read: counted as a read.
    Page,
    /// An API operation: its method and its path under `/api/v1` (`"PATCH",
    /// "/planner/keywords/:id/"`); counted as that operation is (sign-in class, read, write
    /// or AI). A form posts what the API patches or deletes, so the methods may differ.
    Api(&'static str, &'static str),
}

/// One route of the web app.
pub struct WebRoute {
    /// Its method.
    pub method: Method,
    /// Its path, as poem patterns it (`/planner/keywords/:id`).
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// What it mirrors in the API.
    pub mirror: Mirror,
    endpoint: BoxEndpoint<'static, Response>,
}

fn route<E>(method: Method, path: &'static str, access: Access, mirror: Mirror, ep: E) -> WebRoute
where
    E: Endpoint + 'static,
{
    WebRoute {
        method,
        path,
        access,
        mirror,
        endpoint: ep.map_to_response().boxed(),
    }
}

/// Every route of the web app (the static files aside).
pub fn routes() -> Vec<WebRoute> {
    use Access::{Public, SignedIn};
    use Mirror::{Api, Page};
    use pages::*;
    vec![
        route(Method::GET, "/", Public, Page, auth::home),
        route(Method::GET, "/sign-in", Public, Page, auth::sign_in_page),
        route(
            Method::POST,
            "/sign-in",
            Public,
            Api("POST", "/auth/login/"),
            auth::sign_in,
        ),
        route(Method::GET, "/sign-up", Public, Page, auth::sign_up_page),
        route(
            Method::POST,
            "/sign-up",
            Public,
            Api("POST", "/auth/register/"),
            auth::sign_up,
        ),
        route(
            Method::POST,
            "/sign-out",
            Public,
            Api("POST", "/auth/logout/"),
            auth::sign_out,
        ),
        route(Method::GET, "/account", SignedIn, Page, auth::account_page),
        route(
            Method::POST,
            "/account/password",
            SignedIn,
            Api("POST", "/auth/me/password/"),
            auth::change_password,
        ),
        route(
            Method::GET,
            "/dashboard",
            SignedIn,
            Page,
            dashboard::dashboard,
        ),
        route(
            Method::GET,
            "/planner/clusters",
            SignedIn,
            Page,
            clusters::list_page,
        ),
        route(
            Method::POST,
            "/planner/clusters",
            SignedIn,
            Api("POST", "/planner/clusters/"),
            clusters::add_cluster,
        ),
        route(
            Method::POST,
            "/planner/clusters/group",
            SignedIn,
            Api("POST", "/planner/keywords/cluster_locally/"),
            clusters::group,
        ),
        route(
            Method::POST,
            "/planner/clusters/auto/estimate",
            SignedIn,
            Api("POST", "/billing/estimate/"),
            clusters::auto_estimate,
        ),
        route(
            Method::POST,
            "/planner/clusters/auto",
            SignedIn,
            Api("POST", "/planner/keywords/auto_cluster/"),
            clusters::auto_start,
        ),
        route(
            Method::POST,
            "/planner/clusters/bulk-update",
            SignedIn,
            Api("POST", "/planner/clusters/bulk_update/"),
            clusters::bulk_update,
        ),
        route(
            Method::POST,
            "/planner/clusters/ideas",
            SignedIn,
            Api("POST", "/billing/estimate/"),
            clusters::ideas_estimate,
        ),
        route(
            Method::POST,
            "/planner/clusters/ideas/start",
            SignedIn,
            Api("POST", "/planner/clusters/generate_ideas/"),
            clusters::ideas_start,
        ),
        route(
            Method::POST,
            "/planner/clusters/merge",
            SignedIn,
            Api("POST", "/planner/clusters/:id/merge/"),
            clusters::merge,
        ),
        route(
            Method::POST,
            "/planner/clusters/bulk-delete",
            SignedIn,
            Api("POST", "/planner/clusters/bulk_delete/"),
            clusters::bulk_delete,
        ),
        route(
            Method::GET,
            "/planner/clusters/:id",
            SignedIn,
            Page,
            clusters::show,
        ),
        route(
            Method::GET,
            "/planner/clusters/:id/edit",
            SignedIn,
            Page,
            clusters::edit_page,
        ),
        route(
            Method::POST,
            "/planner/clusters/:id",
            SignedIn,
            Api("PATCH", "/planner/clusters/:id/"),
            clusters::save_cluster,
        ),
        route(
            Method::GET,
            "/planner/ideas",
            SignedIn,
            Page,
            ideas::list_page,
        ),
        route(
            Method::POST,
            "/planner/ideas/queue",
            SignedIn,
            Api("POST", "/planner/ideas/queue_to_writer/"),
            ideas::queue,
        ),
        route(
            Method::POST,
            "/planner/ideas/bulk-delete",
            SignedIn,
            Api("POST", "/planner/ideas/bulk_delete/"),
            ideas::bulk_delete,
        ),
        route(
            Method::GET,
            "/planner/overlaps",
            SignedIn,
            Page,
            overlaps::page,
        ),
        route(
            Method::GET,
            "/planner/ideas/:id",
            SignedIn,
            Page,
            ideas::show,
        ),
        route(
            Method::POST,
            "/planner/ideas/:id",
            SignedIn,
            Api("PATCH", "/planner/ideas/:id/"),
            ideas::save,
        ),
        route(
            Method::GET,
            "/writer/tasks",
            SignedIn,
            Page,
            tasks::list_page,
        ),
        route(
            Method::POST,
            "/writer/tasks/bulk-delete",
            SignedIn,
            Api("POST", "/writer/tasks/bulk_delete/"),
            tasks::bulk_delete,
        ),
        route(
            Method::POST,
            "/writer/tasks/write",
            SignedIn,
            Api("POST", "/billing/estimate/"),
            tasks::write_estimate,
        ),
        route(
            Method::POST,
            "/writer/tasks/write/start",
            SignedIn,
            Api("POST", "/writer/tasks/generate_content/"),
            tasks::write_start,
        ),
        route(
            Method::GET,
            "/writer/tasks/:id",
            SignedIn,
            Page,
            tasks::show,
        ),
        route(
            Method::POST,
            "/writer/tasks/:id",
            SignedIn,
            Api("PATCH", "/writer/tasks/:id/"),
            tasks::save,
        ),
        route(
            Method::GET,
            "/writer/content",
            SignedIn,
            Page,
            content::list_page,
        ),
        route(
            Method::POST,
            "/writer/content/bulk-delete",
            SignedIn,
            Api("POST", "/writer/content/bulk_delete/"),
            content::bulk_delete,
        ),
        route(
            Method::GET,
            "/writer/content/:id",
            SignedIn,
            Page,
            content::show,
        ),
        route(
            Method::POST,
            "/writer/content/:id/links-back",
            SignedIn,
            Api("POST", "/writer/content/:id/links_back/"),
            content::insert_link_back,
        ),
        route(
            Method::POST,
            "/writer/content/:id/publish",
            SignedIn,
            Api("POST", "/writer/content/:id/publish/"),
            content::publish_post,
        ),
        route(
            Method::POST,
            "/writer/content/:id",
            SignedIn,
            Api("PATCH", "/writer/content/:id/"),
            content::save,
        ),
        route(
            Method::POST,
            "/writer/content/prompts",
            SignedIn,
            Api("POST", "/billing/estimate/"),
            images::prompts_estimate,
        ),
        route(
            Method::POST,
            "/writer/content/prompts/start",
            SignedIn,
            Api("POST", "/writer/content/generate_image_prompts/"),
            images::prompts_start,
        ),
        route(
            Method::GET,
            "/writer/images",
            SignedIn,
            Page,
            images::list_page,
        ),
        route(
            Method::POST,
            "/writer/images/draw",
            SignedIn,
            Api("POST", "/billing/estimate/"),
            images::draw_estimate,
        ),
        route(
            Method::POST,
            "/writer/images/draw/start",
            SignedIn,
            Api("POST", "/writer/images/generate_images/"),
            images::draw_start,
        ),
        route(
            Method::POST,
            "/writer/images/bulk-delete",
            SignedIn,
            Api("POST", "/writer/images/bulk_delete/"),
            images::bulk_delete,
        ),
        route(
            Method::GET,
            "/writer/images/:id",
            SignedIn,
            Page,
            images::show,
        ),
        route(
            Method::POST,
            "/writer/images/:id",
            SignedIn,
            Api("PATCH", "/writer/images/:id/"),
            images::save,
        ),
        route(
            Method::GET,
            "/writer/images/:id/file",
            SignedIn,
            Api("GET", "/writer/images/:id/file/"),
            images::file,
        ),
        route(
            Method::GET,
            "/thinker/prompts",
            SignedIn,
            Page,
            thinker::prompts_page,
        ),
        route(
            Method::GET,
            "/thinker/prompts/:type",
            SignedIn,
            Page,
            thinker::prompt_show,
        ),
        route(
            Method::POST,
            "/thinker/prompts/:type",
            SignedIn,
            Api("POST", "/thinker/prompts/"),
            thinker::prompt_save,
        ),
        route(
            Method::POST,
            "/thinker/prompts/:type/reset",
            SignedIn,
            Api("DELETE", "/thinker/prompts/:id/"),
            thinker::prompt_reset,
        ),
        route(
            Method::GET,
            "/thinker/authors",
            SignedIn,
            Page,
            thinker::authors_page,
        ),
        route(
            Method::POST,
            "/thinker/authors",
            SignedIn,
            Api("POST", "/thinker/author-profiles/"),
            thinker::author_add,
        ),
        route(
            Method::POST,
            "/thinker/authors/bulk-delete",
            SignedIn,
            Api("POST", "/thinker/author-profiles/bulk_delete/"),
            thinker::authors_delete,
        ),
        route(
            Method::GET,
            "/thinker/authors/:id",
            SignedIn,
            Page,
            thinker::author_show,
        ),
        route(
            Method::POST,
            "/thinker/authors/:id",
            SignedIn,
            Api("PATCH", "/thinker/author-profiles/:id/"),
            thinker::author_save,
        ),
        route(
            Method::GET,
            "/thinker/image-testing",
            SignedIn,
            Page,
            thinker::image_testing_page,
        ),
        route(
            Method::POST,
            "/thinker/image-testing",
            SignedIn,
            Api("POST", "/thinker/image_testing/"),
            thinker::image_test,
        ),
        route(
            Method::GET,
            "/thinker/strategies",
            SignedIn,
            Page,
            thinker::strategies_page,
        ),
        route(
            Method::POST,
            "/thinker/strategies",
            SignedIn,
            Api("POST", "/thinker/strategies/"),
            thinker::strategy_add,
        ),
        route(
            Method::POST,
            "/thinker/strategies/bulk-delete",
            SignedIn,
            Api("POST", "/thinker/strategies/bulk_delete/"),
            thinker::strategies_delete,
        ),
        route(
            Method::GET,
            "/thinker/strategies/:id",
            SignedIn,
            Page,
            thinker::strategy_show,
        ),
        route(
            Method::POST,
            "/thinker/strategies/:id",
            SignedIn,
            Api("PATCH", "/thinker/strategies/:id/"),
            thinker::strategy_save,
        ),
        route(
            Method::GET,
            "/automation",
            SignedIn,
            Page,
            automation::index_page,
        ),
        route(
            Method::GET,
            "/automation/rules/new",
            SignedIn,
            Page,
            automation::new_page,
        ),
        route(
            Method::POST,
            "/automation/rules",
            SignedIn,
            Api("POST", "/automation/rules/"),
            automation::create,
        ),
        route(
            Method::POST,
            "/automation/rules/pause",
            SignedIn,
            Api("PATCH", "/automation/rules/:id/"),
            automation::pause,
        ),
        route(
            Method::POST,
            "/automation/rules/bulk-delete",
            SignedIn,
            Api("DELETE", "/automation/rules/:id/"),
            automation::bulk_delete,
        ),
        route(
            Method::GET,
            "/automation/rules/:id",
            SignedIn,
            Page,
            automation::show,
        ),
        route(
            Method::POST,
            "/automation/rules/:id",
            SignedIn,
            Api("PATCH", "/automation/rules/:id/"),
            automation::save,
        ),
        route(
            Method::POST,
            "/automation/rules/:id/run",
            SignedIn,
            Api("POST", "/automation/rules/:id/run/"),
            automation::run_now,
        ),
        route(
            Method::GET,
            "/automation/runs/:id",
            SignedIn,
            Page,
            automation::run_page,
        ),
        route(
            Method::POST,
            "/automation/runs/:id/cancel",
            SignedIn,
            Api("POST", "/automation/runs/:id/cancel/"),
            automation::cancel_run,
        ),
        route(
            Method::GET,
            "/operator",
            SignedIn,
            Page,
            operator::accounts_page,
        ),
        route(
            Method::GET,
            "/operator/accounts/:id",
            SignedIn,
            Page,
            operator::account_show,
        ),
        route(
            Method::POST,
            "/operator/accounts/:id",
            SignedIn,
            Api("PATCH", "/operator/accounts/:id/"),
            operator::account_save,
        ),
        route(
            Method::POST,
            "/operator/accounts/:id/credits",
            SignedIn,
            Api("POST", "/operator/accounts/:id/credits/"),
            operator::credits,
        ),
        route(
            Method::POST,
            "/operator/accounts/:id/delete",
            SignedIn,
            Api("DELETE", "/operator/accounts/:id/"),
            operator::delete,
        ),
        route(
            Method::GET,
            "/operator/jobs",
            SignedIn,
            Page,
            operator::jobs_page,
        ),
        route(
            Method::GET,
            "/operator/health",
            SignedIn,
            Page,
            operator::health_page,
        ),
        route(
            Method::GET,
            "/operator/plans",
            SignedIn,
            Page,
            operator::plans_page,
        ),
        route(
            Method::POST,
            "/operator/plans",
            SignedIn,
            Api("POST", "/operator/plans/"),
            operator::plan_add,
        ),
        route(
            Method::GET,
            "/operator/plans/:id",
            SignedIn,
            Page,
            operator::plan_show,
        ),
        route(
            Method::POST,
            "/operator/plans/:id",
            SignedIn,
            Api("PUT", "/operator/plans/:id/"),
            operator::plan_save,
        ),
        route(Method::GET, "/jobs", SignedIn, Page, jobs::list_page),
        route(
            Method::POST,
            "/jobs/cancel",
            SignedIn,
            Api("POST", "/system/jobs/:id/cancel/"),
            jobs::cancel_selected,
        ),
        route(
            Method::GET,
            "/jobs/events",
            SignedIn,
            Api("GET", "/system/jobs/:id/events/"),
            jobs::events,
        ),
        route(Method::GET, "/jobs/:id", SignedIn, Page, jobs::show),
        route(
            Method::POST,
            "/jobs/:id/cancel",
            SignedIn,
            Api("POST", "/system/jobs/:id/cancel/"),
            jobs::cancel,
        ),
        route(Method::GET, "/team", SignedIn, Page, team::people_page),
        route(
            Method::POST,
            "/team",
            SignedIn,
            Api("POST", "/auth/users/"),
            team::add_person,
        ),
        route(
            Method::POST,
            "/team/bulk-update",
            SignedIn,
            Api("POST", "/auth/users/bulk_update/"),
            team::bulk_update,
        ),
        route(
            Method::POST,
            "/team/bulk-delete",
            SignedIn,
            Api("POST", "/auth/users/bulk_delete/"),
            team::bulk_delete,
        ),
        route(Method::GET, "/team/keys", SignedIn, Page, team::keys_page),
        route(
            Method::POST,
            "/team/keys",
            SignedIn,
            Api("POST", "/auth/api-keys/"),
            team::make_key,
        ),
        route(
            Method::POST,
            "/team/keys/revoke",
            SignedIn,
            Api("DELETE", "/auth/api-keys/:id/"),
            team::revoke_keys,
        ),
        route(
            Method::GET,
            "/billing",
            SignedIn,
            Page,
            billing::billing_page,
        ),
        route(
            Method::GET,
            "/billing/usage",
            SignedIn,
            Page,
            billing::usage_page,
        ),
        route(
            Method::GET,
            "/settings",
            SignedIn,
            Page,
            settings::settings_page,
        ),
        route(
            Method::POST,
            "/settings/defaults",
            SignedIn,
            Api("POST", "/system/settings/"),
            settings::save_defaults,
        ),
        route(
            Method::POST,
            "/settings/providers/:provider",
            SignedIn,
            Api("POST", "/system/integrations/"),
            settings::save_provider,
        ),
        route(
            Method::POST,
            "/settings/providers/:provider/test",
            SignedIn,
            Api("POST", "/system/integrations/:provider/test/"),
            settings::test_provider,
        ),
        route(
            Method::POST,
            "/settings/providers/:provider/disconnect",
            SignedIn,
            Api("DELETE", "/system/integrations/:provider/"),
            settings::disconnect_provider,
        ),
        route(Method::GET, "/sites", SignedIn, Page, sites::list_page),
        route(
            Method::POST,
            "/sites",
            SignedIn,
            Api("POST", "/auth/sites/"),
            sites::add_site,
        ),
        route(
            Method::POST,
            "/sites/bulk-delete",
            SignedIn,
            Api("POST", "/auth/sites/bulk_delete/"),
            sites::delete_sites,
        ),
        route(
            Method::POST,
            "/sites/sectors/bulk-delete",
            SignedIn,
            Api("POST", "/auth/sectors/bulk_delete/"),
            sites::delete_sectors,
        ),
        route(Method::GET, "/sites/:id", SignedIn, Page, sites::show),
        route(
            Method::POST,
            "/sites/:id",
            SignedIn,
            Api("PATCH", "/auth/sites/:id/"),
            sites::save_site,
        ),
        route(
            Method::POST,
            "/sites/:id/wordpress",
            SignedIn,
            Api("PUT", "/auth/sites/:id/wordpress/"),
            sites::connect_wordpress,
        ),
        route(
            Method::POST,
            "/sites/:id/wordpress/disconnect",
            SignedIn,
            Api("DELETE", "/auth/sites/:id/wordpress/"),
            sites::disconnect_wordpress,
        ),
        route(
            Method::GET,
            "/sites/:id/links",
            SignedIn,
            Page,
            sites::link_inventory,
        ),
        route(
            Method::POST,
            "/sites/:id/links/sync",
            SignedIn,
            Api("POST", "/auth/sites/:id/links/sync/"),
            sites::sync_links,
        ),
        route(
            Method::POST,
            "/sites/:id/test-connection",
            SignedIn,
            Api("POST", "/auth/sites/:id/test_connection/"),
            sites::test_connection,
        ),
        route(
            Method::POST,
            "/sites/:id/sectors",
            SignedIn,
            Api("POST", "/auth/sectors/"),
            sites::add_sector,
        ),
        route(
            Method::GET,
            "/sites/:site/sectors/:id/edit",
            SignedIn,
            Page,
            sites::edit_sector,
        ),
        route(
            Method::POST,
            "/sites/:site/sectors/:id",
            SignedIn,
            Api("PATCH", "/auth/sectors/:id/"),
            sites::save_sector,
        ),
        route(
            Method::GET,
            "/planner/keywords",
            SignedIn,
            Page,
            keywords::list_page,
        ),
        route(
            Method::POST,
            "/planner/keywords",
            SignedIn,
            Api("POST", "/planner/keywords/"),
            keywords::add_keyword,
        ),
        route(
            Method::GET,
            "/planner/keywords/import",
            SignedIn,
            Page,
            import::import_page,
        ),
        route(
            Method::POST,
            "/planner/keywords/import",
            SignedIn,
            Api("POST", "/planner/keywords/import/"),
            import::import,
        ),
        route(
            Method::GET,
            "/planner/keywords/export",
            SignedIn,
            Api("GET", "/planner/keywords/export/"),
            keywords::export_csv,
        ),
        route(
            Method::POST,
            "/planner/keywords/auto-cluster",
            SignedIn,
            Api("POST", "/billing/estimate/"),
            keywords::auto_estimate,
        ),
        route(
            Method::POST,
            "/planner/keywords/auto-cluster/start",
            SignedIn,
            Api("POST", "/planner/keywords/auto_cluster/"),
            keywords::auto_start,
        ),
        route(
            Method::POST,
            "/planner/keywords/bulk-update",
            SignedIn,
            Api("POST", "/planner/keywords/bulk_update/"),
            keywords::bulk_update,
        ),
        route(
            Method::POST,
            "/planner/keywords/bulk-delete",
            SignedIn,
            Api("POST", "/planner/keywords/bulk_delete/"),
            keywords::bulk_delete,
        ),
        route(
            Method::GET,
            "/planner/keywords/:id/edit",
            SignedIn,
            Page,
            keywords::edit_page,
        ),
        route(
            Method::GET,
            "/planner/keywords/:id/row",
            SignedIn,
            Page,
            keywords::row_fragment,
        ),
        route(
            Method::POST,
            "/planner/keywords/:id",
            SignedIn,
            Api("PATCH", "/planner/keywords/:id/"),
            keywords::save_keyword,
        ),
    ]
}

/// The rate class of a route: its API twin's.
fn class_of(classes: &RateClasses, mirror: Mirror) -> Class {
    match mirror {
        Mirror::Page => Class::Read,
        Mirror::Api(method, path) => classes
            .classify(
                &Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST),
                &format!("/api/v1{}", path.trim_end_matches('/')),
            )
            .unwrap_or(Class::Write),
    }
}

/// Adds the web app's routes and its static files to `route`.
pub fn mount(mut route: Route, classes: &RateClasses) -> Route {
    let mut by_path: Vec<(&'static str, RouteMethod)> = Vec::new();
    for r in routes() {
        let class = class_of(classes, r.mirror);
        let guarded = Guard {
            inner: r.endpoint,
            access: r.access,
            class,
        };
        let index = match by_path.iter().position(|(p, _)| *p == r.path) {
            Some(i) => i,
            None => {
                by_path.push((r.path, RouteMethod::new()));
                by_path.len() - 1
            }
        };
        let (path, methods) = by_path.swap_remove(index);
        by_path.push((path, methods.method(r.method, guarded)));
    }
    for (path, methods) in by_path {
        route = route.at(path, methods);
    }
    route.at("/static/:file", assets::serve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_mirrors_an_operation_of_the_api() {
        let spec: serde_json::Value = serde_json::from_str(&crate::openapi_json()).unwrap();
        let classes = RateClasses::from_spec(&spec, "/api/v1");
        for r in routes() {
            match r.mirror {
                Mirror::Page => assert_eq!(r.method, Method::GET, "{} {}", r.method, r.path),
                Mirror::Api(method, path) => {
                    let methods = classes
                        .allowed_methods(&format!("/api/v1{}", path.trim_end_matches('/')))
                        .unwrap_or_default();
                    assert!(
                        methods.iter().any(|m| m.as_str() == method),
                        "{} {} mirrors {method} {path}, which the API doesn't have",
                        r.method,
                        r.path
                    );
                    // A write is never mirrored as a read (it would count against the wrong budget).
                    assert!(
                        r.method == Method::GET || method != "GET",
                        "{} {} mirrors a read",
                        r.method,
                        r.path
                    );
                }
            }
        }
        // Sign-in and sign-up count per address, like the API's.
        assert_eq!(
            class_of(&classes, Mirror::Api("POST", "/auth/login/")),
            Class::Auth
        );
    }
}
