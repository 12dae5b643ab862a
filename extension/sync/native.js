// @ts-check
// The native messaging backend: `quotebook host` (registered by `quotebook install-host`)
// syncs into its configured folder with the core's planner and an atomic, link-refusing
// folder writer. This module only moves messages: the library goes out (in pieces when
// large), the decisions come back (in chunks when over the browser's 1 MB limit).
import { api } from '../browser.js';

/** The host's name, as in its manifest (`quotebook_host.json`). */
export const HOST_NAME = 'quotebook_host';
/** Characters of library text per message (browsers take up to 64 MiB to a host). */
const PART_CHARS = 8 * 1024 * 1024;

/**
 * The development build's id: the unpacked Chromium build's, fixed by the manifest's `key`,
 * whose public half is in the repository, so that any unpacked extension can claim it.
 * `quotebook install-host` allows it only with `--dev`.
 */
export const DEV_ID = 'dcpofdeomimecllgicmlhifcdaagmphh';

/**
 * The `--browser` of `quotebook install-host` for the browser this runs in (each keeps host
 * manifests in its own folder).
 * @returns {'chrome' | 'chromium' | 'edge' | 'firefox'}
 */
export function browserName() {
  if (api.runtime.getURL('').startsWith('moz-extension:')) return 'firefox';
  /** @type {{ brand: string }[]} */
  const brands = /** @type {any} */ (navigator).userAgentData?.brands ?? [];
  const has = (name) => brands.some((b) => b.brand === name);
  if (has('Microsoft Edge') || / Edg\//.test(navigator.userAgent)) return 'edge';
  if (has('Google Chrome')) return 'chrome';
  return 'chromium';
}

/**
 * The system this runs on, as the install command needs it: `'windows'` (the program is
 * `quotebook.exe`, and the manifest's path goes in the registry), `'macos'`, `'linux'`, or
 * `'other'` (where browsers start no native host: ChromeOS, Android).
 * @returns {Promise<'windows' | 'macos' | 'linux' | 'other'>}
 */
export async function systemName() {
  let os = '';
  try {
    os = (await api.runtime.getPlatformInfo()).os;
  } catch {
    os = /** @type {any} */ (navigator).userAgentData?.platform ?? navigator.platform ?? '';
  }
  if (/^win/i.test(os)) return 'windows';
  if (/^mac/i.test(os)) return 'macos';
  if (/^(linux|openbsd|freebsd)/i.test(os)) return 'linux';
  return 'other';
}

/**
 * The command that lets this extension start the host, syncing into `folder` (a path, or
 * `~/…`, left unquoted so that the shell expands it). `--dev` exactly when the id is the
 * development one: the host refuses that id without it, and no other build has it. (The
 * id, not the manifest, decides: a store install may carry a `key` in its installed
 * manifest, and a self-hosted package has no `update_url`.) On Windows the program is
 * `quotebook.exe` and words are quoted as its shells read them.
 * @param {{ browser: string, folder: string, id: string, system?: string }} options
 */
export function installCommand({ browser, folder, id, system }) {
  const windows = system === 'windows';
  const plain = windows ? /^[\w@%+=:,.\\/~-]+$/ : /^(~\/)?[\w@%+=:,./-]+$/;
  const quote = (text) => {
    if (plain.test(text)) return text;
    return windows ? `"${text.replaceAll('"', '')}"` : `'${text.replaceAll("'", "'\\''")}'`;
  };
  const words = [windows ? 'quotebook.exe' : 'quotebook', 'install-host', '--browser', browser,
    '--folder', quote(folder), '--extension-id', quote(id)];
  if (id === DEV_ID) words.push('--dev');
  return words.join(' ');
}

/** Where notes go unless the reader says otherwise, written for `system`'s shell. */
export function defaultFolder(system) {
  return system === 'windows' ? '%USERPROFILE%\\Notes\\Quotebook' : '~/Notes/Quotebook';
}

/** Whether the extension may talk to native hosts at all (an optional permission). */
export function available() {
  return typeof api.runtime.connectNative === 'function';
}

/**
 * Whether the permission is granted but this page or worker started before it was:
 * Chromium gives `connectNative` only to the contexts that start after the grant. An open
 * page then reloads itself; the worker hands its sync to a page that has it
 * (`sync.js`, `SYNC_REQUEST`).
 */
export async function startedBeforeGrant() {
  if (available()) return false;
  return api.permissions.contains({ permissions: ['nativeMessaging'] }).catch(() => false);
}

/**
 * Sends `messages` to a fresh host process and resolves to its first answer that is not
 * progress (chunks joined). `onProgress` gets the progress messages. `converse(answer)`, when
 * given, may return (or resolve to) further messages to send for an answer, and the conversation goes on
 * (anything else resolves it). Rejects with the browser's reason when the host is missing
 * or dies.
 */
export function request(messages, onProgress, converse) {
  if (!available()) return Promise.reject(new Error('native_permission: the nativeMessaging permission is not granted'));
  return new Promise((resolve, reject) => {
    let port;
    let done = false;
    const chunks = [];
    const finish = (error, value) => {
      if (done) return;
      done = true;
      try { port?.disconnect(); } catch { /* already gone */ }
      if (error) reject(error); else resolve(value);
    };
    try {
      port = api.runtime.connectNative(HOST_NAME);
    } catch (error) {
      finish(new Error(`native_host: ${error?.message ?? error}`));
      return;
    }
    // `converse` may answer later (a promise): the host waits for the next message.
    const answer = async (message) => {
      let more;
      try {
        more = await converse?.(message);
      } catch (error) {
        finish(error);
        return;
      }
      if (done) return;
      if (Array.isArray(more)) {
        for (const next of more) port.postMessage(next);
      } else {
        finish(null, message);
      }
    };
    port.onMessage.addListener((message) => {
      if (message?.type === 'progress') {
        onProgress?.(message);
      } else if (message?.type === 'chunk') {
        chunks[message.index] = message.data;
        if (message.index + 1 === message.count) {
          let whole;
          try {
            whole = JSON.parse(chunks.join(''));
          } catch (error) {
            finish(new Error(`native_host: a garbled answer (${error.message})`));
            return;
          }
          chunks.length = 0;
          answer(whole);
        }
      } else {
        answer(message);
      }
    });
    port.onDisconnect.addListener(() => {
      const why = api.runtime.lastError?.message ?? 'the host closed the connection';
      finish(new Error(`native_host: ${why}`));
    });
    for (const message of messages) port.postMessage(message);
  });
}

/** `{ok: true, folder, folderExists, version}` when the host answers, else `{ok: false, reason}`. */
export async function detect() {
  try {
    const hello = await request([{ type: 'hello' }]);
    if (hello?.type !== 'hello') return { ok: false, reason: JSON.stringify(hello) };
    return { ok: true, ...hello };
  } catch (error) {
    return { ok: false, reason: String(error?.message ?? error).replace(/^[a-z_]+: /, '') };
  }
}

/**
 * Syncs `libraryJson` (a backup's text) through the host. `options`: `templates`, `pattern`,
 * `tzOffsetMinutes`, `restore`, `overwrite`/`keep` (a file's path or `'all'`). Resolves to
 * `{decisions: [{kind, path, line}], summary: {created, updated, appended, skipped,
 * conflict}, folder}`; rejects with the host's error.
 */
export async function sync(libraryJson, options, onProgress) {
  const answer = await request(syncMessages(libraryJson, options), onProgress);
  return result(answer);
}

/** The `sync` message for `libraryJson`, preceded by its parts when it is large. */
function syncMessages(libraryJson, options) {
  const messages = [];
  const sync = { type: 'sync', ...options };
  if (libraryJson.length <= PART_CHARS) {
    sync.library = libraryJson;
  } else {
    for (let i = 0; i < libraryJson.length; i += PART_CHARS) {
      messages.push({ type: 'library-part', data: libraryJson.slice(i, i + PART_CHARS) });
    }
  }
  messages.push(sync);
  return messages;
}

function result(answer) {
  if (answer?.type !== 'result') throw new Error(`native_host: ${answer?.error ?? 'an unexpected answer'}`);
  if (!answer.ok) throw new Error(`native_host: ${answer.error}`);
  return answer;
}

/**
 * Syncs incrementally: first only each note's id and digest (`digests`: `[[id, digest]]`,
 * the core's `sync_note_digests` of the notes' JSON), then only the notes the host's copy
 * of the folder's backup lacks: `backupOf(ids)` gives (or resolves to) them as a backup's text. With
 * nothing changed, one small message each way and nothing written. A host too old to know
 * digests is sent the whole library (`backupOf(null)`). Resolves like [`sync`]; also
 * `sent`, the number of notes that travelled.
 */
export async function syncIncremental(digests, backupOf, options, onProgress) {
  let sent = null;
  const answer = await request([{ type: 'digests', notes: digests }], onProgress, (message) => {
    if (message?.type === 'need' && sent === null) {
      sent = message.ids.length;
      return Promise.resolve(backupOf(message.ids)).then((text) => syncMessages(text, options));
    }
    if (message?.type === 'error' && sent === null && /unknown message type "digests"/.test(message.error)) {
      sent = digests.length;
      return Promise.resolve(backupOf(null)).then((text) => syncMessages(text, options));
    }
    return null;
  });
  return { ...result(answer), sent };
}
