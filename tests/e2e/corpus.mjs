// Helpers of the tests and the benchmark that run over the shared corpus of real pages in
// Chromium: where the corpus is, a static server for it (and for the built wasm module and
// the few npm modules the pages import), a plain headless Chromium, a seeded generator.
import { createServer } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, listen, sendFile } from './lib.mjs';

/** The corpus directory (`$QUOTEBOOK_CORPUS`, else `../shared/corpus/readability` from the
 * workspace root), or `null` when absent. */
export function corpusDir() {
  const dir = process.env.QUOTEBOOK_CORPUS
    ? resolve(process.env.QUOTEBOOK_CORPUS)
    : resolve(ROOT, '../shared/corpus/readability');
  return existsSync(dir) ? dir : null;
}

/** The corpus, or the reason a test skips; throws when it is absent and `CI=true`. */
export function corpusOrSkip() {
  const dir = corpusDir();
  if (dir) return { dir, names: corpusPages(dir) };
  const message = 'the shared corpus is absent: set QUOTEBOOK_CORPUS or put it at ../shared/corpus/readability';
  if (process.env.CI === 'true') throw new Error(`${message} (required when CI=true)`);
  return { skip: `skipped: ${message}` };
}

/** The names of the corpus pages that have an `article.html`, sorted. */
export function corpusPages(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'article.html')))
    .map((e) => e.name)
    .sort();
}

/** The base URL the corpus' links were resolved against (see the corpus' README). */
export const CORPUS_BASE_URL = 'http://fakehost/test/page.html';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/**
 * Serves on 127.0.0.1: `/corpus/…` the corpus, `/wasm/…` the built extension's wasm module
 * (`extension/dist/chrome-test/wasm`), `/npm/…` `node_modules`, `/e2e/…` `tests/e2e`, and
 * `/extra/…` whatever `extra` (a map of path → body) holds, and any further `mounts` (name →
 * directory). Images and other assets the pages refer to are not served.
 */
export async function serveCorpus(corpus, { extra = new Map(), mounts: more = {} } = {}) {
  const mounts = {
    ...more,
    corpus,
    wasm: join(ROOT, 'extension/dist/chrome-test/wasm'),
    npm: join(ROOT, 'node_modules'),
    e2e: join(ROOT, 'tests/e2e'),
  };
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (extra.has(path)) {
      const type = TYPES[extname(path)] ?? 'text/html; charset=utf-8';
      response.writeHead(200, { 'content-type': type }).end(extra.get(path));
      return;
    }
    const [, mount, ...rest] = path.split('/');
    const base = mounts[mount];
    const file = base && normalize(join(base, ...rest));
    if (!file || !file.startsWith(base)) {
      response.writeHead(404).end();
      return;
    }
    await sendFile(response, file, TYPES);
  });
  return listen(server);
}

/** Headless Chromium without the extension (the pages import the module themselves). Any
 * request off 127.0.0.1 (the pages' images, fonts, `fakehost`) is aborted. */
export async function launchPlain() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  return { browser, context, close: () => browser.close().catch(() => {}) };
}

/** A small seeded generator (mulberry32): the same seed draws the same selections. */
export function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}
