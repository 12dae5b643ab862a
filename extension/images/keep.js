// @ts-check
// Keeping the images of saved quotes: their bytes read (fetch.js), recognised by the core
// (`image_inspect`: by their bytes, never their name or header), stored in IndexedDB
// (db.js), and the note told (`attach_images`), or told why not. Runs in the service
// worker after a save and in the popup for "Fetch images"; saving itself never waits for
// an image.
import { api } from '../browser.js';
import { core } from '../core.js';
import { SETTINGS, withNotesLock } from '../store.js';
import { putImage } from './db.js';
import { ImageReadError, MAX_IMAGE, MAX_QUOTE_IMAGES, mayFetch, originPattern, readImage } from './fetch.js';

/** @typedef {import('../store.js').Note} Note */
/** @typedef {import('../wasm/quotebook.js').ImageRef} ImageRef */
/** @typedef {import('../wasm/quotebook.js').ImageFetched} ImageFetched */
/** @typedef {import('../wasm/quotebook.js').ImageBytes} ImageBytes */

/** The reader's "Keep images" switch, in `storage.sync` (on unless turned off). */
const KEEP_IMAGES_KEY = SETTINGS.imagesKeep;
/** How many images are read at once. */
const PARALLEL = 4;

/** Whether the reader keeps images (the default). */
export async function keepingImages() {
  try {
    return (await api.storage.sync.get(KEEP_IMAGES_KEY))[KEEP_IMAGES_KEY] !== false;
  } catch {
    return true;
  }
}

/**
 * Whether `image` still waits for its bytes: not kept, with a remote address, and not
 * refused for what its bytes are (a fetch that failed may succeed later).
 * @param {ImageRef} image
 */
export function waiting(image) {
  return !image.hash && originPattern(image.url) !== null
    && (!image.error || image.error.startsWith('fetch_failed'));
}

/**
 * The images of `note` still waiting for their bytes (of quote `quoteId` only, or with the
 * address `url` only, when given), each address once: `[{quoteId, url}]`.
 * @param {Note} note
 * @param {{quoteId?: string, url?: string}} [only]
 */
export function waitingImages(note, { quoteId, url } = {}) {
  const seen = new Set();
  /** @type {{quoteId: string, url: string}[]} */
  const out = [];
  for (const quote of note.quotes) {
    if (quoteId && quote.id !== quoteId) continue;
    for (const image of quote.images ?? []) {
      if (url !== undefined && image.url !== url) continue;
      if (waiting(image) && !seen.has(image.url)) {
        seen.add(image.url);
        out.push({ quoteId: quote.id, url: image.url });
      }
    }
  }
  return out;
}

/**
 * Stores the bytes the core returned for a save (its `data:` images) before the note that
 * references them, so that no stored note points at missing bytes.
 * @param {ImageBytes[]} images
 */
export async function storeBytes(images) {
  for (const image of images) await putImage(image.hash, image.mime, image.bytes);
}

/**
 * Reads, checks and stores the waiting images of the note under `key` (of quote
 * `quoteId` only, or the image at `url` only, when given), then records in the note what
 * became of each. Images whose origin the reader has not allowed are recorded as refused,
 * for "Fetch images". Resolves to `{kept, refused}` (counts, and the first reason); never
 * rejects.
 * @param {string} key the note's storage key
 * @param {{quoteId?: string, url?: string}} [only]
 * @returns {Promise<{kept: number, refused: number, reason?: string}>}
 */
