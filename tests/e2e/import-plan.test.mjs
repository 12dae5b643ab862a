// Importing a backup from the options page: a dry run in the page (added, changed,
// removed, settings) before anything is stored, removals through the trash, and a
// crafted backup refused with its line.
// node --test tests/e2e/import-plan.test.mjs (after `cargo xtask build`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, makeNote, seed, storage, openPage, until } from './ui-lib.mjs';

let ext;

before(async () => {
  ext = await launch();
});

after(async () => {
  await ext?.close();
});

function library() {
  return [
    makeNote({
      url: 'https://a.example/gardens',
      title: 'Gardens',
      updated: '2024-01-01T10:00:00.000Z',
      quotes: [{ id: 'g-1', text: 'Gardens need patience.' }],
    }),
    makeNote({
      url: 'https://b.example/zebras',
      title: 'Zebras',
      updated: '2024-02-01T10:00:00.000Z',
      quotes: [
        { id: 'z-1', text: 'Stripes confuse biting flies.', created: '2024-02-01T10:00:00.000Z' },
        { id: 'z-2', text: 'No two zebras share a pattern.', created: '2024-02-01T10:01:00.000Z' },
      ],
    }),
  ];
}

async function reset() {
  for (const page of ext.context.pages()) await page.close();
  await ext.sw.evaluate(() => chrome.storage.local.clear());
  await seed(ext.sw, library());
}

/** Opens the options page; any `confirm()`/`alert()` dialog fails the test. */
async function options() {
  const page = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
  page.on('dialog', (dialog) => {
    dialog.dismiss();
    throw new Error(`a ${dialog.type()} dialog was shown: ${dialog.message()}`);
  });
  return page;
}

function choose(page, name, text) {
  return page.locator('#import').setInputFiles({
    name, mimeType: 'application/json', buffer: Buffer.from(text),
  });
}

test('an import shows what it adds, changes and removes, and stores nothing until applied', async () => {
  await reset();
  const [gardens, zebras] = library();
  const hostile = '<img src=x onerror="document.title=\'owned\'">';
  const backup = JSON.stringify({
    schema: 1,
    templates: { note: '{{ title }}' },
    notes: [
      { ...zebras, title: 'Zebras, revised', updated: '2024-03-01T10:00:00.000Z',
        quotes: [...zebras.quotes, makeNote({ url: zebras.url, title: '', updated: '2024-03-01T10:00:00.000Z',
          quotes: [{ id: 'z-3', text: 'Foals know their mother.' }] }).quotes[0]] },
      makeNote({ url: 'https://c.example/new', title: hostile, updated: '2024-03-01T10:00:00.000Z',
        quotes: [{ id: 'n-1', text: 'New words.' }] }),
    ],
    deleted: [
      { id: gardens.id, at: '2024-04-01T00:00:00.000Z' },
      { id: 'z-2', note: zebras.id, at: '2024-04-01T00:00:00.000Z' },
    ],
  });
  const before = await storage(ext.sw);
  const page = await options();
  await choose(page, 'backup.json', backup);
  await until(() => page.locator('#import-plan').isVisible());
  assert.equal(await page.locator('#import-plan-summary').textContent(),
    '1 new notes, 1 changed notes, 2 new quotes, 2 removed.');
  const lists = await page.locator('#import-plan-lists').innerText();
  assert.match(lists, /New notes \(1\)/);
  assert.ok(lists.includes(`${hostile}: 1 quotes`), lists);
  assert.match(lists, /Changed notes \(1\)\nZebras, revised: 1 new quotes, 1 removed; also changes: title/);
  assert.match(lists, /Removed \(to Recently deleted, can be undone\) \(2\)/);
  assert.match(lists, /The note “Gardens”/);
  assert.match(lists, /“No two zebras share a pattern\.” from “Zebras”/);
  assert.equal(await page.locator('#import-plan-settings').textContent(),
    'Settings: this backup carries none. Not imported from the backup: templates.');
  assert.ok(await page.locator('#import-settings-choice').isHidden());
  // The backup's text is text: no element of it, nothing run.
  assert.equal(await page.locator('#import-plan img').count(), 0);
  assert.notEqual(await page.title(), 'owned');
  // A dry run: nothing stored yet.
  assert.deepEqual(await storage(ext.sw), before);

  await page.locator('#import-apply').click();
  await until(async () => /^Imported:/.test(await page.locator('#status').textContent()));
  assert.equal(await page.locator('#status').textContent(),
    'Imported: 1 new notes, 1 updated notes, 2 new quotes, 2 removed (undo under Recently deleted in the popup).');
  assert.ok(await page.locator('#import-plan').isHidden());
  const stored = await storage(ext.sw);
  assert.equal(stored[`note:${gardens.id}`], undefined);
  assert.deepEqual(stored[`note:${zebras.id}`].quotes.map((q) => q.id), ['z-1', 'z-3']);
  assert.equal(stored[`note:${zebras.id}`].url, zebras.url);
  // Both removals wait in the trash, with the backup's deletion time.
  const trash = Object.entries(stored).filter(([key]) => key.startsWith('trash:')).map(([, entry]) => entry);
  assert.deepEqual(trash.map((e) => [e.kind, e.at]).sort(),
    [['note', '2024-04-01T00:00:00.000Z'], ['quote', '2024-04-01T00:00:00.000Z']]);
  assert.equal(stored['sync:deleted'], undefined, 'the deletions travel once past undo, not before');
  await page.close();

  // The popup's "Recently deleted" undoes them.
  const popup = await openPage(ext, 'popup/popup.html', '#notes li, #empty:not([hidden])');
  await until(async () => (await popup.locator('#undo-list li').count()) === 2);
  await popup.locator('#undo-list li', { hasText: 'Deleted note' }).getByRole('button').click();
  await popup.locator('#undo-list li', { hasText: 'No two zebras' }).getByRole('button').click();
  await until(async () => (await popup.locator('#undo-list li').count()) === 0);
  const undone = await storage(ext.sw);
  assert.deepEqual(undone[`note:${gardens.id}`].quotes.map((q) => q.id), ['g-1']);
  assert.deepEqual(undone[`note:${zebras.id}`].quotes.map((q) => q.id), ['z-1', 'z-2', 'z-3']);
  await popup.close();
});

