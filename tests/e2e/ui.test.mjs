// The popup and the options page, driven in Chromium with the test build:
// node --test tests/e2e/ui.test.mjs (after `cargo xtask build`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { launch, makeNote, seed, storage, syncStorage, openPage, until, assertLayout } from './ui-lib.mjs';

/** A page of the test's own server (the test build may read 127.0.0.1 tabs' URLs). */
let PAGE_URL;

function library() {
  return [
    makeNote({
      url: 'https://a.example/old',
      title: 'An old note about gardens',
      authors: ['Vita Sackville-West'],
      updated: '2024-01-01T10:00:00.000Z',
      quotes: [{ id: 'old-1', text: 'Gardens need patience.' }],
    }),
    makeNote({
      url: PAGE_URL,
      title: 'Zebras and their stripes',
      site: 'Zoo Weekly',
      updated: '2024-02-01T10:00:00.000Z',
      quotes: [
        { id: 'z-1', text: 'Stripes confuse biting flies.', markdown: 'Stripes confuse **biting flies**.', created: '2024-02-01T10:00:00.000Z', fragment: 'text=Stripes%20confuse' },
        { id: 'z-2', text: 'No two zebras share a pattern.', created: '2024-02-01T10:01:00.000Z', comment: 'Like fingerprints', tags: ['animals'] },
        { id: 'z-3', text: 'Foals know their mother by her stripes.', created: '2024-02-01T10:02:00.000Z' },
      ],
    }),
    makeNote({
      url: 'https://c.example/new',
      title: 'The newest note',
      updated: '2024-03-01T10:00:00.000Z',
      quotes: [{ id: 'new-1', text: 'Fresh words about café culture.', tags: ['coffee'] }],
    }),
  ];
}

let ext;
let server;

