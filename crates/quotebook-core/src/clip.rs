//! A capture from the browser becomes quotes in the page's note.

use serde::{Deserialize, Serialize};

use crate::convert::html_to_markdown;
use crate::error::Error;
use crate::note::{Note, Quote, SCHEMA_VERSION};

/// What the capture script (or the context menu event, where no script may run) sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Capture {
    /// The page's URL.
    pub url: String,
    /// `document.baseURI`: relative links resolve against it, not against `url`.
    pub base_url: Option<String>,
    pub title: String,
    /// `<link rel=canonical>`, when the page has one.
    pub canonical: Option<String>,
    /// The HTML of each range of the selection, wrapped in its formatting ancestors.
    pub ranges: Vec<String>,
    /// The selection's text as the browser reports it; used alone when no HTML could be
    /// captured (pages where scripts may not be injected).
    pub text: String,
}

/// One save: the capture plus what the core cannot know by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipRequest {
    pub capture: Capture,
    /// The instant of the save, RFC 3339.
    pub now: String,
    /// A fresh unique id for the first quote; further ranges get `-2`, `-3`… appended.
    pub quote_id: String,
}

impl ClipRequest {
    pub fn from_json(json: &str) -> Result<ClipRequest, Error> {
        serde_json::from_str(json).map_err(|e| Error::InvalidData(e.to_string()))
    }
}

/// The identity of the note a page's quotes go to: its URL without the fragment.
pub fn note_id(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}

/// Adds the request's quotes to `existing` (the page's note, if it has one) and returns
/// the updated note. Nothing is changed when the selection is empty.
pub fn clip(request: &ClipRequest, existing: Option<Note>) -> Result<Note, Error> {
    let capture = &request.capture;
    let url = note_id(capture.url.trim());
    if !is_absolute(url) {
        return Err(Error::InvalidUrl(capture.url.clone()));
    }
    let base = capture.base_url.as_deref().filter(|b| is_absolute(b)).unwrap_or(url);

    let mut markdowns = Vec::with_capacity(capture.ranges.len().max(1));
    for html in &capture.ranges {
        match html_to_markdown(html, base) {
            Ok(markdown) => markdowns.push(markdown),
            Err(Error::EmptySelection) => {}
            Err(other) => return Err(other),
        }
    }
    if markdowns.is_empty() && !capture.text.trim().is_empty() {
        markdowns.push(html_to_markdown(&plain_text_to_html(&capture.text), base)?);
    }
    if markdowns.is_empty() {
        return Err(Error::EmptySelection);
    }

    let mut note = match existing {
        Some(note) if note.id == url => note,
        Some(note) => {
            return Err(Error::InvalidData(format!(
                "the note for {} cannot take quotes from {url}",
                note.id
            )));
        }
        None => Note {
            schema: SCHEMA_VERSION,
            id: url.to_owned(),
            url: url.to_owned(),
            title: title_or_url(&capture.title, url),
            created: request.now.clone(),
            updated: request.now.clone(),
            quotes: Vec::new(),
        },
    };
    let single = markdowns.len() == 1;
    for (i, markdown) in markdowns.into_iter().enumerate() {
        let id = if i == 0 {
            request.quote_id.clone()
        } else {
            format!("{}-{}", request.quote_id, i + 1)
        };
        let text = if single { capture.text.clone() } else { String::new() };
        note.quotes.push(Quote { id, markdown, text, created: request.now.clone() });
    }
    note.updated = request.now.clone();
    Ok(note)
}

fn title_or_url(title: &str, url: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() { url.to_owned() } else { title }
}

fn is_absolute(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Plain text as HTML that keeps its paragraphs and line breaks, so it goes through the one
/// converter and gets the one escaping.
fn plain_text_to_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        for (i, line) in paragraph.trim_matches('\n').split('\n').enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            push_escaped(&mut html, line);
        }
        html.push_str("</p>");
    }
    html
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, ranges: &[&str], text: &str, now: &str, id: &str) -> ClipRequest {
        ClipRequest {
            capture: Capture {
                url: url.into(),
                base_url: None,
                title: "  A   page ".into(),
                canonical: None,
                ranges: ranges.iter().map(|s| s.to_string()).collect(),
                text: text.into(),
            },
            now: now.into(),
            quote_id: id.into(),
        }
    }

    #[test]
    fn a_first_quote_creates_the_note() {
        let note = clip(&request("https://a.example/p#x", &["<p>Hi</p>"], "Hi", "T1", "q1"), None)
            .unwrap();
        assert_eq!(note.id, "https://a.example/p");
        assert_eq!(note.title, "A page");
        assert_eq!((note.created.as_str(), note.updated.as_str()), ("T1", "T1"));
        assert_eq!(note.quotes.len(), 1);
        assert_eq!(note.quotes[0].markdown, "Hi");
    }

    #[test]
    fn a_second_quote_appends_and_only_updated_changes() {
        let first =
            clip(&request("https://a.example/p", &["<p>One</p>"], "One", "T1", "q1"), None)
                .unwrap();
        let second = clip(
            &request("https://a.example/p#frag", &["<p>Two</p>"], "Two", "T2", "q2"),
            Some(first),
        )
        .unwrap();
        assert_eq!((second.created.as_str(), second.updated.as_str()), ("T1", "T2"));
        let ids: Vec<_> = second.quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2"]);
    }

    #[test]
    fn each_range_becomes_a_quote() {
        let note = clip(
            &request("https://a.example/p", &["<p>One</p>", "<b>Two</b>"], "", "T", "q"),
            None,
        )
        .unwrap();
        let ids: Vec<_> = note.quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q", "q-2"]);
        assert_eq!(note.quotes[1].markdown, "**Two**");
    }

    #[test]
    fn plain_text_is_escaped_and_keeps_paragraphs() {
        let note = clip(
            &request("chrome://settings", &[], "# not a heading\n\n<b>x</b>", "T", "q"),
            None,
        )
        .unwrap();
        let md = &note.quotes[0].markdown;
        assert!(md.starts_with("\\# not a heading\n\n"), "{md}");
        assert!(!md.contains("<b>"), "{md}");
    }

    #[test]
    fn an_empty_selection_is_an_error() {
        let r = request("https://a.example/p", &["<p> </p>"], "  ", "T", "q");
        assert_eq!(clip(&r, None), Err(Error::EmptySelection));
    }

    #[test]
    fn a_relative_page_url_is_refused() {
        let r = request("/relative", &["<p>x</p>"], "x", "T", "q");
        assert!(matches!(clip(&r, None), Err(Error::InvalidUrl(_))));
    }
}
