// @ts-check
// Injected on demand after page-text.js (`files: ['page-text.js', 'highlight.js']`, the
// extension's isolated world, each frame its own copy): paints the saved quotes of the
// frame's page. The worker finds them (`anchor_quotes` in the core) in the text this
// script reads; here their offsets become DOM ranges, painted with the CSS Custom Highlight
// API, which leaves the page's DOM alone. Where the browser lacks it, the text is wrapped
// in spans that only colour it (see `wrap`).
//
// Whatever is painted in a page can be seen by its scripts: highlight names (and the
// fallback's class) are random for each injection and say nothing of a quote's id, kind
// or comment. The ids stay in this world.
//
// The API, for the extension's other scripts in this world (`quotebookHighlights`):
//   refresh()            reads the text, asks the worker for the anchors, paints them, and
//                        watches for text that arrives later; resolves to the anchors.
//   paint(anchors, page?) paints `{id, kind, start, end}` over the current text (or the
//                        `quotebookPageText.read()` the offsets are in); returns how many.
//   clear()              removes every highlight (and the wrapping of the fallback).
//   onClick(callback)    `callback(id, rect)` when the reader clicks a highlight.
//   rectOf(id)           the highlight's box in the viewport, or null.
//   setColors(colors)    a colour per kind id (`{question: '#90caf9'}`).
//   mode                 'highlight-api' or 'wrap'.
//   stop()               clears and stops watching the page.
globalThis.quotebookHighlights ??= (() => {
  const MESSAGE = 'quotebook-anchor';
  const KINDS = ['quote', 'important', 'question', 'idea', 'definition'];
  /** @type {Record<string, string>} */
  const colors = {
    quote: 'rgba(255, 213, 79, 0.5)',
    important: 'rgba(239, 83, 80, 0.4)',
    question: 'rgba(66, 165, 245, 0.4)',
    idea: 'rgba(102, 187, 106, 0.45)',
    definition: 'rgba(171, 71, 188, 0.35)',
  };
  // Re-anchoring when the page's text changes later: at most this many times per address
  // (and in all, for a page that keeps changing its address), each after the page has been
  // quiet for a moment, or after a longer while for a page that never goes quiet (a
  // ticking clock would otherwise hold off the text that arrives beside it).
  const MAX_REFRESHES = 20;
  const MAX_REFRESHES_IN_ALL = 100;
  const QUIET_MS = 400;
  const MAX_WAIT_MS = 2000;

  const random = () => `q${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
  /** The highlight name of each kind (random; the fallback's class is another). */
  const names = new Map(KINDS.map((kind) => [kind, random()]));
  const wrapClass = random();
  const mode = typeof CSS !== 'undefined' && CSS.highlights && typeof Highlight === 'function'
    ? 'highlight-api' : 'wrap';

  /** @typedef {{id: string, kind: string, start: number, end: number}} Paint */
  /** @type {{id: string, kind: string, range: Range, spans: HTMLElement[]}[]} */
  let painted = [];
  /** @type {((id: string, rect: DOMRect) => void)[]} */
  const clickHandlers = [];
  /** @type {WeakMap<Element, string>} */
  const spanIds = new WeakMap();

  // The colours, as a style sheet of our own (adopted, so the page's sheets are untouched).
  const sheet = new CSSStyleSheet();
  const writeSheet = () => {
    const rules = KINDS.map((kind) => {
      const colour = CSS.supports('color', colors[kind]) ? colors[kind] : colors.quote;
      return mode === 'highlight-api'
        ? `::highlight(${names.get(kind)}) { background-color: ${colour}; }`
        : `.${wrapClass}.${names.get(kind)} { background-color: ${colour}; }`;
    });
    sheet.replaceSync(rules.join('\n'));
    if (!document.adoptedStyleSheets.includes(sheet)) {
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
  };

  /**
   * The DOM range of `[start, end)` of the page text, from the walk's text nodes (sorted by
   * start). Null when the text changed under it.
   * @param {{node: Text, start: number}[]} nodes
   */
  const domRange = (nodes, start, end) => {
    // The last node starting at or before `start`, then forward past empty ones.
    let lo = 0;
    let hi = nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (nodes[mid].start <= start) lo = mid;
      else hi = mid - 1;
    }
    let i = lo;
    while (i < nodes.length && nodes[i].start + nodes[i].node.data.length <= start) i += 1;
    let j = i;
    while (j + 1 < nodes.length && nodes[j + 1].start < end) j += 1;
    const first = nodes[i];
    const last = nodes[j];
    if (!first || !last) return null;
    const range = document.createRange();
    range.setStart(first.node, Math.max(0, start - first.start));
    range.setEnd(last.node, Math.min(last.node.data.length, end - last.start));
    return range.collapsed ? null : range;
  };

  /** The text nodes a range covers, each with the part of it covered. */
  const textParts = (range) => {
    const parts = [];
    const root = range.commonAncestorContainer;
    const walker = document.createTreeWalker(root.nodeType === Node.TEXT_NODE ? root.parentNode ?? root : root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = /** @type {Text} */ (node);
      if (!range.intersectsNode(text)) continue;
      const from = text === range.startContainer ? range.startOffset : 0;
      const to = text === range.endContainer ? range.endOffset : text.data.length;
      if (to > from) parts.push({ text, from, to });
    }
    return parts;
  };

  // The fallback: each covered piece of text in a span that only sets a background. Spans
  // are inline and have no box of their own to lay out (no margin, padding or border), so
  // the page's layout stays; its text and its elements stay too, only text nodes are split.
  const wrap = (range, kind) => {
    const spans = [];
    for (const { text, from, to } of textParts(range)) {
      // Never inside what must keep its text nodes whole.
      if (text.parentElement?.closest('script, style, textarea, title, svg, math')) continue;
      let piece = text;
      if (from > 0) piece = piece.splitText(from);
      if (to - from < piece.data.length) piece.splitText(to - from);
      const span = document.createElement('span');
      span.className = `${wrapClass} ${names.get(kind)}`;
      piece.replaceWith(span);
      span.append(piece);
      spans.push(span);
    }
    return spans;
  };

  /** Takes a span out, joining its text back to the text nodes it was split from. */
  const unwrap = (span) => {
    const text = span.firstChild;
    if (!span.parentNode) return;
    if (!(text instanceof Text) || span.childNodes.length !== 1) {
      span.replaceWith(...span.childNodes);
      return;
    }
    const before = span.previousSibling;
    const after = span.nextSibling;
    if (before instanceof Text) {
      before.appendData(text.data);
      span.remove();
      if (after instanceof Text) {
        before.appendData(after.data);
        after.remove();
      }
    } else if (after instanceof Text) {
      after.insertData(0, text.data);
      span.remove();
    } else {
      span.replaceWith(text);
    }
  };

  const clear = () => {
    for (const kind of KINDS) CSS.highlights?.delete(names.get(kind) ?? '');
    for (const { spans } of painted) for (const span of spans) unwrap(span);
    painted = [];
    observer?.takeRecords();
  };

  /**
   * @param {Paint[]} anchors
   * @param {{nodes: {node: Text, start: number}[]}} [page] the page text just read, when
   *   the caller has it (the anchors' offsets are in it)
   */
  const paint = (anchors, page = globalThis.quotebookPageText.read()) => {
    clear();
    writeSheet();
    const { nodes } = page;
    /** @type {Map<string, Range[]>} */
    const byKind = new Map();
    for (const anchor of anchors) {
      if (!(anchor.end > anchor.start)) continue;
      const kind = KINDS.includes(anchor.kind) ? anchor.kind : 'quote';
      const range = domRange(nodes, anchor.start, anchor.end);
      if (!range) continue;
      painted.push({ id: anchor.id, kind, range, spans: [] });
      byKind.set(kind, [...(byKind.get(kind) ?? []), range]);
    }
    if (mode === 'highlight-api') {
      for (const [kind, ranges] of byKind) CSS.highlights.set(names.get(kind) ?? '', new Highlight(...ranges));
    } else {
      // Wrapped last to first, so that splitting a text node leaves earlier ranges right.
      for (const item of [...painted].reverse()) {
        item.spans = wrap(item.range, item.kind);
        for (const span of item.spans) spanIds.set(span, item.id);
      }
    }
    // What the wrapping changed is ours, not text arriving: not a reason to re-anchor.
    observer?.takeRecords();
    return painted.length;
  };

  const rectOf = (id) => {
    const item = painted.find((p) => p.id === id);
    if (!item) return null;
    const target = item.spans[0] ?? item.range;
    return target.getBoundingClientRect();
  };

  /** The painted quote at viewport point (x, y), if any. */
  const hit = (x, y, target) => {
    if (mode === 'wrap') {
      const span = target instanceof Element ? target.closest(`span.${wrapClass}`) : null;
      return span ? spanIds.get(span) ?? null : null;
    }
    /** @type {{node: Node, offset: number} | null} */
    let point = null;
    const doc = /** @type {any} */ (document);
    if (typeof doc.caretPositionFromPoint === 'function') {
      const caret = doc.caretPositionFromPoint(x, y);
      if (caret) point = { node: caret.offsetNode, offset: caret.offset };
    } else if (typeof doc.caretRangeFromPoint === 'function') {
      const caret = doc.caretRangeFromPoint(x, y);
      if (caret) point = { node: caret.startContainer, offset: caret.startOffset };
    }
    if (!point) return null;
    // The caret may stand just after the last character of a highlight: the click's own
    // character is the one before or after it, so both sides are tried, narrowest first.
    const found = painted
      .filter(({ range }) => {
        try {
          return range.isPointInRange(point.node, point.offset) && !range.collapsed;
        } catch {
          return false;
        }
      })
      .sort((a, b) => a.range.toString().length - b.range.toString().length);
    return found[0]?.id ?? null;
  };

  document.addEventListener('click', (event) => {
    if (painted.length === 0 || clickHandlers.length === 0) return;
    // A click that ends a selection is the reader selecting, not opening a quote.
    if (getSelection()?.isCollapsed === false) return;
    const id = hit(event.clientX, event.clientY, event.target);
    if (!id) return;
    const rect = rectOf(id) ?? new DOMRect(event.clientX, event.clientY, 0, 0);
    for (const handler of clickHandlers) handler(id, rect);
  }, true);

  // --- Anchoring through the worker, and following the page -----------------------------

  /** The extension's messaging (Firefox's `browser`, else `chrome`), asked for when used. */
  const runtime = () => /** @type {typeof chrome.runtime} */ (
    (/** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome)?.runtime);
  let refreshes = 0;
  let refreshesInAll = 0;
  /** When the first change not yet read again came (0: none waiting). */
  let waitingSince = 0;
  let lastUrl = location.href;
  let lastText = '';
  /** @type {MutationObserver | null} */
  let observer = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let stopped = false;

  /** @returns {Promise<(Paint & {status: string})[]>} */
  const refresh = async () => {
    stopped = false;
    const { text } = globalThis.quotebookPageText.read();
    lastText = text;
    lastUrl = location.href;
    const answer = await runtime().sendMessage({ type: MESSAGE, url: location.href, pageText: text });
    const anchors = Array.isArray(answer?.anchors) ? answer.anchors : [];
    // The page may have moved on while the worker answered.
    if (location.href === lastUrl && !stopped) paint(anchors.filter((a) => a.start !== null && a.end !== null));
    watch();
    return anchors;
  };

  // Text that arrives later (lazy loading, a single-page app's next view) is anchored
  // again once the page is quiet, a bounded number of times; a new URL starts afresh.
  const changed = () => {
    if (stopped) return;
    clearTimeout(timer);
    const now = performance.now();
    waitingSince ||= now;
    timer = setTimeout(() => {
      waitingSince = 0;
      if (stopped) return;
      // A new address is looked at even when the last one used up its re-anchorings: its
      // note is another, and the old one's highlights must go.
      const urlChanged = location.href !== lastUrl;
      if (urlChanged) refreshes = 0;
      if (refreshes >= MAX_REFRESHES || refreshesInAll >= MAX_REFRESHES_IN_ALL) return;
      if (!urlChanged && globalThis.quotebookPageText.read().text === lastText) return;
      refreshes += 1;
      refreshesInAll += 1;
      refresh().catch(() => {});
    }, Math.max(0, Math.min(QUIET_MS, waitingSince + MAX_WAIT_MS - now)));
  };

  const watch = () => {
    if (observer || !document.body) return;
    observer = new MutationObserver(changed);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    addEventListener('popstate', changed);
    addEventListener('hashchange', changed);
    /** @type {any} */ (globalThis).navigation?.addEventListener?.('navigatesuccess', changed);
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    observer?.disconnect();
    observer = null;
    removeEventListener('popstate', changed);
    removeEventListener('hashchange', changed);
    /** @type {any} */ (globalThis).navigation?.removeEventListener?.('navigatesuccess', changed);
    clear();
  };

  return {
    mode,
    refresh,
    paint,
    clear,
    stop,
    rectOf,
    onClick: (callback) => { clickHandlers.push(callback); },
    setColors: (given) => {
      for (const kind of KINDS) if (typeof given?.[kind] === 'string') colors[kind] = given[kind];
      if (painted.length > 0 || document.adoptedStyleSheets.includes(sheet)) writeSheet();
    },
  };
})();
