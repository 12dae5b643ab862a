//! The CLI's clock and ids: the core has neither, so its callers supply them.

use std::time::{SystemTime, UNIX_EPOCH};

use quotebook_core::time::format_rfc3339;

/// Now, as an RFC 3339 UTC instant with milliseconds, like JavaScript's `toISOString`.
pub fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_rfc3339(since.as_millis() as i64)
}

/// An id unlikely to collide with one made anywhere else: time and process.
pub fn fresh_id() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("cli-{:x}-{:x}", since.as_nanos(), std::process::id())
}
