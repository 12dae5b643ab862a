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
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { ROOT, core, dragSelect, noteMarkdown, serveFixtures, textPoint, waitFor } from './lib.mjs';
import { readZip, unzipTest } from './zip-read.mjs';
import { BLUE, RED, serveImages } from './image-server.mjs';
import { createHash } from 'node:crypto';

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

/**
 * Firefox ESR with `build` installed as a temporary add-on (`env`: the browser's
 * environment), and test/test.html found and loaded. `inTestPage(expression)` evaluates
 * there (awaited; the value must be JSON).
 */
async function launchFirefox(build, env = process.env) {
  const profile = await mkdtemp(join(tmpdir(), 'quotebook-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    env,
  });
  const close = async () => {
    await browser.close().catch(() => {});
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  };
  try {
    // A temporary add-on: unsigned builds install this way.
    const id = await browser.installExtension(build);
    // Listed before it has loaded: wait for the URL, then for the page and its API.
    const testPage = await waitFor(async () => {
      const { result } = await browser.connection.send('browsingContext.getTree', {});
      const found = result.contexts.find((c) => /^moz-extension:\/\/[^/]+\/test\/test\.html$/.test(c.url));
      return found?.context;
    }, { timeout: 20_000, interval: 100, what: 'test/test.html to open' });
    const evaluate = async (context, expression) => {
      const { result } = await browser.connection.send('script.evaluate', {
        expression: `(async () => JSON.stringify(await (${expression})))()`,
        target: { context },
        awaitPromise: true,
        resultOwnership: 'none',
      });
      if (result.type === 'exception') {
        throw new Error(`in ${context}: ${result.exceptionDetails.text}`);
      }
      const text = result.result.value;
      return text === undefined ? undefined : JSON.parse(text);
    };
    const inTestPage = (expression) => evaluate(testPage, expression);
    /** Opens one of the extension's pages in a new tab; resolves to an evaluator there. */
    const openPage = async (path) => {
      const tabId = await inTestPage(`browser.tabs.create({ url: browser.runtime.getURL(${JSON.stringify(path)}) }).then((t) => t.id)`);
      const url = await inTestPage(`browser.runtime.getURL(${JSON.stringify(path)})`);
      const context = await waitFor(async () => {
        const { result } = await browser.connection.send('browsingContext.getTree', {});
        return result.contexts.find((c) => c.url === url)?.context;
      }, { timeout: 10_000, interval: 100, what: `${path} to open` });
      await waitFor(() => evaluate(context, `document.readyState === 'complete'`),
        { timeout: 10_000, interval: 100, what: `${path} to load` });
      return { tabId, in: (expression) => evaluate(context, expression) };
    };
    await waitFor(
      () => inTestPage(`typeof browser === 'object' && document.readyState === 'complete'
        && typeof globalThis.quotebookTest === 'object'`),
      { timeout: 20_000, interval: 100, what: 'test/test.html to load' },
    );
    return { browser, id, inTestPage, openPage, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function readManifest(dir) {
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8').catch((error) => {
    throw new Error(`${dir} is missing: run \`cargo xtask dist\` first (${error.message})`);
  }));
}

