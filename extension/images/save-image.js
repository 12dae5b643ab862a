// @ts-check
// "Save image to note": the image the reader right-clicked joins the page's note as a quote
// of its own, with its alt text and caption. The note is stored first, with the image's
// remote address; its bytes follow when the extension may read them (keep.js), and the
// badge says which. The menu click is the gesture that lets the extension ask for the
// image's origin: the request starts before anything is awaited, or the gesture is spent.
import { api } from '../browser.js';
import { core } from '../core.js';
import { NOTE_PREFIX, SCHEMA_KEY, STORAGE_SCHEMA, newerSchema, withNotesLock } from '../store.js';
import { imageDetails } from './details.js';
import { originPattern } from './fetch.js';
import { keepImages, keepingImages, storeBytes } from './keep.js';

/** @typedef {import('../store.js').Note} Note */

/** The image item's id while images are kept ("Keep images" on, the default). */
export const IMAGE_MENU_ID = 'save-image';
/** Its id while they are not: the click asks for no site, the note links the image. */
export const IMAGE_LINK_MENU_ID = 'save-image-link';
export const IMAGE_MENU_IDS = [IMAGE_MENU_ID, IMAGE_LINK_MENU_ID];

/** The image item's id for the "Keep images" setting. @param {boolean} keep */
export function imageMenuId(keep) {
  return keep ? IMAGE_MENU_ID : IMAGE_LINK_MENU_ID;
}

const OK_COLOR = '#1a7f37';
const WARN_COLOR = '#9a6700';
const ERROR_COLOR = '#cf222e';

/**
 * The menu's listener for images. `info.srcUrl` is the image's address. Resolves to what
 * happened, for tests: `{ok: true, key, note, images: {kept, refused, reason?}}` or
 * `{ok: false, reason}`; never rejects.
 * @param {chrome.contextMenus.OnClickData} info
 * @param {chrome.tabs.Tab | undefined} tab
 */
export function saveImage(info, tab) {
  const src = info?.srcUrl ?? '';
  // Images not kept: no site to ask for.
  const pattern = info?.menuItemId === IMAGE_LINK_MENU_ID ? null : originPattern(src);
  // Synchronously, while the click counts as a gesture (see SECURITY.md, "Images").
  /** @type {Promise<boolean>} */
  let asked = Promise.resolve(false);
  if (pattern) {
    try {
      asked = api.permissions.request({ origins: [pattern] }).catch((error) => refusedBy(error));
    } catch (error) {
      asked = Promise.resolve(refusedBy(error));
    }
  }
  return saveImageAsked(info, tab, src, asked);
}

/** A permission request the browser refused (not the reader): said in the console. */
function refusedBy(error) {
  console.info("Quotebook: cannot ask for the image's origin:", error?.message ?? error);
  return false;
}

/**
 * @param {chrome.contextMenus.OnClickData} info
 * @param {chrome.tabs.Tab | undefined} tab
 * @param {string} src
 * @param {Promise<boolean>} asked
 */
async function saveImageAsked(info, tab, src, asked) {
  try {
    if (!src) throw new Error('invalid_url: the image has no address');
    const pattern = info.menuItemId === IMAGE_LINK_MENU_ID ? null : originPattern(src);
    // While the browser's dialog waits for the reader, the badge says what it is about.
    if (pattern && !(await api.permissions.contains({ origins: [pattern] }).catch(() => false))) {
      await report(tab, WARN_COLOR, api.i18n.getMessage('imageAsking', [new URL(src).hostname]), '?');
    }
    const page = await readPage(info, tab);
    const wasm = await core();
    const quoteId = crypto.randomUUID();
    /** @type {import('../wasm/quotebook.js').ImageClipRequest} */
    const request = {
      ...page.capture,
      src: page.details.found ? page.details.src : src,
      alt: page.details.alt,
      caption: page.details.caption,
      position: page.position,
      now: new Date().toISOString(),
      quoteId,
    };
    const key = NOTE_PREFIX + wasm.request_note_id({ capture: page.capture });
    const note = await withNotesLock(async () => {
      const stored = await api.storage.local.get([key, SCHEMA_KEY]);
      if (newerSchema(/** @type {number | undefined} */ (stored[SCHEMA_KEY]))) {
        throw new Error('unsupported_schema: your notes were saved by a newer Quotebook; update the extension');
      }
      const existing = /** @type {Note | undefined} */ (stored[key]) ?? null;
      // A data: image is decoded by the core; its bytes are stored before the note.
      const clipped = wasm.image_clip(request, existing);
      await storeBytes(clipped.images);
      try {
        await api.storage.local.set({ [key]: clipped.note, [SCHEMA_KEY]: STORAGE_SCHEMA });
      } catch (error) {
        throw new Error(`storage_failed: the browser refused to store the note (${error?.message ?? error})`);
      }
      return clipped.note;
    });
    const granted = await asked;
    const images = (await keepingImages())
      ? await keepImages(key, { url: clippedUrl(note, quoteId, src) })
      : { kept: 0, refused: 0 };
    const count = String(note.quotes.length);
    if (images.refused > 0) {
      const why = granted || !originPattern(src) ? images.reason ?? '' : api.i18n.getMessage('imageNotAllowed');
      await report(tab, WARN_COLOR, api.i18n.getMessage('imageSavedWithoutBytes', [why]), count);
    } else {
      await report(tab, OK_COLOR, api.i18n.getMessage('imageSaved'), count);
    }
    const final = /** @type {Note} */ ((await api.storage.local.get(key))[key]) ?? note;
    return { ok: true, key, note: final, images };
  } catch (error) {
    const reason = String(error?.message ?? error).replace(/^[a-z_]+: /, '');
    console.error('Quotebook: could not save the image:', error);
    await report(tab, ERROR_COLOR, api.i18n.getMessage('saveFailed', [reason]), '!');
    return { ok: false, reason };
  }
}

