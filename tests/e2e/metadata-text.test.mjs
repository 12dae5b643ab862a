// The page's visible text, which the capture sends for deep links, also gives the note its
// date and authors where the page prints them only as text beside the headline (no tags,
// no byline or date elements): the whole path from a real selection in headless Chromium
// to the stored note.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dragSelect, extensionSuite, saveFromMenu, storage } from './lib.mjs';

describe('metadata printed only in the page text', () => {
  const suite = extensionSuite({ build: 'chrome-test' });

  test('the dateline and byline under the headline date the note and name its authors', async () => {
    const page = await suite.context.newPage();
    const pageUrl = `${suite.origin}/pages/dateline.html`;
    await page.goto(pageUrl);
    await dragSelect(page, '#p1', 'After', 'night.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const note = (await storage(suite.worker))[`note:${pageUrl}`];
    assert.equal(note.title, 'Rain returns to the valley');
    assert.deepEqual(note.authors, ['Ann Bo', 'Cyd Ivo']);
    assert.equal(note.published, '2019-09-28');
    await page.close();
  });

  test("a reader's comment above the article does not name its author", async () => {
    const page = await suite.context.newPage();
    const pageUrl = `${suite.origin}/pages/comments.html`;
    await page.goto(pageUrl);
    await dragSelect(page, '#p1', 'The', 'Tuesday.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const note = (await storage(suite.worker))[`note:${pageUrl}`];
    assert.deepEqual(note.authors, ['Cyd Ivo']);
    await page.close();
  });
});
