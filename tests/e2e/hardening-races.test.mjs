// Nothing lost when saves race (headless Chromium, test build): a hundred saves fired at
// once, on the same page and on different pages, some of the same text twice; and saves
// racing an extension page that edits the same note. Every read-modify-write of the notes
// runs under the Web Lock `quotebook-notes`, in the worker and in the pages alike.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  dragSelect, extensionSuite, menuInfo, noteMarkdown, storage, tabOf, workerAccess,
} from './lib.mjs';
import { cardClosed, cardFrame } from './highlight-lib.mjs';

describe('racing saves', () => {
  const suite = extensionSuite({ build: 'chrome-test' });

  const notesOf = (all) => Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('note:')));

  test('a hundred saves at once, some of the same text twice: exactly the quotes expected', async () => {
    // Two real tabs, each saved twice at once (the same selection: stored once).
    const pages = [];
    for (const [path, selector, from, to] of [
      ['pages/article.html?race', '#p1', 'Quotes are', 'intact.'],
      ['pages/plain.html?race', 'p', 'Files opened', 'ours.'],
    ]) {
      const page = await suite.context.newPage();
      await page.goto(`${suite.origin}/${path}`);
      await dragSelect(page, selector, from, to);
      pages.push({ page, url: page.url(), info: await menuInfo(page), tab: await tabOf(suite.worker, page) });
    }
    // Ninety-six saves from the menu's text alone (as where no script may run), spread over
    // eight pages; on each page, twelve saves of nine different texts.
    const plain = [];
    for (let p = 0; p < 8; p++) {
      for (let s = 0; s < 12; s++) {
        const text = `Passage ${s % 9} of page ${p}: ${'words '.repeat(s % 9)}end.`;
        plain.push({ menuItemId: 'save-quote', selectionText: text, pageUrl: `${suite.origin}/pages/context.html?page=${p}` });
      }
    }
    const saves = [
      ...pages.flatMap(({ info, tab }) => [[info, tab], [info, tab]]),
      ...plain.map((info) => [info, undefined]),
    ];
    assert.equal(saves.length, 100);
    // All fired in the same turn of the worker's event loop.
    const results = await suite.worker.evaluate(
      (saves) => Promise.all(saves.map(([info, tab]) => globalThis.saveQuote(info, tab ?? undefined))),
      saves,
    );
    assert.deepEqual(results.filter((r) => !r.ok), []);

    const notes = notesOf(await storage(suite.worker));
    for (const { url, info } of pages) {
      const note = notes[`note:${url}`];
      assert.ok(note, url);
      assert.deepEqual(note.quotes.map((q) => q.text), [info.selectionText], url);
    }
    for (let p = 0; p < 8; p++) {
      const url = `${suite.origin}/pages/context.html?page=${p}`;
      const expected = [...new Set(plain.filter((i) => i.pageUrl === url).map((i) => i.selectionText))];
      assert.equal(expected.length, 9);
      const note = notes[`note:${url}`];
      assert.ok(note, url);
      assert.deepEqual(note.quotes.map((q) => q.text).sort(), expected.sort(), url);
      // Each quote once, with an id of its own.
      assert.equal(new Set(note.quotes.map((q) => q.id)).size, 9);
    }
    assert.equal(Object.keys(notes).length, 10);
    // Nothing left pending.
    const all = await storage(suite.worker);
    assert.deepEqual(Object.keys(all).filter((k) => k.startsWith('pending:')), []);
    for (const note of Object.values(notes)) await noteMarkdown(note);
    for (const { page } of pages) await page.close();
  });

  test('saves racing comments edited in the popup and the options page lose nothing', async () => {
    const url = `${suite.origin}/pages/context.html?page=0`;
    const key = `note:${url}`;
    const before = (await storage(suite.worker))[key];
    const target = before.quotes[0].id;
    const other = before.quotes[1].id;
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    const options = await suite.context.newPage();
    await options.goto(`chrome-extension://${suite.id}/options/options.html`);
    const edit = (page, quoteId, label) => page.evaluate(async ([key, quoteId, label]) => {
      const library = await import('/library.js');
      for (let i = 0; i < 15; i++) {
        await library.annotate(key, quoteId, `${label} comment ${i}`, [`${label}-${i}`]);
      }
    }, [key, quoteId, label]);
    const saves = suite.worker.evaluate(async (url) => {
      const results = [];
      for (let i = 0; i < 30; i++) {
        results.push(globalThis.saveQuote({ menuItemId: 'save-quote', selectionText: `Raced passage ${i}.`, pageUrl: url }));
        if (i % 5 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      return Promise.all(results);
    }, url);
    const [results] = await Promise.all([saves, edit(popup, target, 'popup'), edit(options, other, 'options')]);
    assert.deepEqual(results.filter((r) => !r.ok), []);
    const note = (await storage(suite.worker))[key];
    assert.equal(note.quotes.length, before.quotes.length + 30);
    for (let i = 0; i < 30; i++) assert.ok(note.quotes.some((q) => q.text === `Raced passage ${i}.`), `passage ${i}`);
    const byId = Object.fromEntries(note.quotes.map((q) => [q.id, q]));
    assert.equal(byId[target].comment, 'popup comment 14');
    assert.deepEqual(byId[target].tags, ['popup-14']);
    assert.equal(byId[other].comment, 'options comment 14');
    assert.deepEqual(byId[other].tags, ['options-14']);
    await popup.close();
    await options.close();
  });

  test('the worker keeps nothing between saves: stopped between two, the second joins the note', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html?restart`);
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    const tab = await tabOf(suite.worker, page);
    const first = await suite.worker.evaluate(([info, tab]) => globalThis.saveQuote(info, tab),
      [await menuInfo(page), tab]);
    assert.equal(first.ok, true);
    // The card beside the first quote could lie over the second passage: closed first.
    await cardFrame(page);
    await page.keyboard.press('Escape');
    await cardClosed(page);
    // Playwright does not follow a restarted worker: reach it through CDP.
    const worker = await workerAccess(suite.browser);
    await worker.restart(page);
    await dragSelect(page, '#p2', 'A second', 'note.');
    const info = await menuInfo(page);
    const second = await worker.evaluate(
      `globalThis.saveQuote(${JSON.stringify(info)}, ${JSON.stringify(tab)})`,
    );
    assert.equal(second.ok, true, second.reason);
    assert.equal(second.note.quotes.length, 2);
    assert.equal(second.note.quotes[0].id, first.note.quotes[0].id);
    await page.close();
  });
});
