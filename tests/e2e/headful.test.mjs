// As a user would: headful Chromium under Xvfb (run by `cargo xtask test` through
// `xvfb-run`) with the shipped build (`extension/dist/chrome/`: no host permissions, so the
// capture runs only because the menu click grants `activeTab`). The pointer drags, the right
// button opens Chromium's own menu, and the keys End, Up, Return choose "Save quote", the
// item just above "Inspect". Every step waits on a condition, never on a fixed delay.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  FIXTURES, ROOT, chooseSaveQuote, launch, noteMarkdown, screenPoint, serveFixtures, textPoint, waitFor,
  workerAccess, xdotool, xdotoolDragSelect,
} from './lib.mjs';
import { BLUE, RED, serveImages } from './image-server.mjs';
import { axeViolations, cardClosed, cardFrame, highlightedTexts } from './highlight-lib.mjs';

/** Where the screenshots of the card and the highlights go (the README shows them). */
const SCREENSHOTS = join(ROOT, 'docs/screenshots');

if (!process.env.DISPLAY) {
  throw new Error('no DISPLAY: run under xvfb-run (cargo xtask test does)');
}

describe('as a user would, in headful Chromium', () => {
  let server;
  let browser;
  let page;
  const workerLog = []; // the service worker's console, shown when a test fails
  let worker; // reaches the worker across restarts (Playwright's handle does not)
  const everything = async () => (await worker.evaluate('chrome.storage.local.get(null)')) ?? {};

  before(async () => {
    server = await serveFixtures();
    browser = await launch({
      build: 'chrome',
      headless: false,
      fileAccess: false,
      extraArgs: ['--window-position=0,0', '--window-size=1280,1000'],
    });
    page = browser.context.pages()[0] ?? await browser.context.newPage();
    browser.worker.on('console', (message) => workerLog.push(message.text()));
    worker = await workerAccess(browser);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Selects, saves through the real menu, and resolves to the stored note. */
  async function saveByHand(url, selector, from, to) {
    await page.goto(url);
    await page.bringToFront();
    const { end, selected } = await xdotoolDragSelect(page, selector, from, to);
    const key = `note:${url}`;
    const before = (await everything())[key]?.quotes.length ?? 0;
    // Right-click inside the selection, a little left of where the drag ended.
    await chooseSaveQuote(page, { x: end.x - 8, y: end.y });
    const note = await waitFor(async () => {
      const stored = (await everything())[key];
      return stored?.quotes.length > before && stored;
    }, { what: `a quote stored under ${key}` });
    return { note, selected };
  }

  test('the loaded extension is the shipped build: no host permissions, no content scripts', async () => {
    const manifest = await browser.worker.evaluate(() => chrome.runtime.getManifest());
    assert.equal(manifest.host_permissions, undefined);
    assert.equal(manifest.content_scripts, undefined);
    assert.ok(manifest.permissions.includes('activeTab'));
    assert.equal(browser.id, 'dcpofdeomimecllgicmlhifcdaagmphh');
  });

  test('drag, right-click, "Save quote": the quote is stored with its link and emphasis', async () => {
    const url = `${server.origin}/pages/article.html`;
    const { note, selected } = await saveByHand(url, '#p1', 'Quotes are', 'intact.');
    assert.equal(note.quotes[0].markdown.includes('[a link]'), true, workerLog.join('\n'));
    assert.equal(selected, 'Quotes are kept with a link that stays a link, with emphasis and strong words intact.');
    assert.equal(await noteMarkdown(note), `---
title: Field notes on keeping quotes
source: ${url}
created: ${note.created}
updated: ${note.updated}
---
${url}

> Quotes are kept with [a link](${server.origin}/x) that stays a link, with *emphasis* and **strong words** intact.
`);
  });

  test('a click wakes a stopped service worker, which saves the quote', async () => {
    // The listeners must be registered synchronously at start, and the wasm module loaded
    // on demand, or this click is lost.
    const url = `${server.origin}/pages/article.html`;
    await page.goto(url);
    await page.bringToFront();
    const { end } = await xdotoolDragSelect(page, '#steps', 'Seventh', 'pot.');
    await worker.stop(page);
    await chooseSaveQuote(page, { x: end.x - 8, y: end.y });
    const markdown = await waitFor(async () => {
      const note = (await everything())[`note:${url}`];
      return note?.quotes.at(-1).markdown.includes('Seventh') && note.quotes.at(-1).markdown;
    }, { what: 'the quote saved by a cold worker' });
    assert.equal(markdown, '7. Seventh step: stir the pot.');
  });

  test('the keyboard shortcut saves the selection too', async () => {
    const url = `${server.origin}/pages/article.html`;
    await page.goto(url);
    await page.bringToFront();
    const { selected } = await xdotoolDragSelect(page, '#p1', 'emphasis', 'words');
    assert.equal(selected, 'emphasis and strong words');
    const key = `note:${url}`;
    const before = (await everything())[key]?.quotes.length ?? 0;
    xdotool('key', 'alt+shift+s');
    const note = await waitFor(async () => {
      const stored = (await everything())[key];
      return stored?.quotes.length > before && stored;
    }, { what: `the shortcut's quote under ${key}` });
    // The shortcut's own activeTab grant lets the capture run: the full Markdown, not text.
    assert.equal(note.quotes.at(-1).markdown, '*emphasis* and **strong words**');
    assert.equal(note.quotes.at(-1).text, selected);
  });

  test('on a file:// page, where the script may not run, the quote is saved as plain text', async () => {
    const url = pathToFileURL(join(FIXTURES, 'pages/plain.html')).href;
    const { note, selected } = await saveByHand(url, 'body', 'Files opened', 'later.');
    // The page's two paragraphs: the selection's own text keeps the line break between
    // them, but Chromium hands the menu listener `selectionText` with newlines as spaces.
    assert.equal(selected, 'Files opened from disk are read with no script of ours.\n\nThe quote is saved all the same, as plain text, a moment later.');
    assert.equal(note.quotes.length, 1);
    // Without access to the page the extension is not told its title either.
    assert.equal(note.title, url);
    assert.equal(
      note.quotes[0].markdown,
      'Files opened from disk are read with no script of ours. The quote is saved all the same, as plain text, a moment later.',
    );
  });

  test('the card after a save: Add comment, typed; Esc; the shortcut highlights the page; a click opens the card', async () => {
    const url = `${server.origin}/pages/article.html`;
    const key = `note:${url}`;
    const { note } = await saveByHand(url, '#p2', 'A second', 'note.');
    const saved = note.quotes.at(-1);
    let card = await cardFrame(page);
    assert.equal(await card.locator('h1').innerText(), 'Saved to Field notes on keeping quotes');
    assert.equal(await card.evaluate(() => document.activeElement?.id), 'card-add-comment');
    // Every quote of the note is on the unchanged page: each painted, on its own words.
    assert.deepEqual(await highlightedTexts(page), note.quotes.map((q) => q.text).sort());
    xdotool('key', 'Return');
    await waitFor(() => card.evaluate(() => document.activeElement?.id === 'card-comment'), { what: 'the comment field' });
    xdotool('type', '--delay', '20', 'Typed by hand.');
    await waitFor(async () => (await everything())[key].quotes.find((q) => q.id === saved.id)?.comment === 'Typed by hand.',
      { what: 'the typed comment stored' });
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.evaluate(() => getSelection().removeAllRanges());
    await page.screenshot({ path: join(SCREENSHOTS, 'card.png'), clip: { x: 0, y: 0, width: 900, height: 520 } });
    assert.deepEqual(await axeViolations(card), []);
    xdotool('key', 'Escape');
    await cardClosed(page);

    // Back on the page later: nothing shows until the reader asks (no host permission).
    await page.reload();
    await page.bringToFront();
    assert.deepEqual(await highlightedTexts(page), []);
    xdotool('key', 'alt+shift+h');
    const texts = await waitFor(async () => { const t = await highlightedTexts(page); return t.length > 0 && t; },
      { what: 'the highlights after the shortcut' });
    assert.ok(texts.includes('A second passage from the same page joins the first note.'), texts.join('\n'));
    await page.screenshot({ path: join(SCREENSHOTS, 'highlights.png'), clip: { x: 0, y: 0, width: 900, height: 420 } });

    // A real click on the highlight opens its card.
    const point = await screenPoint(page, await textPoint(page, '#p2', 'passage'));
    xdotool('mousemove', point.x + 3, point.y);
    xdotool('click', 1);
    card = await cardFrame(page, 'the card of the clicked highlight');
    assert.equal(await card.locator('h1').innerText(), 'Quote in Field notes on keeping quotes');
    assert.equal(await card.locator('#card-comment').inputValue(), 'Typed by hand.');
    await card.locator('#card-kind').selectOption('important');
    await waitFor(async () => (await everything())[key].quotes.find((q) => q.id === saved.id)?.kind === 'important',
      { what: 'the kind stored' });
    await card.locator('#card-delete').click();
    await waitFor(async () => !(await everything())[key].quotes.some((q) => q.id === saved.id), { what: 'the quote deleted' });
    await card.locator('#card-undo-delete').click();
    await waitFor(async () => (await everything())[key].quotes.some((q) => q.id === saved.id && q.comment === 'Typed by hand.'),
      { what: 'the quote back' });
    xdotool('key', 'Escape');
    await cardClosed(page);
  });

  test('the opt-in through the browser\'s own prompt: quoted pages highlighted by themselves; off gives the permission back', async () => {
    const url = `${server.origin}/pages/article.html`;
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.id}/options/options.html`);
    await options.waitForSelector('#kind-name-quote');
    await options.bringToFront();
    assert.deepEqual((await worker.evaluate('chrome.permissions.getAll()')).origins, []);
    await options.locator('#auto-highlights').click();
    // Chromium's prompt: the focus starts on "Deny"; Tab reaches "Allow".
    await new Promise((resolve) => setTimeout(resolve, 800)); // the prompt has no handle to wait on
    xdotool('key', 'Tab');
    xdotool('key', 'Return');
    await waitFor(() => options.locator('#auto-highlights-status').innerText().then((t) => t.startsWith('On:')),
      { what: 'the opt-in on' });
    assert.equal(await options.locator('#auto-highlights').isChecked(), true);
    assert.deepEqual((await worker.evaluate('chrome.permissions.getAll()')).origins, ['<all_urls>']);
    const [script] = await worker.evaluate('chrome.scripting.getRegisteredContentScripts()');
    assert.deepEqual(script.matches, ['http://127.0.0.1/pages/article.html', 'http://127.0.0.1/pages/article.html?*']);

    // A quoted page opened afresh: highlighted with no gesture at all.
    const visit = await browser.context.newPage();
    await visit.goto(url);
    await waitFor(async () => (await highlightedTexts(visit)).length > 0, { what: 'highlights by themselves' });
    await visit.close();

    await options.bringToFront();
    await options.locator('#auto-highlights').click();
    await waitFor(() => options.locator('#auto-highlights-status').innerText().then((t) => t.startsWith('Off:')),
      { what: 'the opt-in off' });
    assert.deepEqual(await worker.evaluate('chrome.scripting.getRegisteredContentScripts()'), []);
    assert.deepEqual((await worker.evaluate('chrome.permissions.getAll()')).origins, []);
    await options.close();
  });
});

// Issue 16: "Save image to note" through Chromium's own menu on an image, with the shipped
// build. The menu click is the gesture that lets the extension ask for the image's origin:
// Chromium shows its permission dialog inside the window (no window of its own, and the
// page keeps its focus), whose default button is "Deny" (Return); Tab moves to "Allow".
// The save stores the note before it waits for the answer, so a note holding the image,
// still without bytes or a reason, says the question is on the screen.
describe('"Save image to note" as a user would, in headful Chromium', () => {
  let server;
  let browser;
  let page;
  let worker;
  const workerLog = [];

  before(async () => {
    server = await serveImages();
    browser = await launch({
      build: 'chrome',
      headless: false,
      fileAccess: false,
      extraArgs: ['--window-position=0,0', '--window-size=1280,1000'],
    });
    page = browser.context.pages()[0] ?? await browser.context.newPage();
    browser.worker.on('console', (message) => workerLog.push(message.text()));
    worker = await workerAccess(browser);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Right-clicks the image `selector` and picks the extension's item (just above "Inspect"). */
  async function menuOnImage(selector) {
    await page.bringToFront();
    const box = await page.$eval(selector, (img) => {
      const r = img.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await chooseSaveQuote(page, await screenPoint(page, box));
  }

  /**
   * Answers Chromium's permission dialog once the badge says Quotebook asks (the save is
   * waiting for the reader), with Tab Return ("Allow") or Return ("Deny"), until `done()`
   * says the answer was taken.
   */
  async function answerDialog(url, allow, done) {
    const tab = await worker.tabFor(url);
    await waitFor(async () => /asks to read images from/.test((await worker.badge(tab.id)).title),
      { what: 'the badge saying Quotebook asks' });
    await waitFor(async () => {
      xdotool('key', ...(allow ? ['Tab', 'Return'] : ['Return']));
      try {
        return await waitFor(done, { timeout: 3_000, what: 'the answer taken' });
      } catch {
        return false;
      }
    }, { timeout: 20_000, interval: 0, what: 'the permission dialog answered' });
  }

  const noteOf = async (url) => (await worker.local())[`note:${url}`];
  const granted = (origin) => worker.run((o) => chrome.permissions.contains({ origins: [o] }), origin);

  test('right-click an image, "Save image to note", allow its site: the image is kept with alt and caption', async () => {
    const url = `${server.origin}/figure.html`;
    await page.goto(url);
    await menuOnImage('#red');
    await answerDialog(url, true, () => granted('http://127.0.0.1/*'));
    const quote = await waitFor(async () => {
      const found = (await noteOf(url))?.quotes.find((q) => q.images?.[0]?.hash);
      return found;
    }, { what: 'the image quote with its bytes kept' });
    const [image] = quote.images;
    assert.equal(image.alt, 'A red square', workerLog.join('\n'));
    assert.equal(image.caption, 'Figure 1: red, on purpose.');
    assert.equal(image.hash, createHash('sha256').update(RED).digest('hex'));
    assert.equal(image.mime, 'image/png');
    assert.deepEqual([image.width, image.height], [4, 3]);
    assert.equal(await granted('http://127.0.0.1/*'), true);
  });

  test('an image from another site: refused, it stays a link and the badge says why; allowed, it is kept', async () => {
    const url = `${server.origin}/figure.html`;
    await page.goto(url);
    const foreign = `${server.other}/blue.png`;
    const before = server.requests.filter((p) => p === '/blue.png').length;
    await menuOnImage('#foreign');
    await answerDialog(url, false, async () => (await noteOf(url))?.quotes
      .some((q) => q.images?.[0]?.url === foreign && q.images[0].error));
    const refused = await waitFor(async () => (await noteOf(url))?.quotes
      .find((q) => q.images?.[0]?.url === foreign && q.images[0].error), { what: 'the refused image recorded' });
    assert.equal(refused.images[0].hash, null);
    assert.match(refused.images[0].error, /^fetch_failed: /);
    const tab = await worker.tabFor(url);
    assert.match((await worker.badge(tab.id)).title, /link only: reading images from this site was not allowed/);
    assert.equal(await granted('http://localhost/*'), false);
    // Nothing was asked of the other site: the page's own load of it is all.
    assert.equal(server.requests.filter((p) => p === '/blue.png').length, before);

    await menuOnImage('#foreign');
    await answerDialog(url, true, () => granted('http://localhost/*'));
    const kept = await waitFor(async () => (await noteOf(url))?.quotes
      .filter((q) => q.images?.[0]?.url === foreign).find((q) => q.images[0].hash), { what: 'the allowed image kept' });
    assert.equal(kept.images[0].hash, createHash('sha256').update(BLUE).digest('hex'));
    assert.equal(await granted('http://localhost/*'), true);
  });

  test('a selection\'s image from a site not allowed: "Fetch images" in the popup asks, and keeps it', async () => {
    const url = `${server.origin}/figure.html`;
    const foreign = `${server.other}/red.png`;
    await worker.run(() => chrome.permissions.remove({ origins: ['http://localhost/*'] }));
    await page.goto(url);
    await page.bringToFront();
    await page.$eval('#elsewhere', (p) => getSelection().selectAllChildren(p));
    const selectionText = await page.evaluate(() => getSelection().toString());
    const tab = await worker.tabFor(url);
    const saved = await worker.run((info, tab) => globalThis.saveQuote(info, tab),
      { menuItemId: 'save-quote', frameId: 0, pageUrl: url, selectionText, editable: false }, tab);
    assert.equal(saved.ok, true, saved.reason);
    const [image] = saved.note.quotes.find((q) => q.images?.some((i) => i.url === foreign)).images;
    assert.match(image.error, /^fetch_failed: /);

    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.id}/popup/popup.html`);
    await popup.bringToFront();
    await popup.locator('#images-waiting:not([hidden])').waitFor();
    assert.equal(await popup.locator('#images-waiting-text').textContent(), '1 image(s) are kept as links only.');
    await popup.locator('#images-fetch').click();
    await waitFor(() => popup.locator('#images-fetch').isDisabled(), { what: 'Fetch images waiting for the answer' });
    await waitFor(async () => {
      xdotool('key', 'Tab', 'Return');
      try {
        return await waitFor(() => granted('http://localhost/*'), { timeout: 3_000, what: 'the answer taken' });
      } catch {
        return false;
      }
    }, { timeout: 20_000, interval: 0, what: 'the permission dialog answered' });
    await waitFor(async () => /^1 image\(s\) kept, 0 still links only\./.test(await popup.locator('#images-waiting-text').textContent()),
      { what: 'the popup saying the image is kept' });
    const kept = (await noteOf(url)).quotes.flatMap((q) => q.images ?? []).find((i) => i.url === foreign);
    assert.equal(kept.hash, createHash('sha256').update(RED).digest('hex'));
    await popup.close();
  });
});