before(async () => {
  server = createServer((_, response) => {
    response.setHeader('content-type', 'text/html');
    response.end('<title>Zebras</title><p>Stripes confuse biting flies.</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  PAGE_URL = `http://127.0.0.1:${server.address().port}/articles/zebras`;
  ext = await launch();
});

after(async () => {
  await ext?.close();
  server?.close();
});

async function reset(notes = library()) {
  for (const page of ext.context.pages()) await page.close();
  await ext.sw.evaluate(async () => {
    await chrome.storage.local.clear();
    await chrome.storage.sync.clear();
  });
  await seed(ext.sw, notes);
}

async function popup() {
  return openPage(ext, 'popup/popup.html', '#notes li, #empty:not([hidden])');
}

function titles(page, selector) {
  return page.locator(`${selector} .note-title`).allTextContents();
}

test('the popup shows this page\'s note first (by its URL), then every note, newest first', async () => {
  await reset();
  const tab = await ext.context.newPage();
  await tab.goto(`${PAGE_URL}?utm_source=newsletter#intro`);
  const page = await popup();
  assert.deepEqual(await titles(page, '#this-page'), ['Zebras and their stripes']);
  assert.equal(await page.locator('#this-page .note-toggle').getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await titles(page, '#notes'), ['The newest note', 'An old note about gardens']);
  await assertLayout(page, 'this page\'s note open');
  await page.close();
  await tab.close();

  // Without a page of its own, every note is listed.
  const alone = await popup();
  assert.equal(await alone.locator('#this-page').isHidden(), true);
  assert.deepEqual(await titles(alone, '#notes'), ['The newest note', 'Zebras and their stripes', 'An old note about gardens']);
  await assertLayout(alone, 'every note');
  await alone.close();
});

test('search finds notes by title, quote, comment, tag, author and site, ignoring case and accents', async () => {
  await reset();
  const page = await popup();
  const search = page.locator('#search');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
  for (const [query, expected] of [
    ['gardens', ['An old note about gardens']], // title
    ['BITING', ['Zebras and their stripes']], // quote text
    ['fingerprints', ['Zebras and their stripes']], // comment
    ['coffee', ['The newest note']], // tag
    ['sackville', ['An old note about gardens']], // author
    ['weekly', ['Zebras and their stripes']], // site
    ['cafe', ['The newest note']], // accent-insensitive
    ['zebras mother', ['Zebras and their stripes']], // every word, anywhere in the note
    ['zebras gardens', []],
  ]) {
    await search.fill(query);
    assert.deepEqual(await titles(page, '#notes'), expected, query);
    await assertLayout(page, `search ${query}`);
  }
  // A result shows the quotes that match.
  await search.fill('mother');
  assert.deepEqual(await page.locator('#notes .snippets li').allTextContents(), ['Foals know their mother by her stripes.']);
  // Escape clears the search.
  await search.press('Escape');
  assert.equal((await titles(page, '#notes')).length, 3);
  await page.close();
});

test('quotes show as Markdown, long ones folded, comments apart, the search\'s words marked', async () => {
  const long = Array.from({ length: 14 }, (_, i) => `- Point ${i + 1} about stripes and shade`).join('\n');
  await reset([...library(), makeNote({
    url: 'https://d.example/long',
    title: 'A long list',
    updated: '2023-01-01T10:00:00.000Z',
    quotes: [{ id: 'long-1', markdown: long, text: long.replace(/- /g, '') }],
  })]);
  const page = await popup();
  const zebras = page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  await zebras.locator('.note-toggle').click();
  // The quote's Markdown, drawn: emphasis is an element, not asterisks.
  const first = zebras.locator('[data-quote-id="z-1"] .quote-text');
  assert.equal(await first.locator('strong').textContent(), 'biting flies');
  assert.equal(await first.textContent(), 'Stripes confuse biting flies.');
  // The comment is labelled and set apart from the quote (its own bar and background).
  const comment = zebras.locator('[data-quote-id="z-2"] .comment');
  assert.equal(await comment.locator('.comment-label').textContent(), 'Comment');
  assert.equal(await comment.locator('p').textContent(), 'Like fingerprints');
  const bars = await zebras.locator('[data-quote-id="z-2"]').evaluate((box) => [
    getComputedStyle(box.querySelector('.quote-text')).borderLeftColor,
    getComputedStyle(box.querySelector('.comment')).borderLeftColor,
  ]);
  assert.notEqual(bars[0], bars[1]);
  // Short quotes have no "more".
  assert.equal(await zebras.locator('.quote-more').count(), 0);
  await assertLayout(page, 'a note open');

  // A long quote shows its first lines, and all of them on "More".
  const card = page.locator('#notes article', { hasText: 'A long list' });
  await card.locator('.note-toggle').click();
  const body = card.locator('.quote-text');
  const more = card.locator('.quote-more');
  assert.equal(await body.locator('li').count(), 14);
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.equal(await more.textContent(), 'More');
  const folded = await body.evaluate((e) => [e.clientHeight, e.scrollHeight]);
  assert.ok(folded[0] < folded[1] / 2, `folded: ${folded}`);
  await assertLayout(page, 'a long quote folded');
  await more.focus();
  await page.keyboard.press('Enter');
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  assert.equal(await more.textContent(), 'Less');
  const open = await body.evaluate((e) => [e.clientHeight, e.scrollHeight]);
  assert.equal(open[0], open[1]);
  await assertLayout(page, 'a long quote unfolded');

  // Matches are marked in titles, snippets and quotes, whatever their case and accents.
  await zebras.locator('.note-toggle').click();
  await page.locator('#search').fill('BITING zebra');
  const result = page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  assert.deepEqual(await result.locator('.note-title mark').allTextContents(), ['Zebra']);
  assert.deepEqual(await result.locator('.snippets mark').allTextContents(), ['biting']);
  await result.locator('.note-toggle').click();
  assert.deepEqual(await result.locator('.quote-text mark').allTextContents(), ['biting']);
  assert.equal(await result.locator('.quote-text strong mark').textContent(), 'biting');
  await page.locator('#search').fill('cafe');
  const cafe = page.locator('#notes article', { hasText: 'The newest note' });
  assert.deepEqual(await cafe.locator('.snippets mark').allTextContents(), ['café']);
  // An author's and a site's words are marked where the card names them.
  await page.locator('#search').fill('sackville');
  assert.deepEqual(await page.locator('#notes .note-meta mark').allTextContents(), ['Sackville']);
  await assertLayout(page, 'a search by author');
  await page.close();
});

test('a note previews as safe HTML, copies and downloads as Markdown through the templates', async () => {
  await reset();
  const page = await popup();
  // Extension pages cannot be granted clipboard-read: record what the page writes, and let
  // the real write happen too.
  await page.evaluate(() => {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = async (text) => {
      await write(text);
      globalThis.copiedText = text;
    };
  });
  const card = page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  await card.locator('.note-toggle').click();
  await card.getByRole('button', { name: 'Preview' }).click();
  const preview = card.locator('.preview');
  await preview.waitFor();
  assert.equal(await preview.locator('blockquote strong').first().textContent(), 'biting flies');
  assert.match(await preview.textContent(), /Like fingerprints/);

  await card.getByRole('button', { name: 'Copy Markdown' }).click();
  await until(async () => (await page.locator('#status').textContent()) !== '');
  assert.equal(await page.locator('#status').textContent(), 'Markdown copied to the clipboard.');
  const copied = await page.evaluate(() => globalThis.copiedText);
  assert.match(copied, /^---\ntitle: /);
  assert.match(copied, /\n> Stripes confuse \*\*biting flies\*\*\.\n/);
  assert.match(copied, /\n#animals\n/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('button', { name: 'Download .md' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'Zebras and their stripes.md');
  assert.equal(await readFile(await download.path(), 'utf8'), copied);
  await page.close();
});

test('the reader\'s templates and file name pattern apply to copies and downloads', async () => {
  await reset();
  await ext.sw.evaluate(() => chrome.storage.sync.set({
    'template:quote': 'QUOTE {{ quote }}\n',
    fileNamePattern: '{site} - {title}',
  }));
  const page = await popup();
  const card = page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  await card.locator('.note-toggle').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('button', { name: 'Download .md' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'Zoo Weekly - Zebras and their stripes.md');
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /\nQUOTE Stripes confuse \*\*biting flies\*\*\.\n/);
  await page.close();
});

test('opening the source at a quote opens its deep link in a new tab', async () => {
  await reset();
  const page = await popup();
  const card = page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  await card.locator('.note-toggle').click();
  const quote = card.locator('.quote', { hasText: 'Stripes confuse' });
  const [opened] = await Promise.all([
    ext.context.waitForEvent('page'),
    quote.getByRole('button', { name: 'Open at quote' }).click(),
  ]);
  await until(() => opened.url() !== 'about:blank');
  assert.equal(opened.url(), `${PAGE_URL}#:~:text=Stripes%20confuse`);
  await opened.close();
  await page.close();
});

test('a quote\'s comment and tags are edited with the keyboard and stored', async () => {
  await reset();
  const page = await popup();
  const card = page.locator('#notes article', { hasText: 'An old note about gardens' });
  await card.locator('.note-toggle').focus();
  await page.keyboard.press('Enter');
  await card.getByRole('button', { name: 'Edit comment and tags' }).click();
  await page.getByLabel('Comment').fill('  Slow and *steady*. ');
  await page.getByRole('textbox', { name: 'Tags' }).fill('#garden, slow living, garden');
  await page.getByRole('button', { name: 'Save' }).click();
  await until(async () => (await page.locator('#status').textContent()) === 'Comment and tags saved.');
  const note = (await storage(ext.sw))['note:https://a.example/old'];
  assert.equal(note.quotes[0].comment, 'Slow and *steady*.');
  assert.deepEqual(note.quotes[0].tags, ['garden', 'slow-living']);
  assert.notEqual(note.updated, '2024-01-01T10:00:00.000Z');
  // The card shows it, and focus is back on the quote's edit button.
  const fresh = page.locator('article', { hasText: 'An old note about gardens' });
  assert.equal(await fresh.locator('.comment p').textContent(), 'Slow and *steady*.');
  assert.deepEqual(await fresh.locator('.tags li').allTextContents(), ['#garden', '#slow-living']);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Edit comment and tags');
  // The edited note is now the newest.
  assert.equal((await titles(page, '#notes'))[0], 'An old note about gardens');
  await page.close();
});

test('deleting a quote and a note can be undone after closing and reopening the popup', async () => {
  await reset();
  let page = await popup();
  const card = page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  await card.locator('.note-toggle').click();
  await card.locator('.quote', { hasText: 'No two zebras' }).getByRole('button', { name: 'Delete' }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 1);
  let stored = await storage(ext.sw);
  assert.deepEqual(stored[`note:${PAGE_URL}`].quotes.map((q) => q.id), ['z-1', 'z-3']);
  assert.equal(Object.keys(stored).filter((k) => k.startsWith('trash:')).length, 1);
  // Focus moved to the undo offer.
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'undo-button');
  await assertLayout(page, 'after a quote\'s delete');

  await page.locator('#notes article', { hasText: 'An old note about gardens' }).locator('.note-toggle').click();
  await page.locator('#notes article', { hasText: 'An old note about gardens' }).getByRole('button', { name: 'Delete note' }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 2);
  assert.equal((await storage(ext.sw))['note:https://a.example/old'], undefined);
  // The note that lost a quote was updated last.
  assert.deepEqual(await titles(page, '#notes'), ['Zebras and their stripes', 'The newest note']);
  await assertLayout(page, 'after a note\'s delete');
  await page.close();

  // Reopened: both offers are still there, newest first.
  page = await popup();
  const offers = page.locator('#undo-list li');
  assert.equal(await offers.count(), 2);
  assert.match(await offers.nth(0).textContent(), /Deleted note “An old note about gardens”/);
  assert.match(await offers.nth(1).textContent(), /Deleted quote “No two zebras share a pattern\.”/);
  await assertLayout(page, 'reopened with two deletions');
  await offers.nth(1).getByRole('button').click();
  await until(async () => (await offers.count()) === 1);
  stored = await storage(ext.sw);
  assert.deepEqual(stored[`note:${PAGE_URL}`].quotes.map((q) => q.id), ['z-1', 'z-2', 'z-3']);
  assert.equal(stored[`note:${PAGE_URL}`].quotes[1].comment, 'Like fingerprints');
  await offers.nth(0).getByRole('button').click();
  await until(async () => (await offers.count()) === 0);
  stored = await storage(ext.sw);
  assert.deepEqual(stored['note:https://a.example/old'].quotes.map((q) => q.id), ['old-1']);
  assert.equal(Object.keys(stored).filter((k) => k.startsWith('trash:')).length, 0);
  assert.equal((await titles(page, '#notes')).length, 3);
  await page.close();
});

test('undoing a deleted note keeps the quotes saved to its page since', async () => {
  await reset();
  let page = await popup();
  const card = page.locator('#notes article', { hasText: 'The newest note' });
  await card.locator('.note-toggle').click();
  await card.getByRole('button', { name: 'Delete note' }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 1);
  await page.close();
  // A quote saved to the same page meanwhile.
  await seed(ext.sw, [makeNote({
    url: 'https://c.example/new',
    title: 'The newest note',
    updated: '2024-04-01T10:00:00.000Z',
    quotes: [{ id: 'new-2', text: 'Saved after the deletion.', created: '2024-04-01T10:00:00.000Z' }],
  })]);
  page = await popup();
  await page.locator('#undo-list button').click();
  await until(async () => (await page.locator('#undo-list li').count()) === 0);
  const note = (await storage(ext.sw))['note:https://c.example/new'];
  assert.deepEqual(note.quotes.map((q) => q.id), ['new-1', 'new-2']);
  await page.close();
});

test('old deletions are purged when the popup opens', async () => {
  await reset();
  const old = Date.now() - 31 * 60_000;
  await ext.sw.evaluate((old) => chrome.storage.local.set({
    [`trash:${old}:x`]: { kind: 'note', deletedAt: old, key: 'note:https://gone.example/', title: 'Gone', note: {} },
  }), old);
  const page = await popup();
  await until(async () => !Object.keys(await storage(ext.sw)).some((k) => k.startsWith('trash:')));
  assert.equal(await page.locator('#undo').isHidden(), true);
  await page.close();
});

test('the template editor previews live, shows errors with line and column, and saves after a pause', async () => {
  await reset();
  await ext.sw.evaluate(() => {
    globalThis.syncWrites = [];
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'sync') globalThis.syncWrites.push(Object.keys(changes));
    });
  });
  const page = await openPage(ext, 'options/options.html', '#template-preview:not(:empty)');
  const preview = page.locator('#template-preview');
  const before = await preview.textContent();
  assert.match(before, /^---\ntitle: On reading well\n/);
  assert.match(before, /\n> Reading is a conversation/);

  const quote = page.getByLabel('Quote template');
  await quote.fill('');
  await quote.pressSequentially('* {{ quote }} ({{ created }})', { delay: 15 });
  await until(async () => (await preview.textContent()).includes('* Notes are for *later*.'));
  assert.doesNotMatch(await preview.textContent(), /\n> Reading/);
  await until(async () => (await syncStorage(ext.sw))['template:quote'] === '* {{ quote }} ({{ created }})');
  const writes = await ext.sw.evaluate(() => globalThis.syncWrites);
  // 29 keystrokes: one write after the pause (a few if the machine stalls mid-typing).
  assert.ok(writes.length <= 3, `a write after the pause, not one a keystroke: ${JSON.stringify(writes)}`);
  assert.equal(await page.locator('#template-save').textContent(), 'Templates saved.');

  // An error: where it is, and nothing saved.
  await quote.fill('line one\n{{ quote | nosuchfilter }}');
  const error = page.locator('#template-error');
  await error.waitFor();
  assert.match(await error.textContent(), /quote template at line 2, column \d+/);
  await assertLayout(page, 'options with a template error');
  await until(async () => (await page.locator('#template-save').textContent()) === 'Not saved: fix the error first.');
  assert.equal((await syncStorage(ext.sw))['template:quote'], '* {{ quote }} ({{ created }})');

  // Too large for one synced item: refused with a message.
  await quote.fill(`{# ${'x'.repeat(9000)} #}{{ quote }}`);
  await until(async () => /Not saved: this takes \d+ bytes/.test(await page.locator('#template-save').textContent()));
  assert.equal((await syncStorage(ext.sw))['template:quote'], '* {{ quote }} ({{ created }})');

  // Back to the default: stored as nothing.
  await page.locator('#reset-quote').click();
  await until(async () => (await syncStorage(ext.sw))['template:quote'] === undefined);
  assert.match(await preview.textContent(), /\n> Reading is a conversation/);
  await page.close();
});

