// @ts-check
// Saving a quote: capture the selection, let the core add it to the page's note, store the
// note, and tell the reader how it went. Logic about notes lives in the core (Rust); this is
// glue.
import { api } from './browser.js';
import { core } from './core.js';
import { keepImages, storeBytes } from './images/keep.js';
import { showHighlights } from './highlights.js';
import { LAST_FAILURE_KEY, NOTE_PREFIX, PENDING_PREFIX, RETRY_KEY, SCHEMA_KEY, STORAGE_SCHEMA, newerSchema, withNotesLock } from './store.js';

/** @typedef {import('./store.js').Note} Note */
/** @typedef {import('./store.js').Capture} Capture */
/** @typedef {import('./wasm/quotebook.js').ClippedQuote} ClippedQuote */
/**
 * A save as recorded under its pending key and handed to the core's `clip` (with the
 * notes it folds in, `former`): the capture, the instant and the quote's id.
 * @typedef {Required<Pick<import('./store.js').ClipRequest, 'capture' | 'now' | 'quoteId'>>
 *   & {capture: {url: string}}} SaveRequest
 */

export const MENU_ID = 'save-quote';
export const COMMAND = 'save-quote';

/**
 * What runs after each quote stored, not awaited (background.js passes the folder sync's
 * `syncAfterSave`). Saving knows nothing of syncing, so the sync's modules, which read
 * notes through library.js, may import from here without a cycle.
 */
let afterSave = () => {};

/** Sets what runs after each quote stored (see `afterSave`). */
export function onQuoteSaved(fn) {
  afterSave = fn;
}

const OK_COLOR = '#1a7f37';
const ERROR_COLOR = '#cf222e';

/**
 * Saves the selection of `tab` as a quote. `info` is what `contextMenus.onClicked` passes
 * (`frameId`, `selectionText`, `pageUrl`, `frameUrl`). Resolves to what happened, for tests:
 * `{ ok: true, key, note, plainText, quotes }` (`plainText`: false, or why the page could
 * not be read; `quotes`: each range's `{id, status}`, `status` `duplicate` when the note
 * already held that text at that place, `id` then the quote saved before) or
 * `{ ok: false, reason }`; never rejects.
 */
export async function saveQuote(info, tab) {
  const quoteId = crypto.randomUUID();
  const pendingKey = PENDING_PREFIX + quoteId;
  underWay.add(pendingKey);
  try {
    // First of all, what the click carries: were the worker stopped before the capture
    // comes back, the next start still has the menu's text (or tells the reader).
    const tabId = tab?.id >= 0 ? tab.id : null;
    await keepPending(pendingKey, {
      at: new Date().toISOString(), tabId,
      fallback: { selectionText: info?.selectionText ?? '', pageUrl: info?.frameUrl ?? info?.pageUrl ?? tab?.url ?? '', title: tab?.title ?? '' },
    }, Boolean(tab?.incognito));
    const { capture, plainText } = await captureSelection(info, tab);
    const { key, note, quotes } = await storeQuote(capture, quoteId, pendingKey, tabId);
    // The first range's fate: saved, or already in the note (the card then names that
    // quote, and nothing was saved again).
    const first = quotes[0] ?? { id: quoteId, status: 'saved' };
    const duplicate = quotes.length > 0 && quotes.every((q) => q.status === 'duplicate');
    const said = duplicate ? 'saveDuplicate' : plainText ? 'saveDonePlainText' : 'saveDone';
    await report(tab, true, api.i18n.getMessage(said, [count(note)]), String(note.quotes.length));
    // The quote highlighted where it was, and the card beside it; where the page could
    // not be read, no script of ours may run in it either: the badge says it.
    if (!plainText) await showHighlights(tab, { card: { id: first.id, status: duplicate ? 'duplicate' : 'saved' } });
    // The quote's images, after the quote and its card: saving never waits for them.
    const images = duplicate ? null : await keepImages(key, { quoteId });
    if (images && images.refused > 0) {
      await report(tab, true, api.i18n.getMessage('quoteSavedImagesMissing', [count(note), String(images.refused), images.reason ?? '']),
        String(note.quotes.length));
    }
    afterSave(); // the folder sync, when on; not awaited: it reports in the options page
    const stored = /** @type {Note | undefined} */ ((await api.storage.local.get(key))[key]);
    return { ok: true, key, note: stored ?? note, plainText, duplicate, quotes, images };
  } catch (error) {
    const kept = isKept(error);
    const reason = readable(error);
    // Kept: the next save retries it. Otherwise nothing a retry could change.
    let message = kept ? 'saveKept' : 'saveFailed';
    if (kept) {
      if (await countAttempt(pendingKey, reason)) message = 'saveGaveUp';
      await api.storage.session.set({ [RETRY_KEY]: true }).catch(() => {});
    } else await forgetPending(pendingKey);
    console.error('Quotebook: could not save the quote:', error);
    const said = api.i18n.getMessage(message, [reason]);
    await report(tab, false, said, '!', { tell: false });
    // In words on the page too (not only in a tooltip): the card where it can be shown,
    // else the notice or, where no script of ours may run, a notification.
    const card = await showHighlights(tab, { card: { status: 'failed', reason: said } });
    if (!card.shown) await tellFailure(tab, said);
    else await rememberFailure(tab, said);
    return { ok: false, reason, kept };
  } finally {
    underWay.delete(pendingKey);
  }
}

