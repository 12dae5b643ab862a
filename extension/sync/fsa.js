// @ts-check
// The File System Access backend (Chromium): a folder the reader picked in the options page,
// its handle kept in IndexedDB. The core's sync session plans and reports (`sync_plan`,
// over a snapshot this module reads, then `sync_finish` when a write failed); this module
// only reads and writes files. Writes go through `createWritable()`,
// which writes a swap file and replaces the file on `close()`: atomic, as the spec says.
//
// After a browser restart the permission to write must be granted again, and only a click
// can do that: until then sync after save pauses and the popup offers "resume".
import { core } from '../core.js';
import { getImage } from '../images/db.js';

/** @typedef {import('../store.js').SyncOptions} SyncOptions */
/** @typedef {import('../store.js').SyncPlan} SyncPlan */

const DB_NAME = 'quotebook-sync';
const STORE = 'handles';
const KEY = 'folder';
const STATE_PATH = '.quotebook/state.json';
const LIBRARY_PATH = '.quotebook/library.json';
/** Rounds of "read these too" the planner may ask for. */
const MAX_ROUNDS = 5;
/** Folders never listed (the planner only names notes outside them). */
const SKIP_DIRS = new Set(['.quotebook', '.git', '.obsidian', '.trash', 'node_modules']);

/** Whether this browser has File System Access (the picker is only in pages). */
export function available() {
  return typeof globalThis.FileSystemDirectoryHandle === 'function';
}

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Keeps the picked folder's handle (IndexedDB stores handles; storage.local cannot). */
export function saveHandle(handle) {
  return transact('readwrite', (store) => store.put(handle, KEY));
}

/** The kept handle, or `undefined`. */
export function loadHandle() {
  return transact('readonly', (store) => store.get(KEY));
}

export function forgetHandle() {
  return transact('readwrite', (store) => store.delete(KEY));
}

/**
 * `'granted'`, `'prompt'` (a click must grant it again: after a restart) or `'denied'`.
 * With `ask`, requests it (only works during a click).
 */
export async function permission(handle, ask = false) {
  const mode = { mode: 'readwrite' };
  let state = await handle.queryPermission(mode);
  if (state !== 'granted' && ask) state = await handle.requestPermission(mode);
  return state;
}

/** The handle of the folder holding `path`'s last component, made with `create`. */
async function parentOf(root, path, create) {
  const parts = path.split('/');
  let dir = root;
  for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create });
  return { dir, name: parts.at(-1) };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** `{text}` of the file at `path`, `{missing: true}`, or `{unreadable: why}`. */
async function readPath(root, path) {
  try {
    const { dir, name } = await parentOf(root, path, false);
    const file = await (await dir.getFileHandle(name)).getFile();
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      return { text: decoder.decode(bytes), bytes };
    } catch {
      return { unreadable: 'not UTF-8 text' };
    }
  } catch (error) {
    if (error?.name === 'NotFoundError') return { missing: true };
    if (error?.name === 'TypeMismatchError') return { unreadable: 'not a regular file' };
    return { unreadable: String(error?.message ?? error) };
  }
}

/** The names in every folder under `root` (names only), keyed by relative path. */
async function listNames(root) {
  const names = {};
  const walk = async (dir, prefix) => {
    const here = [];
    for await (const [name, handle] of dir.entries()) {
      here.push(name);
      if (handle.kind === 'directory' && !SKIP_DIRS.has(name)) {
        await walk(handle, prefix ? `${prefix}/${name}` : name);
      }
    }
    names[prefix] = here;
  };
  await walk(root, '');
  return names;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Writes `text` at `path` if what is there is still what the planner saw (`expect`: `null`
 * for nothing, else its SHA-256); throws why not.
 */
async function writePath(root, path, text, expect) {
  const { dir, name } = await parentOf(root, path, true);
  /** @type {FileSystemFileHandle | null} */
  let existing = null;
  try {
    existing = await dir.getFileHandle(name);
  } catch (error) {
    if (error?.name !== 'NotFoundError') throw error;
  }
  if (expect === null && existing) throw new Error('a file appeared there meanwhile');
  if (expect !== null) {
    if (!existing) throw new Error('it was deleted meanwhile');
    const now = new Uint8Array(await (await existing.getFile()).arrayBuffer());
    if (await sha256(now) !== expect) throw new Error('it changed meanwhile; sync again');
  }
  const handle = existing ?? await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  try {
    await writable.write(text);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => {});
    throw error;
  }
}

/**
 * Syncs `libraryJson` (a backup's text) into the folder `root` (a directory handle with
 * write permission). `options`: `templates`, `pattern`, `tzOffsetMinutes`, `restore`,
 * `overwrite`/`keep`, `images`. Resolves to `{decisions, summary}` like the native host, and
 * `attachments`: what became of the kept images' files (`writeAttachments`).
 * @param {FileSystemDirectoryHandle} root
 * @param {string} libraryJson
 * @param {SyncOptions} [options]
 * @param {(progress: {stage: string, done?: number, total?: number}) => void} [onProgress]
 * @returns {Promise<Pick<SyncPlan, 'decisions' | 'summary'> & {attachments: Awaited<ReturnType<typeof writeAttachments>>}>}
 */
