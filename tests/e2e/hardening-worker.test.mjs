// Nothing lost when the service worker is stopped in the middle of a save, or when storage
// refuses writes (headless Chromium, test build). Either the quote ends up stored whole, or
// the reader is told on the badge that it was not; never a half-written note.
//
// The failures are made by the test itself, in the running worker (nothing of it ships):
// `storage.local.set` of a note waits a minute (so the worker can be stopped, with CDP
// `ServiceWorker.stopAllWorkers`, while the write is due), `scripting.executeScript` never
// answers (stopped before the page's selection was read), or every `storage.local.set`
// fails with the quota error. Stopping the worker removes the hook with it.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  dragSelect, extensionSuite, menuInfo, noteMarkdown, pendingKeys, waitFor, workerAccess,
} from './lib.mjs';

describe('a save interrupted, or refused by storage', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  let worker;
  let page;
  let pageUrl;
  let key;

  before(async () => {
    worker = await workerAccess(suite.browser);
    page = await suite.context.newPage();
    pageUrl = `${suite.origin}/pages/article.html`;
    key = `note:${pageUrl}`;
    await page.goto(pageUrl);
  });

  const run = (fn, ...args) => worker.run(fn, ...args);
  const local = () => worker.local();
  const session = () => run(() => chrome.storage.session.get(null));
  const tab = () => worker.tabFor(page.url());
  const badge = (tabId) => worker.badge(tabId);

  /** Starts a save from the menu without waiting for it (the worker may die meanwhile). */
  async function startSave(info) {
    const t = await tab();
    await run((info, t) => {
      globalThis.lastSave = globalThis.saveQuote(info, t);
    }, info, t);
    return t;
  }

  /** Stops the worker (CDP `ServiceWorker.stopAllWorkers`), then starts it again, as the
   * browser does for the next event. */
  const restart = () => worker.restart(page);

  /** The test's hooks, in the running worker. */
  const hook = (mode) => run((mode) => {
    const areas = new Set([globalThis.chrome?.storage?.local, globalThis.browser?.storage?.local].filter(Boolean));
    for (const area of areas) {
      area.realSet ??= area.set;
      const real = area.realSet;
      area.set = mode === 'off' ? real : function set(items, ...rest) {
        const note = Object.keys(items).some((k) => k.startsWith('note:'));
        if (mode === 'slow' && note) {
          return new Promise((resolve) => setTimeout(resolve, 60_000)).then(() => real.call(this, items, ...rest));
        }
        if (mode === 'full') return Promise.reject(new Error('Resource::kQuotaBytes quota exceeded'));
        if (mode === 'record') globalThis.localWrites.push(JSON.stringify(items));
        return real.call(this, items, ...rest);
      };
    }
    globalThis.localWrites = [];
    const scripting = globalThis.chrome.scripting;
    scripting.realExecute ??= scripting.executeScript;
    scripting.executeScript = mode === 'no-capture' ? () => new Promise(() => {}) : scripting.realExecute;
    return areas.size;
  }, mode);

  /** Every stored note is whole: today's schema, and renders as a Markdown file. */
  async function assertWhole(all) {
    for (const [k, note] of Object.entries(all)) {
      if (!k.startsWith('note:')) continue;
      assert.equal(note.schema, 3, k);
      assert.ok(Array.isArray(note.quotes) && note.quotes.length > 0, k);
      const markdown = await noteMarkdown(note);
      for (const q of note.quotes) assert.ok(markdown.includes(q.markdown.split('\n')[0]), `${k}: ${q.markdown}`);
    }
  }

  test('the test hooks take hold in the worker (so the tests below can fail)', async () => {
    assert.ok(await hook('full') >= 1);
    await assert.rejects(run(() => chrome.storage.local.set({ 'note:x': 1 })), /quota/);
    await hook('off');
    await run(() => chrome.storage.local.set({ 'hook-check': 1 }));
    assert.equal((await local())['hook-check'], 1);
    await run(() => chrome.storage.local.remove('hook-check'));
  });

  test('stopped while the note is written: the next start stores the quote whole and says so', async () => {
    await dragSelect(page, '#p2', 'A second', 'note.');
    const info = await menuInfo(page);
    await hook('slow');
    const t = await startSave(info);
    // The save recorded its whole request before waiting for the write.
    await waitFor(async () => pendingKeys(await local()).length === 1 && Object.values(await local()).some((v) => v?.request),
      { what: 'the pending record' });
    await restart();
    const all = await waitFor(async () => {
      const all = await local();
      return all[key] && pendingKeys(all).length === 0 ? all : null;
    }, { what: 'the save to be completed after the restart' });
    assert.deepEqual(all[key].quotes.map((q) => q.markdown), ['A second passage from the same page joins the first note.']);
    await assertWhole(all);
    const shown = await badge(t.id);
    assert.equal(shown.text, '1');
    assert.match(shown.title, /saved a quote that an interruption had held up; 1 quote/);
  });

  test('stopped before the page was read: the menu\'s text is saved as plain text', async () => {
    await dragSelect(page, '#step8', 'Eighth', 'warm.');
    const info = await menuInfo(page);
    await hook('no-capture');
    await startSave(info);
    await waitFor(async () => pendingKeys(await local()).length === 1, { what: 'the pending record' });
    await restart();
    const all = await waitFor(async () => {
      const all = await local();
      return all[key]?.quotes.length === 2 && pendingKeys(all).length === 0 ? all : null;
    }, { what: 'the plain-text save after the restart' });
    assert.equal(all[key].quotes[1].text, 'Eighth step: serve it warm.');
    await assertWhole(all);
  });

  test('stopped before the page was read, with no text to fall back on: the reader is told', async () => {
    const before = await local();
    await hook('no-capture');
    // The keyboard shortcut's event carries no selection text.
    const t = await startSave({ menuItemId: 'save-quote' });
    await waitFor(async () => pendingKeys(await local()).length === 1, { what: 'the pending record' });
    await restart();
    await waitFor(async () => pendingKeys(await local()).length === 0, { what: 'the record to be dealt with' });
    const shown = await waitFor(async () => {
      const b = await badge(t.id);
      return b.text === '!' ? b : null;
    }, { what: 'the badge' });
    assert.match(shown.title, /a quote was not saved .*save it again/);
    assert.deepEqual(await local(), before);
  });

  test('a save from a private window writes nothing of the page to disk, even while under way', async () => {
    await hook('record');
    const before = await local();
    const secret = 'A secret read in a private window.';
    const result = await run((info, tab) => globalThis.saveQuote(info, tab),
      { menuItemId: 'save-quote', selectionText: secret, pageUrl: `${suite.origin}/pages/plain.html?private` },
      { id: -1, incognito: true, title: 'Private' });
    assert.equal(result.ok, false);
    assert.match(result.reason, /private/i);
    const writes = await run(() => globalThis.localWrites);
    assert.ok(!writes.some((w) => w.includes(secret) || w.includes('pending:')), writes.join('\n'));
    assert.deepEqual(await local(), before);
    assert.deepEqual(pendingKeys(await session()), []);
    await hook('off');
    // The same save from a normal window does record itself in storage.local first.
    await hook('record');
    const normal = await run((info) => globalThis.saveQuote(info, undefined),
      { menuItemId: 'save-quote', selectionText: secret, pageUrl: `${suite.origin}/pages/plain.html?normal` });
    assert.equal(normal.ok, true, normal.reason);
    const normalWrites = await run(() => globalThis.localWrites);
    assert.ok(normalWrites.some((w) => w.includes('pending:') && w.includes(secret)), normalWrites.join('\n'));
    await hook('off');
  });

  test('stopped at any moment of a save: the quote is stored whole, or the reader is told', async (t) => {
    const outcomes = [];
    const words = [['Quotes are', 'intact.'], ['A second', 'note.'], ['Seventh', 'pot.']];
    for (const [i, delay] of [0, 5, 20, 60, 150, 400].entries()) {
      // A fresh page each time, so each save is a quote of its own.
      const url = `${suite.origin}/pages/article.html?round=${i}`;
      await page.goto(url);
      const [from, to] = words[i % words.length];
      const selector = ['#p1', '#p2', '#steps'][i % words.length];
      await dragSelect(page, selector, from, to);
      const info = await menuInfo(page);
      const t = await startSave(info);
      await new Promise((r) => setTimeout(r, delay));
      await restart();
      const outcome = await waitFor(async () => {
        const all = await local();
        if (pendingKeys(all).length || pendingKeys(await session()).length) return null;
        const note = all[`note:${url}`];
        if (note) {
          const b = await badge(t.id);
          return /interruption/.test(b.title) ? { resumed: note } : { stored: note };
        }
        const b = await badge(t.id);
        if (b.text === '!') return { told: b.title };
        // Stopped before anything was recorded: the save never started, nothing to tell.
        return { nothing: true };
      }, { what: `the outcome of round ${i}` });
      outcomes.push(`${delay} ms: ${Object.keys(outcome)[0]}`);
      const note = outcome.stored ?? outcome.resumed;
      if (note) {
        assert.equal(note.quotes.length, 1, `round ${i}`);
        assert.equal(note.quotes[0].text.replace(/\s+/g, ' '), info.selectionText.replace(/\s+/g, ' '));
      }
      await assertWhole(await local());
    }
    t.diagnostic(`outcomes: ${outcomes.join(', ')}`);
    await page.goto(pageUrl);
  });

  test('storage refusing writes: the reader is told, notes untouched, the quote kept and saved later', async () => {
    const before = await local();
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    const info = await menuInfo(page);
    const t = await tab();
    await hook('full');
    const result = await run((info, t) => globalThis.saveQuote(info, t), info, t);
    assert.equal(result.ok, false);
    assert.equal(result.kept, true);
    assert.match(result.reason, /refused to store the note .*quota exceeded/);
    const shown = await badge(t.id);
    assert.equal(shown.text, '!');
    assert.match(shown.title, /could not save the quote: .*quota exceeded.*It is kept.*your other notes are untouched/);
    // Not a byte of storage.local changed; the quote waits in the session area.
    assert.deepEqual(await local(), before);
    const kept = await session();
    assert.equal(pendingKeys(kept).filter((k) => k !== 'pending:retry').length, 1);
    // The popup says so too, for as long as it is true.
    const keptLine = async () => {
      const popup = await suite.context.newPage();
      await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
      await popup.waitForSelector('#notes li, #notes article, #empty:not([hidden])');
      await popup.waitForTimeout(200);
      const line = popup.locator('#save-kept');
      const shown = (await line.isVisible()) ? await line.textContent() : null;
      await popup.close();
      return shown;
    };
    assert.match(await keptLine() ?? '', /^1 quote is not saved yet: the browser's storage refused it/);

    // Storage works again: the next save stores both.
    await hook('off');
    await dragSelect(page, '#code', 'fn main', '}');
    const second = await run((info, t) => globalThis.saveQuote(info, t), await menuInfo(page), t);
    assert.equal(second.ok, true, second.reason);
    const all = await local();
    const texts = all[key].quotes.map((q) => q.markdown);
    assert.ok(texts.includes('Quotes are kept with [a link](' + `${suite.origin}/x) that stays a link, with *emphasis* and **strong words** intact.`), texts.join('\n'));
    assert.ok(texts.some((m) => m.startsWith('```')), texts.join('\n'));
    assert.equal(all[key].quotes.length, before[key].quotes.length + 2);
    assert.deepEqual(pendingKeys(all), []);
    assert.deepEqual(pendingKeys(await session()), []);
    assert.equal(await keptLine(), null);
    await assertWhole(all);
  });

  test('storage refusing writes, then the worker restarted: the kept quote is saved at the start', async () => {
    await page.goto(`${suite.origin}/pages/article.html?kept`);
    await dragSelect(page, '#p2', 'A second', 'note.');
    const info = await menuInfo(page);
    const t = await tab();
    await hook('full');
    const result = await run((info, t) => globalThis.saveQuote(info, t), info, t);
    assert.equal(result.kept, true);
    await restart(); // the hook goes with the old worker
    const url = `${suite.origin}/pages/article.html?kept`;
    const all = await waitFor(async () => {
      const all = await local();
      return all[`note:${url}`] && pendingKeys(await session()).length === 0 ? all : null;
    }, { what: 'the kept quote to be saved' });
    assert.equal(all[`note:${url}`].quotes.length, 1);
    const shown = await badge(t.id);
    assert.equal(shown.text, '1');
    await assertWhole(all);
    await page.goto(pageUrl);
  });
});
