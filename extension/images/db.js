// @ts-check
// The images' bytes, in IndexedDB (the notes in `storage.local` hold only references):
// one record per SHA-256 of the bytes, so an image saved twice is stored once. Records no
// note uses any more go when `release` is handed the hashes notes still use (the core's
// live list). Every failure is thrown as `image_storage_failed: …`, never swallowed.

const DB_NAME = 'quotebook-images';
const STORE = 'blobs';
const VERSION = 1;

/**
 * One stored image: its bytes, their type as the core recognised them, their size, and
 * when they were stored (ms).
 * @typedef {{hash: string, type: string, size: number, blob: Blob, at?: number}} StoredImage
 */

/** @returns {Promise<IDBDatabase>} */
function open() {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = indexedDB.open(DB_NAME, VERSION);
    } catch (error) {
      reject(failed('open', error));
      return;
    }
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) {
        request.result.createObjectStore(STORE, { keyPath: 'hash' });
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(failed('open', request.error));
    request.onblocked = () => reject(failed('open', new Error('blocked by another version')));
  });
}

function failed(what, error) {
  return new Error(`image_storage_failed: the browser refused to ${what} the stored images (${error?.name ?? ''} ${error?.message ?? error})`);
}

/**
 * Runs `body` in one transaction over the store; resolves to what `body` returned once the
 * transaction completes (a write is only reported done when it is on disk).
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {string} what for the error message
 * @param {(store: IDBObjectStore) => T | IDBRequest<T>} body
 * @returns {Promise<T>}
 */
async function transaction(mode, what, body) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(STORE, mode, { durability: 'strict' });
      } catch (error) {
        reject(failed(what, error));
        return;
      }
      const out = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(out instanceof IDBRequest ? out.result : out);
      tx.onerror = () => reject(failed(what, tx.error));
      tx.onabort = () => reject(failed(what, tx.error ?? new Error('aborted')));
    });
  } finally {
    db.close();
  }
}

/**
 * Stores `bytes` under `hash` (once: an image already there is left as it is).
 * @param {string} hash the SHA-256 of `bytes`, lowercase hex
 * @param {string} type
 * @param {Uint8Array} bytes
 */
export async function putImage(hash, type, bytes) {
  const blob = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (bytes)], { type });
  await transaction('readwrite', 'store', (store) => {
    const existing = store.getKey(hash);
    existing.onsuccess = () => {
      if (existing.result === undefined) store.put({ hash, type, size: bytes.byteLength, blob, at: Date.now() });
    };
  });
}

/** @param {string} hash @returns {Promise<StoredImage | undefined>} */
export function getImage(hash) {
  return transaction('readonly', 'read', (store) => /** @type {IDBRequest<StoredImage | undefined>} */ (store.get(hash)));
}

/** The hashes stored. @returns {Promise<string[]>} */
export async function storedHashes() {
  const keys = await transaction('readonly', 'list', (store) => store.getAllKeys());
  return keys.map(String);
}

/**
 * Deletes every stored image whose hash is not in `live` (the hashes the notes still use)
 * and that was stored more than `graceMs` ago: bytes are stored a moment before the note
 * that refers to them, so a release running meanwhile must not take them. Resolves to how
 * many went.
 * @param {Iterable<string>} live
 * @param {number} [graceMs]
 */
export async function releaseImages(live, graceMs = 0) {
  const keep = new Set(live);
  const before = Date.now() - graceMs;
  return transaction('readwrite', 'release', (store) => {
    let gone = 0;
    const cursor = store.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      const record = /** @type {StoredImage} */ (at.value);
      if (!keep.has(record.hash) && (record.at ?? 0) <= before) {
        at.delete();
        gone++;
      }
      at.continue();
    };
    return { get count() { return gone; } };
  }).then((counter) => counter.count);
}

/** The SHA-256 of `bytes`, lowercase hex. @param {Uint8Array} bytes */
export async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', /** @type {BufferSource} */ (bytes)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
