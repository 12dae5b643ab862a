// Every note as a `.zip` of Markdown files from the options page, in Chromium with the test
// build: node --test tests/e2e/export-zip.test.mjs (after `cargo xtask build`). The zip is
// read back by real unzippers (Python's zipfile, `unzip -t`); its names and bytes are
// compared with the popup's one-note `.md` download and with the core's rendering in the
// page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readZip, unzipTest } from './zip-read.mjs';
import { ROOT, launch, makeNote, seed, openPage, until } from './ui-lib.mjs';

const browsers = [];
after(async () => {
  for (const ext of browsers) await ext.close();
});

async function start(options) {
  const ext = await launch(options);
  browsers.push(ext);
  return ext;
}

/** Filler notes, so that the export runs over several chunks. */
function filler(n) {
  return Array.from({ length: n }, (_, i) => makeNote({
    url: `https://filler.example/${i}`,
    title: `Filler ${String(i).padStart(5, '0')}`,
    updated: `2023-0${1 + (i % 9)}-01T10:00:00.000Z`,
    quotes: [{ id: `f-${i}`, text: `Filler quote number ${i}: the same words compress well. `.repeat(4) }],
  }));
}

const SPECIAL = [
  makeNote({
    url: 'https://a.example/one',
    title: 'Same title',
    updated: '2024-03-01T10:00:00.000Z',
    quotes: [{ id: 'a-1', text: 'The first of two notes with one title.', comment: 'first' }],
  }),
  makeNote({
    url: 'https://b.example/two',
    title: 'Same title',
    updated: '2024-02-01T10:00:00.000Z',
    quotes: [{ id: 'b-1', text: 'The second of two notes with one title.', tags: ['twin'] }],
  }),
  makeNote({
    url: 'https://evil.example/x',
    title: '../../x',
    updated: '2024-01-01T10:00:00.000Z',
    quotes: [{ id: 'e-1', text: 'A hostile title must not climb out of the zip.' }],
  }),
];

/** Clicks the export button; resolves to `{files, compression, name, progress, status}`. */
async function exportZip(page) {
  // Every progress text the page shows, recorded as it changes.
  await page.evaluate(() => {
    globalThis.progressSeen = [];
    const text = document.getElementById('zip-progress-text');
    new MutationObserver(() => {
      if (!text.hidden && text.textContent) globalThis.progressSeen.push(text.textContent);
    }).observe(text, { childList: true, characterData: true, subtree: true, attributes: true });
  });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.locator('#export-zip').click(),
  ]);
  const bytes = new Uint8Array(await readFile(await download.path()));
  const compression = {};
  const files = {};
  for (const entry of readZip(bytes)) {
    assert.ok(!(entry.name in files), `${entry.name} twice`);
    files[entry.name] = new Uint8Array(entry.bytes);
    compression[entry.name] = entry.compressType;
  }
  const tested = unzipTest(bytes);
  if (tested !== null) assert.match(tested, /No errors detected/);
  await until(async () => !(await page.locator('#export-zip').isDisabled()), 120_000);
  return {
    files,
    compression,
    size: bytes.length,
    name: download.suggestedFilename(),
    progress: await page.evaluate(() => globalThis.progressSeen),
    status: await page.locator('#status').textContent(),
  };
}

/** What the core renders for each stored note in the page, by note id. */
function coreRendering(page) {
  return page.evaluate(async () => {
    const library = await import('../library.js');
    const [notes, settings] = await Promise.all([library.loadNotes(), library.loadSettings()]);
    const out = {};
    for (const note of notes) out[note.id] = (await library.renderNote(note, settings.templates)).markdown;
    return out;
  });
}

/** The popup's one-note `.md` download of the note titled `title` (the n-th such card). */
async function oneNoteDownload(ext, title, nth) {
  const page = await openPage(ext, 'popup/popup.html', '#notes li');
  const card = page.locator('#notes article', { hasText: title }).nth(nth);
  await card.locator('.note-toggle').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('button', { name: 'Download .md' }).click(),
  ]);
  const result = { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
  await page.close();
  return result;
}

