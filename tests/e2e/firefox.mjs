// End to end in headless Firefox ESR, driven over WebDriver BiDi by puppeteer-core, with the
// Firefox test build (`extension/dist/firefox-test/`, made by `cargo xtask dist`: the
// Firefox manifest plus host permission for http://127.0.0.1/* and the files of
// tests/e2e/firefox/). Run by `cargo xtask test` as `node --test tests/e2e/firefox.mjs`
// (not named *.test.mjs: the Chromium stage runs those).
//
// BiDi can neither evaluate in the background's realm nor open a moz-extension:// page, so
// the test build's extra background script opens test/test.html; the test finds it in
// `browsingContext.getTree` and evaluates there, and that page calls the background's
// `saveQuote`, the very function the context menu calls, with the real tab. Selections are
// made with real mouse drags (BiDi `input.performActions`).
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { ROOT, core, dragSelect, noteMarkdown, serveFixtures, textPoint, waitFor } from './lib.mjs';

const FIREFOX = process.env.QUOTEBOOK_FIREFOX || '/usr/bin/firefox-esr';
const BUILD = join(ROOT, 'extension/dist/firefox-test');

/** Selects from `from` to `to` inside `selector` with a Ctrl-drag, which adds a range to
 * the selection in Firefox instead of replacing it. */
async function dragAddRange(page, selector, from, to) {
  const start = await textPoint(page, selector, from);
  const end = await textPoint(page, selector, to, { end: true });
  await page.keyboard.down('Control');
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 5 });
  await page.mouse.move(end.x, end.y, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Control');
}

describe('the extension in headless Firefox', () => {
  let server;
  let browser;
  let profile;
  let manifest;
  let installedId;
  let testPage; // the browsing context of test/test.html
  let page;
  let pageUrl;
  let key;

  /** Evaluates `expression` (awaited) in test/test.html; its value must be JSON. */
  async function inTestPage(expression) {
    const { result } = await browser.connection.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context: testPage },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (result.type === 'exception') {
      throw new Error(`in test.html: ${result.exceptionDetails.text}`);
    }
    const text = result.result.value;
    return text === undefined ? undefined : JSON.parse(text);
  }

  const storage = () => inTestPage('browser.storage.local.get(null)');
  const save = () => page.evaluate(() => getSelection().toString())
    .then((text) => inTestPage(`quotebookTest.saveFromMenu(${JSON.stringify(pageUrl)}, ${JSON.stringify(text)})`));
  const frontmatter = (n) => `---
title: Field notes on keeping quotes
source: ${pageUrl}
created: ${n.created}
updated: ${n.updated}
---
${pageUrl}
`;

  before(async () => {
    manifest = JSON.parse(await readFile(join(BUILD, 'manifest.json'), 'utf8').catch((error) => {
      throw new Error(`${BUILD} is missing: run \`cargo xtask dist\` first (${error.message})`);
    }));
    await core('firefox-test'); // the notes are rendered by this build's own wasm module
    server = await serveFixtures();
    profile = await mkdtemp(join(tmpdir(), 'quotebook-firefox-'));
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
    });
    // A temporary add-on: unsigned builds install this way.
    installedId = await browser.installExtension(BUILD);
    // Listed before it has loaded: wait for the URL, then for the page and its API.
    testPage = await waitFor(async () => {
      const { result } = await browser.connection.send('browsingContext.getTree', {});
      const found = result.contexts.find((c) => /^moz-extension:\/\/[^/]+\/test\/test\.html$/.test(c.url));
      return found?.context;
    }, { timeout: 20_000, interval: 100, what: 'test/test.html to open' });
    await waitFor(
      () => inTestPage(`typeof browser === 'object' && document.readyState === 'complete'
        && typeof globalThis.quotebookTest === 'object'`),
      { timeout: 20_000, interval: 100, what: 'test/test.html to load' },
    );
    page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    pageUrl = `${server.origin}/pages/article.html`;
    key = `note:${pageUrl}`;
    await page.goto(pageUrl);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true }).catch(() => {});
  });

  test('installs under its gecko id; the service worker runs as an event page module', async () => {
    assert.equal(installedId, manifest.browser_specific_settings.gecko.id);
    assert.equal(installedId, 'quotebook@quotebook');
    assert.deepEqual(manifest.background, { scripts: ['background.js', 'test/background.js'], type: 'module' });
    const background = await inTestPage(`quotebookTest.background().then((bg) => ({
      saveQuote: typeof bg.saveQuote,
      locks: typeof bg.navigator.locks?.request,
    }))`);
    // background.js ran (as a module: it imports), and Firefox gives it Web Locks.
    assert.deepEqual(background, { saveQuote: 'function', locks: 'function' });
    // The one facade for browser APIs picks Firefox's `browser` namespace.
    assert.equal(await inTestPage('quotebookTest.facadeIsBrowser'), true);
    const granted = await inTestPage('browser.permissions.getAll()');
    assert.deepEqual(granted.origins, ['http://127.0.0.1/*']);
    assert.deepEqual(
      [...granted.permissions].sort(),
      ['activeTab', 'contextMenus', 'scripting', 'storage', 'unlimitedStorage'],
    );
  });

  test('a dragged selection with a link and emphasis becomes the exact note', async () => {
    const selected = await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.equal(selected, 'Quotes are kept with a link that stays a link, with emphasis and strong words intact.');
    const result = await save();
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false);

    const stored = await storage();
    assert.deepEqual(Object.keys(stored).sort(), [key, 'schema']);
    assert.equal(stored.schema, 1);
    const n = stored[key];
    assert.equal(n.quotes.length, 1);
    assert.equal(await noteMarkdown(n), `${frontmatter(n)}
> Quotes are kept with [a link](${server.origin}/x) that stays a link, with *emphasis* and **strong words** intact.
`);
    const badge = await inTestPage(`quotebookTest.tabShowing(${JSON.stringify(pageUrl)}).then(async (tab) => ({
      text: await browser.action.getBadgeText({ tabId: tab.id }),
      title: await browser.action.getTitle({ tabId: tab.id }),
    }))`);
    assert.deepEqual(badge, { text: '1', title: 'Quotebook: saved; 1 quote from this page' });
  });

  test('a selection of two ranges (Ctrl-drag) becomes two quotes', async () => {
    await dragSelect(page, '#p2', 'A second', 'same page');
    await dragAddRange(page, '#code', 'println!', ');');
    const ranges = await page.evaluate(() => {
      const s = getSelection();
      return Array.from({ length: s.rangeCount }, (_, i) => s.getRangeAt(i).toString());
    });
    assert.deepEqual(ranges, ['A second passage from the same page', 'println!("kept verbatim");']);

    const result = await save();
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false);
    const n = (await storage())[key];
    // One quote per range, in document order. FIXME: the core keeps a quote's plain `text`
    // only when the selection has one range; these two get '' (their Markdown is whole).
    assert.deepEqual(n.quotes.map((q) => [q.markdown, q.text]), [
      [`Quotes are kept with [a link](${server.origin}/x) that stays a link, with *emphasis* and **strong words** intact.`,
        'Quotes are kept with a link that stays a link, with emphasis and strong words intact.'],
      ['A second passage from the same page', ''],
      ['```\nprintln!("kept verbatim");\n```', ''],
    ]);
    assert.equal(await noteMarkdown(n), `${frontmatter(n)}
> Quotes are kept with [a link](${server.origin}/x) that stays a link, with *emphasis* and **strong words** intact.

> A second passage from the same page

> \`\`\`
> println!("kept verbatim");
> \`\`\`
`);
  });
});
