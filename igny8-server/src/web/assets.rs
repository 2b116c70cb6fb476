//! The web app's static files, embedded in the binary (nothing is read from disk at run time,
//! so the one binary is the whole app) and served under content-hashed names
//! (`/static/app.3f2a9c1b04d5e6f7.css`): a changed file gets a new URL, so every file can be
//! cached for a year (`immutable`).
//!
//! Ours rather than `poem`'s `embed` feature (rust-embed): that one reads from disk in debug
//! builds, and rust-embed's own poem integration is for poem 1.x. This is a table and a hash.

use std::sync::LazyLock;

use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};
use sha2::{Digest, Sha256};

/// One embedded file.
struct Asset {
    /// The name templates ask for (`app.css`).
    name: &'static str,
    /// Its `Content-Type`.
    mime: &'static str,
    bytes: &'static [u8],
}

/// Every file the web app serves.
const FILES: &[Asset] = &[
    Asset {
        name: "app.css",
        mime: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/app.css"),
    },
    Asset {
        name: "app.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/app.js"),
    },
    Asset {
        name: "favicon.svg",
        mime: "image/svg+xml",
        bytes: include_bytes!("../../assets/favicon.svg"),
    },
    Asset {
        name: "htmx.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/vendor/htmx-2.0.11.min.js"),
    },
    Asset {
        name: "htmx-sse.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/vendor/htmx-ext-sse-2.2.4.min.js"),
    },
];

/// Each file's served name: its name with the first 16 hex digits of its SHA-256 before the
/// extension.
static HASHED: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|f| {
            let digest = Sha256::digest(f.bytes);
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            match f.name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hex}.{ext}"),
                None => format!("{}.{hex}", f.name),
            }
        })
        .collect()
});

/// The URL of the embedded file `name` (`app.css` → `/static/app.<hash>.css`). A name that
/// isn't embedded is a mistake in a template: it gives a URL that answers 404, and the
/// `every_template_asset_exists` test fails.
pub fn url(name: &str) -> String {
    match FILES.iter().position(|f| f.name == name) {
        Some(i) => format!("/static/{}", HASHED[i]),
        None => format!("/static/missing/{name}"),
    }
}

/// `GET /static/{file}`: an embedded file by its hashed name, cached for a year.
#[handler]
pub(crate) fn serve(Path(file): Path<String>) -> Response {
    match HASHED.iter().position(|h| *h == file) {
        Some(i) => Response::builder()
            .content_type(FILES[i].mime)
            .header("cache-control", "public, max-age=31536000, immutable")
            .body(FILES[i].bytes),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .header("cache-control", "no-store")
            .body("no such file"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn vendored_files_are_the_published_ones() {
        let readme = include_str!("../../assets/vendor/README.md");
        for (name, file) in [
            ("htmx.js", "htmx-2.0.11.min.js"),
            ("htmx-sse.js", "htmx-ext-sse-2.2.4.min.js"),
        ] {
            let asset = FILES.iter().find(|f| f.name == name).unwrap();
            let row = readme
                .lines()
                .find(|l| l.starts_with(&format!("| `{file}`")))
                .unwrap_or_else(|| panic!("{file} is not in assets/vendor/README.md"));
            assert!(
                row.contains(&format!("`{}`", sha256(asset.bytes))),
                "{file} differs from the published file the README names"
            );
        }
    }

    #[test]
    fn files_get_hashed_names_and_unknown_ones_none() {
        let css = url("app.css");
        assert!(
            css.starts_with("/static/app.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(css.len(), "/static/app..css".len() + 16);
        assert!(url("nope.css").contains("missing"));
    }
}