/**
 * The page's fields for the note (as a selection's capture has them, by the same injected
 * capture.js) and the image's own details, read in the frame of the click. Where no script
 * may run, the tab's URL and title only.
 * @param {chrome.contextMenus.OnClickData} info
 * @param {chrome.tabs.Tab | undefined} tab
 */
async function readPage(info, tab) {
  const url = info.frameUrl ?? info.pageUrl ?? tab?.url ?? '';
  /** @type {import('../store.js').Capture} */
  let capture = { url, title: tab?.title ?? '', canonical: null, metaHtml: null, incognito: Boolean(tab?.incognito) };
  /** @type {import('./details.js').ImageDetails} */
  let details = { found: false, alt: '', caption: '', width: 0, height: 0, src: info.srcUrl ?? '' };
  /** @type {number | null} */
  let position = null;
  if (tab?.id !== undefined && tab.id >= 0) {
    const target = { tabId: tab.id, frameIds: [info.frameId ?? 0] };
    try {
      // capture.js reads the image's address from its isolated world, to place it.
      await api.scripting.executeScript({ target, func: nameImage, args: [info.srcUrl ?? ''] });
      const [page] = await api.scripting.executeScript({ target, files: ['page-text.js', 'capture.js'] });
      position = typeof page?.result?.imagePosition === 'number' ? page.result.imagePosition : null;
      const got = page?.result;
      if (got?.url) {
        capture = {
          url: got.url, title: got.title ?? '', canonical: got.canonical ?? null,
          metaHtml: got.metaHtml ?? null, incognito: Boolean(tab.incognito),
        };
      }
      const [found] = await api.scripting.executeScript({ target, func: imageDetails, args: [info.srcUrl ?? ''] });
      if (found?.result) details = found.result;
    } catch (error) {
      console.info('Quotebook: the page could not be read for the image:', error?.message ?? error);
    }
  }
  if (!capture.url) throw new Error('invalid_url: the page has no URL');
  return { capture, details, position };
}

/** Runs in the page's isolated world, before capture.js: the image it is to place. */
function nameImage(src) {
  /** @type {any} */ (globalThis).quotebookImageSrc = src;
}

/**
 * The address the note's image quote `quoteId` keeps for `src` (the same image saved
 * before is one quote: the core keeps it once, under the first quote's id).
 */
function clippedUrl(note, quoteId, src) {
  const quote = note.quotes.find((q) => q.id === quoteId);
  return quote?.images?.[0]?.url ?? src;
}

/** The badge and its tooltip, on the tab of the click. */
async function report(tab, color, title, text) {
  const tabId = tab?.id !== undefined && tab.id >= 0 ? tab.id : undefined;
  try {
    await Promise.all([
      api.action.setBadgeBackgroundColor({ tabId, color }),
      api.action.setBadgeText({ tabId, text }),
      api.action.setTitle({ tabId, title }),
    ]);
  } catch (error) {
    console.warn('Quotebook: cannot update the badge:', error?.message);
  }
}