test('all notes export as a deflated .zip of the files the core renders, with progress', async () => {
  const ext = await start();
  const notes = [...SPECIAL, ...filler(250)];
  await seed(ext.sw, notes);
  const page = await openPage(ext, 'options/options.html', '#export-zip');
  assert.equal(await page.locator('#export-zip').textContent(), 'Export all notes as .zip');
  const zip = await exportZip(page);

  assert.match(zip.name, /^quotebook-notes-\d{4}-\d{2}-\d{2}\.zip$/);
  assert.equal(zip.status, `${notes.length} notes saved as ${zip.name}`);
  const names = Object.keys(zip.files);
  assert.equal(names.length, notes.length);
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, notes.length, 'no two names collide');
  // The two notes titled alike: the newer keeps the name, the other gets " (2)".
  assert.ok(names.includes('Same title.md'), names.slice(0, 5).join(', '));
  assert.ok(names.includes('Same title (2).md'));
  // The hostile title: one plain file name, nothing that climbs or starts at the root.
  for (const name of names) {
    assert.ok(!name.startsWith('/') && !name.includes('\\'), name);
    assert.ok(!name.split('/').some((part) => part === '..' || part === '.'), name);
    assert.ok(name.endsWith('.md'), name);
  }
  for (const name of names) assert.equal(zip.compression[name], 8, `${name} is deflated`);
  const raw = Object.values(zip.files).reduce((sum, f) => sum + f.length, 0);
  // Small files: the headers (about 130 bytes a file) take much of what deflate saves.
  assert.ok(zip.size < raw, `deflated: ${zip.size} bytes for ${raw} bytes of Markdown`);

  // Each file's bytes are the core's rendering of its note.
  const rendered = await coreRendering(page);
  const decoder = new TextDecoder();
  const texts = new Map(names.map((n) => [n, decoder.decode(zip.files[n])]));
  const byId = new Map();
  for (const note of notes) {
    const matches = names.filter((n) => texts.get(n) === rendered[note.id]);
    assert.equal(matches.length, 1, `one file holds ${note.id}`);
    byId.set(note.id, matches[0]);
  }
  assert.equal(new Set(byId.values()).size, notes.length);
  assert.equal(byId.get('https://a.example/one'), 'Same title.md');
  assert.equal(byId.get('https://b.example/two'), 'Same title (2).md');

  // The same names and bytes as the popup's one-note download.
  const hostile = await oneNoteDownload(ext, '../../x', 0);
  assert.equal(byId.get('https://evil.example/x'), hostile.name);
  assert.equal(texts.get(hostile.name), hostile.text);
  const first = await oneNoteDownload(ext, 'Same title', 0);
  assert.equal(first.name, 'Same title.md');
  assert.equal(texts.get('Same title.md'), first.text);
  assert.match(first.text, /The first of two notes/);

  // Progress: "n of N" at each chunk, ending with every note.
  // (a slice is at most 100 notes, so 253 notes take at least three).
  const done = zip.progress.map((text) => {
    const [, n, total] = /^Exporting note (\d+) of (\d+)$/.exec(text) ?? assert.fail(text);
    assert.equal(Number(total), notes.length);
    return Number(n);
  });
  assert.equal(done[0], 0, zip.progress.join(' | '));
  assert.equal(done.at(-1), notes.length);
  assert.ok(done.length >= 4, zip.progress.join(' | '));
  for (let i = 1; i < done.length; i++) {
    assert.ok(done[i] > done[i - 1] && done[i] - done[i - 1] <= 100, zip.progress.join(' | '));
  }
  assert.equal(await page.locator('#zip-progress').isHidden(), true);
  await page.close();
});

test('the reader\'s file name pattern and templates apply to the .zip, in French', async () => {
  const ext = await start({ locale: 'fr' });
  await seed(ext.sw, SPECIAL);
  await ext.sw.evaluate(() => chrome.storage.sync.set({
    'template:quote': 'CITATION {{ quote }}\n',
    fileNamePattern: '{site}/{title}',
  }));
  const page = await openPage(ext, 'options/options.html', '#export-zip');
  assert.equal(await page.locator('#export-zip').textContent(), 'Exporter toutes les notes en .zip');
  const zip = await exportZip(page);
  assert.equal(zip.status, `3 notes enregistrées dans ${zip.name}`);
  assert.equal(zip.progress.at(-1), 'Export de la note 3 sur 3');
  const names = Object.keys(zip.files).sort();
  // No site: the pattern's folder falls back as the core's planner makes it.
  assert.equal(names.length, 3);
  for (const name of names) {
    assert.ok(!name.split('/').some((part) => part === '..' || part === '.' || part === ''), name);
  }
  const rendered = await coreRendering(page);
  const texts = Object.values(zip.files).map((b) => new TextDecoder().decode(b)).sort();
  assert.deepEqual(texts, Object.values(rendered).sort());
  for (const text of texts) assert.match(text, /\nCITATION /);
  await page.close();
});

