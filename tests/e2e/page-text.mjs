// The page's visible text as the core's text-fragment generator reads it (see
// `crates/quotebook-core/src/fragment/mod.rs`): the text of the rendered text nodes in
// document order, blocks separated by `\n`. Runs in the page (a browser module).
//
// Offsets map one to one to the DOM: each text node's data is copied with its line breaks
// (`\n`, `\r`) turned into spaces, so the same length (inside a block whitespace is
// collapsed by the core anyway, and a raw `\n` would read as a block boundary). A block
// element's start and end, and a `<br>` (a block boundary for the text-fragments polyfill
// too), add one `\n` unless the text is empty or already ends with one. The capture
// script (`extension/capture.js`) sends the same text (offsets in UTF-16 units, which
// JavaScript strings count in); `fragments.test.mjs` checks that they agree.

/** The core's `BLOCK_ELEMENTS` (crates/quotebook-html/tests/block_elements.rs checks the copy). */
export const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'col', 'colgroup', 'dd',
  'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'ul',
]);

/** Elements whose contents are never visible text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'iframe', 'object']);

/**
 * Walks `root` (the body by default). Returns `{text, nodes}`: `nodes` lists each text node
 * copied, with where its data starts in `text`. `brAsSpace` reads `<br>` as a space
 * instead of a block boundary (what the capture did before), for measuring that difference.
 */
export function pageText(root = document.body, { brAsSpace = false } = {}) {
  let text = '';
  const nodes = [];
  const separate = () => {
    if (text.length > 0 && !text.endsWith('\n')) text += '\n';
  };
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const parent = node.parentElement;
      if (parent && getComputedStyle(parent).visibility === 'hidden') return;
      nodes.push({ node, start: text.length });
      text += node.data.replace(/[\n\r]/g, ' ');
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const name = node.localName;
    if (SKIPPED.has(name)) return;
    const style = getComputedStyle(node);
    if (style.display === 'none') return;
    if (name === 'br' && brAsSpace) {
      text += ' ';
      return;
    }
    const block = BLOCK_ELEMENTS.has(name);
    if (block) separate();
    if (style.contentVisibility !== 'hidden' || node.getAttribute('hidden') === 'until-found') {
      for (let child = node.firstChild; child; child = child.nextSibling) walk(child);
    }
    if (block) separate();
  };
  walk(root);
  return { text, nodes };
}

/** The DOM position (`{node, offset}`) of `offset` in the text `pageText` returned: inside
 * the text node that holds it, or at the end of the last one before it. */
export function domPoint(nodes, offset) {
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (nodes[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const { node, start } = nodes[lo];
  return { node, offset: Math.min(offset - start, node.data.length) };
}

/** The offset in the page text of a DOM boundary point inside a copied text node, or
 * `null` for any other point. */
export function textOffset(nodes, container, offset) {
  const found = nodes.find((n) => n.node === container);
  return found ? found.start + offset : null;
}
