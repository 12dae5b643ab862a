// Highlights that follow the page (issue 15): text that arrives after load, a single-page
// app moving between addresses with history.pushState, a same-origin frame, and a page
// that never stops changing (the re-anchoring is bounded). Headless Chromium with the test
// build; the reader's gesture is `showPageHighlights`, what the popup and shortcut call.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extensionSuite, saveFromMenu, storage, tabOf, waitFor } from './lib.mjs';

/** The text of every range the highlights of `frame` hold, in its own world, sorted. */
const painted = (frame) => frame.evaluate(() => {
  const texts = [];
  for (const [, highlight] of CSS.highlights) for (const range of highlight) texts.push(range.toString());
  return texts.sort();
});

/** Waits until `frame`'s highlights are exactly `expected`. */
const paintedBecomes = (frame, expected, what) => waitFor(async () => {
  const now = await painted(frame);
  return JSON.stringify(now) === JSON.stringify(expected) && now;
}, { what });

/** Selects the whole text of `selector` in `frame`. */
const selectAll = (frame, selector) => frame.evaluate((selector) => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector(selector));
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  return getSelection().toString();
}, selector);

describe('highlights follow the page', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  const show = async (page) => {
    const tab = await tabOf(suite.worker, page);
    return suite.worker.evaluate((tab) => globalThis.showPageHighlights(tab), tab);
  };
  const reset = () => suite.worker.evaluate(() => chrome.storage.local.clear());

  /** Counts, in the worker, the anchor requests highlight.js sends from each URL. */
  const countAnchorRequests = () => suite.worker.evaluate(() => {
    globalThis.anchorRequests = {};
    chrome.runtime.onMessage.addListener((message) => {
      if (message?.type === 'quotebook-anchor') {
        globalThis.anchorRequests[message.url] = (globalThis.anchorRequests[message.url] ?? 0) + 1;
      }
      return false;
    });
  });
  const anchorRequests = (url) => suite.worker.evaluate((url) => globalThis.anchorRequests[url] ?? 0, url);

  test('a passage the page inserts a second after load is painted once it arrives, though a counter ticks on', async () => {
    await reset();
    const url = `${suite.origin}/pages/late.html`;
    const first = await suite.context.newPage();
    await first.goto(url);
    await first.waitForSelector('#late');
    assert.equal(await selectAll(first, '#late'), 'This passage arrives a second after the page has loaded.');
    assert.equal((await saveFromMenu(suite.worker, first)).ok, true);
    await first.close();

    const page = await suite.context.newPage();
    // The same note (a fragment is not part of its address); the page holds the passage
    // back until told, so that the reader asks before it arrives, however slow the machine.
    await page.goto(`${url}#hold`);
    const shown = await show(page);
    assert.equal(shown.shown, true, shown.reason);
    // Asked before the passage arrived: not found yet, and nothing painted.
    assert.equal(await page.locator('#late').count(), 0);
    assert.deepEqual(shown.anchors.map((a) => a.status), ['orphan']);
    await page.evaluate(() => /** @type {any} */ (window).renderLate());
    await paintedBecomes(page, ['This passage arrives a second after the page has loaded.'], 'the late passage painted');
    await page.close();
  });

  test('a single-page app: each address shows its own note\'s quotes; a new address clears the old ones', async () => {
    await reset();
    const first = 'The first view speaks of rivers that carve their own valleys.';
    const second = 'The second view speaks of mountains that hold back the weather.';
    // A quote saved on each of the first two addresses, as the reader would, moving through the app.
    const saving = await suite.context.newPage();
    await saving.goto(`${suite.origin}/pages/spa.html`);
    assert.equal(await selectAll(saving, '#view'), first);
    assert.equal((await saveFromMenu(suite.worker, saving)).ok, true);
    await saving.evaluate(() => globalThis.go('/pages/spa-two.html'));
    assert.equal(await selectAll(saving, '#view'), second);
    assert.equal((await saveFromMenu(suite.worker, saving)).ok, true);
    await saving.close();
    const keys = Object.keys(await storage(suite.worker)).filter((k) => k.startsWith('note:')).sort();
    assert.deepEqual(keys, [`note:${suite.origin}/pages/spa-two.html`, `note:${suite.origin}/pages/spa.html`]);

    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/spa.html`);
    assert.equal((await show(page)).shown, true);
    await paintedBecomes(page, [first], 'the first view\'s quote');
    await page.evaluate(() => globalThis.go('/pages/spa-two.html'));
    await paintedBecomes(page, [second], 'the second address\'s quote, the first one\'s gone');
    // Back (popstate): the first address's note again.
    await page.goBack();
    assert.equal(page.url(), `${suite.origin}/pages/spa.html`);
    await paintedBecomes(page, [first], 'the first quote back');
    // An address with no note, though its text repeats a quoted passage: the note is per
    // address, so nothing is painted.
    await page.evaluate(() => globalThis.go('/pages/spa-three.html'));
    assert.equal(await page.locator('#view').innerText(), first);
    await paintedBecomes(page, [], 'nothing on an address with no note');
    await page.close();
  });

  test('a quote saved in a same-origin frame is painted in that frame, and not listed as not found', async () => {
    await reset();
    const topUrl = `${suite.origin}/pages/frame-top.html`;
    const innerUrl = `${suite.origin}/pages/frame-inner.html`;
    const inner = 'Inside the frame lives the passage a reader chose to keep.';
    const saving = await suite.context.newPage();
    await saving.goto(topUrl);
    const frameOf = async (page) => waitFor(() => page.frames().find((f) => f.url() === innerUrl), { what: 'the frame' });
    const tab = await tabOf(suite.worker, saving);
    // The frame's id, as the menu's click would give it.
    const frameId = await suite.worker.evaluate(async ([tabId, innerUrl]) => {
      const results = await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, func: () => location.href });
      return results.find((r) => r.result === innerUrl)?.frameId;
    }, [tab.id, innerUrl]);
    assert.ok(frameId > 0, `the frame's id: ${frameId}`);
    const selectionText = await selectAll(await frameOf(saving), '#inner');
    const saved = await suite.worker.evaluate(([info, tab]) => globalThis.saveQuote(info, tab), [
      { menuItemId: 'save-quote', editable: false, frameId, pageUrl: topUrl, frameUrl: innerUrl, selectionText }, tab,
    ]);
    assert.equal(saved.ok, true, saved.reason);
    await saving.close();
    assert.deepEqual(Object.keys(await storage(suite.worker)).filter((k) => k.startsWith('note:')), [`note:${innerUrl}`]);

    // Only the frame's page has a note: asked on the tab, the frame is painted.
    const page = await suite.context.newPage();
    await page.goto(topUrl);
    const shown = await show(page);
    assert.equal(shown.shown, true, shown.reason);
    await paintedBecomes(await frameOf(page), [inner], 'the frame\'s quote painted');
    assert.deepEqual(await painted(page), []);

    // The outer page gets a note too, then the popup opens: both painted, none listed missing.
    await selectAll(page, '#top');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    await page.reload();
    await page.bringToFront();
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    await popup.waitForSelector('body[data-highlights]');
    assert.equal(await popup.evaluate(() => document.body.dataset.highlights), 'shown');
    await paintedBecomes(page, ['The outer page introduces the framed article below it.'], 'the outer quote');
    await paintedBecomes(await frameOf(page), [inner], 'the frame\'s quote, from the popup');
    assert.equal(await popup.locator('#not-found-list li').count(), 0);
    assert.equal(await popup.locator('#not-found').isVisible(), false);
    await popup.close();
    await page.close();
  });

  test('a page that never stops changing is anchored again at most 20 times', async () => {
    await reset();
    const url = `${suite.origin}/pages/churn.html`;
    const saving = await suite.context.newPage();
    await saving.goto(url);
    await selectAll(saving, '#p1');
    assert.equal((await saveFromMenu(suite.worker, saving)).ok, true);
    await saving.close();

    await countAnchorRequests();
    const page = await suite.context.newPage();
    await page.goto(url);
    assert.equal((await show(page)).shown, true);
    await paintedBecomes(page, ['This page keeps rewriting a line of its own, forever.'], 'the quote');
    // The first anchoring, then one per quiet moment after a change, up to the bound.
    await waitFor(async () => (await anchorRequests(url)) >= 21, { what: 'the bound reached', timeout: 60_000 });
    const version = await page.locator('#busy').innerText();
    await page.waitForTimeout(3000);
    assert.notEqual(await page.locator('#busy').innerText(), version, 'the page kept changing');
    assert.equal(await anchorRequests(url), 21);
    // Still painted: the page's own changes left the quoted paragraph alone.
    assert.deepEqual(await painted(page), ['This page keeps rewriting a line of its own, forever.']);
    // The bound is per address: moved to another one (no note there), the page is looked at
    // again and the old address's highlights go.
    const other = `${suite.origin}/pages/churn-two.html`;
    await page.evaluate((other) => history.pushState(null, '', other), other);
    await paintedBecomes(page, [], 'the old highlights gone at the new address');
    assert.ok(await anchorRequests(other) >= 1);
    await page.close();
  });
});
