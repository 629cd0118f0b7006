//! The files of the built site (`target/site`): the wasm bundle, its JavaScript, the CSS,
//! the icon. A release build (`make build`, which runs `scripts/build-site.sh`; or
//! `cargo leptos build --release --precompress`, with `hash-files` in the workspace's
//! Leptos metadata) names the bundle, its script and the CSS after their content and writes a brotli and a gzip copy beside each file: they are
//! served as they lie, never compressed per request, and cached by browsers for a year,
//! since a new build has new names. Without hashed names (a debug build, the tests) the
//! browser revalidates them instead.
//!
//! With hashed names the bundle's files are read into memory at start-up ([`Bundle`]) and
//! answered from there: a file cannot change under its name, and a new build's names reach
//! the pages only with a restart (Leptos reads `hash.txt` then). Opening and reading a file
//! per request cost eight times what writing the same bytes from memory does
//! (`make bench`, "static file").

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderValue, Method, Request, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The list of hashed names the release build writes beside the server's executable, where
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

/// The bundle's files (`/pkg/…`) in memory, each with the brotli and gzip copies that lie
/// beside it.
#[derive(Clone, Debug, Default)]
pub struct Bundle {
    files: Arc<HashMap<String, BundleFile>>,
}

#[derive(Debug)]
struct BundleFile {
    content_type: HeaderValue,
    plain: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Bundle {
    /// Reads every file of a known type in `site_root/pkg`; an unreadable directory is an
    /// empty bundle (every request then goes to the files on disk).
    pub fn load(site_root: &Path) -> Self {
        let dir = site_root.join("pkg");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Self::default();
        };
        let mut files = HashMap::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(content_type) = content_type(&name) else {
                continue;
            };
            let Ok(plain) = std::fs::read(entry.path()) else {
                continue;
            };
            let copy = |suffix: &str| std::fs::read(dir.join(format!("{name}.{suffix}"))).ok();
            files.insert(
                format!("/pkg/{name}"),
                BundleFile {
                    content_type: HeaderValue::from_static(content_type),
                    plain: plain.into(),
                    brotli: copy("br").map(Bytes::from),
                    gzip: copy("gz").map(Bytes::from),
                },
            );
        }
        Self {
            files: Arc::new(files),
        }
    }

    /// The file at `path` in the best coding the client takes, if it is in the bundle.
    fn answer(&self, path: &str, accept_encoding: Option<&str>) -> Option<Response> {
        let file = self.files.get(path)?;
        let accepts = |coding| crate::content_coding::accepts(accept_encoding, coding);
        let (coding, body) = match (&file.brotli, &file.gzip) {
            (Some(brotli), _) if accepts("br") => (Some("br"), brotli.clone()),
            (_, Some(gzip)) if accepts("gzip") => (Some("gzip"), gzip.clone()),
            _ => (None, file.plain.clone()),
        };
        let mut response = (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, file.content_type.clone()),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
            body,
        )
            .into_response();
        if let Some(coding) = coding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        Some(response)
    }
}

fn content_type(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.')?.1;
    Some(match extension {
        "wasm" => "application/wasm",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        _ => return None,
    })
}

/// Answers the bundle's files from memory; anything else goes on to the files on disk.
pub async fn serve_bundle(
    State(bundle): State<Bundle>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let accept_encoding = request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok());
        if let Some(response) = bundle.answer(request.uri().path(), accept_encoding) {
            return response;
        }
    }
    next.run(request).await
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

    #[test]
    fn the_bundle_answers_from_memory_in_the_best_coding_taken() {
        let site = tempfile::tempdir().unwrap();
        let pkg = site.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("breachcheck.abc.css"), b"body{}").unwrap();
        std::fs::write(pkg.join("breachcheck.abc.css.br"), b"BR").unwrap();
        std::fs::write(pkg.join("breachcheck.abc.css.gz"), b"GZ").unwrap();
        std::fs::write(pkg.join("breachcheck.abc.wasm"), b"\0asm").unwrap();
        std::fs::write(pkg.join("notes.txt"), b"not ours to serve").unwrap();
        let bundle = Bundle::load(site.path());
        // The files are read once: removing them changes nothing.
        std::fs::remove_dir_all(&pkg).unwrap();
        let answer = |path: &str, accept: Option<&str>| {
            bundle.answer(path, accept).map(|response| {
                let headers = response.headers().clone();
                assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
                assert_eq!(headers[header::VARY], "accept-encoding");
                (
                    headers[header::CONTENT_TYPE].to_str().unwrap().to_owned(),
                    headers
                        .get(header::CONTENT_ENCODING)
                        .map(|v| v.to_str().unwrap().to_owned()),
                )
            })
        };
        let css = "text/css; charset=utf-8".to_owned();
        assert_eq!(
            answer("/pkg/breachcheck.abc.css", Some("gzip, br")),
            Some((css.clone(), Some("br".into())))
        );
        assert_eq!(
            answer("/pkg/breachcheck.abc.css", Some("gzip")),
            Some((css.clone(), Some("gzip".into())))
        );
        assert_eq!(answer("/pkg/breachcheck.abc.css", None), Some((css, None)));
        assert_eq!(
            answer("/pkg/breachcheck.abc.wasm", Some("br")),
            Some(("application/wasm".to_owned(), None)),
            "no copy lies beside it: the plain file"
        );
        assert_eq!(answer("/pkg/notes.txt", None), None);
        assert_eq!(answer("/pkg/breachcheck.abc.css.br", None), None);
        assert_eq!(answer("/pkg/missing.css", None), None);
    }
}
