// A save that fails is told in words where the reader looks, not only in the badge's
// tooltip: on the page (the card, or where it cannot show, a notice in a closed shadow
// root, gone after a while) where a script of ours may run; where none may (a browser page), in a notification; and either
// way in the popup, until a save succeeds. Also: the welcome page opens on install.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { dragSelect, extensionSuite, saveFromMenu, tabOf, waitFor } from './lib.mjs';
import { cardClosed, cardFrame } from './highlight-lib.mjs';

/** Every text in `page`'s DOM, closed shadow roots included (CDP pierces them). */
async function piercedText(context, page) {
  const session = await context.newCDPSession(page);
  try {
    const { root } = await session.send('DOM.getDocument', { depth: -1, pierce: true });
    const texts = [];
    const walk = (node) => {
      if (node.nodeType === 3) texts.push(node.nodeValue);
      for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) walk(child);
    };
    walk(root);
    return texts.join('\n');
  } finally {
    await session.detach();
  }
}

const session = (worker) => worker.evaluate(() => chrome.storage.session.get('save:lastFailure'));

describe('failed saves, in words', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  let page;

  before(async () => {
    page = await suite.context.newPage();
  });

  test('the welcome page opens on install', async () => {
    const url = `chrome-extension://${suite.id}/welcome/welcome.html`;
    const welcome = await waitFor(() => suite.context.pages().find((p) => p.url() === url),
      { what: 'the welcome page' });
    await welcome.locator('#command:not(:empty)').waitFor();
    assert.match(await welcome.locator('#command').textContent(),
      new RegExp(`^quotebook install-host --browser chromium --folder ~/Notes/Quotebook --extension-id ${suite.id} --dev$`));
    await welcome.close();
  });

  test('on a page: the card says why, and the popup keeps the reason', async () => {
    await page.goto(`${suite.origin}/pages/article.html`);
    await page.bringToFront();
    await page.evaluate(() => getSelection().removeAllRanges());
    const outcome = await saveFromMenu(suite.worker, page);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason, /select some text first/);
    const card = await cardFrame(page, 'the failure card');
    assert.match(await card.locator('#card-error').innerText(), /select some text/i);
    // One message, not two: no notice beside the card, no notification.
    assert.equal(await page.evaluate(() => document.querySelector('quotebook-notice')), null);
    assert.deepEqual(Object.keys(await suite.worker.evaluate(() => chrome.notifications.getAll())), []);
    const last = (await session(suite.worker))['save:lastFailure'];
    assert.match(last.reason, /select some text first/);
    assert.equal(last.url, page.url());
    await page.keyboard.press('Escape');
    await cardClosed(page);
  });

  test('where no card can show: a notice in a closed shadow root, that goes away by itself', async () => {
    await page.goto(`${suite.origin}/pages/article.html`);
    await page.bringToFront();
    const where = await suite.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return globalThis.tellFailure(tab, 'Quotebook: could not save the quote: select some text first.');
    });
    assert.equal(where, 'page');
    // The page sees our element, not what is inside it.
    assert.deepEqual(await page.evaluate(() => {
      const host = document.querySelector('quotebook-notice');
      return host && { shadow: host.shadowRoot, text: host.textContent };
    }), { shadow: null, text: '' });
    const text = await piercedText(suite.context, page);
    assert.match(text, /Quotebook: could not save the quote: select some text first/);
    // Nothing to click, and gone after a while.
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('quotebook-notice')).pointerEvents), 'none');
    await waitFor(() => page.evaluate(() => !document.querySelector('quotebook-notice')),
      { what: 'the notice to go', timeout: 15_000 });
    assert.deepEqual(Object.keys(await suite.worker.evaluate(() => chrome.notifications.getAll())), []);
  });

  test('page text in the reason stays text', async () => {
    // An over-long selection's reason quotes numbers only; a page can still not inject
    // markup through the notice: its text is set as text.
    await page.goto(`${suite.origin}/pages/article.html`);
    await page.bringToFront();
    const where = await suite.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return globalThis.tellFailure(tab, '<img src=x onerror="document.title=1">');
    });
    assert.equal(where, 'page');
    const markup = await page.evaluate(() => document.querySelectorAll('img[src="x"]').length);
    assert.equal(markup, 0);
    assert.match(await piercedText(suite.context, page), /<img src=x onerror/);
  });

  test('on a browser page: a notification, and the popup says why', async () => {
    const browserPage = await suite.context.newPage();
    await browserPage.goto('chrome://version/');
    const tab = await tabOf(suite.worker, browserPage);
    const outcome = await suite.worker.evaluate(
      (tab) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, pageUrl: 'chrome://version/', selectionText: '' }, tab),
      tab,
    );
    assert.equal(outcome.ok, false);
    const ids = await waitFor(async () => {
      const all = Object.keys(await suite.worker.evaluate(() => chrome.notifications.getAll()));
      return all.length > 0 && all;
    }, { what: 'a notification' });
    assert.equal(ids.length, 1);
    assert.match(ids[0], /^quotebook-failed-/);
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    const line = popup.locator('#save-last-failure');
    await line.waitFor();
    assert.match(await line.textContent(), /Your last quote was not saved \(.+\): Quotebook: could not save the quote: select some text first/);
    await popup.close();
    await browserPage.close();
  });

  test('a save that succeeds clears the popup\'s last failure', async () => {
    await page.goto(`${suite.origin}/pages/article.html`);
    await page.bringToFront();
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    assert.deepEqual(await session(suite.worker), {});
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    await popup.waitForSelector('article.note', { state: 'attached' });
    assert.equal(await popup.locator('#save-last-failure').isHidden(), true);
    await popup.close();
  });
});