/** The keyboard shortcut: the active tab, and the frame that holds the selection. */
export async function saveQuoteFromShortcut(tab) {
  tab ??= (await api.tabs.query({ active: true, lastFocusedWindow: true }))[0];
  if (!tab) return { ok: false, reason: 'no active tab' };
  return saveQuote({ menuItemId: MENU_ID }, tab);
}

/** @param {Note} note */
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
    // The page-text walk first: capture.js reads the page's text through it.
    const results = await api.scripting.executeScript({ target, files: ['page-text.js', 'capture.js'] });
    const refused = results.map((r) => r?.result).filter((c) => c?.tooLarge > 0 || c?.captureTooLarge > 0);
    const tooLarge = refused.find((c) => c.focused) ?? refused[0];
    if (tooLarge?.tooLarge) throw tooLargeError(tooLarge.tooLarge);
    if (tooLarge) throw captureTooLargeError(tooLarge.captureTooLarge);
    const captures = results.map((r) => r?.result).filter((c) => c && c.text.trim() !== '');
    const capture = captures.find((c) => c.focused) ?? captures[0];
    if (capture) {
      const { focused: _, ...rest } = capture;
      return { capture: { ...rest, incognito: Boolean(tab.incognito) }, plainText: false };
    }
    why = 'the page reports no selection';
  } catch (error) {
    if (/^too_large: /.test(error?.message)) throw error;
    why = String(error?.message ?? error);
  }
  console.info('Quotebook: saving the plain text, the page could not be read:', why);
  const text = info.selectionText ?? '';
  if (text.trim() === '') throw new Error('empty_selection: select some text first');
  if (text.length > MAX_SELECTION) throw tooLargeError(text.length);
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
 * The most text (UTF-16 units) one quote may hold: a larger selection is refused whole, and
 * the reader is told so on the badge, rather than cut or left to run for minutes (see
 * SECURITY.md, "Large selections"). capture.js and the core (`MAX_SELECTION`, which also
 * words these messages) have the same numbers.
 */
export const MAX_SELECTION = 512 * 1024;
/** The most a capture sends in all (UTF-16 units); capture.js refuses more. */
const MAX_CAPTURE = 8 * 1024 * 1024;

// Rounded up: a selection just over the cap never reads as the cap itself.
const mb = (n) => (Math.ceil((n / (1024 * 1024)) * 10) / 10).toFixed(1);

