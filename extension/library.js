// @ts-check
// The library as the popup and the options page see it: listing, search, comments and
// tags, deletion with undo, Markdown export of a note, backup and import. Notes are read
// and changed through the wasm core; this module only moves them in and out of storage.
//
// Every read-modify-write of `storage.local` runs under the notes' Web Lock (store.js),
// which saves take too, so an edit here and a quote saved at the same moment never lose
// one another.
import { api } from './browser.js';
import { core } from './core.js';
/** @typedef {import('./store.js').Note} Note */
/** @typedef {import('./store.js').Quote} Quote */
/** @typedef {import('./store.js').Templates} Templates */
/** @typedef {import('./store.js').RenderOptions} RenderOptions */
/** @typedef {import('./store.js').Rendered} Rendered */
/** @typedef {import('./store.js').Deleted} Deleted */
import {
  DELETED_KEY, LAST_BACKUP_KEY, LAST_SYNC_KEY, NOTE_PREFIX, SCHEMA_KEY, SETTINGS, STORAGE_SCHEMA,
  TRASH_PREFIX, newerSchema, noteKey, withNotesLock as locked,
} from './store.js';
import { getImage, putImage, releaseImages } from './images/db.js';

// The options page reads these through the library; they live in store.js.
export { LAST_BACKUP_KEY, SETTINGS } from './store.js';

/** How long a deletion can be undone. */
export const TRASH_MINUTES = 30;
/** A backup older than this no longer counts as recent. */
export const BACKUP_FRESH_DAYS = 30;

function now() {
  return new Date().toISOString();
}

/**
 * The reader's zone and language, as `render` and `file_name` take them.
 * @returns {RenderOptions}
 */
export function renderOptions() {
  return {
    tzOffsetMinutes: -new Date().getTimezoneOffset(),
    locale: api.i18n?.getUILanguage?.() ?? navigator.language,
  };
}

/**
 * Reads a stored note in today's schema (older ones are migrated by the core).
 * @param {any} note as stored, any schema
 * @returns {Promise<Note>}
 */
async function current(note) {
  if (note?.schema === 2) return note;
  return (await core()).migrate_note(note);
}

// The storage key each note was read from: a note saved by an older schema may have been
// given a new id by its migration, and must be written back where it was.
/** @type {WeakMap<object, string>} */
const keys = new WeakMap();

/**
 * Where `note` is stored.
 * @param {Note} note
 * @returns {string}
 */
export function storageKey(note) {
  return keys.get(note) ?? noteKey(note.id);
}

/**
 * @param {string} key
 * @param {Note} note
 * @returns {Note}
 */
function remember(key, note) {
  keys.set(note, key);
  return note;
}

/** Notes are read this many at a time, so a page can draw the first ones early. */
const READ_CHUNK = 1000;

/**
 * Every note, newest (last updated) first. `onChunk(notes, added)`, if given, is called
 * after each chunk with the notes read so far (unsorted) and those the chunk added.
 */
/**
 * @param {(notes: Note[], added: Note[]) => void} [onChunk]
 * @returns {Promise<Note[]>}
 */
export async function loadNotes(onChunk) {
  /** @type {Note[]} */
  const notes = [];
  const add = async (key, value) => {
    try {
      notes.push(remember(key, await current(value)));
    } catch (error) {
      console.warn(`Quotebook: cannot read ${key}:`, error?.message);
    }
  };
  if (!api.storage.local.getKeys) {
    for (const [key, value] of Object.entries(await api.storage.local.get(null))) {
      if (key.startsWith(NOTE_PREFIX)) await add(key, value);
    }
    return sortNewestFirst(notes);
  }
  const keys = await keysStartingWith(NOTE_PREFIX);
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    const chunk = await api.storage.local.get(keys.slice(i, i + READ_CHUNK));
    const before = notes.length;
    for (const [key, value] of Object.entries(chunk)) await add(key, value);
    onChunk?.(notes, notes.slice(before));
  }
  return sortNewestFirst(notes);
}

/**
 * @param {Note[]} notes
 * @returns {Note[]}
 */
