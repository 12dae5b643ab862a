// Highlights that come back, and the card beside a quote (issue 15), in headless Chromium
// with the test build (host permission for the test server stands in for the reader's
// gesture). The path through the real menu, as a user would, is in headful.test.mjs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dragSelect, extensionSuite, saveFromMenu, storage, tabOf, waitFor } from './lib.mjs';

/** The card's frame in `page`, once it has drawn itself. */
export async function cardFrame(page, what = 'the card') {
  return waitFor(async () => {
    const frame = page.frames().find((f) => f.url().includes('/card/card.html'));
    if (!frame) return false;
    const ready = await frame.evaluate(() => document.body?.dataset.ready === 'true').catch(() => false);
    return ready && frame;
  }, { what });
}

/** Whether `page` shows no card (its frame gone). */
export async function cardClosed(page) {
  return waitFor(() => !page.frames().some((f) => f.url().includes('/card/card.html')), { what: 'the card closed' });
}

/**
 * The text of every range the page's highlights hold, read in the page's own world (what
 * its scripts can see too), sorted.
 */
export async function highlightedTexts(page) {
  return page.evaluate(() => {
    const texts = [];
    for (const [, highlight] of CSS.highlights) for (const range of highlight) texts.push(range.toString());
    return texts.sort();
  });
}

/** The names the page's highlights are registered under. */
export async function highlightNames(page) {
  return page.evaluate(() => [...CSS.highlights.keys()]);
}