test('beside the editor, every name with its example as rendered, and unknown names named', async () => {
  await reset();
  const page = await openPage(ext, 'options/options.html', '#template-preview:not(:empty)');
  const reference = page.locator('#template-reference');
  // Folded at first, under the editors: its summary says what it holds.
  assert.equal(await reference.locator('summary').textContent(), 'Variables and filters, with examples');
  assert.equal(await reference.getAttribute('open'), null);
  await reference.locator('summary').focus();
  await page.keyboard.press('Enter');
  assert.equal(await reference.getAttribute('open'), '');
  const row = (name) => reference.locator(`tr[data-name="${name}"]`).first();
  // The examples are rendered by the core on the sample note the preview shows.
  assert.equal(await row('title').locator('td samp').textContent(), 'On reading well');
  assert.equal(await row('author').locator('td samp').textContent(), 'Ada Example');
  assert.match(await row('fragment_url').locator('td samp').textContent(), /^\[↗\]\(https:\/\/example\.com\/articles\/reading-well\)$/);
  assert.equal(await row('fragment_url').locator('.scope').textContent(), 'quote template');
  assert.equal(await row('blockquote').locator('td code').textContent(), '{{ quote | blockquote }}');
  assert.match(await row('blockquote').locator('td samp').textContent(), /^> Reading is a conversation/);
  assert.equal(await row('range').locator('td samp').textContent(), '0 1 2');
  const names = await reference.locator('tbody th code').allTextContents();
  for (const name of ['quote', 'comment', 'tags', 'date', 'yaml', 'hashtag', 'replace', 'default']) {
    assert.ok(names.includes(name), `${name} is listed`);
  }
  await assertLayout(page, 'the template reference open');

  // A misspelt name renders empty: the page says which, and in which template.
  const unknown = page.locator('#template-unknown');
  assert.equal(await unknown.isHidden(), true);
  await page.getByLabel('Note template').fill('# {{ titel }}\n{% for q in quotes %}{{ q.rendered }}{% endfor %}');
  await until(async () => !(await unknown.isHidden()));
  assert.equal(await unknown.textContent(), 'The note template uses names that do not exist, which render empty: titel');
  await page.getByLabel('Quote template').fill('{{ quote }} {{ commment }} {{ title }}');
  await until(async () => (await unknown.textContent()).includes('commment'));
  assert.match(await unknown.textContent(), /quote template uses names that do not exist, which render empty: commment$/);
  await assertLayout(page, 'options with unknown names');
  await page.locator('#reset-note').click();
  await page.locator('#reset-quote').click();
  await until(async () => unknown.isHidden());
  await page.close();
});

