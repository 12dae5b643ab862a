// @ts-check
// The extension's storage: every key and prefix, the layout's schema number, and the one
// lock around read-modify-writes of the notes. Other modules name storage only through
// these; this module imports nothing of ours, so anything may import it without a cycle.
//
// The layout is a contract (readers' data lives in it): change it only with a migration.

/** Notes are stored in `storage.local` under `note:<note id>` (the core's `note_id`). */
export const NOTE_PREFIX = 'note:';
/** The layout's schema number, in `storage.local`; a newer one is refused, not misread. */
export const SCHEMA_KEY = 'schema';
export const STORAGE_SCHEMA = 1;

/**
 * A save under way is recorded under `pending:<quote id>` before anything else (in
 * `storage.local`, else `storage.session` when the local area refuses writes), and the
 * record is removed once the note holds the quote. A record left behind (the worker was
 * stopped mid-save, or storage refused the note) is completed, or when that cannot be
 * reported on the badge, the next time the worker starts and at the next save (save.js).
 */
export const PENDING_PREFIX = 'pending:';
/** Set in `storage.session` while a save is kept for retry, so saves look for records. */
export const RETRY_KEY = 'pending:retry';

/**
 * The last save that failed, `{at, url, title, reason}`, in `storage.session` (memory
 * only: it may name a private window's page); the popup shows it until a save succeeds.
 */
export const LAST_FAILURE_KEY = 'save:lastFailure';
/** Deleted quotes and notes wait here (`trash:<deleted at, ms>:<random>`) for an undo. */
export const TRASH_PREFIX = 'trash:';
/** Deletions the folder sync has yet to apply to the folder's copy (tombstones). */
export const DELETED_KEY = 'sync:deleted';
/** When the last backup was exported (ISO instant). */
export const LAST_BACKUP_KEY = 'backup:last';
/** When the folder sync last ran (ISO instant). */
export const LAST_SYNC_KEY = 'sync:last';
/** The folder sync's settings, and the result of its last run, in `storage.local`. */
export const SYNC_SETTINGS_KEY = 'sync:settings';
export const SYNC_RESULT_KEY = 'sync:result';

/** Small settings, in `storage.sync` (8 KB per item): one item each. */
export const SETTINGS = Object.freeze({
  noteTemplate: 'template:note',
  quoteTemplate: 'template:quote',
  fileNamePattern: 'fileNamePattern',
  // Issue 16: whether images are kept as files (false when turned off), the attachments
  // folder's pattern and the embed style (`obsidian`, `commonmark`); unset is the default.
  imagesKeep: 'images:keep',
  imagesFolder: 'images:folder',
  imagesEmbed: 'images:embed',
});

/**
 * The Web Lock around every read-modify-write of the notes: a save, an edit in the popup,
 * an import and a sync never lose one another's changes.
 */
export const NOTES_LOCK = 'quotebook-notes';
/**
 * The message the card (card/card.html) sends the worker for a change to a note: in a
 * frame inside a web page its Web Locks are partitioned apart from the notes' lock, so
 * the worker makes the change (card-edits.js).
 */
export const CARD_EDIT = 'quotebook-card-edit';

/** The Web Lock that keeps folder syncs from overlapping. */
export const SYNC_LOCK = 'quotebook-sync';

/**
 * Runs `fn` under [`NOTES_LOCK`]; resolves to what `fn` resolves to.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export function withNotesLock(fn) {
  // The lock's promise settles as `fn`'s does (the DOM typings nest the promise).
  return /** @type {Promise<T>} */ (navigator.locks.request(NOTES_LOCK, fn));
}

/**
 * The storage key of the note with id `noteId`.
 * @param {string} noteId
 * @returns {string}
 */
export function noteKey(noteId) {
  return NOTE_PREFIX + noteId;
}

/**
 * Whether `schema` (as stored under [`SCHEMA_KEY`]) is from a newer Quotebook.
 * @param {number | undefined} schema
 * @returns {boolean}
 */
export function newerSchema(schema) {
  return schema !== undefined && schema > STORAGE_SCHEMA;
}

// The values stored and handed to the core, typed by the interfaces the wasm crate declares
// (crates/quotebook-wasm/src/boundary.d.ts, copied into the bindings' `.d.ts` by the build):
// a field renamed in Rust and there fails `tsc` wherever the extension reads it.
/** @typedef {import('./wasm/quotebook.js').Note} Note */
/** @typedef {import('./wasm/quotebook.js').Quote} Quote */
/** @typedef {import('./wasm/quotebook.js').Capture} Capture */
/** @typedef {import('./wasm/quotebook.js').ClipRequest} ClipRequest */
/** @typedef {import('./wasm/quotebook.js').Templates} Templates */
/** @typedef {import('./wasm/quotebook.js').RenderOptions} RenderOptions */
/** @typedef {import('./wasm/quotebook.js').Rendered} Rendered */
/** @typedef {import('./wasm/quotebook.js').TemplateError} TemplateError */
/** @typedef {import('./wasm/quotebook.js').Deleted} Deleted */
/** @typedef {import('./wasm/quotebook.js').ImportPlan} ImportPlan */
/** @typedef {import('./wasm/quotebook.js').FileSettings} FileSettings */
/** @typedef {import('./wasm/quotebook.js').Removal} Removal */
/** @typedef {import('./wasm/quotebook.js').NoteChange} NoteChange */
/** @typedef {import('./wasm/quotebook.js').SyncOptions} SyncOptions */
/** @typedef {import('./wasm/quotebook.js').SyncSnapshot} SyncSnapshot */
/** @typedef {import('./wasm/quotebook.js').SyncPlan} SyncPlan */
/** @typedef {import('./wasm/quotebook.js').ReportEntry} ReportEntry */
/** @typedef {import('./wasm/quotebook.js').Counts} Counts */
