// capture.js on its own: what it hands the core for selections inside formatting elements.
// It runs in the page as the extension injects it, on selections set with the DOM Range API
// (the mouse-driven tests are headless.test.mjs and headful.test.mjs).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, ROOT, serveFixtures } from './lib.mjs';

describe('capture.js', () => {
  let server;
  let browser;
  let page;
  let source;

  before(async () => {
    source = await readFile(join(ROOT, 'extension/capture.js'), 'utf8');
    server = await serveFixtures();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.goto(`${server.origin}/pages/context.html`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Selects `needle` inside `#id` (or the whole element when no needle) and captures. */
  async function capture(id, needle, endId = id, endNeedle = needle) {
    await page.evaluate(({ id, needle, endId, endNeedle }) => {
      const locate = (id, needle, end) => {
        const walker = document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.data.indexOf(needle);
          if (at >= 0) return [node, end ? at + needle.length : at];
        }
        throw new Error(`${needle} not in #${id}`);
      };
      const range = document.createRange();
      range.setStart(...locate(id, needle, false));
      range.setEnd(...locate(endId, endNeedle, true));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }, { id, needle, endId, endNeedle });
    return page.evaluate(source);
  }

  test('reports the page: URL, base, title, canonical made absolute, the text', async () => {
    const c = await capture('linked', 'full guide');
    assert.deepEqual({ ...c, ranges: undefined, metaHtml: undefined, pageText: undefined, offsets: undefined }, {
      url: `${server.origin}/pages/context.html`,
      baseUrl: `${server.origin}/pages/context.html`,
      title: 'Context',
      canonical: `${server.origin}/pages/context.html?utm_source=feed`,
      ranges: undefined,
      text: 'full guide',
      rangeTexts: ['full guide'],
      focused: c.focused,
      metaHtml: undefined,
      pageText: undefined,
      offsets: undefined,
    });
  });

  test('sends the metadata elements and where the selection stands in the page text', async () => {
    const c = await capture('linked', 'full guide');
    assert.match(c.metaHtml, /^<html[^>]*><head>.*<title>Context<\/title>/s);
    assert.match(c.metaHtml, /<link rel="canonical"/);
    assert.doesNotMatch(c.metaHtml, /<style|<script(?! type="application\/ld\+json")/);
    assert.equal(c.offsets.length, 1);
    const [start, end] = c.offsets[0];
    assert.equal(c.pageText.slice(start, end), 'full guide');
  });

  test('inside a link: a shallow copy with the href made absolute, no other attribute', async () => {
    const c = await capture('a', 'full guide');
    assert.deepEqual(c.ranges, [`<a href="${server.origin}/pages/docs/guide.html#part">full guide</a>`]);
  });

  test('inside a blockquote, a heading, a table cell (a plain paragraph is no formatting)', async () => {
    assert.deepEqual((await capture('bq', 'words stay')).ranges, ['<blockquote>words stay</blockquote>']);
    assert.deepEqual((await capture('h', 'heading worth')).ranges, ['<h2>heading worth</h2>']);
    assert.deepEqual((await capture('cell', 'cell')).ranges, ['<table><tbody><tr><td>cell</td></tr></tbody></table>']);
  });

  test('list items keep their number, reversed and emphasised ones too', async () => {
    assert.deepEqual((await capture('six', 'six')).ranges, ['<ol reversed="" start="6"><li value="6">six</li></ol>']);
    assert.deepEqual((await capture('em', 'emphatic')).ranges, ['<ul><li><em>emphatic</em></li></ul>']);
  });

  test('across items, the list starts at the first item touched', async () => {
    assert.deepEqual((await capture('rev', 'seven', 'six', 'six')).ranges, [
      // The range's own contents are cloneContents' output, attributes and all.
      '<ol reversed="" start="7"><li>seven</li><li id="six">six</li></ol>',
    ]);
  });

  test('white space that the style keeps is marked, on ancestors and inside the range', async () => {
    assert.deepEqual((await capture('poem', 'one\nline')).ranges, ['<div data-qb-ws="pre-wrap">one\nline</div>']);
    assert.deepEqual((await capture('mixed', 'Before', 'mixed', 'after')).ranges, [
      'Before <span class="keep" id="keep" data-qb-ws="pre-line">a\nb</span> after',
    ]);
  });
});