test('the file name pattern is checked, shown on a sample and saved', async () => {
  await reset();
  const page = await openPage(ext, 'options/options.html', '#file-name-example:not(:empty)');
  const field = page.getByLabel('File name pattern', { exact: true });
  await field.fill('{date} {nope}');
  await until(async () => (await field.getAttribute('aria-invalid')) === 'true');
  assert.match(await page.locator('#file-name-example').textContent(), /not valid/);
  await assertLayout(page, 'options with an invalid pattern');
  await field.fill('{year}/{date} {title}');
  await until(async () => (await page.locator('#file-name-example').textContent()).endsWith('2024-06-05 On reading well.md'));
  await until(async () => (await syncStorage(ext.sw)).fileNamePattern === '{year}/{date} {title}');
  assert.equal(await field.getAttribute('aria-invalid'), null);
  // The whole path, folders included, as the zip export and folder sync write it.
  const pattern = '{site}/{year}-{month}/{title}.md';
  await field.fill(pattern);
  await until(async () => (await page.locator('#file-name-example').textContent()).includes('2024-06/'));
  assert.equal(await page.locator('#file-name-example').textContent(),
    'The sample note would be saved as: Example/2024-06/On reading well.md');
  await page.close();
});

test('backup: the reminder, export, and import that merges', async () => {
  await reset();
  let page = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
  await until(() => page.locator('#reminder').isVisible());
  assert.match(await page.locator('#reminder').textContent(), /Uninstalling Quotebook deletes its storage/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#export').click(),
  ]);
  assert.match(download.suggestedFilename(), /^quotebook-backup-\d{4}-\d{2}-\d{2}\.json$/);
  const backup = await readFile(await download.path(), 'utf8');
  const parsed = JSON.parse(backup);
  assert.equal(parsed.schema, 1);
  assert.deepEqual(parsed.notes.map((n) => n.title).sort(), library().map((n) => n.title).sort());
  await until(() => page.locator('#reminder').isHidden());
  assert.match(await page.locator('#last-backup').textContent(), /^Last backup: /);
  await page.close();

  // Lose a note and a quote, then import the backup: both come back, nothing twice.
  await reset([makeNote({
    url: PAGE_URL,
    title: 'Zebras and their stripes',
    updated: '2024-02-01T10:00:00.000Z',
    quotes: [{ id: 'z-1', text: 'Stripes confuse biting flies.', created: '2024-02-01T10:00:00.000Z' }],
  })]);
  page = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
  await page.locator('#import').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(backup) });
  await page.locator('#import-plan').waitFor();
  await assertLayout(page, 'options with an import plan');
  await page.locator('#import-apply').click();
  await until(async () => /^Imported:/.test(await page.locator('#status').textContent()));
  assert.equal(await page.locator('#status').textContent(),
    'Imported: 2 new notes, 1 updated notes, 4 new quotes, 0 removed (undo under Recently deleted in the popup).');
  const stored = await storage(ext.sw);
  assert.deepEqual(stored[`note:${PAGE_URL}`].quotes.map((q) => q.id), ['z-1', 'z-2', 'z-3']);
  assert.equal(Object.keys(stored).filter((k) => k.startsWith('note:')).length, 3);

  // A file that is no backup: a worded error, nothing changed.
  await page.locator('#import').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await until(async () => (await page.locator('#status').getAttribute('data-kind')) === 'error');
  assert.match(await page.locator('#status').textContent(), /cannot be read/);
  assert.deepEqual(await storage(ext.sw), stored);
  await page.close();
});

