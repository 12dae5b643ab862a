//! The previews' DOM: the core's sanitized tree (`quotebook_core::preview`) made into
//! nodes with `createElement`, `createTextNode` and `setAttribute`. No HTML string is
//! built or parsed, so nothing in a note can become markup or script.

use std::sync::atomic::{AtomicU32, Ordering};

use quotebook_core::preview::{NodeKind, preview};
use wasm_bindgen::prelude::*;
use web_sys::{Document, DocumentFragment, Node};

/// Numbers each preview, so the ids of one (footnotes) never meet another's.
static PREVIEWS: AtomicU32 = AtomicU32::new(0);

/// The preview of `markdown` (a note's Markdown file, frontmatter and all) as a
/// `DocumentFragment` of this page's document: raw HTML as text, links only to the web and
/// mail (new tab, no opener), remote images as placeholders that load nothing, footnote ids
/// unique in the page.
#[wasm_bindgen]
pub fn markdown_preview(markdown: &str) -> Result<DocumentFragment, JsError> {
    draw(markdown, "")
}

/// [`markdown_preview`] with the words of a search `query` marked (`<mark>`), ignoring
/// case and accents as the search does.
#[wasm_bindgen]
pub fn markdown_preview_marked(markdown: &str, query: &str) -> Result<DocumentFragment, JsError> {
    draw(markdown, query)
}

/// `text` (plain, not Markdown: a title, a snippet) cut into pieces at the words of
/// `query`, for the page to put the marked ones in `<mark>` elements.
#[wasm_bindgen(unchecked_return_type = "Segment[]")]
pub fn mark_text(text: &str, query: &str) -> Result<JsValue, JsError> {
    crate::to_js(&quotebook_core::search::mark_segments(text, query))
}

fn draw(markdown: &str, query: &str) -> Result<DocumentFragment, JsError> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsError::new("no_document: previews are drawn in a page"))?;
    let n = PREVIEWS.fetch_add(1, Ordering::Relaxed);
    let tree = preview(markdown, &format!("quotebook-preview-{n}-")).marked(query);
    materialise(&document, tree.nodes())
        .map_err(|_| JsError::new("preview_failed: the page refused a node"))
}

/// The nodes in document order, each appended to its parent (made before it): a loop, not
/// a recursion, however deep the tree.
fn materialise(
    document: &Document,
    nodes: &[quotebook_core::preview::Node],
) -> Result<DocumentFragment, JsValue> {
    let fragment = document.create_document_fragment();
    let mut made: Vec<Node> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let dom: Node = match &node.kind {
            NodeKind::Text(text) => document.create_text_node(text).into(),
            NodeKind::Element { name, attrs } => {
                let element = document.create_element(name.as_str())?;
                for (attr, value) in attrs {
                    element.set_attribute(attr.as_str(), value)?;
                }
                element.into()
            }
        };
        let parent: &Node = match node.parent {
            Some(p) => &made[p],
            None => &fragment,
        };
        parent.append_child(&dom)?;
        made.push(dom);
    }
    Ok(fragment)
}