function tooLargeError(length) {
  return new Error(`too_large: the selection holds ${mb(length)} MB of text; Quotebook saves at most ${mb(MAX_SELECTION)} MB in one quote. Select less and save it in parts`);
}

function captureTooLargeError(size) {
  return new Error(`too_large: the capture holds ${mb(size)} MB (the selection's HTML and text, the page's text and metadata); Quotebook takes at most ${mb(MAX_CAPTURE)} MB in one save. Select less and save it in parts`);
}

/**
 * Adds the capture to its page's note in `storage.local`. The whole request is recorded
 * first (see [`PENDING_PREFIX`]); the read-modify-write runs under a Web Lock, so saves
 * from several tabs, the extension's pages and worker restarts never lose one another.
 * @param {Capture} capture
 * @param {string} quoteId
 * @param {string} pendingKey
 * @param {number | null} tabId
 * @returns {Promise<{key: string, note: Note, quotes: ClippedQuote[]}>}
 */
async function storeQuote(capture, quoteId, pendingKey, tabId) {
  const wasm = await core();
  if (!capture.url) throw new Error('invalid_url: the page has no URL');
  /** @type {SaveRequest} */
  const request = { capture: wellFormed(capture), now: new Date().toISOString(), quoteId };
  // The note's identity reads the canonical URL from the page's metadata too (og:url).
  let key;
  try {
    key = NOTE_PREFIX + wasm.request_note_id({ capture: request.capture });
  } catch (error) {
    // The core stopped before naming the note: the whole request is kept for the retry,
    // which asks for the key again (`resumeLocked`).
    if (isKept(error)) await keepPending(pendingKey, { at: request.now, tabId, request }, Boolean(capture.incognito));
    throw error;
  }
  await keepPending(pendingKey, { at: request.now, tabId, key, request }, Boolean(capture.incognito));
  return withNotesLock(async () => {
    const retry = await retryWanted();
    let { note, quotes } = await addToNote(wasm, key, request);
    await forgetPending(pendingKey);
    // A save kept for retry earlier goes in now that storage takes writes again. It may
    // join this very note: the badge counts the quotes stored, so the note is read again.
    if (retry && (await resumeLocked(wasm)).saved > 0) {
      note = /** @type {Note | undefined} */ ((await api.storage.local.get(key))[key]) ?? note;
    }
    return { key, note, quotes };
  });
}

/**
 * The read-modify-write of one note (call it under the notes' lock, `withNotesLock`).
 * Resolves to the note stored and what became of each range (`clip_outcome`: saved, or
 * a duplicate of a quote the note holds); a write that storage refuses throws
 * `storage_failed`.
 * @param {import('./core.js').Core} wasm
 * @param {string} key
 * @param {SaveRequest} request
 * @returns {Promise<{note: Note, quotes: ClippedQuote[]}>}
 */
async function addToNote(wasm, key, request) {
  // Keys this page's note may have been stored under before (schema 1: the URL without its
  // fragment; before the canonical URL was known: the cleaned URL). The core folds such
  // notes into this one, and their keys go: no duplicate lingers, nothing is lost.
  const url = request.capture.url;
  const formerKeys = [...new Set([url.split('#')[0], wasm.clean_url(url)])]
    .map((id) => NOTE_PREFIX + id)
    .filter((k) => k !== key);
  const stored = await api.storage.local.get([key, SCHEMA_KEY, ...formerKeys]);
  const schema = /** @type {number | undefined} */ (stored[SCHEMA_KEY]);
  if (newerSchema(schema)) {
    throw new Error(`unsupported_schema: your notes were saved by a newer Quotebook; update the extension`);
  }
  const folded = formerKeys.filter((k) => stored[k] !== undefined);
  // As stored: the core reads every schema.
  const former = folded.map((k) => /** @type {Note} */ (stored[k]));
  // `data:` images become attachments: their bytes are stored before the note refers to
  // them. `quotes` says what became of each range: saved, or already in the note.
  const { note, quotes, images } = wasm.clip_with_images({ ...request, former }, /** @type {Note | undefined} */ (stored[key]) ?? null);
  try {
    await storeBytes(images);
  } catch (error) {
    throw new Error(`storage_failed: ${readable(error)}`);
  }
  // One `set`: the note is replaced whole or not at all.
  try {
    await api.storage.local.set({ [key]: note, [SCHEMA_KEY]: STORAGE_SCHEMA });
  } catch (error) {
    throw new Error(`storage_failed: the browser refused to store the note (${error?.message ?? error})`);
  }
  // Only once the note holding their quotes is stored.
  if (folded.length > 0) await api.storage.local.remove(folded);
  return { note, quotes };
}

