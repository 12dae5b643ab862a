//! HTML → Markdown. (Placeholder while the real converter is written: see issue 3.)

use crate::error::Error;

/// Converts an HTML fragment to Markdown, resolving links against `base_url`.
pub fn html_to_markdown(html: &str, _base_url: &str) -> Result<String, Error> {
    let text = html.trim();
    if text.is_empty() {
        return Err(Error::EmptySelection);
    }
    Ok(text.to_owned())
}
