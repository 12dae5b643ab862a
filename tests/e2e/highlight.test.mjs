// The page side of highlights (extension/page-text.js + highlight.js): saved quotes are
// found again in the page's text and painted, with the CSS Custom Highlight API where the
// browser has it and by wrapping text where it does not. In a plain page first (the
// scripts evaluated as the extension injects them, the anchors computed by the core's wasm
// module in Node), then end to end: a quote saved through the menu's function, the page
// reloaded, the worker's `showHighlights` painting it, text arriving later re-anchored.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchPlain } from './corpus.mjs';
import {
  core, dragSelect, extensionSuite, ROOT, saveFromMenu, serveFixtures, tabOf, waitFor,
} from './lib.mjs';

const script = async () => {
  const read = (file) => readFile(join(ROOT, 'extension', file), 'utf8');
  return `${await read('page-text.js')}\n${await read('highlight.js')}`;
};

/** In the page: every highlight's ranges as text, by highlight name. */
const paintedTexts = () => {
  const out = [];
  for (const [, highlight] of CSS.highlights) for (const range of highlight) out.push(range.toString());
  return out.sort();
};

describe('highlight.js in a page', () => {
  let server;
  let browser;
  let page;
  let source;
  let wasm;

  before(async () => {
    [source, wasm, server, browser] = await Promise.all([script(), core(), serveFixtures(), launchPlain()]);
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Saved quotes of `needles`, as the core stores their selectors, from the page's text now. */
  const quotesFor = async (needles) => {
    const text = await page.evaluate(() => globalThis.quotebookPageText.read().text);
    return needles.map(([id, needle, kind]) => {
      const start = text.indexOf(needle);
      assert.ok(start >= 0, needle);
      const fragment = wasm.text_fragment(text, start, start + needle.length);
      return {
        id, kind, text: needle, position: fragment.start,
        selector: { exact: fragment.exact, prefix: fragment.prefix, suffix: fragment.suffix },
      };
    });
  };

  /** Anchors the quotes in the page's current text and paints them. */
  const anchorAndPaint = async (quotes) => {
    const text = await page.evaluate(() => globalThis.quotebookPageText.read().text);
    const anchors = wasm.anchor_quotes(text, quotes)
      .map((a, i) => ({ ...a, kind: quotes[i].kind }));
    const painted = await page.evaluate((anchors) => globalThis.quotebookHighlights.paint(
      anchors.filter((a) => a.start !== null),
    ), anchors);
    return { anchors, painted };
  };

  test('quotes are painted over their words, with names that say nothing, and clicks name them', async () => {
    await page.goto(`${server.origin}/pages/notes.html`);
    await page.evaluate(source);
    assert.equal(await page.evaluate(() => globalThis.quotebookHighlights.mode), 'highlight-api');
    const quotes = await quotesFor([
      ['q-margin', 'the margin is where the thinking happens.', 'question'],
      ['q-place', 'The place is the link back', 'quote'],
    ]);
    const before = await page.evaluate(() => document.body.innerHTML);
    const { anchors, painted } = await anchorAndPaint(quotes);
    assert.deepEqual(anchors.map((a) => a.status), ['exact', 'exact']);
    assert.equal(painted, 2);
    assert.deepEqual(await page.evaluate(paintedTexts), [
      'The place is the link back',
      'the margin\nis where the thinking happens.',
    ]);
    // The page's DOM is untouched, and what the page can see of the highlights (their
    // names) reveals neither ids nor kinds.
    assert.equal(await page.evaluate(() => document.body.innerHTML), before);
    const names = await page.evaluate(() => [...CSS.highlights.keys()]);
    assert.equal(names.length, 2);
    for (const name of names) assert.doesNotMatch(name, /margin|place|question|quote-|q-/);

    // A click on a highlight names its quote; a click elsewhere names none.
    await page.evaluate(() => {
      globalThis.clicked = [];
      globalThis.quotebookHighlights.onClick((id, rect) => globalThis.clicked.push({ id, top: rect.top }));
    });
    const box = await page.evaluate(() => {
      const text = document.querySelector('#p3').firstChild;
      const range = document.createRange();
      range.setStart(text, 4);
      range.setEnd(text, 9);
      return range.getBoundingClientRect().toJSON();
    });
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const heading = await page.evaluate(() => document.querySelector('h1').getBoundingClientRect().toJSON());
    await page.mouse.click(heading.x + 5, heading.y + heading.height / 2);
    const clicked = await page.evaluate(() => globalThis.clicked);
    assert.deepEqual(clicked.map((c) => c.id), ['q-place']);

    await page.evaluate(() => globalThis.quotebookHighlights.clear());
    assert.equal(await page.evaluate(() => CSS.highlights.size), 0);
  });

  test('a page that changed: moved, edited and removed passages, never the wrong words', async () => {
    await page.goto(`${server.origin}/pages/notes.html`);
    await page.evaluate(source);
    const quotes = await quotesFor([
      ['moved', 'The place is the link back to the exact words.', 'idea'],
      ['edited', 'few keep the place they came from.', 'quote'],
      ['removed', 'the margin is where the thinking happens.', 'important'],
    ]);
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'A new first paragraph, inserted before everything.';
      document.querySelector('article').prepend(p);
      const p2 = document.querySelector('#p2');
      p2.lastChild.data = p2.lastChild.data.replace('came from', 'come from');
      document.querySelector('#p1').remove();
    });
    const { anchors } = await anchorAndPaint(quotes);
    assert.deepEqual(anchors.map((a) => a.status), ['moved', 'approximate', 'orphan']);
    assert.deepEqual(await page.evaluate(paintedTexts), [
      'The place is the link back to the exact words.',
      'few keep\nthe place they come from.',
    ]);
  });

  test('without CSS.highlights, text is wrapped without moving anything, and unwrapped whole', async () => {
    await page.goto(`${server.origin}/pages/notes.html`);
    // The browser without the API: the fallback.
    await page.evaluate(() => { Object.defineProperty(CSS, 'highlights', { value: undefined }); });
    await page.evaluate(source);
    assert.equal(await page.evaluate(() => globalThis.quotebookHighlights.mode), 'wrap');
    const quotes = await quotesFor([
      ['q-margin', 'notes in the margin, and the margin', 'question'],
      ['q-p2', 'few keep the place', 'quote'],
    ]);
    const layout = () => page.evaluate(() => ({
      html: document.body.innerHTML,
      text: document.body.textContent,
      boxes: [...document.querySelectorAll('h1, p')].map((e) => JSON.stringify(e.getBoundingClientRect())),
    }));
    // A page script holding on to its text nodes and elements.
    await page.evaluate(() => {
      globalThis.pageHeld = { p2: document.querySelector('#p2'), br: document.querySelector('#p2 br') };
    });
    const before = await layout();
    const { painted } = await anchorAndPaint(quotes);
    assert.equal(painted, 2);
    const during = await layout();
    assert.equal(during.text, before.text, 'the text is the same');
    assert.deepEqual(during.boxes, before.boxes, 'nothing moved');
    const wrapped = await page.evaluate(() => [...document.querySelectorAll('span')]
      .map((s) => ({ text: s.textContent, cls: s.className, bg: getComputedStyle(s).backgroundColor })));
    assert.deepEqual(wrapped.map((w) => w.text), ['notes in the margin, and the margin', 'few keep\nthe place']);
    for (const w of wrapped) {
      assert.notEqual(w.bg, 'rgba(0, 0, 0, 0)', 'painted');
      assert.doesNotMatch(w.cls, /margin|question|q-/);
    }
    assert.equal(await page.evaluate(() => globalThis.pageHeld.p2 === document.querySelector('#p2')
      && globalThis.pageHeld.br.isConnected), true, "the page's elements stay");
    // Clicks on wrapped text name the quote.
    await page.evaluate(() => {
      globalThis.clicked = [];
      globalThis.quotebookHighlights.onClick((id) => globalThis.clicked.push(id));
    });
    const box = await page.evaluate(() => document.querySelector('span').getBoundingClientRect().toJSON());
    await page.mouse.click(box.x + 3, box.y + box.height / 2);
    assert.deepEqual(await page.evaluate(() => globalThis.clicked), ['q-margin']);
    await page.evaluate(() => globalThis.quotebookHighlights.clear());
    const afterwards = await layout();
    assert.equal(afterwards.html, before.html, 'clear() gives the DOM back as it was');
    assert.equal(await page.evaluate(() => document.querySelector('#p1').childNodes.length), 1,
      'split text nodes are joined again');
  });
});