// ---------------------------------------------------------------------------------------
// Saves under way, and saves left behind

// The pending records of the saves this worker is running now. Not state kept across
// restarts: a record *not* in here was left by a stopped worker or a refused write.
const underWay = new Set();

/**
 * A save that failed for a reason a retry may not meet again, kept for one: storage refused
 * the note, or the core stopped on a trap and was restarted (core.js).
 */
function isKept(error) {
  return /^(storage_failed|core_failed): /.test(String(error?.message ?? ''));
}

/**
 * Records a save under way; never throws (a save goes on without its record). What comes
 * from a private window is kept in memory only (`storage.session`), never on disk.
 */
async function keepPending(pendingKey, record, privateWindow) {
  if (!privateWindow) {
    try {
      await api.storage.local.set({ [pendingKey]: record });
      return;
    } catch (error) {
      console.warn('Quotebook: storage.local refuses writes; keeping the save in the session:', error?.message);
    }
  }
  try {
    await api.storage.session.set({ [pendingKey]: record });
  } catch (error) {
    console.warn('Quotebook: cannot record the save under way:', error?.message);
  }
}

async function forgetPending(pendingKey) {
  await Promise.all([
    api.storage.local.remove(pendingKey).catch(() => {}),
    api.storage.session?.remove(pendingKey).catch(() => {}),
  ]);
}

async function retryWanted() {
  try {
    return Boolean((await api.storage.session.get(RETRY_KEY))[RETRY_KEY]);
  } catch {
    return false;
  }
}

/**
 * How many quotes storage refused and Quotebook keeps for a retry (the popup shows it);
 * 0 when none. Saves given up on are not counted: `failedSaves` lists them.
 */
export async function keptSaveCount() {
  if (!(await retryWanted())) return 0;
  return (await leftBehind()).filter(([, record]) => !record?.failed).length;
}

/**
 * How many times a kept save is tried (the save itself, then with later saves and worker
 * starts) before Quotebook stops trying by itself and lists it as failed in the popup,
 * where the reader may try again (`retryFailedSave`) or let it go (`discardFailedSave`).
 * A quote storage keeps refusing must not make every later save slower, forever.
 */
export const MAX_ATTEMPTS = 5;

/**
 * The saves Quotebook stopped trying after `MAX_ATTEMPTS`, for the popup:
 * `{key, url, title, at, reason, attempts}` each, oldest first.
 */