test('the options page shows the keyboard shortcut and opens the browser\'s shortcut settings', async () => {
  await reset();
  const page = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
  assert.equal(await page.locator('#shortcut-text').textContent(), 'Save the selection: Alt+Shift+S');
  assert.equal(await page.locator('#shortcut-highlights').textContent(), 'Show this page’s highlights: Alt+Shift+H');
  assert.match(await page.locator('#sync').textContent(), /Folder sync.*Export to Downloads.*Sync now/s);
  await assertLayout(page, 'the options page');
  const [opened] = await Promise.all([
    ext.context.waitForEvent('page'),
    page.getByRole('button', { name: 'Change keyboard shortcuts' }).click(),
  ]);
  await until(() => opened.url().startsWith('chrome://'));
  assert.equal(opened.url(), 'chrome://extensions/shortcuts');
  await opened.close();
  await page.close();
});

test('every control of the popup and the options page has a label', async () => {
  await reset();
  for (const [file, ready] of [['popup/popup.html', '#notes li'], ['options/options.html', '#shortcut-text:not(:empty)']]) {
    const page = await openPage(ext, file, ready);
    if (file.startsWith('popup')) await page.locator('.note-toggle').first().click();
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('button, input, textarea, select, [tabindex]')]
      .filter((el) => !el.hidden && el.type !== 'hidden')
      .filter((el) => {
        const name = el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent
          || el.getAttribute('aria-labelledby');
        return !name || !name.trim();
      })
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, [], file);
    await page.close();
  }
});