describe('the card and highlights, headless', () => {
  const suite = extensionSuite();
  const notes = async () => Object.fromEntries(Object.entries(await storage(suite.worker)).filter(([k]) => k.startsWith('note:')));

  async function freshPage(path = '/pages/article.html') {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}${path}`);
    return page;
  }

  async function clear() {
    await suite.worker.evaluate(() => chrome.storage.local.clear());
  }

  test('after a save the card says where the quote went; typed, a comment is saved, unseen by the page; Esc closes', async () => {
    await clear();
    const page = await freshPage();
    // A page that listens to every key, before anything else sees it.
    await page.evaluate(() => {
      window.seenKeys = [];
      window.addEventListener('keydown', (e) => window.seenKeys.push(e.key), true);
      document.addEventListener('keydown', (e) => window.seenKeys.push(e.key), true);
    });
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const card = await cardFrame(page);
    assert.equal(await card.locator('h1').innerText(), 'Saved to Field notes on keeping quotes');
    // The keyboard starts in the card, on "Add comment".
    assert.equal(await card.evaluate(() => document.activeElement?.id), 'card-add-comment');
    await page.keyboard.press('Enter');
    await waitFor(() => card.evaluate(() => document.activeElement?.id === 'card-comment'), { what: 'the comment field focused' });
    await page.keyboard.type('Kept for the talk.');
    const key = `note:${suite.origin}/pages/article.html`;
    const saved = await waitFor(async () => {
      const quote = (await notes())[key]?.quotes[0];
      return quote?.comment === 'Kept for the talk.' && quote;
    }, { what: 'the comment stored' });
    assert.equal(saved.id, result.note.quotes[0].id);
    await page.keyboard.press('Escape');
    await cardClosed(page);
    assert.deepEqual(await page.evaluate(() => window.seenKeys), [], 'the page saw keys typed in the card');
    // The frame hangs under a closed shadow root: the page finds no frame, and no root.
    assert.deepEqual(await page.evaluate(() => document.querySelectorAll('iframe').length), 0);
    await page.close();
  });

  test('the page cannot reach the card: a closed shadow root, styles that do not apply', async () => {
    await clear();
    const page = await freshPage();
    // Rules aimed at anything the extension could add beside <head> and <body>.
    await page.addStyleTag({ content: 'html > :not(head):not(body) { display: none !important; width: 1px !important; } iframe { display: none !important; }' });
    await page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('p2'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    const tab = await tabOf(suite.worker, page);
    const result = await suite.worker.evaluate(([tab]) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, selectionText: 'x' }, tab), [tab]);
    assert.equal(result.ok, true, result.reason);
    const card = await cardFrame(page);
    const hosts = await page.evaluate(() => [...document.documentElement.children]
      .filter((e) => e.tagName.includes('-'))
      .map((e) => ({ open: e.shadowRoot !== null, shown: e.checkVisibility(), width: e.getBoundingClientRect().width })));
    assert.equal(hosts.length, 1);
    assert.deepEqual(hosts[0], { open: false, shown: true, width: 340 });
    const box = await card.evaluate(() => document.getElementById('card').getBoundingClientRect().width);
    assert.ok(box > 300, `the card is ${box} px wide`);
    await page.close();
  });

  test('Undo on the card takes back the save; its own Undo brings the quote back', async () => {
    await clear();
    const page = await freshPage();
    await dragSelect(page, '#p2', 'A second', 'note.');
    const result = await saveFromMenu(suite.worker, page);
    const key = `note:${suite.origin}/pages/article.html`;
    const card = await cardFrame(page);
    await card.locator('#card-undo-save').click();
    await waitFor(async () => (await notes())[key]?.quotes.length === 0, { what: 'the quote removed' });
    assert.equal(await card.locator('#card-deleted-text').innerText(), 'Save undone: the quote is removed.');
    await card.locator('#card-undo-delete').click();
    const back = await waitFor(async () => (await notes())[key]?.quotes[0], { what: 'the quote back' });
    assert.equal(back.id, result.note.quotes[0].id);
    await page.close();
  });

  test('a save that fails is explained in words on the page, not only in a tooltip', async () => {
    await clear();
    const page = await freshPage();
    await page.evaluate(() => getSelection().removeAllRanges());
    const tab = await tabOf(suite.worker, page);
    const result = await suite.worker.evaluate(([tab]) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, selectionText: '' }, tab), [tab]);
    assert.equal(result.ok, false);
    const card = await cardFrame(page, 'the failure card');
    assert.match(await card.locator('h1').innerText(), /^Not saved/);
    assert.match(await card.locator('#card-error').innerText(), /select some text/i);
    assert.equal(await card.evaluate(() => document.activeElement?.id), 'card-close');
    await page.keyboard.press('Escape');
    await cardClosed(page);
    await page.close();
  });

  test('no web page may frame any other page of the extension, nor the card at its fixed address', async () => {
    const page = await freshPage();
    const denied = [];
    page.on('console', (m) => { if (/Denying load/.test(m.text())) denied.push(m.text()); });
    // The card is web-accessible at the session's dynamic address only: a page cannot
    // probe the fixed one to learn that Quotebook is installed.
    const dynamic = await suite.worker.evaluate(() => chrome.runtime.getURL('card/card.html'));
    assert.ok(!dynamic.startsWith(`chrome-extension://${suite.id}/`), dynamic);
    for (const path of ['options/options.html', 'popup/popup.html', 'card/card.html']) {
      await page.evaluate((src) => {
        const frame = document.createElement('iframe');
        frame.src = src;
        document.body.append(frame);
      }, `chrome-extension://${suite.id}/${path}`);
    }
    await waitFor(() => denied.length === 3, { what: 'the three loads denied' });
    assert.equal(page.frames().some((f) => /options|popup|card/.test(f.url())), false);
    await page.close();
  });

  test('private windows: nothing is shown', async () => {
    const page = await freshPage();
    const tab = await tabOf(suite.worker, page);
    const shown = await suite.worker.evaluate(([tab]) => globalThis.showHighlights({ ...tab, incognito: true }, { card: { status: 'saved', id: 'x' } }), [tab]);
    assert.deepEqual(shown, { shown: false, reason: 'private_window', anchors: [] });
    assert.equal(page.frames().length, 1);
    await page.close();
  });
});

/** axe-core's violations in `frame` (its source evaluated there), as `id: targets` lines. */
export async function axeViolations(frame) {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { ROOT } = await import('./lib.mjs');
  const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await frame.evaluate(source);
  const results = await frame.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the card is accessible', () => {
  const suite = extensionSuite();

  test('axe-core finds no violation in the card, after a save, opened on a quote, and after a failure', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html`);
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    const result = await saveFromMenu(suite.worker, page);
    let card = await cardFrame(page);
    assert.deepEqual(await axeViolations(card), [], 'after a save');
    await card.locator('#card-add-comment').click();
    assert.deepEqual(await axeViolations(card), [], 'with its fields shown');
    const tab = await tabOf(suite.worker, page);
    await page.evaluate(() => getSelection().removeAllRanges());
    await suite.worker.evaluate(([tab]) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, selectionText: '' }, tab), [tab]);
    await waitFor(async () => (await cardFrame(page)).locator('#card-error').isVisible(), { what: 'the failure card' });
    card = await cardFrame(page);
    assert.deepEqual(await axeViolations(card), [], 'after a failure');
    assert.ok(result.ok);
    await page.close();
  });
});
