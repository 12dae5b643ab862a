// What a save takes from a page, and what it does to it (headless Chromium, test build;
// issue 17, points 2 and 8). Saving wakes nothing in the page: no handler runs and nothing
// is requested because of a save. What the page's styles hide is not saved. However few
// characters are visible, a capture carries at most 8 MiB and a quote at most 2 MiB, and a
// link's 1 MB address is not kept. A save storage keeps refusing is tried a bounded number
// of times, then listed in the popup with a button to try again.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { describe, test } from 'node:test';
import {
  badge, extensionSuite, FIXTURES, listen, pendingKeys, saveFromMenu, sendFile, storage, tabOf, waitFor,
} from './lib.mjs';

/** A page of a short visible sentence carrying `count` inline images of `kb` KB each. */
function imagesPage(count, kb) {
  const data = `data:image/png;base64,${'iVBORw0KGgo'.repeat(Math.floor((kb * 1000) / 11))}`;
  const images = Array.from({ length: count }, (_, i) => `<img src="${data}" alt="${i}">`).join('');
  return `<!doctype html><title>Images</title><p id="q">Twenty characters.${images}</p>`;
}

/** A page of twenty 1 MB links, each one character of visible text. */
function linksPage() {
  const target = `/${'a'.repeat(1024 * 1024)}`;
  const links = Array.from({ length: 20 }, (_, i) => `<a href="${target}?${i}">${i % 10}</a>`).join(' ');
  return `<!doctype html><title>Links</title><p id="q">${links}</p>`;
}

/** A short paragraph on a page of about `mb` MB of other visible text. */
function bigTextPage(mb) {
  const filler = `<p>${'Filler words that nobody selects. '.repeat(1000)}</p>`;
  const count = Math.ceil((mb * 1024 * 1024) / filler.length);
  return `<!doctype html><title>Big text</title><p id="q">The one sentence selected.</p>${filler.repeat(count)}`;
}