test('the popup works with the keyboard alone, with a visible focus ring', async () => {
  await reset();
  const page = await popup();
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent.trim().slice(0, 40), id: el.id, outline: style.outlineStyle, width: style.outlineWidth };
  });
  assert.equal((await focused()).id, 'search');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Options');
  await page.keyboard.press('Tab');
  const toggle = await focused();
  assert.match(toggle.text, /^The newest note/);
  assert.equal(toggle.outline, 'solid');
  assert.equal(toggle.width, '3px');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#notes .note-toggle').first().getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Preview');
  await page.keyboard.press('Enter');
  await page.locator('#notes .preview').first().waitFor();
  // Down to the quote's delete button, then undo, all by keyboard.
  for (let i = 0; i < 20 && (await focused()).text !== 'Delete'; i++) await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Delete');
  await page.keyboard.press('Enter');
  await until(async () => (await focused()).text === 'Undo');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#undo-list li').count()) === 0);
  assert.equal((await storage(ext.sw))['note:https://c.example/new'].quotes.length, 1);
  await page.close();
});

test('a quote deleted before its whole note comes back in a recreated note, then merges', async () => {
  await reset();
  const page = await popup();
  const card = () => page.locator('#notes article', { hasText: 'Zebras and their stripes' });
  await card().locator('.note-toggle').click();
  await card().locator('.quote', { hasText: 'Foals know' }).getByRole('button', { name: 'Delete' }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 1);
  await card().getByRole('button', { name: 'Delete note' }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 2);
  // Undo the quote first: its note is gone, so it comes back holding that quote alone.
  await page.locator('#undo-list li', { hasText: 'Deleted quote' }).getByRole('button').click();
  await until(async () => (await page.locator('#undo-list li').count()) === 1);
  let note = (await storage(ext.sw))[`note:${PAGE_URL}`];
  assert.deepEqual(note.quotes.map((q) => q.id), ['z-3']);
  assert.equal(note.title, 'Zebras and their stripes');
  // Then the note: every quote, once, in the order saved.
  await page.locator('#undo-list li', { hasText: 'Deleted note' }).getByRole('button').click();
  await until(async () => (await page.locator('#undo-list li').count()) === 0);
  note = (await storage(ext.sw))[`note:${PAGE_URL}`];
  assert.deepEqual(note.quotes.map((q) => q.id), ['z-1', 'z-2', 'z-3']);
  await page.close();
});