export function sortNewestFirst(notes) {
  return notes.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : 0));
}

/**
 * The note of the page at `url`, if any: the page's cleaned URL and identity are looked up
 * among each note's id, URL, canonical URL and aliases.
 */
/**
 * @param {Note[]} notes
 * @param {string | undefined} url
 * @returns {Promise<Note | null>}
 */
export async function findPageNote(notes, url) {
  if (!url) return null;
  const wasm = await core();
  const wanted = new Set([url, wasm.clean_url(url)]);
  try {
    wanted.add(wasm.note_id(url, undefined));
  } catch {
    // Not a URL a note can have.
  }
  return notes.find((note) =>
    [note.id, note.url, note.canonical, ...(note.aliases ?? [])].some((u) => u && wanted.has(u)),
  ) ?? null;
}

/**
 * The note stored under the identity of the page at `url`, if any (one storage read).
 * @param {string | undefined} url
 * @returns {Promise<Note | null>}
 */
export async function loadPageNote(url) {
  if (!url) return null;
  const wasm = await core();
  const key = noteKey(wasm.note_id(url, undefined));
  const stored = (await api.storage.local.get(key))[key];
  return stored === undefined ? null : remember(key, await current(stored));
}

// ---------------------------------------------------------------------------------------
// Search

/**
 * Lower case, without accents: what search compares. The core folds the same way where it
 * marks a search's words (`quotebook_core::search::fold`, the popup's `<mark>`s).
 */
export function fold(text) {
  const lower = String(text ?? '').toLowerCase();
  // Only text with non-ASCII letters needs decomposing; most does not.
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(lower) ? lower.normalize('NFD').replace(/\p{M}+/gu, '') : lower;
}

/** A note's words, folded, each once: what a search scans. */
function words(texts) {
  const seen = new Set();
  for (const text of texts) {
    for (const word of fold(text).split(/[^\p{L}\p{N}]+/u)) if (word) seen.add(word);
  }
  return [...seen].join(' ');
}

/**
 * An index of `notes` (newest first), built once when a page opens: per note, the words
 * of its title, authors, site, quotes, comments and tags, each once. A query's words are matched
 * anywhere inside them (`ing` finds "reading").
 */
/** @param {Note[]} notes */
export function buildIndex(notes) {
  return { entries: notes.map(indexEntry), last: null };
}

// Index entries per note object: notes are indexed as they are read (see `indexNotes`),
// while the next ones are still on their way from storage.
const entries = new WeakMap();

/** @param {Note} note */
function indexEntry(note) {
  let entry = entries.get(note);
  if (!entry) {
    entry = {
      note,
      all: words([
        note.title, ...(note.authors ?? []), note.site ?? '', note.url,
        ...note.quotes.flatMap((q) => [q.text, q.comment, (q.tags ?? []).join(' ')]),
      ]),
    };
    entries.set(note, entry);
  }
  return entry;
}

/** Indexes `notes` ahead of `buildIndex`, which then only gathers the entries. */
/** @param {Note[]} notes */
export function indexNotes(notes) {
  for (const note of notes) indexEntry(note);
}

