// A library saved by an earlier schema, in Chromium (test build): `storage.local` is seeded
// from `tests/fixtures/schema-1/storage-local.json` (what the first extension stored), then
// the popup lists every quote, and a quote saved on one of its pages joins the old note,
// migrated. The same fixture is read natively by crates/quotebook-core/tests/schema_fixtures.rs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { dragSelect, extensionSuite, noteMarkdown, ROOT, saveFromMenu, storage } from './lib.mjs';

const FIXTURE = join(ROOT, 'tests/fixtures/schema-1/storage-local.json');
/** The fixture's stand-in for the test server's origin. */
const PLACEHOLDER = 'http://quotebook.test';

describe('a library saved by schema 1', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  let fixture;
  let seeded;

  before(async () => {
    fixture = JSON.parse(await readFile(FIXTURE, 'utf8'));
    seeded = JSON.parse(JSON.stringify(fixture).replaceAll(PLACEHOLDER, suite.origin));
    await suite.worker.evaluate((items) => chrome.storage.local.set(items), seeded);
  });

  const oldNotes = () => Object.entries(seeded).filter(([k]) => k.startsWith('note:'));

  test('the fixture is a schema-1 library', () => {
    assert.equal(seeded.schema, 1);
    assert.ok(oldNotes().length >= 3);
    for (const [, note] of oldNotes()) assert.equal(note.schema, 1);
  });

  test('the popup lists every note and every quote of it', async () => {
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    await popup.waitForSelector('#notes .note-toggle');
    const cards = popup.locator('#notes article.note');
    assert.equal(await cards.count(), oldNotes().length);
    for (let i = 0; i < oldNotes().length; i++) {
      await popup.locator('#notes article.note .note-toggle[aria-expanded="false"]').first().click();
    }
    const shown = await popup.locator('#notes [data-quote-id]').evaluateAll(
      // The quote drawn from its Markdown, read as a reader sees it (blocks apart).
      (boxes) => boxes.map((b) => [b.dataset.quoteId, b.querySelector('blockquote').innerText.replace(/\s+/g, ' ').trim()]),
    );
    const expected = oldNotes().flatMap(([, n]) => n.quotes.map((q) => [q.id, q.text.replace(/\s+/g, ' ').trim()]));
    assert.deepEqual(shown.sort(), expected.sort());
    const titles = await popup.locator('#notes .note-title').allTextContents();
    assert.deepEqual(titles.sort(), oldNotes().map(([, n]) => n.title).sort());
    await popup.close();
  });

  test('a quote saved on the page of an old note joins it, migrated, every old quote kept', async () => {
    const [key, old] = oldNotes().find(([, n]) => n.url.endsWith('/pages/article.html'));
    const page = await suite.context.newPage();
    await page.goto(old.url);
    await dragSelect(page, '#step8', 'Eighth', 'warm.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.key, key);
    const note = (await storage(suite.worker))[key];
    assert.equal(note.schema, 2);
    assert.deepEqual(note.quotes.map((q) => [q.id, q.markdown, q.text, q.created]),
      [...old.quotes.map((q) => [q.id, q.markdown, q.text, q.created]),
        [result.note.quotes.at(-1).id, '8. Eighth step: serve it warm.', 'Eighth step: serve it warm.', note.updated]]);
    assert.equal(note.created, old.created);
    const markdown = await noteMarkdown(note);
    for (const q of note.quotes) assert.ok(markdown.includes(q.markdown.split('\n')[0]), q.markdown);
    await page.close();
  });

  test('a quote saved on the page of an old note stored under its old key (tracking parameters)', async () => {
    const [oldKey, old] = oldNotes().find(([, n]) => n.url.includes('utm_source'));
    const page = await suite.context.newPage();
    await page.goto(old.url);
    await dragSelect(page, 'p', 'Files opened', 'ours.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const all = await storage(suite.worker);
    // Every old quote is still stored, whichever key holds it.
    const stored = Object.entries(all).filter(([k]) => k.startsWith('note:'))
      .flatMap(([, n]) => n.quotes.map((q) => q.id));
    for (const q of old.quotes) assert.ok(stored.includes(q.id), q.id);
    const newId = result.note.quotes.at(-1).id;
    const holder = Object.entries(all).find(([k, n]) => k.startsWith('note:') && n.quotes.some((q) => q.id === newId));
    assert.ok(holder, 'the new quote is stored');
    // No quote twice across the notes.
    assert.equal(new Set(stored).size, stored.length);
    const oldIds = old.quotes.map((q) => q.id);
    // The old note is folded into the page's note, under today's key; the old key goes.
    assert.deepEqual(holder[1].quotes.map((q) => q.id), [...oldIds, newId]);
    assert.equal(holder[1].schema, 2);
    assert.ok(!holder[1].id.includes('utm_'), holder[1].id);
    assert.equal(holder[0], `note:${holder[1].id}`);
    assert.equal(all[oldKey], undefined, 'the old key is removed');
    await page.close();
  });
});
