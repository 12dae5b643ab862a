// @ts-check
// Injected beside page-text.js and highlight.js (one isolated world): places the card's
// frame near a quote, opens it when a highlight is clicked, and does what the card asks
// (close, resize, repaint after an edit). The card's fields live in an extension frame:
// the page sees neither what the reader types nor the note, and cannot restyle the card.
// The frame hangs from an element of no meaning to the page, under a closed shadow root.
(() => {
  if (globalThis.quotebookCard) return;
  const api = globalThis.browser?.runtime?.id ? globalThis.browser : globalThis.chrome;
  const WIDTH = 340;
  const GAP = 8;

  /** The card's height until it reports its own. */
  const FIRST_HEIGHT = 120;

  /** @type {{host: HTMLElement, frame: HTMLIFrameElement, place: (height: number) => void} | null} */
  let shown = null;
  /** What `start` was last given, for the clicks that follow. */
  let context = { tabId: -1, key: '', cardUrl: '' };
  let listening = false;
  let clicking = false;

  /** A name of no meaning: a custom element nobody defines. */
  function hostName() {
    const letters = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => String.fromCharCode(97 + (b % 26)));
    return `x-${letters.join('')}`;
  }

  function close() {
    shown?.host.remove();
    shown = null;
    document.removeEventListener('keydown', onKey, true);
  }

  /** Esc closes the card also while the keyboard is still in the page (the frame holds
   * its own keys; where the browser left the focus in the page, this catches it). */
  function onKey(event) {
    if (event.key === 'Escape' && shown) close();
  }

  /**
   * Shows the card for `params` (the card's `#` parameters) below `rect` (viewport
   * coordinates), in the page's coordinates so that it scrolls with the quote.
   * @param {Record<string, string>} params
   * @param {DOMRect | null} rect
   */
  function show(params, rect) {
    close();
    const host = document.createElement(hostName());
    const left = Math.max(GAP, Math.min((rect?.left ?? GAP) + scrollX, scrollX + document.documentElement.clientWidth - WIDTH - GAP));
    // Above the quote where the viewport has room for the card (it covers what was read,
    // not the lines the reader may select next), else below it; placed again as the
    // card reports its height.
    const place = (height) => {
      const above = rect !== null && rect.top - GAP - height >= 0;
      const top = rect === null ? scrollY + GAP
        : above ? rect.top + scrollY - GAP - height : rect.bottom + scrollY + GAP;
      // Inline and important: the page's style sheets cannot move, hide or restyle it.
      host.setAttribute('style', [
        'all: initial', 'position: absolute', `left: ${left}px`, `top: ${Math.max(0, top)}px`,
        `width: ${WIDTH}px`, 'z-index: 2147483647', 'display: block',
      ].map((d) => `${d} !important`).join('; '));
    };
    place(FIRST_HEIGHT);
    const root = host.attachShadow({ mode: 'closed' });
    const frame = document.createElement('iframe');
    frame.setAttribute('style', `border: 0; width: ${WIDTH}px; height: ${FIRST_HEIGHT}px; display: block; color-scheme: normal;`);
    frame.setAttribute('allow', 'clipboard-write');
    frame.setAttribute('title', api.i18n.getMessage('cardTitle'));
    frame.src = `${context.cardUrl || api.runtime.getURL('card/card.html')}#${new URLSearchParams(params)}`;
    if (params.focus === '1') frame.addEventListener('load', () => frame.focus(), { once: true });
    root.append(frame);
    document.documentElement.append(host);
    shown = { host, frame, place };
    document.addEventListener('keydown', onKey, true);
  }

  // A navigation within the page (a fragment, a single-page app's route) leaves the quote
  // the card was about.
  addEventListener('hashchange', close);
  addEventListener('popstate', close);

  function selectionRect() {
    const selection = getSelection();
    if (!selection?.rangeCount) return null;
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    return rect.width || rect.height ? rect : null;
  }

  function listen() {
    if (listening) return;
    listening = true;
    api.runtime.onMessage.addListener((message) => {
      const order = message?.quotebookCard;
      if (!order) return;
      if (order.action === 'close') close();
      else if (order.action === 'size' && shown) {
        const height = Math.min(Math.max(order.height, 40), 600);
        shown.frame.style.height = `${height}px`;
        shown.place(height);
      }
      else if (order.action === 'repaint') globalThis.quotebookHighlights?.refresh();
    });
  }

  function openOnClick(highlights) {
    if (clicking) return;
    clicking = true;
    highlights.onClick((id, rect) => {
      show({ key: context.key, id, status: 'open', focus: '1' }, rect);
    });
  }

  globalThis.quotebookCard = {
    /**
     * Paints the page's quotes in `colors` (`{[kind]: colour}`) and, with `card`
     * (`{id, status, reason?}`), shows the card for that quote. Resolves to the anchors
     * (`{id, status}` each) so that the caller can list the quotes not found.
     */
    async start({ colors, card, tabId, key, cardUrl }) {
      context = { tabId, key, cardUrl };
      listen();
      const highlights = globalThis.quotebookHighlights;
      let anchors = [];
      if (highlights && key) {
        highlights.setColors?.(colors);
        anchors = await highlights.refresh();
        openOnClick(highlights);
      }
      if (card) {
        const rect = (card.id && highlights?.rectOf(card.id)) || selectionRect();
        show({ key, id: card.id ?? '', status: card.status, reason: card.reason ?? '', focus: '1' }, rect);
      }
      return anchors.map((a) => ({ id: a.id, status: a.status }));
    },
    close,
  };
})();