export async function syncInto(root, libraryJson, options = {}, onProgress) {
  const wasm = await core();
  if (typeof wasm.sync_plan !== 'function') {
    throw new Error('sync_unavailable: this wasm module has no sync planner (the library module is needed)');
  }
  onProgress?.({ stage: 'reading' });
  /** @type {Required<import('../store.js').SyncSnapshot>} */
  const snapshot = { files: {}, unreadable: {}, names: await listNames(root) };
  const read = async (path) => {
    const got = await readPath(root, path);
    if (got.unreadable) snapshot.unreadable[path] = got.unreadable;
    else snapshot.files[path] = got.missing ? null : /** @type {string} */ (got.text);
  };
  await read(STATE_PATH);
  await read(LIBRARY_PATH);
  const stateText = snapshot.files[STATE_PATH];
  if (snapshot.unreadable[STATE_PATH]) throw new Error(`sync_state: ${STATE_PATH}: ${snapshot.unreadable[STATE_PATH]}`);
  if (stateText) {
    for (const path of wasm.sync_state_paths(stateText)) await read(path);
  }
  onProgress?.({ stage: 'planning' });
  /** @type {SyncPlan} */
  let plan;
  for (let round = 0; ; round++) {
    const answer = wasm.sync_plan(libraryJson, snapshot, new Date().toISOString(), options);
    if (!('need' in answer)) {
      plan = answer;
      break;
    }
    if (round >= MAX_ROUNDS) throw new Error('sync_plan: the planner keeps asking for files');
    for (const path of answer.need) await read(path);
  }
  /** @type {Record<string, string>} */
  const failed = {};
  let done = 0;
  for (const write of plan.writes) {
    onProgress?.({ stage: 'writing', done, total: plan.writes.length });
    try {
      await writePath(root, write.path, write.text, write.expect);
    } catch (error) {
      failed[write.path] = String(error?.message ?? error);
    }
    done++;
  }
  // The kept images the notes embed, from the store, each only where no file is.
  const attachments = await writeAttachments(root, plan.attachments ?? [], async (hash) => {
    const stored = await getImage(hash);
    return stored && new Uint8Array(await stored.blob.arrayBuffer());
  });
  // The core words the decisions of the files not written and keeps their notes' old state.
  const report = Object.keys(failed).length ? wasm.sync_finish(stateText ?? undefined, plan, failed) : plan;
  const { decisions, summary, state } = report;
  // The state's file and the backup are replaced whole: a swap file, then a rename.
  const current = async (path) => {
    const got = await readPath(root, path);
    return got.text === undefined ? null : got.bytes;
  };
  if (state !== null && state !== undefined && state !== stateText) {
    const now = await current(STATE_PATH);
    await writePath(root, STATE_PATH, state, now ? await sha256(now) : null);
  }
  if (plan.backup) {
    const now = await current(LIBRARY_PATH);
    await writePath(root, LIBRARY_PATH, plan.backup, now ? await sha256(now) : null);
  }
  return { decisions, summary, attachments };
}

/**
 * Writes the kept images the notes embed (issue 16): each `{path, hash}` only where no file
 * is; a file already there with the same bytes is left as it is, and one with other bytes
 * is never overwritten (listed in `conflicts`). `bytesOf(hash)` gives the stored bytes, or
 * undefined when they are missing (listed in `missing`).
 * @param {FileSystemDirectoryHandle} root
 * @param {{path: string, hash: string}[]} files
 * @param {(hash: string) => Promise<Uint8Array | undefined>} bytesOf
 */
export async function writeAttachments(root, files, bytesOf) {
  const outcome = { written: 0, same: 0, conflicts: /** @type {string[]} */ ([]), missing: /** @type {string[]} */ ([]), failed: /** @type {Record<string, string>} */ ({}) };
  for (const file of files) {
    try {
      const there = await readBytes(root, file.path);
      if (there) {
        if (await sha256(there) === file.hash) outcome.same++;
        else outcome.conflicts.push(file.path);
        continue;
      }
      const bytes = await bytesOf(file.hash);
      if (!bytes) {
        outcome.missing.push(file.path);
        continue;
      }
      // `null`: only where nothing is, even if a file appeared since it was looked at.
      await writePath(root, file.path, bytes, null);
      outcome.written++;
    } catch (error) {
      outcome.failed[file.path] = String(error?.message ?? error);
    }
  }
  return outcome;
}

/** The bytes of the file at `path`, or null when there is none. */
async function readBytes(root, path) {
  try {
    const { dir, name } = await parentOf(root, path, false);
    return new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
  } catch (error) {
    if (error?.name === 'NotFoundError') return null;
    throw error;
  }
}
