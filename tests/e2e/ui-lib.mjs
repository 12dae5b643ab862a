// Helpers for the popup and options tests, on top of lib.mjs: Chromium with the test build
// in a chosen colour scheme, locale and viewport, notes seeded through its service worker,
// the extension's pages opened as tabs.
import path from 'node:path';
import { launch as launchExtension, ROOT, storage } from './lib.mjs';

export { ROOT, storage };
/** The unpacked test build (`cargo xtask build`), or `$QUOTEBOOK_EXTENSION`. */
export const EXTENSION = process.env.QUOTEBOOK_EXTENSION ?? path.join(ROOT, 'extension/dist/chrome-test');

/**
 * Chromium with the extension, in a fresh profile. Resolves to `{context, sw, origin,
 * url(page), close()}`; `colorScheme` and `locale` as Playwright takes them.
 */
export async function launch({ colorScheme = 'light', locale = 'en-US', viewport } = {}) {
  const { context, worker, id, close } = await launchExtension({
    dir: EXTENSION,
    extraArgs: [`--lang=${locale}`],
    contextOptions: {
      colorScheme, locale, viewport: viewport ?? { width: 460, height: 640 }, acceptDownloads: true,
    },
  });
  const origin = `chrome-extension://${id}`;
  return { context, sw: worker, origin, url: (page) => `${origin}/${page}`, close };
}

/** A note in today's schema, with `quotes` given as partial quotes. */
export function makeNote({ url, title, updated, quotes = [], ...rest }) {
  const created = rest.created ?? updated;
  return {
    schema: 2,
    id: url,
    url,
    canonical: null,
    aliases: [],
    title,
    authors: [],
    site: null,
    published: null,
    description: null,
    lang: null,
    created,
    updated,
    ...rest,
    quotes: quotes.map((q, i) => ({
      id: q.id ?? `${url}#q${i}`,
      markdown: q.markdown ?? q.text,
      text: q.text ?? q.markdown,
      created: q.created ?? created,
      comment: q.comment ?? '',
      tags: q.tags ?? [],
      fragment: q.fragment ?? null,
      selector: null,
      private: false,
    })),
  };
}

/** Stores notes (under `note:<id>`, as save.js does) through the extension's worker. */
export async function seed(sw, notes, extra = {}) {
  await sw.evaluate(async ({ notes, extra }) => {
    const items = { schema: 1, ...extra };
    for (const note of notes) items[`note:${note.id}`] = note;
    await chrome.storage.local.set(items);
  }, { notes, extra });
}

/** Everything in `storage.sync`. */
export function syncStorage(sw) {
  return sw.evaluate(() => chrome.storage.sync.get(null));
}

/** Opens one of the extension's pages and waits until its script has drawn it. */
export async function openPage(ext, page, ready) {
  const tab = await ext.context.newPage();
  await tab.goto(ext.url(page));
  if (ready) await tab.waitForSelector(ready);
  return tab;
}

/** Polls `fn` until it returns a truthy value (or throws after `timeout` ms). */
export async function until(fn, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Fails when the page, as drawn now, would make the reader scroll sideways or shows an
 * element that has `hidden`. Sideways: the document, or the body (the popup's width is the
 * body's), is wider than its box, and which elements stick out past the body's right edge.
 * Hidden: an element with the `hidden` attribute whose computed display is not `none` (a
 * stylesheet rule overriding the attribute). `state` names the state in the message.
 */
export async function assertLayout(page, state) {
  const problems = await page.evaluate(() => {
    const found = [];
    const describe = (el) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${id}${cls}`;
    };
    const root = document.documentElement;
    const body = document.body;
    if (root.scrollWidth > root.clientWidth) {
      found.push(`the document scrolls sideways: ${root.scrollWidth}px wide in ${root.clientWidth}px`);
    }
    if (body.scrollWidth > body.clientWidth) {
      found.push(`the body scrolls sideways: ${body.scrollWidth}px wide in ${body.clientWidth}px`);
    }
    const edge = body.getBoundingClientRect().right;
    for (const el of body.querySelectorAll('*')) {
      if (el.closest('.visually-hidden')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      // Inside a box that scrolls or clips on its own, sticking out is that box's business.
      let clipped = false;
      for (let p = el.parentElement; p && p !== body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
      }
      if (!clipped && rect.right > edge + 0.5) {
        found.push(`${describe(el)} sticks out ${Math.round(rect.right - edge)}px past the body`);
      }
    }
    for (const el of document.querySelectorAll('[hidden]')) {
      const display = getComputedStyle(el).display;
      if (display !== 'none') found.push(`${describe(el)} has hidden but display: ${display}`);
    }
    return found;
  });
  if (problems.length) {
    throw new Error(`layout of ${state}:\n  ${problems.slice(0, 12).join('\n  ')}`);
  }
}
