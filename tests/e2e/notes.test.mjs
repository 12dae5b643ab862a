// A page's note end to end in headless Chromium (issue 4): two quotes saved from a fixture
// page with real drag selections, through the very function the context menu calls, one
// given a comment through the popup's library function; the stored note is read back as
// its Markdown file (frontmatter parsed as YAML), and each quote's deep link is judged in
// the page by the `text-fragments-polyfill`'s matcher (Chromium does not tell scripts what
// a fragment matched). Also: a note stored by schema 1 under its old key is folded into
// the page's note by the next save, and its key goes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { dragSelect, extensionSuite, noteMarkdown, ROOT, saveFromMenu, storage } from './lib.mjs';

const POLYFILL = join(ROOT, 'node_modules/text-fragments-polyfill/src/text-fragment-utils.js');

/** Runs in the page: what the polyfill's matcher selects for `directive` (`text=…`). */
async function judge({ source, directive }) {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const polyfill = await import(url);
  URL.revokeObjectURL(url);
  const parsed = polyfill.parseFragmentDirectives({ text: [directive.slice('text='.length)] }).text[0];
  return polyfill.processTextFragmentDirective(parsed).map((r) => r.toString());
}

const words = (text) => text.replace(/\s+/g, ' ').trim();

describe('a page note in Chromium', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  let page;
  let polyfill;

  before(async () => {
    polyfill = await readFile(POLYFILL, 'utf8');
    page = await suite.context.newPage();
  });

  const clear = () => suite.worker.evaluate(() => chrome.storage.local.clear());

  test('two quotes, one with a comment: the stored note, its frontmatter and deep links', async () => {
    await clear();
    const pageUrl = `${suite.origin}/pages/notes.html`;
    const key = `note:${pageUrl}`;
    await page.goto(`${pageUrl}?utm_source=mail#top`);

    const first = await dragSelect(page, '#p1', 'notes in the margin', 'thinking happens.');
    assert.equal(words(first), 'notes in the margin, and the margin is where the thinking happens.');
    let result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.key, key, 'identity: the URL without tracking parameters and fragment');

    // After the <br> (a block boundary for the polyfill): these words occur three times in
    // the page, so the link needs context.
    const second = await dragSelect(page, '#p2', 'Every reader', 'keeps notes');
    assert.equal(second, 'Every reader keeps notes');
    result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);

    let note = (await storage(suite.worker))[key];
    assert.equal(note.quotes.length, 2);
    const [q1, q2] = note.quotes;

    // The comment, through the function the popup's "Edit comment and tags" calls.
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    await popup.evaluate(async ([key, id]) => {
      const library = await import('/library.js');
      await library.annotate(key, id, 'Where thinking happens: #margins, "quoted".', ['reading']);
    }, [key, q1.id]);
    await popup.close();

    const stored = await storage(suite.worker);
    assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('note:')), [key]);
    note = stored[key];
    assert.deepEqual(note.quotes.map((q) => q.id), [q1.id, q2.id], 'in the order saved');
    assert.ok(note.updated > note.created, `${note.updated} > ${note.created}`);

    const markdown = await noteMarkdown(note);
    const [, yaml, body] = markdown.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/) ?? [];
    assert.ok(yaml, markdown);
    const frontmatter = parseYaml(yaml);
    assert.deepEqual(frontmatter, {
      title: '"Deep" links & #margins, kept',
      source: pageUrl,
      author: 'Ada Quill',
      published: '2025-03-04T05:06:07Z',
      tags: ['reading'],
      created: note.created,
      updated: note.updated,
    });
    assert.equal(body, `${pageUrl}

> notes in the margin, and the margin is where the thinking happens.

#reading

Where thinking happens: #margins, "quoted".

> Every reader keeps notes
`);

    // Each deep link selects its quote, and nothing else, in the page.
    for (const [quote, text] of [[q1, first], [q2, second]]) {
      assert.match(quote.fragment, /^text=/);
      const matches = await page.evaluate(judge, { source: polyfill, directive: quote.fragment });
      assert.deepEqual(matches.map(words), [words(text)], `${quote.fragment} selects the quote alone`);
      assert.equal(words(quote.selector.exact), words(text));
    }
    assert.match(q2.fragment, /-,|,-/, `${q2.fragment}: its words recur, so it carries context`);
  });

  test('a schema-1 note under its old key is folded into the page note by a save', async () => {
    await clear();
    const legacyUrl = `${suite.origin}/pages/notes.html?utm_source=mail`;
    const legacyKey = `note:${legacyUrl}`;
    const key = `note:${suite.origin}/pages/notes.html`;
    await suite.worker.evaluate(([legacyKey, legacyUrl]) => chrome.storage.local.set({
      schema: 1,
      [legacyKey]: {
        schema: 1, id: legacyUrl, url: legacyUrl, title: 'Margins (old)',
        created: '2023-01-01T00:00:00.000Z', updated: '2023-01-01T00:00:00.000Z',
        quotes: [{ id: 'old-1', markdown: 'An old quote, *kept*.', text: 'An old quote, kept.', created: '2023-01-01T00:00:00.000Z' }],
      },
    }), [legacyKey, legacyUrl]);
    await page.goto(legacyUrl);
    await dragSelect(page, '#p3', 'The place', 'exact words.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.key, key);

    const stored = await storage(suite.worker);
    assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('note:')), [key], 'no duplicate under the old key');
    const note = stored[key];
    assert.equal(note.schema, 3);
    assert.deepEqual(note.quotes.map((q) => q.markdown), [
      'An old quote, *kept*.', 'The place is the link back to the exact words.',
    ]);
    assert.equal(note.quotes[0].id, 'old-1');
    assert.equal(note.created, '2023-01-01T00:00:00.000Z');
    assert.ok(note.aliases.includes(legacyUrl), JSON.stringify(note.aliases));
  });
});
