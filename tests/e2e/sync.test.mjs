// Folder sync end to end in headless Chromium: the native messaging host (the real
// `quotebook` binary, registered in the test profile's NativeMessagingHosts/) syncing into a
// temporary folder, a reader's edit between two syncs, and the export to Downloads.
//
// The backends' permissions are optional in the shipped manifest (asked for when the
// reader picks one, which needs a click on a permission prompt headless Chromium cannot
// accept): these tests load a copy of the test build that has them granted up front.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NOISE, RED, serveImages } from './image-server.mjs';
import {
  ROOT, builtManifest, core, dragSelect, extensionId, extensionSuite, launch, quotebookBinary,
  saveFromMenu, waitFor,
} from './lib.mjs';

const HOST_NAME = 'quotebook_host';

/** A copy of the test build whose optional permissions are granted at install. */
async function grantedBuild(scratch) {
  const manifest = await builtManifest('chrome-test');
  const dir = join(scratch, 'extension');
  await cp(join(ROOT, 'extension/dist/chrome-test'), dir, { recursive: true });
  const granted = {
    ...manifest,
    permissions: [...manifest.permissions, ...(manifest.optional_permissions ?? [])],
  };
  delete granted.optional_permissions;
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(granted, null, 2));
  return { dir, id: extensionId(manifest), optional: manifest.optional_permissions ?? [] };
}

/**
 * Chromium with that build (copied into `scratch`), a profile holding the host's manifest
 * (a small launcher in `scratch` that runs `quotebook host --folder FOLDER`) and Downloads
 * set to `downloads`.
 */
