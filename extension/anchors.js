// @ts-check
// The worker's side of highlights: the page script (highlight.js) sends the text it read
// and its URL; the page's note is found in the library and its quotes anchored in that
// text by the core (`anchor_quotes`). The answer carries offsets, statuses and kinds, never
// a comment or tag: the page script lives in a world the page shares a DOM with.
import { api } from './browser.js';
import { core } from './core.js';
import { findPageNote, loadNotes, loadPageNote } from './library.js';

/** The message highlight.js sends: `{type, url, pageText}`. */
export const ANCHOR_MESSAGE = 'quotebook-anchor';

/** @typedef {import('./store.js').Note} Note */
/** @typedef {import('./wasm/quotebook.js').Anchor & {kind: string}} PageAnchor */

/**
 * The anchors of the saved quotes of the page at `url` in its text: one per quote of its
 * note (none when the page has no note), each with the quote's kind.
 * @param {string} url
 * @param {string} pageText
 * @returns {Promise<PageAnchor[]>}
 */
export async function anchorsFor(url, pageText) {
  const note = (await loadPageNote(url)) ?? (await findPageNote(await loadNotes(), url));
  if (!note || note.quotes.length === 0) return [];
  const wasm = await core();
  const anchors = wasm.anchor_quotes(pageText, note.quotes);
  return anchors.map((anchor, i) => ({ ...anchor, kind: note.quotes[i].kind ?? 'quote' }));
}

/**
 * The `runtime.onMessage` listener for highlight.js. Only the extension's own scripts can
 * send it (content scripts and pages; `externally_connectable` is not declared); nothing is
 * answered for a private window's tab, where nothing is shown.
 * @param {any} message
 * @param {chrome.runtime.MessageSender} sender
 * @param {(answer: {anchors: PageAnchor[]} | {error: string}) => void} sendResponse
 */
export function onAnchorMessage(message, sender, sendResponse) {
  if (message?.type !== ANCHOR_MESSAGE) return false;
  if (sender.id !== api.runtime.id || sender.tab?.incognito) {
    sendResponse({ anchors: [] });
    return false;
  }
  const url = typeof message.url === 'string' ? message.url : sender.url ?? '';
  const text = typeof message.pageText === 'string' ? message.pageText : '';
  anchorsFor(url, text).then(
    (anchors) => sendResponse({ anchors }),
    (error) => sendResponse({ error: String(error?.message ?? error) }),
  );
  return true; // answered asynchronously
}

/**
 * Injects the highlight script into the tab's frames (after the page-text walk it reads
 * through) and asks each frame to paint its page's quotes. Resolves to each frame's
 * anchors.
 * @param {number} tabId
 * @returns {Promise<PageAnchor[][]>}
 */
export async function showHighlights(tabId) {
  const target = { tabId, allFrames: true };
  await api.scripting.executeScript({ target, files: ['page-text.js', 'highlight.js'] });
  const results = await api.scripting.executeScript({
    target,
    func: () => globalThis.quotebookHighlights.refresh(),
  });
  return results.map((r) => /** @type {PageAnchor[]} */ (r?.result ?? []));
}