/** The words of a query, folded. */
function queryTerms(query) {
  return fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * The notes matching `query` (every word of it found in the note's title, authors, site,
 * address, quotes, comments or tags), in index order; `null` when the query is empty. A query that extends
 * the previous one searches only the previous matches.
 */
export function search(index, query) {
  const terms = queryTerms(query);
  const key = terms.join(' ');
  if (terms.length === 0) {
    index.last = null;
    return null;
  }
  const pool = index.last && key.startsWith(index.last.key) ? index.last.entries : index.entries;
  const entries = pool.filter((e) => terms.every((t) => e.all.includes(t)));
  index.last = { key, entries };
  return entries.map((e) => ({ note: e.note, query }));
}

/**
 * The ids of the quotes of `note` that match `query` on their own (with the note's title,
 * authors and site): computed only for the results shown.
 */
/**
 * @param {Note} note
 * @param {string} query
 * @returns {Set<string>}
 */
export function matchingQuoteIds(note, query) {
  const terms = queryTerms(query);
  const head = fold([note.title, ...(note.authors ?? []), note.site ?? '', note.url].join('\n'));
  return new Set(note.quotes
    .filter((q) => {
      const text = fold(`${q.text}\n${q.comment}\n${(q.tags ?? []).join(' ')}`);
      return terms.every((t) => head.includes(t) || text.includes(t));
    })
    .map((q) => q.id));
}

/**
 * The note stored at `key`, if any (one storage read).
 * @param {string} key
 * @returns {Promise<Note | null>}
 */
export async function loadNote(key) {
  const stored = (await api.storage.local.get(key))[key];
  return stored === undefined ? null : remember(key, await current(stored));
}

// ---------------------------------------------------------------------------------------
// Changes

/**
 * Reads the note stored at `key` (under the lock); throws `not_found` when it is gone.
 * @param {string} key
 * @returns {Promise<Note>}
 */
async function readNote(key) {
  const stored = (await api.storage.local.get(key))[key];
  if (stored === undefined) throw new Error(`not_found: ${key.slice(NOTE_PREFIX.length)}`);
  return current(stored);
}

function checkSchema(stored) {
  const schema = stored[SCHEMA_KEY];
  if (newerSchema(schema)) {
    throw new Error(`unsupported_schema: ${schema}`);
  }
}

/**
 * Sets a quote's comment and tags (an array of strings) in the note stored at `key`;
 * resolves to the updated note.
 * @param {string} key
 * @param {string} quoteId
 * @param {string} comment
 * @param {string[]} tags
 * @returns {Promise<Note>}
 */
export async function annotate(key, quoteId, comment, tags) {
  const wasm = await core();
  return locked(async () => {
    const note = await readNote(key);
    const updated = wasm.annotate_quote(note, quoteId, comment, tags, now());
    await api.storage.local.set({ [key]: updated });
    return remember(key, updated);
  });
}

/**
 * Sets a quote's highlight kind (an id of `quote_kinds()`) in the note stored at `key`;
 * resolves to the updated note.
 * @param {string} key
 * @param {string} quoteId
 * @param {string} kind
 * @returns {Promise<Note>}
 */
export async function setKind(key, quoteId, kind) {
  const wasm = await core();
  return locked(async () => {
    const note = await readNote(key);
    // The core refuses an id it does not know (`invalid_data`).
    const updated = wasm.set_quote_kind(note, quoteId, /** @type {Quote['kind']} */ (kind), now());
    await api.storage.local.set({ [key]: updated });
    return remember(key, updated);
  });
}

function newTrashKey(deletedAt) {
  return `${TRASH_PREFIX}${deletedAt}:${crypto.randomUUID()}`;
}

/**
 * Deletes a quote; the quote (and a copy of its note, to restore it from if the whole note
 * goes too) waits in the trash. Resolves to the updated note.
 * @param {string} key
 * @param {string} quoteId
 * @returns {Promise<Note>}
 */
export async function deleteQuote(key, quoteId) {
  return (await deleteQuoteWithUndo(key, quoteId)).note;
}

/**
 * Deletes a quote as `deleteQuote` does; resolves to the updated note and the trash key
 * that `undo` takes to bring the quote back.
 * @param {string} key
 * @param {string} quoteId
 * @returns {Promise<{note: Note, trashKey: string}>}
 */
export async function deleteQuoteWithUndo(key, quoteId) {
  const wasm = await core();
  return locked(async () => {
    const note = await readNote(key);
    const quote = note.quotes.find((q) => q.id === quoteId);
    if (!quote) throw new Error(`not_found: ${quoteId}`);
    const updated = wasm.remove_quote(note, quoteId, now());
    const deletedAt = Date.now();
    const trashKey = newTrashKey(deletedAt);
    await api.storage.local.set({
      [key]: updated,
      [trashKey]: { kind: 'quote', deletedAt, key, title: note.title, quote, note },
    });
    return { note: remember(key, updated), trashKey };
  });
}

/** Deletes the note stored at `key`; it waits in the trash. */
export async function deleteNote(key) {
  return locked(async () => {
    const note = await readNote(key);
    const deletedAt = Date.now();
    await api.storage.local.set({
      [newTrashKey(deletedAt)]: { kind: 'note', deletedAt, key, title: note.title, note },
    });
    await api.storage.local.remove(key);
  });
}

/**
 * The stored keys starting with `prefix`, without reading every value where the browser
 * can list keys (`getKeys`, Chrome 130+): a large library is tens of megabytes.
 */
async function keysStartingWith(prefix) {
  const keys = api.storage.local.getKeys
    ? await api.storage.local.getKeys()
    : Object.keys(await api.storage.local.get(null));
  return keys.filter((key) => key.startsWith(prefix));
}

/**
 * A deleted quote or note, kept under a `trash:` key for an undo: the note as it was
 * (a quote's note, to recreate it from), and the quote.
 * An import's removal also keeps `at`, the time of the backup's deletion that removed it,
 * which it travels with to a synced folder once past undo.
 * @typedef {{deletedAt: number, key: string, title: string, note: Note, at?: string}
 *   & ({kind: 'quote', quote: Quote} | {kind: 'note'})} TrashEntry
 */

/**
 * The trash entries, `[key, entry]`.
 * @returns {Promise<[string, TrashEntry][]>}
 */
async function trashEntries() {
  const keys = await keysStartingWith(TRASH_PREFIX);
  return keys.length
    ? /** @type {[string, TrashEntry][]} */ (Object.entries(await api.storage.local.get(keys)))
    : [];
}

/** What can still be undone, newest first: `[{trashKey, kind, deletedAt, key, title, …}]`. */
export async function listTrash() {
  const limit = Date.now() - TRASH_MINUTES * 60_000;
  return (await trashEntries())
    .filter(([, entry]) => entry?.deletedAt >= limit)
    .map(([key, entry]) => ({ ...entry, trashKey: key }))
    .sort((a, b) => b.deletedAt - a.deletedAt);
}

/**
 * A trash entry as a deletion record of the backup format (`docs/formats.md`): a quote's
 * id and its note's, or a note's id, and when.
 */
/**
 * @param {TrashEntry} entry
 * @returns {Deleted}
 */
export function deletionRecord(entry) {
  const at = entry.at ?? new Date(entry.deletedAt).toISOString();
  return entry.kind === 'quote'
    ? { id: entry.quote.id, note: entry.note.id, at }
    : { id: entry.note.id, at };
}

/** The trash entries past undo, `[key, entry]`. */
export async function finalDeletions() {
  const limit = Date.now() - TRASH_MINUTES * 60_000;
  return (await trashEntries()).filter(([, entry]) => !(entry?.deletedAt >= limit));
}

/**
 * Forgets deletions older than [`TRASH_MINUTES`] (keeping their records for folder sync,
 * so that a deletion travels to the folder's backup); resolves to how many were purged.
 */
export async function purgeTrash() {
  return locked(async () => {
    const old = await finalDeletions();
    if (old.length) {
      const kept = /** @type {unknown[] | undefined} */ ((await api.storage.local.get(DELETED_KEY))[DELETED_KEY]) ?? [];
      const records = old.filter(([, entry]) => entry?.note?.id).map(([, entry]) => deletionRecord(entry));
      await api.storage.local.set({ [DELETED_KEY]: [...kept, ...records] });
      await api.storage.local.remove(old.map(([key]) => key));
      await releaseUnusedImages();
    }
    return old.length;
  });
}

/**
 * Deletes the stored images that no note, and no deletion still undoable, refers to
 * (call it under the notes' lock). Images stored in the last ten minutes stay: their note
 * may be on its way. Failures are said in the console, and the next purge tries again.
 */
async function releaseUnusedImages() {
  try {
    const all = await api.storage.local.get(null);
    /** @type {Note[]} */
    const notes = [];
    for (const [key, value] of Object.entries(all)) {
      if (key.startsWith(NOTE_PREFIX)) notes.push(await current(value));
      else if (key.startsWith(TRASH_PREFIX)) {
        const entry = /** @type {TrashEntry | undefined} */ (value);
        if (!entry?.note) continue;
        const note = await current(entry.note);
        notes.push(note);
        if (entry.kind === 'quote' && entry.quote) notes.push({ ...note, quotes: [entry.quote] });
      }
    }
    const live = (await core()).live_image_hashes(notes);
    await releaseImages(live, 10 * 60_000);
  } catch (error) {
    console.warn('Quotebook: could not release unused images:', error?.message ?? error);
  }
}

/**
 * Undoes a deletion. A deleted note comes back merged with whatever was saved to its page
 * since; a deleted quote goes back into its note (recreated if the note is gone too), in
 * the order the quotes were saved. Resolves to the restored note.
 * @param {string} trashKey
 * @returns {Promise<Note>}
 */
export async function undo(trashKey) {
  const wasm = await core();
  return locked(async () => {
    const stored = await api.storage.local.get([trashKey, SCHEMA_KEY]);
    checkSchema(stored);
    const entry = /** @type {TrashEntry | undefined} */ (stored[trashKey]);
    if (!entry) throw new Error(`not_found: ${trashKey}`);
    const nk = entry.key;
    const existing = (await api.storage.local.get(nk))[nk];
    let restored;
    if (entry.kind === 'note') {
      const parts = existing === undefined ? [entry.note] : [await current(existing), entry.note];
      restored = wasm.merge_notes(parts)[0];
    } else {
      const base = existing === undefined ? { ...entry.note, quotes: [] } : await current(existing);
      const back = { ...base, quotes: [entry.quote] };
      restored = wasm.merge_notes([base, back])[0];
      restored.updated = now();
    }
    await api.storage.local.set({ [nk]: restored, [SCHEMA_KEY]: stored[SCHEMA_KEY] ?? STORAGE_SCHEMA });
    await api.storage.local.remove(trashKey);
    return remember(nk, restored);
  });
}

// ---------------------------------------------------------------------------------------
// Settings, Markdown and files

/**
 * The reader's small settings; an empty string for each left at its default.
 * @typedef {{templates: Templates, fileNamePattern: string, images: ImageOptions}} Settings
 */
/** @typedef {import('./wasm/quotebook.js').ImageOptions} ImageOptions */

/**
 * The reader's settings from `storage.sync`.
 * @returns {Promise<Settings>}
 */
export async function loadSettings() {
  /** @type {{[key: string]: any}} */
  const s = await api.storage.sync.get(Object.values(SETTINGS));
  return {
    templates: { note: s[SETTINGS.noteTemplate] ?? '', quote: s[SETTINGS.quoteTemplate] ?? '' },
    fileNamePattern: s[SETTINGS.fileNamePattern] ?? '',
    images: imageOptions(s),
  };
}

/**
 * The images' settings as the core's render takes them (issue 16): kept unless turned off,
 * the attachments folder's pattern and the embed style, the core's defaults when unset.
 * @param {{[key: string]: any}} stored the items of `storage.sync`
 * @returns {ImageOptions}
 */
export function imageOptions(stored) {
  /** @type {ImageOptions} */
  const options = { keep: stored[SETTINGS.imagesKeep] !== false };
  if (typeof stored[SETTINGS.imagesFolder] === 'string' && stored[SETTINGS.imagesFolder].trim()) {
    options.folder = stored[SETTINGS.imagesFolder].trim();
  }
  if (stored[SETTINGS.imagesEmbed] === 'commonmark' || stored[SETTINGS.imagesEmbed] === 'obsidian') {
    options.embed = stored[SETTINGS.imagesEmbed];
  }
  return options;
}

/** Bytes an item takes against `storage.sync`'s per-item quota (key plus JSON value). */
export function syncItemBytes(key, value) {
  return new TextEncoder().encode(key + JSON.stringify(value)).length;
}

/** `storage.sync`'s per-item quota. */
export function syncItemQuota() {
  return api.storage.sync.QUOTA_BYTES_PER_ITEM ?? 8192;
}

/**
 * A note's Markdown file through the reader's templates: `{markdown, quotes, error}`. With
 * `images` (the reader's `Settings.images`, and for CommonMark embeds the note's folder),
 * kept images embed as attachments; without, as their remote addresses.
 * @param {Note} note
 * @param {Templates} [templates]
 * @param {ImageOptions} [images]
 * @returns {Promise<Rendered>}
 */
export async function renderNote(note, templates, images) {
  const wasm = await core();
  return wasm.render(note, templates, images ? { ...renderOptions(), images } : renderOptions());
}

/**
 * The `.md` file name of a note from the reader's pattern.
 * @param {Note} note
 * @param {string} [pattern]
 * @returns {Promise<string>}
 */
export async function fileName(note, pattern) {
  const wasm = await core();
  return wasm.file_name(note, pattern ?? '', renderOptions());
}

/**
 * The paths of `notes` in a `.zip` export, in order, named by the core as the CLI's
 * `export --to OUT.zip` names them (the reader's pattern, `name (2).md` on a collision).
 * @param {Note[]} notes
 * @param {string} [pattern]
 * @returns {Promise<string[]>}
 */
export async function zipNames(notes, pattern) {
  const wasm = await core();
  // Quotes name no file: leaving them out makes the call a fraction of the work.
  const named = notes.map((note) => ({ ...note, quotes: [] }));
  return wasm.zip_names(named, pattern ?? '', renderOptions());
}

/**
 * The deep link of a quote (the page scrolled to it), or the note's URL.
 * @param {Note} note
 * @param {Quote} [quote]
 * @returns {string}
 */
export function quoteLink(note, quote) {
  return quote?.fragment ? `${note.url}#:~:${quote.fragment}` : note.url;
}

// ---------------------------------------------------------------------------------------
// Backup

/**
 * The file settings a backup carries: the reader's templates and file name pattern, with
 * this browser's zone and language, so that the same backup gives the same files wherever
 * it is exported or synced (`quotebook export` reads them).
 * @returns {Promise<import('./store.js').FileSettings>}
 */
export async function fileSettings() {
  const settings = await loadSettings();
  const options = renderOptions();
  return {
    templates: settings.templates,
    fileNamePattern: settings.fileNamePattern,
    tzOffsetMinutes: options.tzOffsetMinutes ?? 0,
    locale: options.locale ?? '',
    quoteOrder: options.quoteOrder ?? 'saved',
    images: settings.images,
  };
}

/**
 * The JSON backup of every note (`{schema, settings, notes}`, and the bytes of the images
 * they keep, `images`), and records that one was made. An image missing from the store is
 * left out (its notes keep its remote address) and said in the console.
 * @returns {Promise<string>}
 */
export async function exportBackup() {
  const wasm = await core();
  const [notes, settings] = await Promise.all([loadNotes(), fileSettings()]);
  notes.reverse(); // oldest first, as the library keeps them
  /** @type {import('./wasm/quotebook.js').ImageBytes[]} */
  const images = [];
  for (const hash of wasm.live_image_hashes(notes)) {
    const stored = await getImage(hash);
    if (stored) images.push({ hash, mime: stored.type, bytes: new Uint8Array(await stored.blob.arrayBuffer()) });
    else console.warn('Quotebook: a kept image is missing from the store:', hash);
  }
  const json = wasm.library_backup(notes, settings, images);
  await api.storage.local.set({ [LAST_BACKUP_KEY]: now() });
  return json;
}

/** @typedef {import('./store.js').ImportPlan} ImportPlan */

/**
 * The stored notes as the core's import takes them, with where each is stored and as
 * what, by its (migrated) id.
 * @param {{[key: string]: any}} all everything `storage.local` holds
 */
async function storedForImport(all) {
  const notes = [];
  /** @type {Map<string, {key: string, value: any, note: Note}>} */
  const stored = new Map();
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(NOTE_PREFIX)) continue;
    notes.push(value);
    try {
      const note = await current(value);
      stored.set(note.id, { key, value, note });
    } catch {
      // import_plan refuses the same note with a worded error.
    }
  }
  return { notes, stored };
}