async function launchWithHost({ scratch, folder, downloads }) {
  const build = await grantedBuild(scratch);
  const launcher = join(scratch, 'quotebook-host');
  const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  await writeFile(launcher, `#!/bin/sh\nexec ${quote(quotebookBinary())} host --folder ${quote(folder)} "$@"\n`);
  await chmod(launcher, 0o755);
  const prepareProfile = async (profile, id) => {
    const hosts = join(profile, 'NativeMessagingHosts');
    await mkdir(hosts, { recursive: true });
    await writeFile(join(hosts, `${HOST_NAME}.json`), JSON.stringify({
      name: HOST_NAME,
      description: 'Quotebook folder sync (test)',
      path: launcher,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${id}/`],
    }));
    await mkdir(join(profile, 'Default'), { recursive: true });
    await writeFile(join(profile, 'Default/Preferences'), JSON.stringify({
      download: { default_directory: downloads, prompt_for_download: false, directory_upgrade: true },
      savefile: { default_directory: downloads },
    }));
  };
  const browser = await launch({ dir: build.dir, prepareProfile, contextOptions: { acceptDownloads: true } });
  return { ...browser, optional: build.optional };
}

/**
 * Around a suite: a scratch folder (`suite.scratch`, removed after) holding the synced
 * folder `vault/` (`suite.folder`) and Downloads (`suite.downloads`), the fixtures served,
 * and Chromium with the host (`launchWithHost`).
 */
function hostSuite(prefix) {
  const suite = extensionSuite({}, {
    start: async () => {
      const scratch = await mkdtemp(join(tmpdir(), prefix));
      const removeScratch = () => rm(scratch, { recursive: true, force: true });
      Object.assign(suite, { scratch, folder: join(scratch, 'vault'), downloads: join(scratch, 'downloads') });
      try {
        await mkdir(suite.folder);
        await mkdir(suite.downloads);
        const browser = await launchWithHost(suite);
        return { ...browser, close: () => browser.close().then(removeScratch) };
      } catch (error) {
        await removeScratch();
        throw error;
      }
    },
  });
  return suite;
}

/** The options page, once its sync section is set up. */
async function openOptions(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.id}/options/options.html`);
  await page.locator('#sync-now:not(:empty)').waitFor();
  return page;
}

async function mdFiles(dir) {
  return (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.md')).sort();
}

// The wasm build compiles SHA-256 another way than native builds (sha2's compact software
// backend, chosen in .cargo/config.toml for size): its digests must be Node's, whatever the
// length (block boundaries at 55, 56, 64 bytes) and the characters.
test('the wasm core hashes notes as Node does', async () => {
  const wasm = await core();
  const texts = [];
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4097]) {
    texts.push('x'.repeat(n), 'é✓🙂'.repeat(n).slice(0, n));
  }
  const digests = wasm.sync_note_digests(texts);
  assert.deepEqual(digests, texts.map((t) => createHash('sha256').update(t, 'utf8').digest('hex')));
});

// The options page's install-host command: the extension's own id, `--dev` only for the
// development id (the host refuses it without), and a folder the shell reads as one word.
test('the install-host command names the extension, and --dev only for the development id', async () => {
  const { installCommand, DEV_ID } = await import('../../extension/sync/native.js');
  assert.equal(installCommand({ browser: 'chrome', folder: '~/Notes/Quotebook', id: DEV_ID }),
    `quotebook install-host --browser chrome --folder ~/Notes/Quotebook --extension-id ${DEV_ID} --dev`);
  const store = 'abcdefghijklmnopabcdefghijklmnop';
  assert.equal(installCommand({ browser: 'edge', folder: "/home/r/my vault/it's", id: store }),
    `quotebook install-host --browser edge --folder '/home/r/my vault/it'\\''s' --extension-id ${store}`);
  assert.equal(installCommand({ browser: 'firefox', folder: '/v', id: 'quotebook@quotebook' }),
    'quotebook install-host --browser firefox --folder /v --extension-id quotebook@quotebook');
  // On Windows: the program's .exe, and double quotes, as its Command Prompt reads them.
  const { defaultFolder } = await import('../../extension/sync/native.js');
  assert.equal(installCommand({ browser: 'edge', folder: defaultFolder('windows'), id: store, system: 'windows' }),
    `quotebook.exe install-host --browser edge --folder %USERPROFILE%\\Notes\\Quotebook --extension-id ${store}`);
  assert.equal(installCommand({ browser: 'chrome', folder: 'C:\\My Notes', id: store, system: 'windows' }),
    `quotebook.exe install-host --browser chrome --folder "C:\\My Notes" --extension-id ${store}`);
  assert.equal(defaultFolder('linux'), '~/Notes/Quotebook');
});

describe('the options page and a host installed while it is open', () => {
  const suite = hostSuite('quotebook-sync-later-');

  test('says what to do, without backticks, and looks again when the reader comes back', async () => {
    const launcher = join(suite.scratch, 'quotebook-host');
    await rename(launcher, `${launcher}.away`);
    await suite.worker.evaluate(() => chrome.storage.local.set({ 'sync:settings': { backend: 'native', afterSave: true } }));
    const options = await openOptions(suite);
    const status = options.locator('#sync-native-status');
    await waitFor(async () => (await status.getAttribute('data-found')) === 'false', { what: 'the host missing' });
    const missing = await status.textContent();
    assert.match(missing, /^Not found \(.+\)\. Run the command below; this page looks again when you come back to it\.$/);
    // The reader runs the command in a terminal, and comes back to the page.
    await rename(`${launcher}.away`, launcher);
    await options.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await waitFor(async () => (await status.getAttribute('data-found')) === 'true', { what: 'the host found' });
    assert.match(await status.textContent(), new RegExp(suite.folder.replaceAll('/', '\\/')));
    await options.close();
  });
});

describe('folder sync through the native host', () => {
  const suite = hostSuite('quotebook-sync-folder-');
  let page;

  before(async () => {
    page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html`);
  });

  test('the shipped manifest asks for the backends\' permissions only when chosen', () => {
    assert.deepEqual([...suite.browser.optional].sort(), ['downloads', 'nativeMessaging']);
  });

  test('the options page finds the host, syncs, keeps a reader\'s edit and appends after a save', async () => {
    const first = await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.match(first, /^Quotes are kept/);
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    // Nothing is synced while sync is off.
    assert.deepEqual(await mdFiles(suite.folder), []);

    const options = await openOptions(suite);
    await options.locator('#sync-native').check();
    await waitFor(async () => (await options.locator('#sync-native-status').getAttribute('data-found')) === 'true',
      { what: 'the host to be detected' });
    assert.match(await options.locator('#sync-native-status').textContent(), new RegExp(suite.folder.replaceAll('/', '\\/')));
    // The page shows its own id and the command for it: this build has the development id.
    assert.match(await options.locator('#sync-native-id').textContent(), new RegExp(suite.id));
    assert.match(await options.locator('#sync-native-command').textContent(),
      new RegExp(`^quotebook install-host --browser chrom(e|ium) --folder ${suite.folder} --extension-id ${suite.id} --dev$`));
    await options.locator('#sync-now').click();
    await waitFor(async () => (await options.locator('#sync-summary').getAttribute('data-state')) === 'done',
      { timeout: 20_000, what: 'the first sync' });
    assert.match(await options.locator('#sync-summary').textContent(), /1 created, 0 updated, 0 appended/);
    assert.deepEqual(await mdFiles(suite.folder), ['Field notes on keeping quotes.md']);
    const file = join(suite.folder, 'Field notes on keeping quotes.md');
    const written = await readFile(file, 'utf8');
    assert.match(written, /^---\ntitle: Field notes on keeping quotes\n/);
    assert.match(written, /> Quotes are kept with \[a link\]\(http:\/\/127\.0\.0\.1:\d+\/x\)/);
    assert.ok(existsSync(join(suite.folder, '.quotebook/state.json')));
    const backup = JSON.parse(await readFile(join(suite.folder, '.quotebook/library.json'), 'utf8'));
    assert.equal(backup.notes.length, 1);
    // With the settings that shape the files: `quotebook sync --to` alone writes the same.
    assert.deepEqual(backup.settings, {
      templates: { note: '', quote: '' }, fileNamePattern: '', locale: 'en-US', quoteOrder: 'saved',
      tzOffsetMinutes: await options.evaluate(() => -new Date().getTimezoneOffset() || 0),
      // The images' settings too (the extension keeps images as files by default).
      images: { keep: true, folder: 'attachments/', embed: 'obsidian', noteFolder: '' },
    });
    const stored = await suite.worker.evaluate(() => chrome.storage.local.get(['sync:last', 'sync:result']));
    assert.ok(Date.parse(stored['sync:last']) > Date.now() - 60_000, 'sync:last is recorded');
    assert.equal(stored['sync:result'].summary.created, 1);

    // The reader edits the file in the middle, with CRLF line ends.
    const edited = written.replace('\n> Quotes', '\nMy thoughts, written in the vault.\n\n> Quotes').replaceAll('\n', '\r\n');
    await writeFile(file, edited);

    // A second quote is saved: sync after save (on by default) appends it.
    await dragSelect(page, '#p2', 'A second', 'note.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    const after = await waitFor(async () => {
      const now = await readFile(file, 'utf8');
      return now.includes('A second passage') && now;
    }, { timeout: 20_000, what: 'the quote to be appended after the save' });
    assert.ok(after.startsWith(edited), 'the reader\'s text is untouched');
    assert.equal(after.match(/A second passage/g).length, 1);
    assert.match(after.slice(edited.length), /^\r\n> A second passage from the same page joins the first note\.\r\n$/);
    assert.deepEqual(await mdFiles(suite.folder), ['Field notes on keeping quotes.md']);
    const result = await waitFor(async () => {
      const r = (await suite.worker.evaluate(() => chrome.storage.local.get('sync:result')))['sync:result'];
      return r?.summary?.appended === 1 && r;
    }, { what: 'the after-save result' });
    assert.equal(result.decisions[0].kind, 'appended');
    // Incremental: only the note that changed travelled to the host.
    assert.equal(result.sent, 1);
    const stateFiles = [join(suite.folder, '.quotebook/state.json'), join(suite.folder, '.quotebook/library.json')];
    const stamps = await Promise.all(stateFiles.map(async (f) => (await stat(f)).mtimeMs));

    // Sync now again: nothing changed, nothing written.
    await options.reload();
    await options.locator('#sync-now:not(:empty)').waitFor();
    await options.locator('#sync-now').click();
    await waitFor(async () => /0 created, 0 updated, 0 appended, 1 skipped, 0 conflicts/
      .test(await options.locator('#sync-summary').textContent()), { timeout: 20_000, what: 'the idle sync' });
    assert.equal(await readFile(file, 'utf8'), after);
    // No note travelled (the folder's backup holds each as stored), and neither the state
    // nor the backup was rewritten.
    const idle = (await suite.worker.evaluate(() => chrome.storage.local.get('sync:result')))['sync:result'];
    assert.equal(idle.sent, 0, 'the stored note, laid out in the core\'s key order, is the backup\'s line');
    assert.deepEqual(await Promise.all(stateFiles.map(async (f) => (await stat(f)).mtimeMs)), stamps);
    await options.close();
  });
});

/** A note as the core stored it before quotes had kinds (schema 2): the extension sends
 * it to the host as today's schema, the very line of the folder's backup. */
function seededNote(id, title, quotes) {
  return {
    schema: 2, id, url: id, canonical: null, aliases: [], title, authors: [], site: null, published: null,
    description: null, lang: null, created: '2024-06-05T12:00:00.000Z', updated: '2024-06-05T12:00:00.000Z',
    quotes: quotes.map(([qid, text]) => ({
      id: qid, markdown: text, text, created: '2024-06-05T12:00:00.000Z', comment: '', tags: [],
      fragment: null, selector: null, private: false, position: null,
    })),
  };
}

describe('conflicts settled file by file', () => {
  const suite = hostSuite('quotebook-sync-conflicts-');

  test('each conflicting file has its own keep and overwrite', async () => {
    const alpha = seededNote('https://alpha.example/a', 'Alpha', [['qa', 'Alpha quote.']]);
    const beta = seededNote('https://beta.example/b', 'Beta', [['qb', 'Beta quote.']]);
    await suite.worker.evaluate(async ([a, b]) => {
      await chrome.storage.local.set({ [`note:${a.id}`]: a, [`note:${b.id}`]: b,
        'sync:settings': { backend: 'native', afterSave: false } });
    }, [alpha, beta]);
    const options = await openOptions(suite);
    const synced = (re, what) => waitFor(async () => (await options.locator('#sync-summary').getAttribute('data-state')) === 'done'
      && re.test(await options.locator('#sync-summary').textContent()), { timeout: 20_000, what });
    await options.locator('#sync-now').click();
    await synced(/2 created/, 'the first sync');
    assert.deepEqual(await mdFiles(suite.folder), ['Alpha.md', 'Beta.md']);

    // The reader edits both files; both quotes' comments change in the library.
    const mine = {};
    for (const name of ['Alpha.md', 'Beta.md']) {
      mine[name] = `${await readFile(join(suite.folder, name), 'utf8')}\nMy own words in ${name}.\n`;
      await writeFile(join(suite.folder, name), mine[name]);
    }
    await suite.worker.evaluate(async ([a, b]) => {
      for (const note of [a, b]) {
        note.quotes[0].comment = 'Changed in the library.';
        note.updated = '2024-06-06T12:00:00.000Z';
      }
      // And Beta gets a new quote, which waits for the reader's choice.
      b.quotes.push({ ...b.quotes[0], id: 'qb2', markdown: 'A second beta quote.', text: 'A second beta quote.', comment: '' });
      await chrome.storage.local.set({ [`note:${a.id}`]: a, [`note:${b.id}`]: b });
    }, [alpha, beta]);
    await options.locator('#sync-now').click();
    await synced(/2 conflicts/, 'the conflicting sync');
    const conflicts = options.locator('#sync-decisions li.conflict');
    assert.equal(await conflicts.count(), 2);
    // Each quote is named by its first words, never by its id, and counts are worded.
    const lines = await conflicts.evaluateAll((items) => items.map((li) => li.firstChild?.textContent));
    assert.deepEqual(lines.sort(), [
      'Alpha.md: you edited it, and “Alpha quote.” changed.',
      'Beta.md: you edited it, and “Beta quote.” changed. 1 new quote waits for your choice.',
    ]);
    for (const name of ['Alpha.md', 'Beta.md']) {
      const item = options.locator('#sync-decisions li.conflict', { hasText: name });
      assert.equal(await item.locator('button.sync-keep').count(), 1, `keep on ${name}`);
      assert.equal(await item.locator('button.sync-overwrite').count(), 1, `overwrite on ${name}`);
    }

    // Keep Alpha: only Alpha is settled; Beta is still a conflict; no file changes.
    await options.locator('#sync-decisions li.conflict', { hasText: 'Alpha.md' }).locator('button.sync-keep').click();
    // One conflict is worded as one, not "1 conflicts".
    await synced(/ 1 conflict\.$/, 'keeping Alpha');
    assert.equal(await conflicts.count(), 1);
    assert.match(await conflicts.textContent(), /Beta\.md/);
    assert.match(await options.locator('#sync-decisions').textContent(), /Alpha\.md: kept your version/);
    assert.equal(await readFile(join(suite.folder, 'Alpha.md'), 'utf8'), mine['Alpha.md']);
    assert.equal(await readFile(join(suite.folder, 'Beta.md'), 'utf8'), mine['Beta.md']);

    // Overwrite Beta (after the confirmation): Beta is rewritten, Alpha keeps the reader's words.
    let asked = '';
    options.once('dialog', (dialog) => { asked = dialog.message(); dialog.accept(); });
    await options.locator('#sync-decisions li.conflict', { hasText: 'Beta.md' }).locator('button.sync-overwrite').click();
    await synced(/0 conflicts/, 'overwriting Beta');
    assert.match(asked, /Beta\.md/);
    assert.match(await options.locator('#sync-decisions').textContent(), /Beta\.md: overwrote your edits/);
    const beta2 = await readFile(join(suite.folder, 'Beta.md'), 'utf8');
    assert.ok(!beta2.includes('My own words'), beta2);
    assert.match(beta2, /Changed in the library\./);
    assert.equal(await readFile(join(suite.folder, 'Alpha.md'), 'utf8'), mine['Alpha.md']);

    // Settled: a plain sync reports no conflict and writes nothing.
    await options.locator('#sync-now').click();
    await synced(/0 created, 0 updated, 0 appended, 2 skipped, 0 conflicts/, 'the settled sync');
    assert.equal(await readFile(join(suite.folder, 'Alpha.md'), 'utf8'), mine['Alpha.md']);
    assert.equal(await readFile(join(suite.folder, 'Beta.md'), 'utf8'), beta2);
    await options.close();
  });
});

describe('deletions travel through the folder\'s backup', () => {
  const suite = hostSuite('quotebook-sync-deletions-');

  test('a quote deleted past undo leaves the backup, and another machine\'s old copy does not bring it back', async () => {
    const gamma = seededNote('https://gamma.example/g', 'Gamma', [['qg1', 'Kept quote.'], ['qg2', 'Deleted quote.']]);
    await suite.worker.evaluate(async (note) => {
      await chrome.storage.local.set({ [`note:${note.id}`]: note, 'sync:settings': { backend: 'native', afterSave: false } });
    }, gamma);
    const options = await openOptions(suite);
    const synced = (re, what) => waitFor(async () => (await options.locator('#sync-summary').getAttribute('data-state')) === 'done'
      && re.test(await options.locator('#sync-summary').textContent()), { timeout: 20_000, what });
    await options.locator('#sync-now').click();
    await synced(/1 created/, 'the first sync');
    const backupPath = join(suite.folder, '.quotebook/library.json');
    const before = await readFile(backupPath, 'utf8');
    assert.match(before, /Deleted quote\./);
    // Another machine's copy of the library, from before the deletion.
    const oldCopy = join(suite.scratch, 'other-machine.json');
    await writeFile(oldCopy, before);

    // The quote is deleted, and its undo time (30 minutes) has passed.
    const deletedAt = Date.now() - 31 * 60_000;
    await suite.worker.evaluate(async ([note, deletedAt]) => {
      const quote = note.quotes[1];
      const kept = { ...note, quotes: [note.quotes[0]], updated: new Date(deletedAt).toISOString() };
      await chrome.storage.local.set({
        [`note:${note.id}`]: kept,
        [`trash:${deletedAt}:test`]: { kind: 'quote', deletedAt, key: `note:${note.id}`, title: note.title, quote, note },
      });
    }, [gamma, deletedAt]);
    await options.locator('#sync-now').click();
    await synced(/1 updated/, 'the sync after the deletion');
    const after = await readFile(backupPath, 'utf8');
    assert.doesNotMatch(after, /Deleted quote\./);
    assert.match(after, /\n\],"deleted":\[\n\{"id":"qg2","note":"https:\/\/gamma\.example\/g","at":"[^"]+"\}\n\]\}\n$/);
    assert.doesNotMatch(await readFile(join(suite.folder, 'Gamma.md'), 'utf8'), /Deleted quote/);

    // The other machine syncs its old copy into the same folder (the CLI, as its host would).
    execFileSync(quotebookBinary(), ['sync', '--from', oldCopy, '--to', suite.folder]);
    assert.doesNotMatch(await readFile(backupPath, 'utf8'), /Deleted quote\./);
    assert.doesNotMatch(await readFile(join(suite.folder, 'Gamma.md'), 'utf8'), /Deleted quote/);

    // Once purged from the trash, the record is kept and still sent: the folder's backup
    // already holds it and the note as it is here, so no note travels and it is not
    // rewritten. (The file itself follows the library synced last: the other machine
    // wrote its older `updated` time, this sync writes this one's back.)
    const purged = await options.evaluate(async () => (await import('../library.js')).purgeTrash());
    assert.equal(purged, 1);
    const records = await suite.worker.evaluate(async () => (await chrome.storage.local.get('sync:deleted'))['sync:deleted']);
    assert.deepEqual(records.map((r) => [r.id, r.note]), [['qg2', 'https://gamma.example/g']]);
    const stamp = (await stat(backupPath)).mtimeMs;
    await options.locator('#sync-now').click();
    await synced(/0 created, 1 updated, 0 appended, 0 skipped, 0 conflicts/, 'the sync after the purge');
    const result = (await suite.worker.evaluate(() => chrome.storage.local.get('sync:result')))['sync:result'];
    assert.equal(result.sent, 0);
    assert.equal((await stat(backupPath)).mtimeMs, stamp);
    assert.doesNotMatch(await readFile(join(suite.folder, 'Gamma.md'), 'utf8'), /Deleted quote/);

    // Another browser imports the folder's backup (with a whole note deleted elsewhere
    // added to its record): its stale copy loses the deleted quote, the deleted note goes,
    // both through the trash (undoable), with the record's times for when they travel on.
    const delta = seededNote('https://delta.example/d', 'Delta', [['qd1', 'Delta quote.']]);
    await suite.worker.evaluate(async ([note, delta]) => {
      await chrome.storage.local.remove(['sync:deleted']);
      await chrome.storage.local.set({ [`note:${note.id}`]: note, [`note:${delta.id}`]: delta });
    }, [gamma, delta]);
    const backup = JSON.parse(await readFile(backupPath, 'utf8'));
    backup.deleted.push({ id: delta.id, at: '2025-01-01T00:00:00.000Z' });
    await options.locator('#import').setInputFiles({
      name: 'library.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)),
    });
    await options.locator('#import-apply').click();
    const imported = await waitFor(async () => {
      const all = await suite.worker.evaluate(() => chrome.storage.local.get(null));
      return !all[`note:${delta.id}`] && all;
    }, { what: 'the import' });
    assert.deepEqual(imported[`note:${gamma.id}`].quotes.map((q) => q.id), ['qg1']);
    const trash = Object.entries(imported).filter(([key]) => key.startsWith('trash:')).map(([, e]) => e);
    assert.deepEqual(trash.map((e) => [e.kind, e.kind === 'quote' ? e.quote.id : e.note.id, e.at]).sort(),
      [['note', delta.id, '2025-01-01T00:00:00.000Z'], ['quote', 'qg2', backup.deleted[0].at]]);
    assert.equal(imported['sync:deleted'], undefined);
    await options.close();
  });
});

describe('export to Downloads', () => {
  const suite = hostSuite('quotebook-downloads-');

  test('writes each note into Downloads/Quotebook and never overwrites', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html`);
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    await page.goto(`${suite.origin}/pages/plain.html`);
    await page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.body.querySelector('p') ?? document.body);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);

    const options = await openOptions(suite);
    const cdp = await suite.context.newCDPSession(options);
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
    await options.locator('#sync-downloads').check();
    // The page relabels the button once the choice is saved (an await or two later).
    await options.waitForFunction(() => document.getElementById('sync-now').textContent === 'Export now');
    // No restore and no sync after save for an export.
    assert.equal(await options.locator('#sync-restore').isHidden(), true);
    assert.equal(await options.locator('#sync-after-save').isHidden(), true);
    assert.match(await options.locator('#sync-downloads-help').textContent(), /An export, not a sync/);
    const exportOnce = async (n) => {
      await options.locator('#sync-now').click();
      await waitFor(async () => (await options.locator('#sync-summary').getAttribute('data-state')) === 'done'
        && /Exported/.test(await options.locator('#sync-summary').textContent()), { what: `export ${n}` });
      await options.evaluate(() => document.getElementById('sync-summary').removeAttribute('data-state'));
    };
    await exportOnce(1);
    const folder = join(suite.downloads, 'Quotebook');
    const firstRun = await waitFor(async () => {
      const files = existsSync(folder) ? await mdFiles(folder) : [];
      return files.length === 2 && files;
    }, { timeout: 20_000, what: 'two files in Downloads/Quotebook' });
    assert.ok(firstRun.includes('Field notes on keeping quotes.md'), firstRun.join(', '));
    const text = await readFile(join(folder, 'Field notes on keeping quotes.md'), 'utf8');
    assert.match(text, /> Quotes are kept with \[a link\]/);

    // A second export adds numbered copies and leaves the first files as they were.
    await writeFile(join(folder, 'Field notes on keeping quotes.md'), `${text}\nMine.\n`);
    await exportOnce(2);
    const secondRun = await waitFor(async () => {
      const files = await mdFiles(folder);
      return files.length === 4 && files;
    }, { timeout: 20_000, what: 'four files after the second export' });
    assert.ok(secondRun.includes('Field notes on keeping quotes (1).md'), secondRun.join(', '));
    assert.equal(await readFile(join(folder, 'Field notes on keeping quotes.md'), 'utf8'), `${text}\nMine.\n`);
    // An export is no sync: the uninstall reminder still counts on a backup.
    const stored = await suite.worker.evaluate(() => chrome.storage.local.get('sync:last'));
    assert.equal(stored['sync:last'], undefined);
    await options.close();
  });
});

