// @ts-check
// Injected on demand (scripting.executeScript) into the frame that holds the selection; its
// value is the capture the service worker hands to the core. It only reads the page.
//
// `Range.cloneContents()` drops the selection's ancestors, so a passage selected inside a
// `pre`, a link, an item of `<ol start=7>`, a table cell, a heading or a blockquote would
// lose that formatting. Each range's contents are therefore wrapped in shallow copies of its
// formatting ancestors. Elements whose computed `white-space` keeps line breaks are marked
// `data-qb-ws="<value>"`, since the core cannot see style sheets, and what the page's styles
// hide is left out, since only the browser knows what the reader saw.
//
// Nothing the page runs or loads may follow from a save: the range is copied by a walk of
// our own into a document without a browsing context, never into the page's document.
// It runs after page-text.js, in the same world (`files: ['page-text.js', 'capture.js']`),
// and reads the page's text through it.
(() => {
  const { BLOCKS, read: pageText } = globalThis.quotebookPageText;
  const FORMATTING = new Set([
    'a', 'abbr', 'b', 'blockquote', 'caption', 'cite', 'code', 'del', 'dd', 'dl', 'dt', 'em',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'i', 'ins', 'kbd', 'li', 'mark', 'ol', 'pre', 'q', 's',
    'samp', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
    'tr', 'u', 'ul', 'var',
  ]);
  // Attributes worth keeping on a shallow copy; everything else (ids, styles, handlers) goes.
  const KEEP = {
    a: ['title'], code: ['class'], pre: ['class'], ol: ['type', 'reversed'],
    td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], abbr: ['title'],
  };
  const KEPT_WS = new Set(['pre', 'pre-wrap', 'pre-line', 'break-spaces']);

  const whiteSpace = (element) => {
    const value = getComputedStyle(element).whiteSpace;
    // Newer engines report the longhands' shorthand (`pre-wrap` etc.) here too.
    return KEPT_WS.has(value) ? value : null;
  };

  // The ordinal an `li` shows, following `value`, `start` and `reversed` like the browser.
  const ordinal = (li) => {
    const list = li.parentElement;
    const items = [...list.children].filter((c) => c.localName === 'li');
    const reversed = list.hasAttribute('reversed');
    const step = reversed ? -1 : 1;
    let number = list.hasAttribute('start')
      ? parseInt(list.getAttribute('start'), 10)
      : (reversed ? items.length : 1);
    if (Number.isNaN(number)) number = 1;
    for (const item of items) {
      const value = parseInt(item.getAttribute('value') ?? '', 10);
      if (!Number.isNaN(value)) number = value;
      if (item === li) return number;
      number += step;
    }
    return number;
  };

  // Every copy is made in a document of our own, which has no browsing context: nothing in
  // it loads (images, `srcset`, video, audio) and no handler in it runs. Copies made in
  // the page's document, as `range.cloneContents()` makes them, fetch their images again
  // and run their `onerror` and `ontoggle` again: saving must not wake the page.
  const inert = document.implementation.createHTMLDocument('');

  // Links whose address is longer than this lose it here (their text stays), as the core
  // would drop it (`MAX_URL` in crates/quotebook-html/src/convert/inline.rs; a Rust test
  // keeps the two equal): twenty 1 MB links are not sent.
  const MAX_URL = 8 * 1024;

  const shallowCopy = (element) => {
    const name = element.localName;
    const copy = inert.createElement(FORMATTING.has(name) ? name : 'div');
    for (const attribute of KEEP[name] ?? []) {
      if (element.hasAttribute(attribute)) copy.setAttribute(attribute, element.getAttribute(attribute));
    }
    if (name === 'a' && element.hasAttribute('href') && element.href.length <= MAX_URL) {
      copy.setAttribute('href', element.href);
    }
    if (name === 'li' && element.parentElement?.localName === 'ol') {
      copy.setAttribute('value', String(ordinal(element)));
    }
    const ws = whiteSpace(element);
    if (ws) copy.setAttribute('data-qb-ws', ws);
    return copy;
  };

  // Whether the reader can see `element`'s contents, as the browser renders them: not
  // `display: none`, not inside a closed `<details>` or `content-visibility: hidden`
  // (`checkVisibility`), and for its own text, not `visibility: hidden`. Opacity is not
  // looked at: like colour and size, it is paint, and text fragments (the deep links) and
  // find-in-page match such text too. `display: contents` has no box of its own, so
  // `checkVisibility` says no although its children show: it is judged by its parent.
  // Null when hidden.
  const rendering = (element) => {
    const style = getComputedStyle(element);
    const display = style.display;
    if (display === 'none' || (display !== 'contents' && !element.checkVisibility())) return null;
    return {
      // The element shows, its children do not (`content-visibility: hidden`,
      // `hidden=until-found`).
      skipsContents: style.contentVisibility === 'hidden',
      textShows: style.visibility === 'visible',
      ws: KEPT_WS.has(style.whiteSpace) ? style.whiteSpace : null,
    };
  };

  // A copy of `element` in `inert`; an over-long link address and the white space the
  // page keeps are settled here.
  const copyOf = (element, ws) => {
    const copy = /** @type {Element} */ (inert.importNode(element, false));
    if ((copy.localName === 'a' || copy.localName === 'area') && (copy.getAttribute('href')?.length ?? 0) > MAX_URL) {
      copy.removeAttribute('href');
    }
    if (ws) copy.setAttribute('data-qb-ws', ws);
    return copy;
  };

  // Whether `element` and every ancestor show (for the walk's starting point; below it, the
  // walk judges each element as it enters it).
  const shown = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none') return false;
      if (style.display !== 'contents') return e.checkVisibility();
    }
    return true;
  };

  // The contents of `range`, copied into `into` as `range.cloneContents()` would (the
  // elements partly in the range copied without what lies outside it), but in `inert`,
  // without what the reader cannot see, and by a loop rather than recursion (pages nest
  // elements thousands deep). Returns the range's visible text (blocks on lines of their
  // own) and whether anything in it was left out as hidden.
  const copyRange = (range, into) => {
    const { startContainer: sc, startOffset: so, endContainer: ec, endOffset: eo } = range;
    const common = range.commonAncestorContainer;
    const holder = common.nodeType === Node.ELEMENT_NODE ? /** @type {Element} */ (common) : common.parentElement;
    const top = holder && shown(holder) ? rendering(holder) ?? { skipsContents: false, textShows: true, ws: null } : null;
    if (!top || top.skipsContents) return { text: '', hid: true };
    const texts = [];
    let hid = false; // whether anything was left out as hidden
    const textOf = (node, shows) => {
      hid ||= !shows;
      if (!shows) return '';
      const data = node === sc ? (node === ec ? node.data.slice(so, eo) : node.data.slice(so))
        : node === ec ? node.data.slice(0, eo) : node.data;
      texts.push(data);
      return data;
    };
    if (common.nodeType !== Node.ELEMENT_NODE) {
      if (common.nodeType === Node.TEXT_NODE || common.nodeType === Node.CDATA_SECTION_NODE) {
        const data = textOf(common, top.textShows);
        if (data) into.append(inert.createTextNode(data));
      }
      return { text: texts.join(''), hid };
    }
    // For each ancestor of a boundary below `common`, its child on the way to the boundary.
    const toStart = new Map();
    for (let n = sc; n !== common && n.parentNode; n = n.parentNode) toStart.set(n.parentNode, n);
    const toEnd = new Map();
    for (let n = ec; n !== common && n.parentNode; n = n.parentNode) toEnd.set(n.parentNode, n);
    // An element whose children in the range are being copied: the next child, the child
    // before which to stop (`stop`) or the last child to copy (`last`), where the copies
    // go, and how the element renders.
    const frame = (parent, copy, seen, block = false) => ({
      next: parent === sc ? sc.childNodes[so] ?? null : toStart.get(parent) ?? parent.firstChild,
      stop: parent === ec ? ec.childNodes[eo] : undefined,
      last: toEnd.get(parent),
      copy,
      seen,
      // A closed `<details>` shows its summary only.
      summaryOnly: parent.localName === 'details' && !parent.hasAttribute('open'),
      block, // whether to end the text's line after it
    });
    const stack = [frame(common, into, top)];
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      const node = f.next;
      if (!node || node === f.stop) {
        stack.pop();
        if (f.block) texts.push('\n');
        continue;
      }
      f.next = node === f.last ? null : node.nextSibling;
      if (f.summaryOnly && node.localName !== 'summary') {
        hid = true;
        continue;
      }
      if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
        const data = textOf(node, f.seen.textShows);
        if (data) f.copy.append(inert.createTextNode(data));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const seen = rendering(/** @type {Element} */ (node));
        if (!seen) {
          hid = true;
          continue;
        }
        const copy = copyOf(node, seen.ws);
        f.copy.append(copy);
        hid ||= seen.skipsContents;
        const block = BLOCKS.has(node.localName);
        if (block) texts.push('\n');
        if (!seen.skipsContents && node.firstChild) stack.push(frame(node, copy, seen, block));
      }
    }
    return { text: texts.join('').replace(/[ \t]*\n\s*/g, '\n').trim(), hid };
  };

  // The range's HTML, wrapped in copies of its formatting ancestors, and its visible text.
  const rangeHtml = (range) => {
    const fragment = inert.createDocumentFragment();
    const { text, hid } = copyRange(range, fragment);
    const common = range.commonAncestorContainer;

    // Shallow copies of the formatting ancestors, innermost first.
    /** @type {Node} */
    let content = fragment;
    /** @type {Element | null} */
    let cameFrom = null; // the ancestor just below `element`, the selection sits in it
    let element = common.nodeType === Node.ELEMENT_NODE ? /** @type {Element} */ (common) : common.parentElement;
    for (; element && element !== document.body && element !== document.documentElement;
      element = element.parentElement) {
      const name = element.localName;
      if (FORMATTING.has(name) || whiteSpace(element) !== null) {
        const copy = shallowCopy(element);
        if (name === 'ol') {
          // Inside one item: its number; across items: the number of the first one touched.
          const first = cameFrom?.localName === 'li'
            ? cameFrom
            : [...element.children].find((c) => c.localName === 'li' && range.intersectsNode(c));
          if (first) copy.setAttribute('start', String(ordinal(first)));
        }
        copy.append(content);
        content = copy;
      }
      cameFrom = element;
    }
    const holder = inert.createElement('div');
    holder.append(content);
    return { html: holder.innerHTML, text, hid };
  };


  // The page's metadata for the core (title, authors, dates, canonical URL): the elements
  // the core reads, not the whole page. This list must equal the core's
  // `metadata_capture_selectors()` (a Rust test compares them). Of the head, only the
  // elements that carry metadata are sent, not its styles and scripts.
  const METADATA_SELECTORS = 'head, script[type="application/ld+json"], [rel~="author" i], [itemprop*="author" i], [itemprop*="datePublished" i], [itemprop*="dateCreated" i], [class*="byline" i], [class*="author" i], [id*="byline" i], [id*="author" i], [class*="dateline" i], [id*="dateline" i], [class*="writtenby" i], [id*="writtenby" i], address, time, h1, h2, meta, link[rel~="canonical" i], [class*="date" i], [class*="published" i], [class*="posted" i], [class*="datum" i], [class*="fecha" i]';
  const HEAD_METADATA = 'title, meta, link, base, script[type="application/ld+json"]';
  // A reader's comment, or the list of them, as the core's `is_comment_container` tells
  // one: a byline inside is a reader's, not the article's, and is not sent.
  const isCommentContainer = (element) =>
    element.classList.contains('comment')
    || element.classList.contains('comments')
    || element.id === 'comments'
    || /^comment-[0-9]+$/.test(element.id);
  const inComment = (element) => {
    for (let e = element; e; e = e.parentElement) if (isCommentContainer(e)) return true;
    return false;
  };
  const MAX_METADATA = 512 * 1024;
  const metadataHtml = () => {
    const lang = document.documentElement.getAttribute('lang');
    const open = document.createElement('html');
    if (lang) open.setAttribute('lang', lang);
    let html = open.outerHTML.replace('</html>', '');
    const taken = [];
    for (const element of document.querySelectorAll(METADATA_SELECTORS)) {
      if (taken.some((t) => t.contains(element))) continue;
      if (element.localName !== 'head' && inComment(element)) continue;
      taken.push(element);
      const piece = element.localName === 'head'
        ? `<head>${[...element.querySelectorAll(HEAD_METADATA)].map((e) => e.outerHTML).join('')}</head>`
        : element.outerHTML;
      if (html.length + piece.length > MAX_METADATA) break;
      html += piece;
    }
    return html;
  };

  // A boundary point (`container`, `offset`) as the walk can place it: the node it stands
  // just before (`before`: the child at `offset` of an element container) or at the end of
  // the contents of (an element container at its end, or the text node holding the point),
  // with the records of that node and its ancestors, which the walk is told to fill in.
  const boundary = (container, offset, watched) => {
    // A text node's `childNodes` is empty: its points stand in it.
    const child = container.childNodes[offset];
    const point = child ? { node: child, before: true } : { node: container, before: false };
    point.chain = [];
    for (let node = point.node; node; node = node.parentNode) {
      let record = watched.get(node);
      if (!record) watched.set(node, record = {});
      point.chain.push(record);
    }
    return point;
  };

  // How many copied text nodes lie wholly before a boundary point (`{count}`), or, when the
  // point is inside a copied text node, `{index}` of that node. Null for a point in another
  // tree than the page's (a shadow root, a detached node): no copied node is in its range.
  const place = (point, nodes) => {
    const [own] = point.chain;
    if (own.index !== undefined && !point.before) return { index: own.index };
    // The innermost node of the chain the walk entered: the point's own node, or an
    // ancestor the walk skipped whole (hidden, a script), inside which nothing is copied.
    const entered = point.chain.find((record) => record.enter !== undefined);
    if (entered) return { count: entered === own && point.before ? own.enter : entered.exit };
    // The walk entered none of them: the point lies outside the body (the head, the root).
    const body = document.body;
    if (!body) return null;
    const position = body.compareDocumentPosition(point.node);
    if (position & Node.DOCUMENT_POSITION_DISCONNECTED) return null;
    if (position & Node.DOCUMENT_POSITION_CONTAINS) return { count: point.before ? 0 : nodes.length };
    return { count: position & Node.DOCUMENT_POSITION_PRECEDING ? 0 : nodes.length };
  };

  // A range's [start, end) in the page text (UTF-16 units), or null when a boundary is not
  // in a copied text node and no text node lies within the range. The copied text nodes the
  // range intersects (`range.intersectsNode`, which asked of every node cost a walk of the
  // page per range) are consecutive: from the one holding the start (or the first after it)
  // to the one holding the end (or the last before it); the start and end offsets count
  // only inside those.
  const offsetsOf = ({ range, start: from, end: to }, { nodes }) => {
    const head = place(from, nodes);
    const tail = place(to, nodes);
    if (!head || !tail) return null;
    const firstIndex = head.index ?? head.count;
    const lastIndex = tail.index ?? tail.count - 1;
    if (firstIndex > lastIndex || firstIndex >= nodes.length || lastIndex < 0) return null;
    const first = nodes[firstIndex];
    const last = nodes[lastIndex];
    const start = first.start + (head.index !== undefined ? range.startOffset : 0);
    const end = last.start + (tail.index !== undefined ? range.endOffset : last.node.data.length);
    return end > start ? [start, end] : null;
  };

  // A selection of more text than this (UTF-16 units) is refused before any work: save.js
  // tells the reader (see SECURITY.md, "Large selections"). The core's `MAX_SELECTION`
  // and save.js's (a Rust test keeps the three equal).
  const MAX_SELECTION = 512 * 1024;
  // All a capture may send, in UTF-16 units: the ranges' HTML (inline images included),
  // the texts, the page text and metadata, the URLs and the title; the core's
  // `MAX_CAPTURE`, which refuses more. Past it the page text is left out (the quote has
  // no deep link then); past it without the page text, the save is refused.
  const MAX_CAPTURE = 8 * 1024 * 1024;
  const selection = getSelection();
  const text = selection ? selection.toString() : '';
  if (text.length > MAX_SELECTION) {
    return {
      url: location.href, title: document.title, text: '', tooLarge: text.length,
      focused: document.hasFocus(),
    };
  }
  const ranges = [];
  // Each range's text: as `Range.toString()` reads it, or when the page hides some of it,
  // only what shows.
  const rangeTexts = [];
  let someHidden = false;
  const bounds = [];
  const watched = new Map();
  for (let i = 0; i < (selection?.rangeCount ?? 0); i++) {
    const range = /** @type {Selection} */ (selection).getRangeAt(i);
    if (range.collapsed) continue;
    const { html, text: seen, hid } = rangeHtml(range);
    ranges.push(html);
    rangeTexts.push(hid ? seen : range.toString());
    someHidden ||= hid;
    bounds.push({
      range,
      start: boundary(range.startContainer, range.startOffset, watched),
      end: boundary(range.endContainer, range.endOffset, watched),
    });
  }
  const canonicalLink = /** @type {HTMLLinkElement | null} */ (document.querySelector('link[rel~="canonical" i][href]'));
  const capture = {
    url: location.href,
    baseUrl: document.baseURI,
    title: document.title,
    canonical: canonicalLink ? canonicalLink.href : null,
    ranges,
    // The browser's text of the selection keeps some of what the page hides (a closed
    // `<details>`): then the ranges' visible texts stand for it.
    text: someHidden ? rangeTexts.join('\n\n') : text,
    rangeTexts,
    metaHtml: metadataHtml(),
    /** @type {string | null} */
    pageText: null,
    /** @type {number[][]} */
    offsets: [],
    focused: document.hasFocus(),
  };
  const sum = (/** @type {string[]} */ strings) => strings.reduce((n, s) => n + s.length, 0);
  const size = sum([capture.url, capture.baseUrl, capture.title, capture.canonical ?? '', text, capture.metaHtml])
    + sum(ranges) + sum(rangeTexts);
  if (size > MAX_CAPTURE) {
    return { url: capture.url, title: capture.title, text: '', captureTooLarge: size, focused: capture.focused };
  }
  // "Save image to note" (images/save-image.js) names the image first, in this same
  // isolated world: its place in the page text orders its quote among the others.
  const imageSrc = globalThis.quotebookImageSrc;
  delete globalThis.quotebookImageSrc;
  const image = typeof imageSrc === 'string'
    ? [...document.images].find((i) => i.currentSrc === imageSrc || i.src === imageSrc)
    : undefined;
  const imagePoint = image?.parentNode
    ? boundary(image.parentNode, [...image.parentNode.childNodes].indexOf(image), watched)
    : null;
  const page = selection?.rangeCount || imagePoint ? pageText(watched) : { text: '', nodes: [] };
  if (imagePoint) {
    const at = place(imagePoint, page.nodes);
    Object.assign(capture, {
      imagePosition: at === null ? null
        : at.index !== undefined ? page.nodes[at.index].start
          : page.nodes[at.count]?.start ?? page.text.length,
    });
  }
  if (size + page.text.length <= MAX_CAPTURE) {
    capture.pageText = page.text;
    // The core pairs offsets with ranges by position: an unplaceable range gets [0, 0].
    capture.offsets = bounds.map((bound) => offsetsOf(bound, page) ?? [0, 0]);
  }
  return capture;
})();
