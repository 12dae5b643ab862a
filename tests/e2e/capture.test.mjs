// capture.js on its own: what it hands the core for selections inside formatting elements.
// It runs in the page as the extension injects it, on selections set with the DOM Range API
// (the mouse-driven tests are headless.test.mjs and headful.test.mjs).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchPlain } from './corpus.mjs';
import { captureScript, ROOT, serveFixtures } from './lib.mjs';

describe('capture.js', () => {
  let server;
  let browser;
  let page;
  let source;

  before(async () => {
    source = await captureScript();
    server = await serveFixtures();
    browser = await launchPlain();
    page = await browser.context.newPage();
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

  // The capture places each range's boundaries in its page-text walk. Here every pair of
  // boundary points of a small page (element and document containers at each child, text
  // nodes at their ends and next to them: between elements, in nested inline formatting,
  // around `<br>`, beside hidden elements, a script and a comment, in the head) is selected,
  // and the offsets it sends are compared with asking `range.intersectsNode` of every text
  // node of `page-text.mjs`' walk, the method it replaced.
  test('offsets of ranges bounded anywhere agree with intersectsNode over the page text', async () => {
    const pageTextSource = await readFile(join(ROOT, 'tests/e2e/page-text.mjs'), 'utf8');
    const own = await browser.context.newPage();
    await own.goto(`${server.origin}/pages/boundaries.html`);
    const found = await own.evaluate(async ({ source, pageTextSource }) => {
      const { pageText } = await import(`data:text/javascript,${encodeURIComponent(pageTextSource)}`);
      const { text, nodes } = pageText(document.body);
      // The former `offsetsOf` of capture.js.
      const byIntersection = (range) => {
        const inRange = nodes.filter(({ node }) => range.intersectsNode(node));
        if (inRange.length === 0) return null;
        const first = inRange[0];
        const last = inRange[inRange.length - 1];
        const start = first.start + (first.node === range.startContainer ? range.startOffset : 0);
        const end = last.start + (last.node === range.endContainer ? range.endOffset : last.node.data.length);
        return end > start ? [start, end] : null;
      };
      const points = [];
      const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
      for (let node = walker.currentNode; node; node = walker.nextNode()) {
        if (node.nodeType === Node.DOCUMENT_TYPE_NODE) continue;
        if (node instanceof CharacterData) {
          const n = node.length;
          for (const offset of new Set([0, 1, n - 1, n])) {
            if (offset >= 0 && offset <= n) points.push([node, offset]);
          }
        } else {
          for (let offset = 0; offset <= node.childNodes.length; offset += 1) points.push([node, offset]);
        }
      }
      const kinds = new Set();
      const mismatches = [];
      let compared = 0;
      let placed = 0;
      let unclonable = 0;
      const selection = getSelection();
      for (const from of points) {
        for (const to of points) {
          const range = document.createRange();
          range.setStart(...from);
          range.setEnd(...to);
          if (range.collapsed) continue;
          selection.removeAllRanges();
          selection.addRange(range);
          const selected = selection.getRangeAt(0);
          if (selected.collapsed) continue;
          const expected = byIntersection(selected) ?? [0, 0];
          let capture;
          try {
            capture = (0, eval)(source);
          } catch (error) {
            // A range holding the root element whole cannot be cloned (no page selection
            // can be one); the capture has always thrown there.
            const clones = (() => {
              try {
                return Boolean(selected.cloneContents());
              } catch {
                return false;
              }
            })();
            if (error.name === 'HierarchyRequestError' && !clones) {
              unclonable += 1;
              continue;
            }
            throw error;
          }
          compared += 1;
          if (expected[1] > 0) placed += 1;
          const kind = (node) => (node instanceof CharacterData ? 'text' : node.nodeName.toLowerCase());
          kinds.add(`${kind(selected.startContainer)}→${kind(selected.endContainer)}`);
          const got = capture.offsets[0];
          if (capture.pageText !== text || got[0] !== expected[0] || got[1] !== expected[1]) {
            mismatches.push({
              start: [kind(selected.startContainer), selected.startOffset, (selected.startContainer.textContent ?? '').slice(0, 20)],
              end: [kind(selected.endContainer), selected.endOffset, (selected.endContainer.textContent ?? '').slice(0, 20)],
              expected,
              got,
            });
          }
        }
      }
      // A few by name, read back from the text: between elements, across `<br>`s.
      const named = (container, startOffset, endOffset) => {
        const range = document.createRange();
        range.setStart(container, startOffset);
        range.setEnd(container, endOffset);
        selection.removeAllRanges();
        selection.addRange(range);
        const capture = (0, eval)(source);
        const [start, end] = capture.offsets[0];
        return capture.pageText.slice(start, end);
      };
      const nested = document.getElementById('nested');
      const lines = document.getElementById('lines');
      const examples = {
        betweenElements: named(nested, 1, 3),
        acrossBreaks: named(lines, 1, 6),
        hiddenOnly: named(document.getElementById('hidden').children[0], 0, 2),
      };
      return { compared, placed, unclonable, kinds: [...kinds], mismatches: mismatches.slice(0, 5), mismatchCount: mismatches.length, examples };
    }, { source, pageTextSource });
    await own.close();
    assert.deepEqual(found.mismatches, [], `${found.mismatchCount} of ${found.compared} ranges differ`);
    // Every kind of container on each side was exercised, and most ranges hold text.
    for (const kind of ['text→text', 'p→p', 'text→p', 'p→text', 'body→body', '#document→html', 'head→text', 'b→i', 'li→ul', 'span→div', 'html→#document']) {
      assert.ok(found.kinds.includes(kind), `${kind} among ${found.kinds.join(', ')}`);
    }
    assert.ok(found.compared > 5000, `${found.compared} ranges compared`);
    assert.ok(found.unclonable < found.compared / 10, `${found.unclonable} ranges could not be cloned`);
    assert.ok(found.placed > found.compared / 2, `${found.placed} of ${found.compared} ranges placed`);
    assert.deepEqual(found.examples, {
      betweenElements: 'bold and deeplink',
      acrossBreaks: 'second \nthird',
      hiddenOnly: '',
    });
  });
});