describe('the extension in headless Firefox', () => {
  let server;
  let firefox;
  let manifest;
  let page;
  let pageUrl;
  let key;

  const inTestPage = (expression) => firefox.inTestPage(expression);
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
    manifest = await readManifest(BUILD);
    await core('firefox-test'); // the notes are rendered by this build's own wasm module
    server = await serveFixtures();
    firefox = await launchFirefox(BUILD);
    page = await firefox.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    pageUrl = `${server.origin}/pages/article.html`;
    key = `note:${pageUrl}`;
    await page.goto(pageUrl);
  });

  after(async () => {
    await firefox?.close();
    await server?.close();
  });

  test('installs under its gecko id; the service worker runs as an event page module', async () => {
    assert.equal(firefox.id, manifest.browser_specific_settings.gecko.id);
    assert.equal(firefox.id, 'quotebook@quotebook');
    assert.deepEqual(manifest.background, { scripts: ['background.js', 'test/background.js'], type: 'module' });
    const background = await inTestPage(`quotebookTest.background().then((bg) => ({
      saveQuote: typeof bg.saveQuote,
      locks: typeof bg.navigator.locks?.request,
    }))`);
    // background.js ran (as a module: it imports), and Firefox gives it Web Locks.
    assert.deepEqual(background, { saveQuote: 'function', locks: 'function' });
    // The one facade for browser APIs picks Firefox's `browser` namespace.
    assert.equal(await inTestPage('quotebookTest.facadeIsBrowser'), true);
    // The menu item exists (`update` rejects an unknown id) and the shortcut is registered.
    assert.equal(await inTestPage(`browser.contextMenus.update('save-quote', {}).then(() => 'ok')`), 'ok');
    const commands = await inTestPage('browser.commands.getAll()');
    assert.deepEqual(
      commands.filter((c) => c.name === 'save-quote').map((c) => c.shortcut),
      ['Alt+Shift+S'],
    );
    const granted = await inTestPage('browser.permissions.getAll()');
    assert.deepEqual(granted.origins, ['http://127.0.0.1/*']);
    assert.deepEqual(
      [...granted.permissions].sort(),
      ['activeTab', 'contextMenus', 'notifications', 'scripting', 'storage', 'unlimitedStorage'],
    );
  });

  test('the welcome page opened on install gives Firefox its own command', async () => {
    // Opened by the install itself (not by the test): found in the open tabs, then read.
    const url = await inTestPage(`browser.runtime.getURL('welcome/welcome.html')`);
    assert.ok((await inTestPage('browser.tabs.query({})')).some((t) => t.url === url));
    const welcome = await firefox.openPage('welcome/welcome.html');
    const shown = await waitFor(() => welcome.in(`document.getElementById('command').textContent
      && document.getElementById('pin-status').dataset.state
      && { command: document.getElementById('command').textContent,
           pin: document.getElementById('pin-status').dataset.state,
           shortcut: document.getElementById('shortcut').textContent }`),
    { timeout: 10_000, interval: 100, what: 'the welcome page filled in' });
    assert.equal(shown.command,
      'quotebook install-host --browser firefox --folder ~/Notes/Quotebook --extension-id quotebook@quotebook');
    assert.match(shown.shortcut, /Alt\+Shift\+S/);
    // Whether Firefox says if the button is on the toolbar or not, the page says something.
    assert.ok(['hint', 'pinned', 'unknown'].includes(shown.pin), shown.pin);
    await inTestPage(`browser.tabs.remove(${welcome.tabId})`);
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
    // The card that came up beside the quote holds the keyboard: Esc puts it away, as a
    // reader would before selecting more (it covers the lines below the quote).
    const cardHosts = () => page.evaluate(() => [...document.documentElement.children].filter((e) => e.tagName.includes('-')).length);
    await waitFor(async () => (await cardHosts()) === 1, { what: 'the card' });
    await page.keyboard.press('Escape');
    await waitFor(async () => (await cardHosts()) === 0, { what: 'the card put away' });
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
    // One quote per range, in document order, each with its own range's text.
    assert.deepEqual(n.quotes.map((q) => [q.markdown, q.text]), [
      [`Quotes are kept with [a link](${server.origin}/x) that stays a link, with *emphasis* and **strong words** intact.`,
        'Quotes are kept with a link that stays a link, with emphasis and strong words intact.'],
      ['A second passage from the same page', 'A second passage from the same page'],
      ['```\nprintln!("kept verbatim");\n```', 'println!("kept verbatim");'],
    ]);
    assert.equal(await noteMarkdown(n), `${frontmatter(n)}
> Quotes are kept with [a link](${server.origin}/x) that stays a link, with *emphasis* and **strong words** intact.

> A second passage from the same page

> \`\`\`
> println!("kept verbatim");
> \`\`\`
`);
  });

  test('the popup shows the note in Firefox', async () => {
    const popup = await firefox.openPage('popup/popup.html');
    let view;
    await waitFor(async () => {
      view = await popup.in(`({
        count: document.getElementById('result-count').textContent,
        text: document.querySelector('main').textContent,
        status: document.getElementById('status').textContent,
      })`);
      return !/…|\.\.\./.test(view.count) && view.count !== '';
    }, { timeout: 10_000, interval: 100, what: 'the popup to read the notes' }).catch(() => {});
    assert.equal(view?.count, '1 note', JSON.stringify(view));
    assert.match(view.text, /Field notes on keeping quotes127\.0\.0\.1 · 3 quotes · /);
    assert.match(view.text, /Quotes are kept with a link that stays a link, with emphasis and strong words intact\./);
    // The quotes of a two-range selection show their own text.
    assert.match(view.text, /A second passage from the same page/);
    assert.match(view.text, /kept verbatim/);
    assert.equal(view.status, '');
    await inTestPage(`browser.tabs.remove(${popup.tabId})`);
  });

  // The real button and the real page code. What is checked is the Blob the page hands to
  // its `<a download>` link (recorded as it passes through URL.createObjectURL), not a file
  // in a downloads folder: no download is captured from headless Firefox here.
  test('the options page exports the notes as a .zip in Firefox', async () => {
    const options = await firefox.openPage('options/options.html');
    // The page fills in the templates in the same task as it adds its click listeners.
    await waitFor(() => options.in(`document.getElementById('note-template').value !== ''`),
      { timeout: 10_000, interval: 100, what: 'the options page to set itself up' });
    await options.in(`(() => {
      globalThis.exported = [];
      const createObjectURL = URL.createObjectURL;
      URL.createObjectURL = (blob) => {
        globalThis.exported.push(blob);
        return createObjectURL.call(URL, blob);
      };
      document.getElementById('export-zip').click();
      return true;
    })()`);
    let status;
    await waitFor(async () => {
      status = await options.in(`document.getElementById('status').textContent`);
      return status !== '';
    }, { timeout: 30_000, interval: 100, what: 'the export to finish' }).catch(() => {});
    assert.match(status ?? '', /^1 note saved as quotebook-notes-\d{4}-\d{2}-\d{2}\.zip$/);
    const exported = await options.in(`(async () => {
      const blob = globalThis.exported.at(-1);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (const byte of bytes) text += String.fromCharCode(byte);
      return { count: globalThis.exported.length, type: blob.type, base64: btoa(text) };
    })()`);
    assert.equal(exported.count, 1);
    assert.equal(exported.type, 'application/zip');
    const bytes = Buffer.from(exported.base64, 'base64');
    const tested = unzipTest(bytes);
    if (tested !== null) assert.match(tested, /No errors detected/);
    // Names and bytes: the core's, in this page, for every stored note.
    const expected = await options.in(`(async () => {
      const library = await import('../library.js');
      const [notes, settings] = await Promise.all([library.loadNotes(), library.loadSettings()]);
      const names = await library.zipNames(notes, settings.fileNamePattern);
      const out = [];
      for (const [i, note] of notes.entries()) {
        out.push({ name: names[i], text: (await library.renderNote(note, settings.templates)).markdown });
      }
      return out;
    })()`);
    const files = readZip(bytes);
    assert.deepEqual(files.map((f) => ({ name: f.name, text: f.bytes.toString('utf8') })), expected);
    assert.deepEqual(files.map((f) => f.name), ['Field notes on keeping quotes.md']);
    assert.equal(files[0].compressType, 8);
    const markdown = files[0].bytes.toString('utf8');
    assert.match(markdown, /^> Quotes are kept with \[a link\]\(http:\/\/127\.0\.0\.1:\d+\/x\) that stays a link/m);
    assert.match(markdown, /^> println!\("kept verbatim"\);$/m);
    await inTestPage(`browser.tabs.remove(${options.tabId})`);
  });

  test('after a save, the card beside the quote and the quote highlighted, in Firefox', async () => {
    await page.goto(pageUrl);
    await dragSelect(page, '#steps', 'Eighth', 'warm.');
    const result = await save();
    assert.equal(result.ok, true, result.reason);
    // Puppeteer does not follow the frame to the extension's address: BiDi's tree does.
    const inCard = async (expression) => {
      const { result } = await firefox.browser.connection.send('browsingContext.getTree', {});
      const frame = result.contexts.flatMap((c) => c.children ?? []).find((c) => c.url.includes('/card/card.html'));
      if (!frame) return undefined;
      const { result: value } = await firefox.browser.connection.send('script.evaluate', {
        expression, target: { context: frame.context }, awaitPromise: true, resultOwnership: 'none',
      });
      return value.type === 'exception' ? undefined : value.result.value;
    };
    await waitFor(() => inCard(`document.body?.dataset.ready === 'true'`), { what: 'the card' });
    assert.equal(await inCard(`document.getElementById('card-heading').textContent`), 'Saved to Field notes on keeping quotes');
    const texts = await waitFor(async () => {
      const t = await page.evaluate(() => [...CSS.highlights.values()].flatMap((h) => [...h].map((r) => r.toString())));
      return t.includes('Eighth step: serve it warm.') && t;
    }, { what: 'the highlight', timeout: 30_000 });
    // Every range painted is a stored quote's text: nothing else is marked.
    const quotes = (await storage())[key].quotes.map((q) => q.text);
    assert.ok(texts.every((t) => quotes.includes(t)), texts.join('\n'));
  });
});