describe('what a save takes from a page, and what it does to it', () => {
  /** Requests under /beacon/, by path: the page's and, were it woken, the copies'. */
  const beacons = new Map();
  const generated = {
    '/gen/images-100': () => imagesPage(100, 60),
    '/gen/images-200': () => imagesPage(200, 60),
    '/gen/links': linksPage,
    '/gen/big-text': () => bigTextPage(9),
  };
  const suite = extensionSuite({ build: 'chrome-test' }, {
    serve: () => listen(createServer(async (request, response) => {
      const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
      if (path.startsWith('/beacon/')) {
        beacons.set(path, (beacons.get(path) ?? 0) + 1);
        // Not found, and not to be cached: a copy that loads again asks again.
        response.writeHead(404, { 'cache-control': 'no-store' }).end();
        return;
      }
      if (generated[path]) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(generated[path]());
        return;
      }
      const file = join(FIXTURES, path);
      if (!file.startsWith(FIXTURES)) response.writeHead(403).end();
      else await sendFile(response, file);
    })),
  });

  const hits = () => Object.fromEntries([...beacons].sort());

  /** Opens `path` and waits until its own requests and handlers have settled. */
  async function settled(path) {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}${path}`);
    await page.waitForLoadState('networkidle');
    let last = '';
    await waitFor(async () => {
      const now = JSON.stringify([hits(), await page.evaluate(() => window.woken ?? [])]);
      const same = now === last;
      last = now;
      return same;
    }, { interval: 500, what: 'the page to settle' });
    return page;
  }

  async function selectAll(page, selector) {
    return page.evaluate((selector) => {
      getSelection().selectAllChildren(document.querySelector(selector));
      return getSelection().toString();
    }, selector);
  }

  test('a copy made in the page\'s own document wakes it (so the test below can fail)', async () => {
    const page = await settled('/hostile/wake.html');
    const before = { hits: hits(), woken: await page.evaluate(() => window.woken) };
    assert.ok(before.hits['/beacon/img'] >= 1, JSON.stringify(before.hits));
    await page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('quote'));
      document.createElement('div').append(range.cloneContents());
    });
    await page.waitForTimeout(1000);
    const woken = await page.evaluate(() => window.woken);
    assert.ok(JSON.stringify(hits()) !== JSON.stringify(before.hits) || woken.length > before.woken.length,
      `${JSON.stringify(hits())} ${JSON.stringify(woken)}`);
    await page.close();
  });

  test('saving runs none of the page\'s handlers and requests nothing from its server', async () => {
    const page = await settled('/hostile/wake.html');
    const before = { hits: hits(), woken: await page.evaluate(() => window.woken) };
    // The page's own loads were seen: the recorder works.
    for (const path of ['/beacon/img', '/beacon/srcset', '/beacon/picture-source', '/beacon/video']) {
      assert.ok(before.hits[path] >= 1, `${path}: ${JSON.stringify(before.hits)}`);
    }
    assert.ok(before.woken.includes('img onerror'), JSON.stringify(before.woken));
    await selectAll(page, '#quote');
    // With "Keep images" on, the extension itself reads the bytes of the quote's images
    // from an origin the reader allowed (the test build holds this one): its own request,
    // without the page's cookies or referrer (images.test.mjs). This test is about the
    // capture: it must not make the page load anything, so images are not kept here.
    await suite.worker.evaluate(() => chrome.storage.sync.set({ 'images:keep': false }));
    const result = await saveFromMenu(suite.worker, page).finally(
      () => suite.worker.evaluate(() => chrome.storage.sync.remove('images:keep')));
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false);
    await page.waitForTimeout(1500);
    assert.deepEqual({ hits: hits(), woken: await page.evaluate(() => window.woken) }, before);
    const [quote] = result.note.quotes;
    assert.match(quote.markdown, /^Start of the quote, with a broken image !\[broken\]\(/);
    for (const words of ['A summary', 'Inside the open details.', 'with a background', 'End of the quote.']) {
      assert.ok(quote.markdown.includes(words), `${words}: ${quote.markdown}`);
    }
    await page.close();
  });

  test('text the page\'s styles hide is not saved; what shows is', async () => {
    const page = await settled('/hostile/hidden.html');
    await selectAll(page, '#all');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const [quote] = result.note.quotes;
    const hidden = ['GONE-BY-CLASS', 'GHOST-BY-CLASS', 'SKIPPED-CONTENT', 'UNTIL-FOUND', 'CLOSED-DETAILS', 'CLOSED-PARAGRAPH'];
    for (const word of hidden) {
      assert.ok(!quote.markdown.includes(word), `${word}: ${quote.markdown}`);
      assert.ok(!quote.text.includes(word), `${word}: ${quote.text}`);
    }
    // The deep link's selector holds the page text between the quote's ends as a find in
    // the page reads it: what a find reveals (a closed details, hidden=until-found) is in
    // it, what it cannot reach is not.
    for (const word of hidden.slice(0, 3)) {
      assert.ok(!JSON.stringify(result.note).includes(word), `${word}: ${JSON.stringify(quote.selector)}`);
    }
    assert.equal(quote.text, 'Seen first. and a child that shows.\nA closed summary\nA paragraph without a box of its own.\nA paragraph at opacity zero.\nSeen last.');
    for (const shown of ['Seen first.', 'and a child that shows', 'A closed summary',
      'A paragraph without a box of its own.', 'A paragraph at opacity zero.', 'Seen last.']) {
      assert.ok(quote.markdown.includes(shown), `${shown}: ${quote.markdown}`);
    }
    await page.close();
  });

  async function refused(path, pattern) {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}${path}`);
    await selectAll(page, '#q');
    const tab = await tabOf(suite.worker, page);
    const before = await storage(suite.worker);
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, false, 'refused');
    assert.equal(result.kept, false);
    assert.match(result.reason, pattern);
    const shown = await badge(suite.worker, tab.id);
    assert.equal(shown.text, '!');
    assert.ok(shown.title.includes(result.reason), shown.title);
    const after = await storage(suite.worker);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort(), 'nothing stored, nothing left behind');
    await page.close();
  }

  test('a hundred 60 KB inline images behind twenty characters: the quote is refused as over 2 MB', async () => {
    await refused('/gen/images-100',
      /^the quote would take 5\.\d MB; Quotebook stores at most 2\.0 MB in one quote .*Select less and save it in parts$/);
  });

  test('two hundred of them: the capture refuses to send 12 MB', async () => {
    await refused('/gen/images-200',
      /^the capture holds 11\.\d MB \(the selection's HTML and text, the page's text and metadata\); Quotebook takes at most 8\.0 MB in one save/);
  });

  test('twenty 1 MB links: saved as their text, without their addresses', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/gen/links`);
    await selectAll(page, '#q');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const [quote] = result.note.quotes;
    assert.equal(quote.markdown, '0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9');
    const all = await storage(suite.worker);
    assert.ok(JSON.stringify(all[`note:${page.url()}`]).length < 10_000);
    assert.deepEqual(pendingKeys(all), []);
    await page.close();
  });

  test('a sentence of a page with 9 MB of text: saved, without the page text (no deep link)', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/gen/big-text`);
    await selectAll(page, '#q');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const [quote] = result.note.quotes;
    assert.equal(quote.markdown, 'The one sentence selected.');
    assert.equal(quote.fragment ?? null, null);
    assert.equal(quote.selector ?? null, null);
    assert.ok(JSON.stringify(result.note).length < 10_000);
    await page.close();
  });

  test('a save storage keeps refusing is tried five times, then listed in the popup to try again', async () => {
    const worker = suite.worker;
    // In the running worker only (nothing of it ships): the note of the `?refused` page is
    // refused by storage, as a full disk would; every refusal is counted.
    await worker.evaluate(() => {
      const area = chrome.storage.local;
      area.realSet ??= area.set;
      globalThis.refusals = 0;
      area.set = function set(items, ...rest) {
        if (Object.keys(items).some((k) => k.startsWith('note:') && k.includes('?refused'))) {
          globalThis.refusals += 1;
          return Promise.reject(new Error('Resource::kQuotaBytes quota exceeded'));
        }
        return area.realSet.call(this, items, ...rest);
      };
    });
    try {
      const refusedPage = await suite.context.newPage();
      await refusedPage.goto(`${suite.origin}/pages/article.html?refused`);
      await selectAll(refusedPage, '#p1');
      const first = await saveFromMenu(worker, refusedPage);
      assert.equal(first.kept, true, first.reason);
      const other = await suite.context.newPage();
      await other.goto(`${suite.origin}/pages/article.html?other`);
      await selectAll(other, '#p2');
      const tab = await tabOf(worker, refusedPage);
      // Each later save tries the kept one again: four more times, then no more.
      for (let save = 1; save <= 6; save += 1) {
        const result = await saveFromMenu(worker, other);
        assert.equal(result.ok, true, result.reason);
        assert.equal(await worker.evaluate(() => globalThis.refusals), Math.min(1 + save, 5), `save ${save}`);
      }
      assert.match((await badge(worker, tab.id)).title, /stopped trying by itself; open its popup to try again/);
      // The popup lists it, with a button to try again.
      const popup = await suite.context.newPage();
      await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
      const item = popup.locator('#save-failed-list li');
      await item.waitFor();
      assert.equal(await item.count(), 1);
      assert.match(await item.locator('span').textContent(), /^From “Field notes on keeping quotes”: the browser refused to store the note .*quota exceeded/);
      assert.equal(await popup.locator('#save-kept').isVisible(), false, 'not counted as kept any more');
      await worker.evaluate(() => { chrome.storage.local.set = chrome.storage.local.realSet; });
      await item.locator('button.retry').click();
      await popup.locator('#save-failed').waitFor({ state: 'hidden' });
      const all = await storage(worker);
      const note = all[`note:${suite.origin}/pages/article.html?refused`];
      assert.equal(note?.quotes.length, 1);
      assert.deepEqual(pendingKeys(all), []);
      await Promise.all([popup.close(), other.close(), refusedPage.close()]);
    } finally {
      await worker.evaluate(() => {
        if (chrome.storage.local.realSet) chrome.storage.local.set = chrome.storage.local.realSet;
      });
    }
  });
});
