// Saving a quote: capture the selection, let the core add it to the page's note, store the
// note, and tell the reader how it went. Logic about notes lives in the core (Rust); this is
// glue.
import { api } from './browser.js';
import { saveCore } from './core.js';
import { syncAfterSave } from './sync/sync.js';

export const MENU_ID = 'save-quote';
export const COMMAND = 'save-quote';
/** Notes are stored under `note:<note_id(url)>`; `schema` says how they are laid out. */
export const NOTE_PREFIX = 'note:';
export const SCHEMA_KEY = 'schema';
export const STORAGE_SCHEMA = 1;

const OK_COLOR = '#1a7f37';
const ERROR_COLOR = '#cf222e';

/**
 * Saves the selection of `tab` as a quote. `info` is what `contextMenus.onClicked` passes
 * (`frameId`, `selectionText`, `pageUrl`, `frameUrl`). Resolves to what happened, for tests:
 * `{ ok: true, key, note, plainText }` (`plainText`: false, or why the page could not be
 * read) or `{ ok: false, reason }`; never rejects.
 */
export async function saveQuote(info, tab) {
  try {
    const { capture, plainText } = await captureSelection(info, tab);
    const { key, note } = await storeQuote(capture);
    await report(tab, true, api.i18n.getMessage(plainText ? 'saveDonePlainText' : 'saveDone', [count(note)]),
      String(note.quotes.length));
    syncAfterSave(); // when folder sync is on; not awaited: it reports in the options page
    return { ok: true, key, note, plainText };
  } catch (error) {
    const reason = readable(error);
    console.error('Quotebook: could not save the quote:', error);
    await report(tab, false, api.i18n.getMessage('saveFailed', [reason]), '!');
    return { ok: false, reason };
  }
}

/** The keyboard shortcut: the active tab, and the frame that holds the selection. */
export async function saveQuoteFromShortcut(tab) {
  tab ??= (await api.tabs.query({ active: true, lastFocusedWindow: true }))[0];
  if (!tab) return { ok: false, reason: 'no active tab' };
  return saveQuote({ menuItemId: MENU_ID }, tab);
}

function count(note) {
  const n = note.quotes.length;
  return api.i18n.getMessage(n === 1 ? 'quotesFromPage_one' : 'quotesFromPage_other', [String(n)]);
}

/**
 * Runs capture.js in the frame of the selection (every frame for the shortcut, which is not
 * told the frame, then keeps the focused one). Where scripts may not run (chrome:// pages,
 * the Web Store, the PDF viewer, file:// without access), falls back to the menu's
 * `selectionText` as plain text.
 */
async function captureSelection(info, tab) {
  let why = 'no tab to read';
  try {
    if (!(tab?.id >= 0)) throw new Error(why); // e.g. a menu in a devtools or app window
    const target = info.frameId === undefined
      ? { tabId: tab.id, allFrames: true }
      : { tabId: tab.id, frameIds: [info.frameId] };
    const results = await api.scripting.executeScript({ target, files: ['capture.js'] });
    const captures = results.map((r) => r?.result).filter((c) => c && c.text.trim() !== '');
    const capture = captures.find((c) => c.focused) ?? captures[0];
    if (capture) {
      const { focused: _, ...rest } = capture;
      return { capture: { ...rest, incognito: Boolean(tab.incognito) }, plainText: false };
    }
    why = 'the page reports no selection';
  } catch (error) {
    why = String(error?.message ?? error);
  }
  console.info('Quotebook: saving the plain text, the page could not be read:', why);
  const text = info.selectionText ?? '';
  if (text.trim() === '') throw new Error('empty_selection: select some text first');
  return {
    capture: {
      url: info.frameUrl ?? info.pageUrl ?? tab?.url ?? '',
      baseUrl: null,
      title: info.frameUrl && info.frameUrl !== info.pageUrl ? '' : (tab?.title ?? ''),
      canonical: null,
      ranges: [],
      text,
      incognito: Boolean(tab?.incognito),
    },
    plainText: why,
  };
}

/**
 * Adds the capture to its page's note in `storage.local`. The read-modify-write runs under
 * a Web Lock, so saves from several tabs or worker restarts never lose one another.
 */
async function storeQuote(capture) {
  const wasm = await saveCore();
  if (!capture.url) throw new Error('invalid_url: the page has no URL');
  // The note's identity reads the canonical URL from the page's metadata too (og:url).
  const key = NOTE_PREFIX + wasm.request_note_id(JSON.stringify({ capture }));
  return navigator.locks.request('quotebook-notes', async () => {
    const stored = await api.storage.local.get([key, SCHEMA_KEY]);
    const schema = stored[SCHEMA_KEY];
    if (schema !== undefined && schema > STORAGE_SCHEMA) {
      throw new Error(`unsupported_schema: your notes were saved by a newer Quotebook; update the extension`);
    }
    const request = {
      capture,
      now: new Date().toISOString(),
      quoteId: crypto.randomUUID(),
    };
    const existing = stored[key] === undefined ? undefined : JSON.stringify(stored[key]);
    const note = JSON.parse(wasm.clip(JSON.stringify(request), existing));
    await api.storage.local.set({ [key]: note, [SCHEMA_KEY]: STORAGE_SCHEMA });
    return { key, note };
  });
}

/** The badge and its tooltip, on the tab the quote came from. */
async function report(tab, ok, title, text) {
  const tabId = tab?.id >= 0 ? tab.id : undefined;
  try {
    await Promise.all([
      api.action.setBadgeBackgroundColor({ tabId, color: ok ? OK_COLOR : ERROR_COLOR }),
      api.action.setBadgeText({ tabId, text }),
      api.action.setTitle({ tabId, title }),
    ]);
  } catch (error) {
    console.warn('Quotebook: cannot update the badge:', error?.message); // e.g. the tab closed
  }
}

/** An error's message for the reader, without the core's `code: ` prefix. */
function readable(error) {
  const message = String(error?.message ?? error);
  return message.replace(/^[a-z_]+: /, '');
}