/** The `quotebook` binary: `$QUOTEBOOK_BIN`, else built (a no-op when up to date). */
function quotebookBinary() {
  if (process.env.QUOTEBOOK_BIN) return process.env.QUOTEBOOK_BIN;
  execFileSync('cargo', ['build', '-q', '-p', 'quotebook-cli', '--bin', 'quotebook'], { cwd: ROOT, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR
    ? (process.env.CARGO_TARGET_DIR.startsWith('/') ? process.env.CARGO_TARGET_DIR : join(ROOT, process.env.CARGO_TARGET_DIR))
    : join(ROOT, 'target');
  return join(target, 'debug/quotebook');
}

// Firefox reads host manifests from ~/.mozilla/native-messaging-hosts/ and lets in the
// add-ons their `allowed_extensions` name: `quotebook install-host --browser firefox`
// writes one into a scratch home, and Firefox runs with HOME pointing there.
describe('folder sync through the native host in Firefox', () => {
  let scratch;
  let folder;
  let hostManifest;
  let server;
  let firefox;
  let page;
  let pageUrl;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'quotebook-firefox-host-'));
    const home = join(scratch, 'home');
    folder = join(scratch, 'notes');
    await mkdir(folder, { recursive: true });
    const manifest = await readManifest(BUILD);
    const id = manifest.browser_specific_settings.gecko.id;
    const hosts = join(home, '.mozilla/native-messaging-hosts');
    execFileSync(quotebookBinary(), [
      'install-host', '--browser', 'firefox', '--folder', folder, '--extension-id', id,
      '--manifest-dir', hosts, '--config', join(scratch, 'config/host.json'),
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
    hostManifest = JSON.parse(await readFile(join(hosts, 'quotebook_host.json'), 'utf8'));

    // `nativeMessaging` is optional (asked for in the options page, with a prompt no
    // headless test can accept): this copy of the test build has it granted at install.
    const build = join(scratch, 'extension');
    await cp(BUILD, build, { recursive: true });
    const granted = { ...manifest, permissions: [...manifest.permissions, 'nativeMessaging'] };
    granted.optional_permissions = manifest.optional_permissions.filter((p) => p !== 'nativeMessaging');
    await writeFile(join(build, 'manifest.json'), JSON.stringify(granted, null, 2));

    server = await serveFixtures();
    firefox = await launchFirefox(build, { ...process.env, HOME: home });
    page = await firefox.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    pageUrl = `${server.origin}/pages/article.html`;
    await page.goto(pageUrl);
  });

  after(async () => {
    await firefox?.close();
    await server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true }).catch(() => {});
  });

  test('the host manifest names the add-on, and the extension finds the host', async () => {
    assert.deepEqual(hostManifest.allowed_extensions, ['quotebook@quotebook']);
    assert.equal(hostManifest.allowed_origins, undefined);
    const found = await firefox.inTestPage('quotebookTest.sync.BACKENDS.native.detect()');
    assert.equal(found.ok, true, found.reason);
    assert.equal(found.folder, folder);
    assert.equal(found.folderExists, true);
  });

  test('a saved quote syncs into the folder as its note', async () => {
    await dragSelect(page, '#p2', 'A second', 'note.');
    const text = await page.evaluate(() => getSelection().toString());
    const saved = await firefox.inTestPage(`quotebookTest.saveFromMenu(${JSON.stringify(pageUrl)}, ${JSON.stringify(text)})`);
    assert.equal(saved.ok, true, saved.reason);

    await firefox.inTestPage(`quotebookTest.sync.saveSettings({ backend: 'native' })`);
    const result = await firefox.inTestPage('quotebookTest.sync.syncNow()');
    assert.equal(result.ok, true, result.error);
    assert.equal(result.folder, folder);
    assert.equal(result.summary.created, 1, JSON.stringify(result.summary));
    const files = (await readdir(folder, { recursive: true })).filter((f) => f.endsWith('.md'));
    assert.equal(files.length, 1, files.join(', '));
    const written = await readFile(join(folder, files[0]), 'utf8');
    assert.ok(written.includes(`\n${pageUrl}\n`), written);
    assert.ok(written.includes('\n> A second passage from the same page joins the first note.\n'), written);
  });

  test('the options page in Firefox: the host found, no folder picker', async () => {
    const options = await firefox.openPage('options/options.html');
    let view;
    await waitFor(async () => {
      view = await options.in(`({
        native: document.getElementById('sync-native-status').textContent,
        nativeChecked: document.getElementById('sync-native').checked,
        fsaDisabled: document.getElementById('sync-fsa').disabled,
        summary: document.getElementById('sync-summary').textContent,
      })`);
      return view.native !== '' && !view.native.endsWith('…') && view.summary !== '';
    }, { timeout: 10_000, interval: 100, what: 'the options page to find the host' }).catch(() => {});
    assert.equal(view?.native, `Found: syncs into ${folder}`, JSON.stringify(view));
    assert.equal(view.nativeChecked, true);
    // Firefox has no directory picker: the File System Access backend cannot be chosen.
    assert.equal(view.fsaDisabled, true);
    assert.match(view.summary, /^Synced .*: 1 created, 0 updated, 0 appended, 0 skipped, 0 conflicts\.$/);
    await firefox.inTestPage(`browser.tabs.remove(${options.tabId})`);
  });
});