test('importing into a note stored by an older schema updates it where it is stored', async () => {
  const legacyKey = 'note:https://a.example/p?utm_source=x';
  await reset([]);
  await ext.sw.evaluate((legacyKey) => chrome.storage.local.set({
    [legacyKey]: {
      schema: 1, id: 'https://a.example/p?utm_source=x', url: 'https://a.example/p?utm_source=x',
      title: 'Old', created: '2023-01-01T00:00:00.000Z', updated: '2023-01-01T00:00:00.000Z',
      quotes: [{ id: 'v1', markdown: 'a', text: 'a', created: '2023-01-01T00:00:00.000Z' }],
    },
  }), legacyKey);
  const backup = JSON.stringify({
    schema: 1,
    notes: [makeNote({
      url: 'https://a.example/p', title: 'Old', updated: '2024-01-01T00:00:00.000Z',
      quotes: [{ id: 'v2', text: 'b', created: '2024-01-01T00:00:00.000Z' }],
    })],
  });
  const page = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
  await page.locator('#import').setInputFiles({ name: 'b.json', mimeType: 'application/json', buffer: Buffer.from(backup) });
  await page.locator('#import-apply').click();
  await until(async () => /^Imported:/.test(await page.locator('#status').textContent()));
  const stored = await storage(ext.sw);
  assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('note:')), [legacyKey]);
  assert.deepEqual(stored[legacyKey].quotes.map((q) => q.id), ['v1', 'v2']);
  assert.equal(stored[legacyKey].schema, 3);
  await page.close();
});

