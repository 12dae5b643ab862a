// @ts-check
// Folder sync: which backend, when, and what it did. The planning runs in the core (for
// the native host, in the `quotebook` binary built on the same core); the backends only
// move bytes. Settings and the last result live in `storage.local`; `sync:last` (the time
// of the last successful sync) lets the options page drop its uninstall reminder.
import { api } from '../browser.js';
import {
  DELETED_KEY, LAST_SYNC_KEY, NOTE_PREFIX, SYNC_LOCK as LOCK, SYNC_RESULT_KEY, SYNC_SETTINGS_KEY,
} from '../store.js';
import * as library from '../library.js';
import { core } from '../core.js';
import * as native from './native.js';
import * as downloads from './downloads.js';
import * as fsa from './fsa.js';
import { getImage } from '../images/db.js';

/** @typedef {import('../store.js').Note} Note */
/** @typedef {import('../store.js').Deleted} Deleted */
/** @typedef {import('../store.js').SyncOptions} SyncOptions */

/**
 * A sync's answer as the options page shows it: the core's counts and decisions (from the
 * host, the core's session under File System Access, or the export's files).
 * @typedef {{summary: import('../store.js').Counts,
 *   decisions: (Pick<import('../store.js').ReportEntry, 'kind' | 'path'>
 *     & Partial<Pick<import('../store.js').ReportEntry, 'line' | 'reasons' | 'pending'>>)[]}} SyncReport
 */

/**
 * The last run, stored under [`RESULT_KEY`]: a report when it went through.
 * @typedef {{at: string, backend: string, folder?: string, sent?: number | null,
 *   error?: string, paused?: boolean}
 *   & ({ok: true} & SyncReport | {ok: false} & Partial<SyncReport>)} SyncResult
 */

/** `{backend: '' | 'native' | 'fsa' | 'downloads', afterSave: boolean}` (store.js). */
export const SETTINGS_KEY = SYNC_SETTINGS_KEY;
/** The last run: `{at, backend, ok, summary, decisions, error, paused}` (`paused`: the
 * picked folder needs its permission granted again by a click). */
export const RESULT_KEY = SYNC_RESULT_KEY;
/** Decisions kept with the last result (the summary counts them all). */
const KEEP_DECISIONS = 500;

export const BACKENDS = { native, fsa, downloads };
/** The backends that sync (read the folder back), as opposed to exporting. */
const SYNCING = new Set(['native', 'fsa']);

/**
 * The folder sync's settings: the backend (`''` for none) and whether to sync after saves.
 * @typedef {{backend: string, afterSave: boolean}} SyncSettings
 */

/** @returns {Promise<SyncSettings>} */
export async function loadSettings() {
  /** @type {Partial<SyncSettings>} */
  const stored = (await api.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] ?? {};
  return { backend: stored.backend ?? '', afterSave: stored.afterSave ?? true };
}

/** @param {Partial<SyncSettings>} settings */
export async function saveSettings(settings) {
  const current = await loadSettings();
  await api.storage.local.set({ [SETTINGS_KEY]: { ...current, ...settings } });
}

/** The backup format's version (`docs/formats.md`); the notes inside keep their own. */
const LIBRARY_SCHEMA = 1;
/** The note schema whose every key the core's `sync_note_keys` lists. */
const STORAGE_SCHEMA_NOTE = 3;

/**
 * Every stored note, oldest first, as stored (an older schema is read by the core).
 * @returns {Promise<Note[]>}
 */
async function storedNotes() {
  const all = await api.storage.local.get(null);
  return Object.entries(all)
    .filter(([key]) => key.startsWith(NOTE_PREFIX))
    .map(([, note]) => /** @type {Note} */ (note))
    .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
}

/**
 * The deletions that can no longer be undone (purged from the trash, or past its time), as
 * the backup format records them: they travel to the folder's backup, so that another
 * machine's copy does not bring the quote back. Deletions still in the trash's undo time
 * are not sent: an undo must not be undone by the folder.
 * @returns {Promise<Deleted[]>}
 */
async function deletions() {
  const kept = /** @type {Deleted[] | undefined} */ ((await api.storage.local.get(DELETED_KEY))[DELETED_KEY]) ?? [];
  const pending = (await library.finalDeletions())
    .filter(([, entry]) => entry?.note?.id)
    .map(([, entry]) => library.deletionRecord(entry));
  return [...kept, ...pending];
}