/** Reads (or, with `text`, writes) `path` in the extension's origin-private file system. */
function opfs(page, path, text) {
  return page.evaluate(async ({ path, text }) => {
    let dir = await navigator.storage.getDirectory();
    const parts = path.split('/');
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: text !== undefined });
    const name = parts.at(-1);
    if (text === undefined) {
      try {
        return await (await (await dir.getFileHandle(name)).getFile()).text();
      } catch (error) {
        if (error.name === 'NotFoundError') return null;
        throw error;
      }
    }
    const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await writable.write(text);
    await writable.close();
    return text;
  }, { path, text });
}

describe('folder sync through File System Access', () => {
  const suite = hostSuite('quotebook-fsa-');

  test('a real directory handle (OPFS): sync, a reader edit, a save, sync after save keeps the edit', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html`);
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);

    // The picker needs a click on a native dialog: the handle is the origin-private
    // folder's `vault`, kept in IndexedDB as the picker's would be.
    let options = await openOptions(suite);
    await options.evaluate(async () => {
      const { saveHandle } = await import('/sync/fsa.js');
      const root = await navigator.storage.getDirectory();
      await saveHandle(await root.getDirectoryHandle('vault', { create: true }));
      await chrome.storage.local.set({ 'sync:settings': { backend: 'fsa', afterSave: true } });
    });
    await options.reload();
    await options.locator('#sync-now:not(:empty)').waitFor();
    assert.equal(await options.locator('#sync-fsa').isChecked(), true);
    await waitFor(async () => (await options.locator('#sync-fsa-status').getAttribute('data-permission')) === 'granted',
      { what: 'the folder status' });
    assert.match(await options.locator('#sync-fsa-status').textContent(), /vault/);
    await options.locator('#sync-now').click();
    await waitFor(async () => (await options.locator('#sync-summary').getAttribute('data-state')) === 'done',
      { timeout: 20_000, what: 'the first sync' });
    assert.match(await options.locator('#sync-summary').textContent(), /1 created, 0 updated, 0 appended/);
    const path = 'vault/Field notes on keeping quotes.md';
    const written = await opfs(options, path);
    assert.match(written, /^---\ntitle: Field notes on keeping quotes\n/);
    assert.match(written, /> Quotes are kept with \[a link\]/);
    const state = JSON.parse(await opfs(options, 'vault/.quotebook/state.json'));
    assert.equal(Object.values(state.files)[0].path, 'Field notes on keeping quotes.md');
    assert.equal(JSON.parse(await opfs(options, 'vault/.quotebook/library.json')).notes.length, 1);

    // The reader edits the file: a line at the end without a final line break.
    const edited = `${written}\nMy closing thought, no newline`;
    await opfs(options, path, edited);
    await dragSelect(page, '#p2', 'A second', 'note.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    const after = await waitFor(async () => {
      const now = await opfs(options, path);
      return now?.includes('A second passage') && now;
    }, { timeout: 20_000, what: 'the quote appended by sync after save' });
    assert.equal(after, `${edited}\n\n> A second passage from the same page joins the first note.\n`);
    // The result is stored once the state and the backup are written too.
    const stored = await waitFor(async () => {
      const got = await suite.worker.evaluate(() => chrome.storage.local.get(['sync:last', 'sync:result']));
      return got['sync:result']?.summary?.appended === 1 && got;
    }, { what: 'the after-save result' });
    assert.ok(stored['sync:last']);
    assert.equal(stored['sync:result'].backend, 'fsa');

    // Again with nothing new: nothing written, and no swap files left behind.
    await options.reload();
    await options.locator('#sync-now:not(:empty)').waitFor();
    await options.locator('#sync-now').click();
    await waitFor(async () => /0 created, 0 updated, 0 appended, 1 skipped, 0 conflicts/
      .test(await options.locator('#sync-summary').textContent()), { timeout: 20_000, what: 'the idle sync' });
    assert.equal(await opfs(options, path), after);
    const names = await options.evaluate(async () => {
      const vault = await (await navigator.storage.getDirectory()).getDirectoryHandle('vault');
      const out = [];
      for await (const name of vault.keys()) out.push(name);
      return out.sort();
    });
    assert.deepEqual(names, ['.quotebook', 'Field notes on keeping quotes.md']);
    await options.close();
    options = null;

    // After a restart the permission must be granted again and sync after save pauses,
    // recording it as the last result. An origin-private folder never loses its
    // permission, so the pause is recorded here as the worker records it: the popup offers
    // to resume, and one click syncs.
    const popup = await suite.context.newPage();
    await suite.worker.evaluate(() => chrome.storage.local.set({
      'sync:result': { at: new Date().toISOString(), backend: 'fsa', ok: false, paused: true, folder: 'vault' },
    }));
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    await popup.locator('#sync-paused:not([hidden])').waitFor();
    assert.match(await popup.locator('#sync-paused-text').textContent(), /paused.*vault/);
    await popup.locator('#sync-resume').click();
    await waitFor(async () => /^Synced: 0 created/.test(await popup.locator('#sync-paused-text').textContent()),
      { timeout: 20_000, what: 'the resumed sync' });
    assert.equal(await popup.locator('#sync-resume').isHidden(), true);
    const resumed = await suite.worker.evaluate(() => chrome.storage.local.get('sync:result'));
    assert.equal(resumed['sync:result'].ok, true);
    assert.equal(resumed['sync:result'].paused, undefined);
    await popup.close();
  });
});

// Issue 16: kept images travel to the native host inside the library text (in parts when
// large: browsers take 64 MiB a message to a host, and the library is cut at 8 MB), and
// the host writes them beside the notes, only where no file is.
describe('kept images through the native host', () => {
  const suite = hostSuite('quotebook-images-');
  let images;

  before(async () => {
    images = await serveImages();
  });
  after(async () => {
    await images?.close();
  });

  test('the folder holds the kept images as files, the notes embed them, its backup carries them', async () => {
    const page = await suite.context.newPage();
    const url = `${images.origin}/figure.html`;
    await page.goto(url);
    const tab = await suite.worker.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url), url);
    for (const src of [`${images.origin}/red.png`, `${images.origin}/noise.png`]) {
      const info = { menuItemId: 'save-image', mediaType: 'image', srcUrl: src, frameId: 0, pageUrl: url, editable: false };
      const saved = await suite.worker.evaluate(([info, tab]) => globalThis.saveImage(info, tab), [info, tab]);
      assert.equal(saved.ok, true, saved.reason);
      assert.ok(saved.note.quotes.at(-1).images[0].hash, JSON.stringify(saved.note.quotes.at(-1).images[0]));
    }
    const options = await openOptions(suite);
    const result = await options.evaluate(async () => {
      await chrome.storage.local.set({ 'sync:settings': { backend: 'native', afterSave: false } });
      const { syncNow } = await import('/sync/sync.js');
      return syncNow();
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    const files = (await readdir(join(suite.folder, 'attachments'))).sort();
    assert.equal(files.length, 2, files.join(', '));
    const red = files.find((f) => f.startsWith('red-'));
    assert.deepEqual(await readFile(join(suite.folder, 'attachments', red)), RED);
    assert.deepEqual(await readFile(join(suite.folder, 'attachments', files.find((f) => f.startsWith('noise-')))), NOISE);
    const note = await readFile(join(suite.folder, 'A figure.md'), 'utf8');
    assert.ok(note.includes(`![[${red}]]`), note);
    const backup = JSON.parse(await readFile(join(suite.folder, '.quotebook/library.json'), 'utf8'));
    assert.deepEqual(backup.images.map((i) => i.mime), ['image/png', 'image/png']);
    await options.close();
    await page.close();
  });
});
