//! The files of the built site (`target/site`): the wasm bundle, its JavaScript, the CSS,
//! the icon. A release build (`cargo leptos build --release --precompress`, with
//! `hash-files` in the workspace's Leptos metadata) names the bundle, its script and the
//! CSS after their content and writes a brotli and a gzip copy beside each file: they are
//! served as they lie, never compressed per request, and cached by browsers for a year,
//! since a new build has new names. Without hashed names (a debug build, the tests) the
//! browser revalidates them instead.

use axum::{
    body::Body,
    extract::State,
    http::{HeaderValue, Request, header},
    middleware::Next,
    response::Response,
};
use std::path::{Path, PathBuf};

/// The list of hashed names cargo-leptos writes beside the server's executable, where
/// Leptos reads it to name the files in each page.
const HASH_FILE: &str = "hash.txt";

/// Whether this build's assets carry content-hashed names.
pub fn assets_hashed() -> bool {
    hash_file().is_some_and(|path| path.exists())
}

pub fn hash_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent().unwrap_or(Path::new(".")).join(HASH_FILE))
}

/// Whether the site's bundle carries content-hashed names that this executable cannot know:
/// a release build served without the `hash.txt` written beside its binary, whose pages would
/// name files that do not exist.
pub fn names_unknown(site_root: &Path, hashed: bool) -> bool {
    if hashed {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(site_root.join("pkg")) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        name.starts_with("breachcheck.") && name.ends_with(".wasm")
    })
}

/// A year: what browsers take as "for ever" for a file whose name changes with it.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Anything else may change under the same name: ask each time (a 304 when unchanged).
pub const REVALIDATE: &str = "no-cache";

/// Sets the cache policy of a static file by its path: hashed bundle files for ever.
pub async fn cache_policy(
    State(hashed): State<bool>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let bundle = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().as_u16() == 304 {
        let policy = if bundle && hashed {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        // The same path answers brotli, gzip or plain bytes by what the browser accepts.
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_bundle_without_its_hash_file_is_noticed() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        assert!(!names_unknown(site.path(), false), "no bundle at all");
        std::fs::write(site.path().join("pkg/breachcheck_bg.wasm"), b"").unwrap();
        assert!(!names_unknown(site.path(), false), "an unhashed bundle");
        std::fs::write(site.path().join("pkg/breachcheck.nviGIE0WvtYd.wasm"), b"").unwrap();
        assert!(names_unknown(site.path(), false));
        assert!(!names_unknown(site.path(), true), "the hash file was found");
    }
}