/** The `quotebook` binary: `$QUOTEBOOK_BIN`, else built (a no-op when up to date). */
function quotebookBinary() {
  if (process.env.QUOTEBOOK_BIN) return process.env.QUOTEBOOK_BIN;
  execFileSync('cargo', ['build', '-q', '-p', 'quotebook-cli', '--bin', 'quotebook'], { cwd: ROOT, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR
    ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(ROOT, 'target');
  const binary = path.join(target, 'debug/quotebook');
  assert.ok(existsSync(binary), `${binary} is missing`);
  return binary;
}

test('the .zip holds the names and bytes of `quotebook export --to OUT.zip`', async () => {
  // Newest first, as the extension lists them; the CLI keeps the backup's order.
  const notes = [
    ...SPECIAL,
    makeNote({
      url: 'https://c.example/three',
      title: 'SAME TITLE',
      updated: '2023-12-01T10:00:00.000Z',
      quotes: [{ id: 'c-1', text: 'A third, in capitals: the names collide on a case-blind disk.' }],
    }),
  ];
  // The CLI renders in UTC with --tz-offset 0; the browser runs in UTC too (TZ below).
  const tz = process.env.TZ;
  process.env.TZ = 'UTC'; // Chromium inherits the environment
  let ext;
  try {
    ext = await start();
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  await seed(ext.sw, notes);
  const page = await openPage(ext, 'options/options.html', '#export-zip');
  assert.equal(await page.evaluate(() => new Date().getTimezoneOffset()), 0);
  const zip = await exportZip(page);
  await page.close();

  const scratch = await mkdtemp(path.join(tmpdir(), 'quotebook-zip-'));
  try {
    await writeFile(path.join(scratch, 'backup.json'), JSON.stringify({ schema: 1, notes }));
    const out = path.join(scratch, 'cli.zip');
    execFileSync(quotebookBinary(), ['export', '--from', path.join(scratch, 'backup.json'), '--to', out, '--tz-offset', '0']);
    const cli = Object.fromEntries(readZip(await readFile(out)).map((e) => [e.name, e.bytes]));
    assert.deepEqual(Object.keys(zip.files).sort(), Object.keys(cli).sort());
    assert.ok(Object.keys(cli).includes('SAME TITLE (3).md'), Object.keys(cli).join(', '));
    for (const [name, bytes] of Object.entries(cli)) {
      assert.deepEqual(Buffer.from(zip.files[name]), Buffer.from(bytes), name);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test('the extension\'s backup gives `quotebook export` the names and bytes of its .zip, templates and all', async () => {
  // The browser in a zone far from UTC, in French: the backup carries both, so the CLI
  // needs no flag to write what the browser writes.
  const tz = process.env.TZ;
  process.env.TZ = 'Pacific/Auckland';
  let ext;
  try {
    ext = await start({ locale: 'fr' });
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  await seed(ext.sw, SPECIAL);
  await ext.sw.evaluate(() => chrome.storage.sync.set({
    'template:note': '# {{ title }}, {{ updated | date("%x %H:%M") }}\n{% for q in quotes %}{{ q.rendered }}{% endfor %}',
    'template:quote': '* {{ quote }} ({{ created | date("%A") }})\n',
    fileNamePattern: '{year}/{title} {date}',
  }));
  const page = await openPage(ext, 'options/options.html', '#export-zip');
  assert.notEqual(await page.evaluate(() => new Date().getTimezoneOffset()), 0);
  const zip = await exportZip(page);
  const backup = await page.evaluate(async () => (await import('/library.js')).exportBackup());
  await page.close();
  assert.ok(Object.values(zip.files).some((b) => /\(mars|février|janvier/.test(new TextDecoder().decode(b))),
    'dates in French');

  const scratch = await mkdtemp(path.join(tmpdir(), 'quotebook-zip-'));
  try {
    await writeFile(path.join(scratch, 'backup.json'), backup);
    const out = path.join(scratch, 'cli.zip');
    execFileSync(quotebookBinary(), ['export', '--from', path.join(scratch, 'backup.json'), '--to', out],
      { env: { ...process.env, TZ: 'UTC' } });
    const cli = Object.fromEntries(readZip(await readFile(out)).map((e) => [e.name, e.bytes]));
    assert.deepEqual(Object.keys(cli).sort(), Object.keys(zip.files).sort());
    assert.ok(Object.keys(cli).every((name) => /^\d{4}\//.test(name)), Object.keys(cli).join(', '));
    for (const [name, bytes] of Object.entries(cli)) {
      assert.deepEqual(Buffer.from(bytes), Buffer.from(zip.files[name]), name);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