describe('the Firefox store package', () => {
  test('installs in Firefox as it is, under the gecko id', async () => {
    const manifest = await readManifest(join(ROOT, 'extension/dist/firefox'));
    const zip = join(ROOT, `extension/dist/quotebook-firefox-${manifest.version}.zip`);
    const profile = await mkdtemp(join(tmpdir(), 'quotebook-firefox-'));
    const browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
    });
    try {
      // The zip as the store gets it (installed temporarily: it is not signed).
      const { result } = await browser.connection.send('webExtension.install', {
        extensionData: { type: 'archivePath', path: zip },
      });
      assert.equal(result.extension, 'quotebook@quotebook');
      assert.equal(manifest.key, undefined);
      assert.deepEqual(manifest.background, { scripts: ['background.js'], type: 'module' });
      assert.equal(manifest.host_permissions, undefined);
    } finally {
      await browser.close().catch(() => {});
      await rm(profile, { recursive: true, force: true }).catch(() => {});
    }
  });
});

// Issue 16 in Firefox: "Save image to note" keeps the image's bytes (the test build holds
// the test host's permission), and an image inside a selection is kept where it stands.
describe('images kept with the quotes, in headless Firefox', () => {
  let server;
  let firefox;
  let page;
  const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

  before(async () => {
    server = await serveImages();
    firefox = await launchFirefox(BUILD);
    page = await firefox.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
  });

  after(async () => {
    await firefox?.close();
    await server?.close();
  });

  test('"Save image to note" keeps the image with its alt text and caption', async () => {
    const url = `${server.origin}/figure.html`;
    await page.goto(url);
    const src = `${server.origin}/red.png`;
    const result = await firefox.inTestPage(`quotebookTest.saveImageFromMenu(${JSON.stringify(url)}, ${JSON.stringify(src)})`);
    assert.equal(result.ok, true, result.reason);
    const [image] = result.note.quotes.at(-1).images;
    assert.equal(image.alt, 'A red square');
    assert.equal(image.caption, 'Figure 1: red, on purpose.');
    assert.equal(image.hash, sha256(RED));
    const stored = await firefox.inTestPage(`quotebookTest.storedImage(${JSON.stringify(image.hash)})`);
    assert.deepEqual(stored, { type: 'image/png', bytes: [...RED] });
    // The menu item for images exists.
    assert.equal(await firefox.inTestPage(`browser.contextMenus.update('save-image', {}).then(() => 'ok')`), 'ok');
  });

  test('an image inside a selection is kept; a text served as image/png is refused', async () => {
    const url = `${server.origin}/figure.html`;
    await page.goto(url);
    await page.evaluate(() => {
      const range = document.createRange();
      range.setStartBefore(document.getElementById('inline'));
      range.setEndAfter(document.querySelector('img[alt="text"]'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    const text = await page.evaluate(() => getSelection().toString());
    const result = await firefox.inTestPage(`quotebookTest.saveFromMenu(${JSON.stringify(url)}, ${JSON.stringify(text)})`);
    assert.equal(result.ok, true, result.reason);
    const images = Object.fromEntries(result.note.quotes.at(-1).images.map((i) => [i.alt, i]));
    assert.equal(images.blue.hash, sha256(BLUE));
    assert.match(images.text.error, /^not_an_image: /);
  });
});
