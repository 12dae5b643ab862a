// @ts-check
// The opt-in "Show my highlights automatically on pages I have quoted". Off by default:
// the shipped manifest asks for no host. Turned on in the options page, which asks for
// all sites (`<all_urls>`, an optional host permission) at that moment; then a content
// script is registered for the quoted pages' addresses only, and kept in step with the
// library as notes come and go. Turned off (or the permission taken back in the
// browser's settings), the script is unregistered and the permission given back.
import { api } from './browser.js';
import { NOTE_PREFIX } from './store.js';

/** In `storage.local`: this browser's choice (the permission is per browser too). */
export const AUTO_KEY = 'highlights:auto';
/** The id of the registered content script. */
export const SCRIPT_ID = 'quotebook-auto-highlights';
/** What the opt-in asks for. */
export const ALL_SITES = Object.freeze({ origins: ['<all_urls>'] });

/**
 * The match patterns of the pages `urls` (http and https only): the page's path, with or
 * without a query. Match patterns carry no port (a port-less pattern matches any port).
 * @param {Iterable<string>} urls
 * @returns {string[]}
 */
export function pagePatterns(urls) {
  const patterns = new Set();
  for (const url of urls) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') continue;
    // `*` is the patterns' only wildcard; a path holding one would match more than itself.
    if (parsed.pathname.includes('*')) continue;
    const base = `${parsed.protocol}//${parsed.hostname}${parsed.pathname}`;
    patterns.add(base);
    patterns.add(`${base}?*`);
  }
  return [...patterns].sort();
}

/** Whether the reader turned the opt-in on. */
export async function autoEnabled() {
  return Boolean((await api.storage.local.get(AUTO_KEY))[AUTO_KEY]);
}

/**
 * Of `patterns`, those on sites the browser lets Quotebook read: all of them once the
 * reader granted all sites; without that grant (or after it was taken back), only sites
 * granted otherwise (none in the shipped build).
 * @param {string[]} patterns
 */
async function permitted(patterns) {
  if (await api.permissions.contains(ALL_SITES)) return patterns;
  /** @type {Map<string, boolean>} */
  const sites = new Map();
  const out = [];
  for (const pattern of patterns) {
    const site = pattern.replace(/^([a-z]+:\/\/[^/]+\/).*$/, '$1*');
    if (!sites.has(site)) sites.set(site, await api.permissions.contains({ origins: [site] }).catch(() => false));
    if (sites.get(site)) out.push(pattern);
  }
  return out;
}

/** The addresses of every stored note (its URL, canonical URL and aliases). */
async function noteUrls() {
  const keys = api.storage.local.getKeys
    ? (await api.storage.local.getKeys()).filter((k) => k.startsWith(NOTE_PREFIX))
    : null;
  const stored = keys ? await api.storage.local.get(keys) : await api.storage.local.get(null);
  const urls = [];
  for (const [key, note] of Object.entries(stored)) {
    if (!key.startsWith(NOTE_PREFIX)) continue;
    const n = /** @type {any} */ (note);
    for (const url of [n?.url, n?.canonical, ...(Array.isArray(n?.aliases) ? n.aliases : [])]) {
      if (typeof url === 'string') urls.push(url);
    }
  }
  return urls;
}

/**
 * Registers, updates or unregisters the content script so that it runs on exactly the
 * quoted pages while the opt-in is on, and nowhere otherwise. Resolves to the patterns
 * registered (none when off).
 * @returns {Promise<string[]>}
 */
export async function syncRegistration() {
  return navigator.locks.request('quotebook-auto', async () => {
    const registered = await api.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
    const matches = (await autoEnabled()) ? await permitted(pagePatterns(await noteUrls())) : [];
    if (matches.length === 0) {
      if (registered.length) await api.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
      return [];
    }
    const script = {
      id: SCRIPT_ID,
      matches,
      js: ['auto-highlight.js'],
      runAt: /** @type {const} */ ('document_idle'),
      allFrames: false,
    };
    if (registered.length) await api.scripting.updateContentScripts([script]);
    else await api.scripting.registerContentScripts([script]);
    return matches;
  });
}

/**
 * Turns the opt-in off: the script unregistered, the permission given back.
 */
export async function disableAuto() {
  await api.storage.local.set({ [AUTO_KEY]: false });
  await syncRegistration();
  await api.permissions.remove(ALL_SITES).catch(() => false);
}

/**
 * Keeps the registration in step (call synchronously at the worker's start): notes added
 * or deleted, the opt-in switched, the permission taken back.
 */
export function keepInStep() {
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    const relevant = Object.entries(changes).some(([key, change]) =>
      key === AUTO_KEY || (key.startsWith(NOTE_PREFIX) && ((change.oldValue === undefined) !== (change.newValue === undefined)
        || /** @type {any} */ (change.oldValue)?.url !== /** @type {any} */ (change.newValue)?.url)));
    if (relevant) syncRegistration().catch((error) => console.warn('Quotebook: cannot update the automatic highlights:', error?.message));
  });
  // All sites taken back in the browser's settings: the script goes with it.
  api.permissions.onRemoved.addListener((removed) => {
    if (removed.origins?.includes('<all_urls>')) {
      syncRegistration().catch((error) => console.warn('Quotebook: cannot update the automatic highlights:', error?.message));
    }
  });
}