test('a backup carries the templates and pattern, and an import offers them', async () => {
  await reset();
  const mine = { 'template:quote': '* {{ quote }}\n', fileNamePattern: '{site}/{title}' };
  await ext.sw.evaluate((items) => chrome.storage.sync.set(items), mine);
  let page = await options();
  const backup = await page.evaluate(async () => (await import('/library.js')).exportBackup());
  // On a line of its own before the notes; the browser's zone and language with them.
  const settings = JSON.parse(backup).settings;
  assert.deepEqual(settings.templates, { note: '', quote: '* {{ quote }}\n' });
  assert.equal(settings.fileNamePattern, '{site}/{title}');
  assert.equal(settings.tzOffsetMinutes, await page.evaluate(() => -new Date().getTimezoneOffset() || 0));
  assert.equal(settings.locale, 'en-US');
  assert.match(backup, /^\{"schema":1,\n"settings":\{[^\n]*\},"notes":\[\n/);

  // A fresh browser (no settings of its own): offered, ticked, and taken with the notes.
  await ext.sw.evaluate(() => chrome.storage.sync.clear());
  await page.close();
  page = await options();
  await choose(page, 'backup.json', backup);
  await until(() => page.locator('#import-plan').isVisible());
  assert.equal(await page.locator('#import-plan-settings').textContent(),
    'Settings: this backup carries its own templates, file name pattern.');
  const tick = page.getByLabel('Use the backup\'s templates and file name pattern too');
  assert.equal(await tick.isChecked(), true);
  await page.locator('#import-apply').click();
  await until(async () => /^Imported:/.test(await page.locator('#status').textContent()));
  assert.match(await page.locator('#status').textContent(), /Its templates and file name pattern are now yours\.$/);
  assert.deepEqual(await ext.sw.evaluate(() => chrome.storage.sync.get(null)), mine);
  assert.equal(await page.getByLabel('Quote template').inputValue(), '* {{ quote }}\n');
  assert.equal(await page.locator('#file-name-pattern').inputValue(), '{site}/{title}');

  // A reader with settings of their own is asked, not overruled: left unticked, kept.
  const own = { fileNamePattern: '{title} {date}' };
  await ext.sw.evaluate((items) => chrome.storage.sync.set(items), own);
  await page.close();
  page = await options();
  await choose(page, 'backup.json', backup);
  await until(() => page.locator('#import-plan').isVisible());
  assert.equal(await page.locator('#import-plan-settings').textContent(),
    'Settings: this backup carries its own file name pattern.');
  assert.equal(await page.locator('#import-settings-apply').isChecked(), false);
  await page.locator('#import-apply').click();
  await until(async () => /^Imported:/.test(await page.locator('#status').textContent()));
  assert.doesNotMatch(await page.locator('#status').textContent(), /now yours/);
  assert.equal((await ext.sw.evaluate(() => chrome.storage.sync.get(null))).fileNamePattern, '{title} {date}');
  await ext.sw.evaluate(() => chrome.storage.sync.clear());
  await page.close();
});

test('a crafted backup is refused with its line, and nothing is stored', async () => {
  await reset();
  const before = await storage(ext.sw);
  const page = await options();
  const tilde = '{"schema":1,"notes":[\n],"deleted":[\n{"id":"https://a.example/gardens","at":"~"}\n]}\n';
  await choose(page, 'tilde.json', tilde);
  await until(async () => (await page.locator('#status').getAttribute('data-kind')) === 'error');
  assert.match(await page.locator('#status').textContent(), /cannot be read.*line 3: deletion 1 \(https:\/\/a\.example\/gardens\): its time "~" is not an RFC 3339 time/);
  assert.ok(await page.locator('#import-plan').isHidden());

  const [, zebras] = library();
  const future = JSON.stringify({ schema: 1, notes: [{ ...zebras, url: 'https://evil.example/', updated: '9999-12-31T00:00:00.000Z' }] });
  await choose(page, 'future.json', future);
  await until(async () => /9999-12-31/.test(await page.locator('#status').textContent()));
  assert.match(await page.locator('#status').textContent(), /line 1: note 1 .*in the future/);
  assert.deepEqual(await storage(ext.sw), before);
  await page.close();
});
