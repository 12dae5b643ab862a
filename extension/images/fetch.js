// @ts-check
// Reading an image's bytes without the page knowing: a `data:` address is decoded here, an
// http(s) one is requested by the extension itself (never from the page's context), only
// where the reader granted the image's origin, with no cookies and no referrer, and read as
// a stream that stops past the limit, so a 60 MB answer costs 10 MB at most.
import { api } from '../browser.js';

/** The most one image may weigh (bytes); the core checks the same numbers. */
export const MAX_IMAGE = 10 * 1024 * 1024;
/** The most the images of one quote may weigh together (bytes). */
export const MAX_QUOTE_IMAGES = 25 * 1024 * 1024;

/**
 * Why an image's bytes could not be read: `code` is stable (`not_allowed`, `too_large`,
 * `http_status`, `network`, `unsupported_url`), the message is for the reader.
 */
export class ImageReadError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** The origin pattern a host permission for `url` names, or null for other schemes. */
export function originPattern(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    // Match patterns carry no port (Firefox refuses one): the host, any port.
    return `${parsed.protocol}//${parsed.hostname}/*`;
  } catch {
    return null;
  }
}

/** Whether the extension may request `url` itself (its origin is granted). */
export async function mayFetch(url) {
  if (url.startsWith('data:')) return true;
  const pattern = originPattern(url);
  if (!pattern) return false;
  try {
    return await api.permissions.contains({ origins: [pattern] });
  } catch {
    return false;
  }
}

/**
 * The bytes at `url` (at most `limit`), with the type the server claimed (only a hint: the
 * core decides what the bytes are). Throws an `ImageReadError`.
 * @param {string} url
 * @param {{limit?: number, signal?: AbortSignal}} [options]
 * @returns {Promise<{bytes: Uint8Array, claimedType: string}>}
 */
export async function readImage(url, { limit = MAX_IMAGE, signal } = {}) {
  const isData = url.startsWith('data:');
  if (!isData && !originPattern(url)) {
    throw new ImageReadError('unsupported_url', `Quotebook reads images from http, https and data: addresses only (${url.slice(0, 40)})`);
  }
  if (!isData && !(await mayFetch(url))) {
    throw new ImageReadError('not_allowed', `Quotebook may not read images from ${new URL(url).host}: allow it with "Fetch images" in the popup`);
  }
  if (isData) return decodeData(url, limit);
  const abort = new AbortController();
  signal?.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
  let response;
  try {
    response = await fetch(url, {
      signal: abort.signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      redirect: 'follow',
      cache: 'force-cache',
    });
  } catch (error) {
    throw new ImageReadError('network', `the image could not be downloaded (${error?.message ?? error})`);
  }
  if (!response.ok) {
    throw new ImageReadError('http_status', `the server answered ${response.status} for the image`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    abort.abort();
    throw tooLarge(declared, limit);
  }
  const claimedType = response.headers.get('content-type') ?? '';
  const reader = response.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(await response.arrayBuffer()), claimedType };
  /** @type {Uint8Array[]} */
  const chunks = [];
  let length = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch (error) {
      throw new ImageReadError('network', `the image's download stopped (${error?.message ?? error})`);
    }
    if (step.done) break;
    length += step.value.byteLength;
    if (length > limit) {
      // Stop reading: the rest is never downloaded.
      abort.abort();
      await reader.cancel().catch(() => {});
      throw tooLarge(length, limit, true);
    }
    chunks.push(step.value);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { bytes, claimedType };
}

/**
 * A `data:` address's bytes, decoded here (the pages' CSP lets no `data:` fetch through).
 * @param {string} url
 * @param {number} limit
 */
function decodeData(url, limit) {
  const comma = url.indexOf(',');
  if (comma < 0) throw new ImageReadError('unsupported_url', 'the data: address has no data');
  const head = url.slice(5, comma);
  const body = url.slice(comma + 1);
  const claimedType = head.split(';')[0];
  // Base64 is a third larger than its bytes: check before decoding.
  if ((/;base64$/i.test(head) ? body.length * 0.75 : body.length) > limit) throw tooLarge(body.length * 0.75, limit);
  let bytes;
  try {
    bytes = /;base64$/i.test(head)
      ? Uint8Array.from(atob(decodeURIComponent(body)), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(decodeURIComponent(body));
  } catch {
    throw new ImageReadError('unsupported_url', 'the data: address does not decode');
  }
  if (bytes.byteLength > limit) throw tooLarge(bytes.byteLength, limit);
  return { bytes, claimedType };
}

const mb = (/** @type {number} */ n) => (Math.ceil((n / (1024 * 1024)) * 10) / 10).toFixed(1);

function tooLarge(length, limit, atLeast = false) {
  return new ImageReadError('too_large', `the image weighs ${atLeast ? 'more than ' : ''}${mb(atLeast ? limit : length)} MB; Quotebook keeps images of at most ${mb(limit)} MB`);
}