describe('highlights end to end in Chromium', () => {
  const suite = extensionSuite({ build: 'chrome-test' });

  test('a saved quote is highlighted after a reload, and text arriving later is anchored', async () => {
    await suite.worker.evaluate(() => chrome.storage.local.clear());
    const page = await suite.context.newPage();
    const url = `${suite.origin}/pages/notes.html`;
    await page.goto(url);
    await dragSelect(page, '#p3', 'link back', 'exact words.');
    const saved = await saveFromMenu(suite.worker, page);
    assert.equal(saved.ok, true, saved.reason);
    assert.deepEqual(saved.quotes.map((q) => q.status), ['saved']);
    const quoteId = saved.quotes[0].id;
    // The same passage again: a duplicate, naming the quote saved first.
    await dragSelect(page, '#p3', 'link back', 'exact words.');
    const again = await saveFromMenu(suite.worker, page);
    assert.deepEqual(again.quotes, [{ id: quoteId, status: 'duplicate' }]);
    assert.equal(again.note.quotes.length, 1);

    await page.reload();
    const tab = await tabOf(suite.worker, page);
    const [frame] = await suite.worker.evaluate((tabId) => globalThis.showHighlights(tabId), tab.id);
    assert.deepEqual(frame.map((a) => [a.id, a.status, a.kind]), [[quoteId, 'exact', 'quote']]);
    // The isolated world painted; the page's own world sees the highlight (as any page
    // script could), but not whose it is.
    assert.deepEqual(await page.evaluate(paintedTexts), ['link back to the exact words.']);

    // The page rewrites its article later (a single-page app's render): re-anchored.
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Loaded later: a paragraph before the quote.';
      document.querySelector('#p3').before(p);
      document.querySelector('#p3').textContent = 'The place is the link back to the exact words.';
    });
    await waitFor(() => page.evaluate(() => {
      for (const [, h] of CSS.highlights) for (const r of h) if (r.toString() === 'link back to the exact words.') return true;
      return false;
    }), { what: 're-anchored highlight' });
    await page.close();
  });
});