export async function keepImages(key, only = {}) {
  try {
    if (!(await keepingImages())) return { kept: 0, refused: 0 };
    const note = /** @type {Note | undefined} */ ((await api.storage.local.get(key))[key]);
    if (!note) return { kept: 0, refused: 0 };
    const wanted = waitingImages(note, only);
    if (wanted.length === 0) return { kept: 0, refused: 0 };
    const wasm = await core();
    // Each quote's images share one budget: the 25 MB a quote may keep.
    /** @type {Map<string, number>} */
    const budget = new Map();
    /** @type {ImageFetched[]} */
    const fetched = [];
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const { quoteId: owner, url } = wanted[next++];
        fetched.push(await fetchOne(wasm, url, owner, budget));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, wanted.length) }, worker));
    const attached = await withNotesLock(async () => {
      // Read again under the lock: the note may have changed while the images came.
      const current = /** @type {Note | undefined} */ ((await api.storage.local.get(key))[key]);
      if (!current) return null;
      const result = wasm.attach_images(current, fetched);
      try {
        await api.storage.local.set({ [key]: result.note });
      } catch (error) {
        throw new Error(`storage_failed: the browser refused to store the note (${error?.message ?? error})`);
      }
      return result;
    });
    if (!attached) return { kept: 0, refused: 0 };
    const refused = attached.refused.length;
    return {
      kept: fetched.length - refused,
      refused,
      ...(refused ? { reason: readable(attached.refused[0].error) } : {}),
    };
  } catch (error) {
    console.error('Quotebook: could not keep the images:', error);
    return { kept: 0, refused: 1, reason: readable(String(error?.message ?? error)) };
  }
}

/**
 * One image read, recognised and stored; on failure, the reason in the `ImageFetched`.
 * @param {import('../core.js').Core} wasm
 * @param {string} url
 * @param {string} owner the quote's id, whose budget it draws on
 * @param {Map<string, number>} budget
 * @returns {Promise<ImageFetched>}
 */
async function fetchOne(wasm, url, owner, budget) {
  const left = MAX_QUOTE_IMAGES - (budget.get(owner) ?? 0);
  try {
    if (left <= 0) throw new ImageReadError('too_large', 'the images of this quote already weigh 25 MB');
    const { bytes } = await readImage(url, { limit: Math.min(MAX_IMAGE, left) });
    budget.set(owner, (budget.get(owner) ?? 0) + bytes.byteLength);
    const info = wasm.image_inspect(bytes);
    await putImage(info.hash, info.mime, bytes);
    return { url, info, error: null };
  } catch (error) {
    const message = String(error?.message ?? error);
    // The core's own codes stand; the rest is a failed fetch, which "Fetch images" retries.
    if (/^(not_an_image|image_too_large|quote_images_too_large|tracking_pixel|unsafe_svg): /.test(message)) {
      return { url, info: null, error: message };
    }
    if (/^image_storage_failed: /.test(message)) throw error;
    if (error instanceof ImageReadError && error.code === 'too_large') {
      return { url, info: null, error: `image_too_large: ${message.replace(/^[a-z_]+: /, '')}` };
    }
    return { url, info: null, error: `fetch_failed: ${message.replace(/^[a-z_]+: /, '')}` };
  }
}

/**
 * The notes (under their keys) holding images that wait for bytes, and the origins they
 * come from, for the popup's "Fetch images": `{keys, origins, count}`.
 * @param {Record<string, Note>} notes by storage key
 */
export function missingImages(notes) {
  const keys = [];
  const origins = new Set();
  let count = 0;
  for (const [key, note] of Object.entries(notes)) {
    const wanted = waitingImages(note);
    if (wanted.length === 0) continue;
    keys.push(key);
    count += wanted.length;
    for (const { url } of wanted) origins.add(/** @type {string} */ (originPattern(url)));
  }
  return { keys, origins: [...origins], count };
}

/**
 * "Fetch images": asks (call it in the click's handler, before any await) for the origins
 * of the waiting images, then keeps what it may. Resolves to `{kept, refused, reason?}`.
 * @param {Record<string, Note>} notes by storage key
 */
export function fetchMissingImages(notes) {
  const { keys, origins } = missingImages(notes);
  // The request must start while the click's gesture lasts: no await before it.
  const asked = origins.length
    ? api.permissions.request({ origins }).catch(() => false)
    : Promise.resolve(true);
  return asked.then(async () => {
    let kept = 0;
    let refused = 0;
    let reason;
    for (const key of keys) {
      const outcome = await keepImages(key);
      kept += outcome.kept;
      refused += outcome.refused;
      reason ??= outcome.reason;
    }
    return { kept, refused, ...(reason ? { reason } : {}) };
  });
}

/** Whether the extension may read `url` now (for a save that would ask for nothing). */
export { mayFetch };

/** An error's message for the reader, without its `code: ` prefix. */
function readable(message) {
  return message.replace(/^[a-z_]+: /, '');
}