/**
 * A backup's text of notes given as their JSON texts, with the deletions and the file
 * settings.
 * @param {string[]} texts
 * @param {Deleted[]} [deleted]
 * @param {import('../store.js').FileSettings | null} [settings]
 */
function backupText(texts, deleted = [], settings = null, images = []) {
  const tail = deleted.length ? `,"deleted":${JSON.stringify(deleted)}` : '';
  // The settings that shape the files travel with the notes, into the folder's backup.
  const head = settings ? `"settings":${JSON.stringify(settings)},` : '';
  const kept = images.length ? `,"images":[${images.join(',')}]` : '';
  return `{"schema":${LIBRARY_SCHEMA},${head}"notes":[${texts.join(',')}]${tail}${kept}}`;
}

/**
 * The backup format's lines of the images `notes` keep (`{hash, mime, data}`, the bytes in
 * base64), from the store; none when images are not kept. A missing one is left out and
 * said in the console.
 * @param {Note[]} notes
 * @param {import('../library.js').ImageOptions} images
 * @returns {Promise<string[]>}
 */
async function imageLines(notes, images) {
  if (images.keep === false) return [];
  const wasm = await core();
  const lines = [];
  for (const hash of wasm.live_image_hashes(notes)) {
    const stored = await getImage(hash);
    if (!stored) {
      console.warn('Quotebook: a kept image is missing from the store:', hash);
      continue;
    }
    const data = base64(new Uint8Array(await stored.blob.arrayBuffer()));
    lines.push(JSON.stringify({ hash, mime: stored.type, data }));
  }
  return lines;
}

/** Standard base64 with padding, a slice at a time (`btoa` takes a binary string). */
function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The library as a backup's text, oldest note first, the notes as stored (the host reads
 * and migrates them with the core), with the bytes of the images they keep.
 * @param {import('../library.js').ImageOptions} images
 */
async function libraryJson(images) {
  const [notes, deleted, settings] = await Promise.all([storedNotes(), deletions(), library.fileSettings()]);
  return backupText(notes.map((note) => JSON.stringify(note)), deleted, settings, await imageLines(notes, images));
}

/**
 * Syncs through the native host, sending each note's digest first and then only the notes
 * the folder's backup does not hold as they are (see `native.syncIncremental`).
 * @param {SyncOptions} options
 * @param {(progress: {stage: string}) => void} [onProgress]
 * @returns {Promise<SyncReport & {folder: string, sent: number | null}>}
 */
async function nativeSync(options, onProgress) {
  const [notes, wasm, deleted, settings] = await Promise.all([storedNotes(), core(), deletions(), library.fileSettings()]);
  const images = options.images ?? {};
  // The storage may give a note's keys back in another order than the core wrote them:
  // laid out in the core's order, a note in today's schema is byte for byte the line the
  // folder's backup holds. (Older notes go as stored; the host migrates them.)
  const keys = wasm.sync_note_keys();
  // A note stored by an older schema is sent as the core reads it today, so that it is
  // the very line of the folder's backup (else every sync would send it again); one the
  // core cannot read goes as stored, for the host to report.
  const current = (note) => {
    if (note?.schema === STORAGE_SCHEMA_NOTE) return note;
    try {
      return wasm.migrate_note(note);
    } catch {
      return null;
    }
  };
  const texts = notes.map((note) => {
    const today = current(note);
    return today ? JSON.stringify(today, keys) : JSON.stringify(note);
  });
  const digests = wasm.sync_note_digests(texts);
  // The notes sent carry the bytes of the images they keep.
  const backupOf = async (ids) => {
    if (ids === null) return backupText(texts, deleted, settings, await imageLines(notes, images));
    const wanted = new Set(ids);
    const sent = notes.filter((note) => wanted.has(note.id));
    return backupText(texts.filter((_, i) => wanted.has(notes[i].id)), deleted, settings, await imageLines(sent, images));
  };
  onProgress?.({ stage: 'syncing' });
  return native.syncIncremental(notes.map((note, i) => [note.id, digests[i]]), backupOf, options,
    (m) => onProgress?.({ stage: m.stage }));
}

