// End to end in headless Chromium with the test build (`extension/dist/chrome-test/`, which
// adds host permission for http://127.0.0.1/* because headless Chromium cannot make the user
// gesture that grants `activeTab`). Selections are made with real mouse drags; the save goes
// through the very function `contextMenus.onClicked` calls, with the real tab.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  badge, dragSelect, extensionId, extensionSuite, noteMarkdown, saveFromMenu, storage, tabOf,
} from './lib.mjs';

describe('the extension in headless Chromium', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  let page;
  let pageUrl;
  let key;

  before(async () => {
    page = await suite.context.newPage();
    pageUrl = `${suite.origin}/pages/article.html`;
    key = `note:${pageUrl}`;
    await page.goto(pageUrl);
  });

  const note = async () => (await storage(suite.worker))[key];
  const badgeOf = (tabId) => badge(suite.worker, tabId);
  const frontmatter = (n) => `---
title: Field notes on keeping quotes
source: ${pageUrl}
created: ${n.created}
updated: ${n.updated}
---
${pageUrl}
`;

  test('the worker runs under the id fixed by the manifest key', () => {
    assert.equal(suite.id, extensionId(suite.browser.manifest));
    assert.equal(suite.id, 'dcpofdeomimecllgicmlhifcdaagmphh');
    assert.ok(suite.worker.url().startsWith(`chrome-extension://${suite.id}/`));
  });

  test('a dragged selection with a link and emphasis becomes the exact note', async () => {
    const selected = await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.equal(selected, 'Quotes are kept with a link that stays a link, with emphasis and strong words intact.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false);

    const stored = await storage(suite.worker);
    assert.deepEqual(Object.keys(stored).sort(), [key, 'schema']);
    assert.equal(stored.schema, 1);
    const n = stored[key];
    assert.equal(n.created, n.updated);
    assert.match(n.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal(await noteMarkdown(n), `${frontmatter(n)}
> Quotes are kept with [a link](${suite.origin}/x) that stays a link, with *emphasis* and **strong words** intact.
`);
    const tab = await tabOf(suite.worker, page);
    assert.deepEqual(await badgeOf(tab.id), { text: '1', title: 'Quotebook: saved; 1 quote from this page' });
  });

  test('a second quote from the same page lands in the same note', async () => {
    const first = await note();
    // Through a #fragment URL: still the same page, so the same note.
    await page.goto(`${pageUrl}#later`);
    await dragSelect(page, '#p2', 'A second', 'note.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.key, key);

    const n = await note();
    assert.equal(n.created, first.created);
    assert.ok(n.updated > first.updated, `${n.updated} > ${first.updated}`);
    assert.equal(n.quotes.length, 2);
    assert.equal(await noteMarkdown(n), `${frontmatter(n)}
> Quotes are kept with [a link](${suite.origin}/x) that stays a link, with *emphasis* and **strong words** intact.

> A second passage from the same page joins the first note.
`);
  });

  test('a selection inside a pre keeps its code block', async () => {
    await dragSelect(page, '#code', 'println!', ');');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const n = await note();
    assert.equal(n.quotes.at(-1).markdown, '```\nprintln!("kept verbatim");\n```');
    assert.ok((await noteMarkdown(n)).endsWith('\n\n> ```\n> println!("kept verbatim");\n> ```\n'));
  });

  test('a selection inside an item of <ol start=7> keeps its number', async () => {
    await dragSelect(page, '#step8', 'serve', 'warm.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const n = await note();
    assert.equal(n.quotes.length, 4);
    assert.equal(await noteMarkdown(n), `${frontmatter(n)}
> Quotes are kept with [a link](${suite.origin}/x) that stays a link, with *emphasis* and **strong words** intact.

> A second passage from the same page joins the first note.

> \`\`\`
> println!("kept verbatim");
> \`\`\`

> 8. serve it warm.
`);
  });

  test('where no script may run, the quote is saved as plain text', async () => {
    // localhost is not 127.0.0.1: the test build has no permission there, and there was no
    // gesture to grant activeTab, so the capture script cannot be injected.
    const other = await suite.context.newPage();
    const url = `${suite.origin.replace('127.0.0.1', 'localhost')}/pages/article.html`;
    await other.goto(url);
    await dragSelect(other, '#p1', 'Quotes are', 'intact.');
    const result = await saveFromMenu(suite.worker, other);
    assert.equal(result.ok, true, result.reason);
    assert.match(result.plainText, /Cannot access|permission/i);
    const n = (await storage(suite.worker))[`note:${url}`];
    assert.equal(n.quotes.length, 1);
    assert.equal(
      n.quotes[0].markdown,
      'Quotes are kept with a link that stays a link, with emphasis and strong words intact.',
    );
    const tab = await tabOf(suite.worker, other);
    assert.match((await badgeOf(tab.id)).title, /saved as plain text/);
    await other.close();
  });

  test('without a tab (menus outside tabs), the text of the menu event is still saved', async () => {
    const url = `${suite.origin}/pages/no-tab.html`;
    const info = { menuItemId: 'save-quote', frameId: 0, pageUrl: url, selectionText: 'Words # kept <b>as text</b>' };
    const result = await suite.worker.evaluate((info) => globalThis.saveQuote(info, undefined), info);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, 'no tab to read');
    assert.equal(result.key, `note:${url}`);
    assert.equal(result.note.quotes[0].text, info.selectionText);
    assert.ok(!result.note.quotes[0].markdown.includes('<b>'), result.note.quotes[0].markdown);
  });

  test("a page's canonical address (on its own site) names its note", async () => {
    const other = await suite.context.newPage();
    await other.goto(`${suite.origin}/pages/alias.html?utm_source=feed#top`);
    await dragSelect(other, '#p', 'Whatever', 'note.');
    const result = await saveFromMenu(suite.worker, other);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false);
    assert.equal(result.key, `note:${suite.origin}/pages/the-article.html`);
    const stored = (await storage(suite.worker))[result.key];
    assert.equal(stored.quotes.at(-1).markdown, 'Whatever address brought the reader here, the quotes go to one note.');
    await other.close();
  });

  test('an empty selection is refused with a reason on the badge', async () => {
    await page.evaluate(() => getSelection().removeAllRanges());
    const before = await note();
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, false);
    assert.match(result.reason, /select some text/);
    const tab = await tabOf(suite.worker, page);
    const shown = await badgeOf(tab.id);
    assert.equal(shown.text, '!');
    assert.match(shown.title, /could not save the quote: .*select some text/);
    assert.deepEqual(await note(), before);
  });

  test('concurrent saves from two tabs lose nothing', async () => {
    const second = await suite.context.newPage();
    await second.goto(`${pageUrl}#again`);
    // Passages not saved yet: the core stores a quote saved twice once.
    await dragSelect(page, '#p2', 'second', 'page');
    await dragSelect(second, '#p1', 'stays', 'intact.');
    const before = (await note()).quotes.length;
    const results = await Promise.all([saveFromMenu(suite.worker, page), saveFromMenu(suite.worker, second)]);
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    assert.equal((await note()).quotes.length, before + 2);
    await second.close();
  });
});