/**
 * The dry run of importing a backup (its text): what it would add, change and remove,
 * from the core. Changes nothing. Rejects, worded by the core, a backup that does not
 * read or holds a time that is not RFC 3339 or lies in the future (with its line).
 * @param {string} text
 * @returns {Promise<ImportPlan>}
 */
export async function planImport(text) {
  const wasm = await core();
  const all = await api.storage.local.get(null);
  checkSchema(all);
  const { notes } = await storedForImport(all);
  return wasm.import_plan(notes, text, now());
}

/**
 * Imports a backup (its text): the core's plan, made again under the notes' lock (so a
 * quote saved since the dry run is not lost), is stored. Notes and quotes it removes (the
 * backup's deletions) go to the trash, to be undone like any deletion; its deletions that
 * removed nothing here are kept for folder sync. Resolves to the plan applied.
 * @param {string} text
 * @returns {Promise<ImportPlan>}
 */
export async function applyImport(text) {
  const wasm = await core();
  return locked(async () => {
    const all = await api.storage.local.get(null);
    checkSchema(all);
    const { notes, stored } = await storedForImport(all);
    const plan = wasm.import_plan(notes, text, now());
    // The backup's images first: no note stored refers to bytes not there.
    for (const image of plan.images ?? []) await putImage(image.hash, image.mime, image.bytes);
    /** @type {{[key: string]: unknown}} */
    const changed = {};
    for (const note of plan.notes) {
      const before = stored.get(note.id);
      if (!sameValue(before?.value, note)) changed[before?.key ?? noteKey(note.id)] = note;
    }
    changed[SCHEMA_KEY] = all[SCHEMA_KEY] ?? STORAGE_SCHEMA;
    const deletedAt = Date.now();
    for (const removal of plan.removed) {
      const before = stored.get(removal.note);
      if (!before) continue;
      const { key, note } = before;
      const quote = removal.quote === null ? undefined : note.quotes.find((q) => q.id === removal.quote);
      /** @type {TrashEntry} */
      const entry = quote
        ? { kind: 'quote', deletedAt, key, title: note.title, quote, note, at: removal.at }
        : { kind: 'note', deletedAt, key, title: note.title, note, at: removal.at };
      changed[newTrashKey(deletedAt)] = entry;
    }
    if (plan.deleted.length) {
      const kept = /** @type {Deleted[]} */ (all[DELETED_KEY] ?? []);
      const known = new Set(kept.map((d) => JSON.stringify([d.id, d.note ?? null, d.at])));
      const fresh = plan.deleted.filter((d) => !known.has(JSON.stringify([d.id, d.note ?? null, d.at])));
      if (fresh.length) changed[DELETED_KEY] = [...kept, ...fresh];
    }
    await api.storage.local.set(changed);
    const kept = new Set(plan.notes.map((note) => note.id));
    const gone = [...stored].filter(([id]) => !kept.has(id)).map(([, { key }]) => key);
    if (gone.length) await api.storage.local.remove(gone);
    return plan;
  });
}

/** Whether two values as storage holds them (plain objects, arrays, scalars) are equal. */
function sameValue(a, b) {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

/**
 * Whether to remind the reader that uninstalling deletes the notes: notes exist, and
 * neither a backup nor a folder sync happened in the last [`BACKUP_FRESH_DAYS`].
 */
export async function needsBackupReminder() {
  const hasNotes = (await keysStartingWith(NOTE_PREFIX)).length > 0;
  if (!hasNotes) return false;
  const stored = await api.storage.local.get([LAST_BACKUP_KEY, LAST_SYNC_KEY]);
  const fresh = Date.now() - BACKUP_FRESH_DAYS * 86_400_000;
  const recent = (key) => typeof stored[key] === 'string' && Date.parse(stored[key]) >= fresh;
  return !recent(LAST_BACKUP_KEY) && !recent(LAST_SYNC_KEY);
}
