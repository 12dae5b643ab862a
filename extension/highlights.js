// @ts-check
// Showing a page's quotes in the page: the worker and the popup call `showHighlights` on a
// tab they may script (the reader's gesture granted `activeTab`: the menu, the toolbar
// button, a shortcut; or the opt-in's all-sites access, auto.js). It injects page-text.js,
// highlight.js and card-host.js, which anchor the note's quotes in the page's text through
// the worker (`quotebook-anchor`) and paint them; with `card`, the card opens beside the
// quote. Private windows get nothing: Quotebook neither shows nor stores what is read
// there.
import { api } from './browser.js';
import * as library from './library.js';
import { colors, loadKinds } from './kinds.js';

/**
 * @typedef {{id?: string, status: 'saved' | 'duplicate' | 'failed', reason?: string}} CardRequest
 * @typedef {{id: string, status: string}} Placed
 * @typedef {{shown: boolean, reason?: string, key?: string, anchors: Placed[]}} Shown
 */

/**
 * Paints the quotes of the note of `tab`'s page, and opens the card when asked. Resolves
 * to what was placed (`anchors`: each quote's status, `orphan` and `ambiguous` included);
 * never rejects (`shown: false` and why).
 * @param {chrome.tabs.Tab | undefined} tab
 * @param {{card?: CardRequest}} [options]
 * @returns {Promise<Shown>}
 */
export async function showHighlights(tab, { card } = {}) {
  const tabId = tab?.id;
  if (!tab || tabId === undefined || tabId < 0) return { shown: false, reason: 'no_tab', anchors: [] };
  if (tab.incognito) return { shown: false, reason: 'private_window', anchors: [] };
  try {
    // By the page's identity first (one read), else among every note's addresses.
    const note = tab.url
      ? (await library.loadPageNote(tab.url).catch(() => null))
        ?? (await library.findPageNote(await library.loadNotes(), tab.url).catch(() => null))
      : null;
    if (!note && !card && !(await frameHasNote(tabId))) return { shown: false, reason: 'no_note', anchors: [] };
    const key = note ? library.storageKey(note) : '';
    const kinds = await loadKinds();
    const target = { tabId, frameIds: [0] };
    // Frames too (same-origin ones are read through their own copy of the scripts); the
    // card and its clicks belong to the top frame.
    await api.scripting.executeScript({ target: { tabId, allFrames: true }, files: ['page-text.js', 'highlight.js'] })
      .catch(() => api.scripting.executeScript({ target, files: ['page-text.js', 'highlight.js'] }));
    await api.scripting.executeScript({ target, files: ['card-host.js'] });
    api.scripting.executeScript({
      target: { tabId, allFrames: true },
      func: () => (window === top ? null : globalThis.quotebookHighlights?.refresh().then(() => null)),
    }).catch(() => {});
    const [done] = await api.scripting.executeScript({
      target,
      func: (order) => globalThis.quotebookCard?.start(order) ?? [],
      // The card's address from here: at the session's dynamic address where the browser
      // has one (`use_dynamic_url`), which a page cannot guess to probe for Quotebook.
      args: [{ colors: colors(kinds), card: card ?? null, tabId, key, cardUrl: api.runtime.getURL('card/card.html') }],
    });
    return { shown: true, key, anchors: /** @type {Placed[]} */ (done?.result ?? []) };
  } catch (error) {
    // A page no script may enter (browser pages, the store, the PDF viewer).
    console.info('Quotebook: cannot show the highlights here:', error?.message ?? error);
    return { shown: false, reason: String(error?.message ?? error), anchors: [] };
  }
}

/**
 * Whether a frame of the tab (not the top one) shows a page with a note: a quote saved in
 * a frame is in the note of the frame's address, which the top page's may not have.
 * @param {number} tabId
 */
async function frameHasNote(tabId) {
  const frames = await api.scripting.executeScript({ target: { tabId, allFrames: true }, func: () => location.href })
    .catch(() => []);
  const urls = frames.filter((f) => f.frameId !== 0 && typeof f.result === 'string' && /^https?:/.test(f.result))
    .map((f) => /** @type {string} */ (f.result));
  if (urls.length === 0) return false;
  for (const url of urls) if (await library.loadPageNote(url).catch(() => null)) return true;
  const notes = await library.loadNotes();
  for (const url of urls) if (await library.findPageNote(notes, url)) return true;
  return false;
}

/** The statuses of quotes not painted: listed in the popup as "not found on this page". */
export const NOT_FOUND = Object.freeze(['orphan', 'ambiguous']);
