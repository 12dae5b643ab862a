// @ts-check
// The page's visible text, shared by the scripts injected into a page (classic scripts in
// the extension's isolated world, run before them by the same `scripting.executeScript`
// call: `files: ['page-text.js', 'capture.js']`, `files: ['page-text.js', 'highlight.js']`).
// capture.js sends it with a selection's offsets; highlight.js finds saved quotes in it and
// maps their offsets back to the page's text nodes. Both must read the same text, or a
// quote saved at one offset would be looked for at another.
//
// The text as the core's deep-link generator reads it: text nodes in document order, blocks
// (the core's `BLOCK_ELEMENTS`, `<br>` among them, as the text-fragments polyfill counts
// it) separated by `\n`, line breaks inside a text node read as spaces so offsets map one
// to one to the DOM. `tests/e2e/page-text.mjs` is the same walk (the fragments test checks
// they agree on every corpus page). The lists below are copies of the core's;
// crates/quotebook-html/tests/block_elements.rs fails when they drift.
globalThis.quotebookPageText = (() => {
  const BLOCKS = new Set([
    'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'col', 'colgroup', 'dd',
    'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer',
    'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'li', 'main',
    'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th',
    'thead', 'tr', 'ul',
  ]);
  const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'iframe', 'object']);
  // The text is kept in pieces joined once at the end: asking a string built by `+=` for
  // its last character (`endsWith`) flattens it, which made the walk quadratic (a 1 MB
  // selection took 6 s here, 4 MB two minutes).
  //
  // `watched` maps nodes to records the walk fills in: `enter`, how many text nodes were
  // copied before the node; `exit`, how many once the node and everything inside it were
  // passed; `index`, for a copied text node, its place in `nodes`. Only the few nodes that
  // place a capture's boundaries are watched.
  /**
   * @param {Map<Node, {enter?: number, exit?: number, index?: number}>} [watched]
   * @param {Document} [doc] the document to read (a same-origin frame's, say)
   * @returns {{text: string, nodes: {node: Text, start: number}[]}}
   */
  const read = (watched = new Map(), doc = document) => {
    const view = doc.defaultView ?? window;
    const pieces = [];
    let length = 0;
    let atBreak = true; // the text is empty or ends with `\n`
    /** @type {{node: Text, start: number}[]} */
    const nodes = [];
    const separate = () => {
      if (!atBreak) {
        pieces.push('\n');
        length += 1;
        atBreak = true;
      }
    };
    const visit = (node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (parent && view.getComputedStyle(parent).visibility === 'hidden') return;
        const data = node.data.replace(/[\n\r]/g, ' ');
        nodes.push({ node, start: length });
        pieces.push(data);
        length += data.length;
        if (data.length > 0) atBreak = false;
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const name = node.localName;
      if (INVISIBLE.has(name)) return;
      const style = view.getComputedStyle(node);
      if (style.display === 'none') return;
      const block = BLOCKS.has(name);
      if (block) separate();
      // Contents the browser neither shows nor finds (`content-visibility: hidden`); a find
      // reveals `hidden=until-found`, as it opens a closed `<details>`: those are kept.
      if (style.contentVisibility !== 'hidden' || node.getAttribute('hidden') === 'until-found') {
        for (let child = node.firstChild; child; child = child.nextSibling) walk(child);
      }
      if (block) separate();
    };
    const walk = (node) => {
      const record = watched.get(node);
      if (record === undefined) {
        visit(node);
        return;
      }
      record.enter = nodes.length;
      visit(node);
      record.exit = nodes.length;
      if (nodes.length > record.enter && nodes[record.enter].node === node) record.index = record.enter;
    };
    if (doc.body) walk(doc.body);
    return { text: pieces.join(''), nodes };
  };

  return { BLOCKS, INVISIBLE, read };
})();