export async function failedSaves() {
  return (await leftBehind())
    .filter(([, record]) => record?.failed)
    .map(([key, record]) => ({
      key,
      url: record.request?.capture?.url ?? record.fallback?.pageUrl ?? '',
      title: record.request?.capture?.title ?? record.fallback?.title ?? '',
      at: String(record.at ?? ''),
      reason: String(record.failed),
      attempts: Number(record.attempts ?? 0),
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Tries a save listed as failed once more, now, under the notes' lock. Resolves to
 * `{saved: true}` or `{saved: false, reason}` (the save stays listed, or is dropped when
 * no retry could change it); never rejects.
 * @param {string} pendingKey
 */
export async function retryFailedSave(pendingKey) {
  try {
    const wasm = await core();
    return await withNotesLock(async () => {
      const outcome = await resumeLocked(wasm, pendingKey);
      return outcome.saved > 0 ? { saved: true } : { saved: false, reason: outcome.reason };
    });
  } catch (error) {
    return { saved: false, reason: readable(error) };
  }
}

/** Drops a save listed as failed, at the reader's word. @param {string} pendingKey */
export async function discardFailedSave(pendingKey) {
  await withNotesLock(() => forgetPending(pendingKey));
}

/**
 * Counts one more failed attempt of a kept save in its record (where it is kept); at
 * `MAX_ATTEMPTS`, or at once with `giveUp`, the record is marked failed with `reason`, and
 * tried no more by itself. Resolves to whether it is marked failed.
 */
async function countAttempt(pendingKey, reason, giveUp = false) {
  const found = (await leftBehind(true)).find(([key]) => key === pendingKey);
  if (!found) return false;
  const [, record, area] = found;
  const attempts = Number(record.attempts ?? 0) + 1;
  const failed = giveUp || attempts >= MAX_ATTEMPTS;
  const updated = { ...record, attempts, ...(failed ? { failed: reason } : {}) };
  try {
    await area.set({ [pendingKey]: updated });
  } catch {
    // The local area refuses writes: the session's copy is the newer one (`leftBehind`).
    await api.storage.session?.set({ [pendingKey]: updated }).catch(() => {});
  }
  return failed;
}

/**
 * The records left behind, `[[key, record, area]]`, from both storage areas; a record in
 * both (the local area refused an update) once, the one tried more often. With
 * `withUnderWay`, the running worker's own saves too.
 */
async function leftBehind(withUnderWay = false) {
  /** @type {Map<string, [string, any, chrome.storage.StorageArea]>} */
  const found = new Map();
  for (const area of [api.storage.local, api.storage.session]) {
    if (!area) continue;
    try {
      const keys = area.getKeys ? await area.getKeys() : Object.keys(await area.get(null));
      const wanted = keys.filter((k) => k.startsWith(PENDING_PREFIX) && k !== RETRY_KEY
        && (withUnderWay || !underWay.has(k)));
      if (!wanted.length) continue;
      for (const [key, value] of Object.entries(await area.get(wanted))) {
        const record = /** @type {any} */ (value);
        const other = found.get(key);
        if (!other || Number(record?.attempts ?? 0) >= Number(other[1]?.attempts ?? 0)) found.set(key, [key, record, area]);
      }
    } catch (error) {
      console.warn('Quotebook: cannot list the saves left behind:', error?.message);
    }
  }
  return [...found.values()];
}

/**
 * Completes the saves a stopped worker or a refused write left behind, and tells the
 * reader on each one's tab: saved after all, kept for a later retry, or lost (only when
 * the worker stopped before the page's selection was read and the menu gave no text).
 * Runs when the worker starts. Resolves to `{saved, kept, lost}` (counts).
 */
export async function resumePendingSaves() {
  try {
    // Most starts find nothing: the core is not even loaded then.
    if (!(await leftBehind()).some(([, record]) => !record?.failed)) return { saved: 0, kept: 0, lost: 0 };
    const wasm = await core();
    return await withNotesLock(() => resumeLocked(wasm));
  } catch (error) {
    console.error('Quotebook: cannot resume the saves left behind:', error);
    return { saved: 0, kept: 0, lost: 0 };
  }
}

/**
 * @param {import('./core.js').Core} wasm
 * @param {string} [only] the one record to try, even if marked failed (a manual retry);
 *   without it, every record not marked failed
 */
async function resumeLocked(wasm, only) {
  /** @type {{saved: number, kept: number, lost: number, reason?: string}} */
  const outcome = { saved: 0, kept: 0, lost: 0 };
  for (const [pendingKey, record] of await leftBehind()) {
    if (only ? pendingKey !== only : record?.failed) continue;
    let request = record?.request;
    let key = record?.key;
    if (!request && record?.fallback?.selectionText?.trim() && record.fallback.pageUrl) {
      // Stopped before the capture came back: the menu's text, as a plain-text save.
      const { selectionText, pageUrl, title } = record.fallback;
      const capture = wellFormed({ url: pageUrl, baseUrl: null, title, canonical: null, ranges: [], text: selectionText, incognito: false });
      request = { capture, now: record.at ?? new Date().toISOString(), quoteId: pendingKey.slice(PENDING_PREFIX.length) };
      try {
        key = NOTE_PREFIX + wasm.request_note_id({ capture });
      } catch {
        key = undefined;
      }
    }
    const tab = await liveTab(record?.tabId);
    // Nothing to save, or the menu's text whose note could not be named. (A request kept
    // without its key, the core having stopped before naming the note, is named below.)
    if (!request || (!key && !record?.request)) {
      outcome.lost += 1;
      outcome.reason = api.i18n.getMessage('saveLost');
      await forgetPending(pendingKey);
      await report(tab, false, outcome.reason, '!');
      continue;
    }
    try {
      key ??= NOTE_PREFIX + wasm.request_note_id({ capture: request.capture });
      const { note } = await addToNote(wasm, key, request);
      await forgetPending(pendingKey);
      outcome.saved += 1;
      if (tab) await report(tab, true, api.i18n.getMessage('saveResumed', [count(note)]), String(note.quotes.length));
    } catch (error) {
      const kept = isKept(error);
      const reason = readable(error);
      outcome.reason = reason;
      let message = kept ? 'saveKept' : 'saveFailed';
      if (kept) {
        // A manual retry that fails lists the save as failed again at once.
        if (await countAttempt(pendingKey, reason, Boolean(only))) message = 'saveGaveUp';
        else outcome.kept += 1;
      } else {
        outcome.lost += 1;
        await forgetPending(pendingKey);
      }
      await report(tab, false, api.i18n.getMessage(message, [reason]), '!');
    }
  }
  if (only) return outcome;
  if (outcome.kept === 0) await api.storage.session?.remove(RETRY_KEY).catch(() => {});
  else await api.storage.session?.set({ [RETRY_KEY]: true }).catch(() => {});
  return outcome;
}

/** The tab `tabId` names if it is still open (to report on its badge), else null. */
async function liveTab(tabId) {
  if (!(tabId >= 0)) return null;
  try {
    return await api.tabs.get(tabId);
  } catch {
    return null;
  }
}

// C0 and C1 control characters but tab, line feed, form feed and carriage return: a page
// shows none of them, and in a Markdown file an escape sequence would reach the terminal.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/g;

/**
 * The capture with every string made well-formed UTF-16 and without control characters: a
 * page's script can put lone surrogates in its title or text, which a Rust string cannot
 * hold (each lone surrogate becomes U+FFFD here, where the offsets are still ours to
 * keep), and NUL, escape or bell characters, which no reader wants in a note.
 */
function wellFormed(value, keepLength = false) {
  if (typeof value === 'string') {
    const whole = value.isWellFormed?.() === false ? value.toWellFormed() : value;
    return keepLength ? whole : whole.replace(CONTROLS, '');
  }
  if (Array.isArray(value)) return value.map((v) => wellFormed(v, keepLength));
  if (value && typeof value === 'object') {
    // The page text keeps its length: the ranges' offsets point into it.
    // Fields left `undefined` are left out, as the core reads a missing field (its default).
    return Object.fromEntries(Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, wellFormed(v, keepLength || k === 'pageText')]));
  }
  return value;
}

/**
 * The badge and its tooltip, on the tab the quote came from; a failure is also told where
 * the reader looks (`tellFailure`, unless the caller shows it on the card), a success
 * clears the last failure the popup shows.
 */
async function report(tab, ok, title, text, { tell = true } = {}) {
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
  if (ok) await api.storage.session?.remove(LAST_FAILURE_KEY).catch(() => {});
  else if (tell) await tellFailure(tab, title);
}

/**
 * Keeps a failed save's reason for the popup, until a save succeeds.
 * @param {chrome.tabs.Tab | null | undefined} tab
 * @param {string} message
 */
async function rememberFailure(tab, message) {
  const record = { at: new Date().toISOString(), url: tab?.url ?? '', title: tab?.title ?? '', reason: message };
  await api.storage.session?.set({ [LAST_FAILURE_KEY]: record }).catch(() => {});
  return record;
}

/**
 * A failed save, in words where the reader looks: a notice on the page when a script of
 * ours may run there, else (browser pages, the store, the PDF viewer, a closed tab) a
 * notification; and, either way, the popup's last failure. The badge's tooltip alone is
 * easily missed. Resolves to where it was shown, `'page'` or `'notification'` (or `''`).
 * @param {chrome.tabs.Tab | null | undefined} tab
 * @param {string} message
 */
export async function tellFailure(tab, message) {
  const record = await rememberFailure(tab, message);
  const tabId = tab?.id;
  if (tabId !== undefined && tabId >= 0) {
    try {
      const [shown] = await api.scripting.executeScript({
        target: { tabId, frameIds: [0] },
        func: showNotice,
        args: [message, api.i18n.getMessage('@@bidi_dir') || 'ltr', NOTICE_MS],
      });
      if (shown?.result === true) return 'page';
    } catch (error) {
      console.info('Quotebook: no notice on this page:', error?.message);
    }
  }
  try {
    await api.notifications.create(`quotebook-failed-${record.at}`, {
      type: 'basic',
      iconUrl: api.runtime.getURL('icons/icon-128.png'),
      title: api.i18n.getMessage('extName'),
      message,
    });
    return 'notification';
  } catch (error) {
    console.warn('Quotebook: cannot show a notification:', error?.message);
    return '';
  }
}

/** How long the page's notice stays (ms). */
const NOTICE_MS = 8000;

/**
 * Runs in the page (the extension's isolated world, by `executeScript`): a small notice
 * at the top of the window, its text set as text in a closed shadow root (the page's
 * styles and scripts cannot reach into it), not clickable, gone after `ms`. Styles are
 * set through the CSSOM, which a page's Content Security Policy does not block. Returns
 * true once shown. Self-contained: `executeScript` sends its source alone.
 * @param {string} text
 * @param {string} dir
 * @param {number} ms
 */
function showNotice(text, dir, ms) {
  const world = /** @type {any} */ (globalThis);
  world.quotebookNotice?.remove();
  const host = document.createElement('quotebook-notice');
  const important = (/** @type {CSSStyleDeclaration} */ style, /** @type {Record<string, string>} */ rules) => {
    for (const [name, value] of Object.entries(rules)) style.setProperty(name, value, 'important');
  };
  important(host.style, {
    all: 'initial', position: 'fixed', top: '12px', left: '50%', transform: 'translateX(-50%)',
    'z-index': '2147483647', 'pointer-events': 'none', 'max-width': 'min(36rem, calc(100vw - 24px))',
  });
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.dir = dir;
  box.textContent = text;
  important(box.style, {
    display: 'block', padding: '10px 14px', 'border-radius': '6px', background: '#b3261e',
    color: '#ffffff', font: '14px/1.4 system-ui, sans-serif', 'box-shadow': '0 2px 8px rgba(0,0,0,.3)',
    'overflow-wrap': 'anywhere', 'white-space': 'pre-wrap',
  });
  host.attachShadow({ mode: 'closed' }).append(box);
  (document.body ?? document.documentElement).append(host);
  world.quotebookNotice = host;
  setTimeout(() => host.remove(), ms);
  return true;
}

/** An error's message for the reader, without the core's `code: ` prefix. */
function readable(error) {
  const message = String(error?.message ?? error);
  return message.replace(/^[a-z_]+: /, '');
}
