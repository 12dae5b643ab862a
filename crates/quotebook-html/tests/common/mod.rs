//! Shared by the integration tests that read the shared corpus.

use std::path::PathBuf;

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
