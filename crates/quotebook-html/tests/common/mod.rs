//! Shared by the integration tests (and benches) that read the shared corpus or walk the
//! golden cases; each includes what it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The files under `dir`, at any depth, for which `keep` holds, sorted by path. A missing
/// `dir` has none.
pub fn files_where(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    fn walk(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            if path.is_dir() {
                walk(&path, keep, out);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, keep, &mut out);
    out.sort();
    out
}

/// The files under `dir`, at any depth, named one of `names`, sorted by path.
pub fn files_named(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    files_where(dir, &|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| names.contains(&n))
    })
}

/// The shared corpus (`$QUOTEBOOK_CORPUS`, else `../shared/corpus/readability` beside the
/// workspace), or `None` with a message saying what is skipped. Under `CI=true` a missing
/// corpus is a failure, never a skip.
pub fn corpus(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("QUOTEBOOK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/readability")
        });
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "corpus not found at {} (set QUOTEBOOK_CORPUS)",
            dir.display()
        );
    }
    eprintln!(
        "SKIP: corpus not found at {} (set QUOTEBOOK_CORPUS); {what} skipped",
        dir.display()
    );
    None
}
