// Folder sync: which backend, when, and what it did. The planning runs in the core (for
// the native host, in the `quotebook` binary built on the same core); the backends only
// move bytes. Settings and the last result live in `storage.local`; `sync:last` (the time
// of the last successful sync) lets the options page drop its uninstall reminder.
import { api } from '../browser.js';
import { NOTE_PREFIX } from '../save.js';
import * as library from '../library.js';
import * as native from './native.js';
import * as downloads from './downloads.js';

/** `{backend: '' | 'native' | 'downloads', afterSave: boolean}`. */
export const SETTINGS_KEY = 'sync:settings';
/** The last run: `{at, backend, ok, summary, decisions, error}`. */
export const RESULT_KEY = 'sync:result';
/** One sync at a time across the worker and the pages. */
const LOCK = 'quotebook-sync';
/** Decisions kept with the last result (the summary counts them all). */
const KEEP_DECISIONS = 500;

export const BACKENDS = { native, downloads };

export async function loadSettings() {
  const stored = (await api.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] ?? {};
  return { backend: stored.backend ?? '', afterSave: stored.afterSave ?? true };
}

export async function saveSettings(settings) {
  const current = await loadSettings();
  await api.storage.local.set({ [SETTINGS_KEY]: { ...current, ...settings } });
}

/** The backup format's version (`docs/formats.md`); the notes inside keep their own. */
const LIBRARY_SCHEMA = 1;

/**
 * The library as a backup's text, oldest note first, the notes as stored: the host reads
 * (and migrates) them with the core, so this needs no wasm and runs in the service worker.
 */
async function libraryJson() {
  const all = await api.storage.local.get(null);
  const notes = Object.entries(all)
    .filter(([key]) => key.startsWith(NOTE_PREFIX))
    .map(([, note]) => note)
    .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  return `{"schema":${LIBRARY_SCHEMA},"notes":${JSON.stringify(notes)}}`;
}

/**
 * Runs the chosen backend now. `options`: `restore`, `overwrite`/`keep` (a path or 'all');
 * `onProgress({stage, done, total})`. Resolves to the result it stores under
 * [`RESULT_KEY`]; never rejects (`ok: false, error` says why).
 */
export async function syncNow(options = {}, onProgress) {
  const { backend } = await loadSettings();
  return navigator.locks.request(LOCK, async () => {
    const result = { at: new Date().toISOString(), backend, ok: false };
    try {
      if (backend === 'native') {
        onProgress?.({ stage: 'reading' });
        const [json, settings] = await Promise.all([libraryJson(), library.loadSettings()]);
        onProgress?.({ stage: 'syncing' });
        const answer = await native.sync(json, {
          templates: settings.templates,
          pattern: settings.fileNamePattern,
          tzOffsetMinutes: library.renderOptions().tzOffsetMinutes,
          ...pick(options, ['restore', 'overwrite', 'keep']),
        }, (m) => onProgress?.({ stage: m.stage }));
        Object.assign(result, { ok: true, folder: answer.folder, summary: answer.summary,
          decisions: answer.decisions.slice(0, KEEP_DECISIONS) });
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
    if (result.ok && backend === 'native') items[library.LAST_SYNC_KEY] = result.at;
    await api.storage.local.set(items);
    return result;
  });
}

/** After a save: syncs when the reader asked for it (the native host only; an export to
 * Downloads would pile up numbered copies). Never rejects. */
export async function syncAfterSave() {
  try {
    const { backend, afterSave } = await loadSettings();
    if (backend === 'native' && afterSave) return await syncNow();
  } catch (error) {
    console.warn('Quotebook: sync after save failed:', error);
  }
  return null;
}

function pick(object, keys) {
  return Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]));
}