test('every popup state fits the popup\'s width and shows nothing that is hidden', async () => {
  // Empty.
  await reset([]);
  let page = await openPage(ext, 'popup/popup.html', '#empty:not([hidden])');
  assert.equal(await page.locator('#more').isVisible(), false);
  await assertLayout(page, 'the empty popup');
  await page.close();

  // One note, with a long title and a long quote in one word.
  const long = 'Antidisestablishmentarianism'.repeat(6);
  await reset([makeNote({
    url: 'https://one.example/a', title: `A single note ${long}`, updated: '2024-05-01T10:00:00.000Z',
    quotes: [{ id: 'one-1', text: `A quote that runs on and on ${long} and ends.` }],
  })]);
  page = await popup();
  assert.equal(await page.locator('#more').isVisible(), false);
  await assertLayout(page, 'one note');
  await page.locator('.note-toggle').click();
  await assertLayout(page, 'one note, open');
  // Search: one result, then none; "Show more" stays away from both.
  await page.locator('#search').fill('single');
  assert.equal((await titles(page, '#notes')).length, 1);
  assert.equal(await page.locator('#more').isVisible(), false);
  await assertLayout(page, 'a search with one result');
  await page.locator('#search').fill('nothing matches this');
  assert.equal((await titles(page, '#notes')).length, 0);
  assert.equal(await page.locator('#more').isVisible(), false);
  await assertLayout(page, 'a search with no result');
  await page.locator('#search').fill('');
  // Deleting it (its card is still open): the undo offer names the long note and still fits.
  await page.getByRole('button', { name: 'Delete note' }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 1);
  await assertLayout(page, 'after deleting the only note');
  await page.close();

  // Many: 35 notes, a page of 30 and "Show more", which shows the rest and goes away.
  const many = Array.from({ length: 35 }, (_, i) => makeNote({
    url: `https://many.example/${i}`,
    title: `Note number ${i}`,
    updated: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
    quotes: [{ id: `m-${i}`, text: `Words of note ${i}.` }],
  }));
  await reset(many);
  page = await popup();
  await until(async () => (await titles(page, '#notes')).length === 30);
  assert.equal(await page.locator('#more').isVisible(), true);
  await assertLayout(page, 'many notes');
  await page.locator('#more').click();
  assert.equal((await titles(page, '#notes')).length, 35);
  assert.equal(await page.locator('#more').isVisible(), false);
  await assertLayout(page, 'many notes, all shown');
  // A quote's deletion among many, with a long quote.
  const card = page.locator('#notes article', { hasText: 'Note number 34' });
  await card.locator('.note-toggle').click();
  await card.getByRole('button', { name: 'Delete', exact: true }).click();
  await until(async () => (await page.locator('#undo-list li').count()) === 1);
  await assertLayout(page, 'many notes, after a delete');
  await page.close();
});