/**
 * Runs the chosen backend now. `options`: `restore`, `overwrite`/`keep` (a path or 'all');
 * `onProgress({stage, done, total})`. Resolves to the result it stores under
 * [`RESULT_KEY`]; never rejects (`ok: false, error` says why).
 * @returns {Promise<SyncResult>}
 */
export async function syncNow(options = {}, onProgress) {
  const { backend } = await loadSettings();
  return navigator.locks.request(LOCK, async () => {
    // Cast, not declared: a declared type would narrow to the failed run until the end.
    const result = /** @type {SyncResult} */ ({ at: new Date().toISOString(), backend, ok: false });
    try {
      if (backend === 'native') {
        onProgress?.({ stage: 'reading' });
        const settings = await library.loadSettings();
        const answer = await nativeSync({
          templates: settings.templates,
          pattern: settings.fileNamePattern,
          tzOffsetMinutes: library.renderOptions().tzOffsetMinutes,
          images: settings.images,
          ...pick(options, ['restore', 'overwrite', 'keep']),
        }, onProgress);
        Object.assign(result, { ok: true, folder: answer.folder, summary: answer.summary,
          decisions: answer.decisions.slice(0, KEEP_DECISIONS), sent: answer.sent });
      } else if (backend === 'fsa') {
        const handle = await fsa.loadHandle();
        if (!handle) throw new Error('fsa_no_folder: no folder picked yet');
        if (await fsa.permission(handle, Boolean(options.ask)) !== 'granted') {
          result.paused = true;
          result.folder = handle.name;
          throw new Error(`fsa_paused: Quotebook needs your permission again to write into ${handle.name}`);
        }
        const settings = await library.loadSettings();
        const json = await libraryJson(settings.images);
        const answer = await fsa.syncInto(handle, json, {
          templates: settings.templates,
          pattern: settings.fileNamePattern,
          tzOffsetMinutes: library.renderOptions().tzOffsetMinutes,
          images: settings.images,
          ...pick(options, ['restore', 'overwrite', 'keep']),
        }, onProgress);
        Object.assign(result, { ok: true, folder: handle.name, summary: answer.summary,
          decisions: answer.decisions.slice(0, KEEP_DECISIONS), attachments: answer.attachments });
      } else if (backend === 'downloads') {
        const answer = await downloads.exportNotes((done, total) => onProgress?.({ stage: 'exporting', done, total }));
        Object.assign(result, { ok: true, summary: answer.summary,
          decisions: answer.files.slice(0, KEEP_DECISIONS).map((f) => ({ kind: 'created', path: f.name })) });
      } else {
        throw new Error('sync_off: no folder sync is chosen');
      }
    } catch (error) {
      console.warn('Quotebook: sync failed:', error);
      result.error = String(error?.message ?? error);
    }
    const items = { [RESULT_KEY]: result };
    // Only a real sync keeps the library safe in a folder (the export holds no backup).
    if (result.ok && SYNCING.has(backend)) items[LAST_SYNC_KEY] = result.at;
    await api.storage.local.set(items);
    return result;
  });
}

/** After a save: syncs when the reader asked for it (not the export to Downloads, which
 * would pile up numbered copies; a picked folder waiting for its permission pauses, and
 * the popup offers to resume). Never rejects. */
export async function syncAfterSave() {
  try {
    const { backend, afterSave } = await loadSettings();
    if (!SYNCING.has(backend) || !afterSave) return null;
    if (backend === 'native' && await native.startedBeforeGrant()) {
      // The reader just allowed the program and this worker cannot reach it yet: an open
      // page of ours that can (the welcome or options page) syncs instead.
      const answer = await api.runtime.sendMessage({ type: SYNC_REQUEST }).catch(() => null);
      if (answer) return /** @type {SyncResult} */ (answer);
    }
    return await syncNow();
  } catch (error) {
    console.warn('Quotebook: sync after save failed:', error);
  }
  return null;
}

/** The message the worker sends for a sync it cannot run itself (`syncAfterSave`). */
export const SYNC_REQUEST = 'quotebook:sync-after-save';

/**
 * In an extension page: runs the worker's sync when asked (`SYNC_REQUEST`) and when this
 * page can reach the program.
 */
export function answerSyncRequests() {
  api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    if (message?.type !== SYNC_REQUEST || !native.available()) return false;
    syncNow().then(sendResponse);
    return true;
  });
}

function pick(object, keys) {
  return Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]));
}
