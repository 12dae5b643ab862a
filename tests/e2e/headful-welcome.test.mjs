// From install to a first synced note, as a new reader goes: headful Chromium under Xvfb
// (run by `cargo xtask test` through `xvfb-run`) with the shipped build. The welcome page
// opens by itself; the test reads the command it shows and runs it in a shell whose HOME
// is a scratch folder, where this Chromium keeps its profile (`~/.config/chromium`, the
// folder Chromium and `install-host --browser chromium` both use for that HOME); it asks
// for the permission with a real click and accepts the browser's prompt from the
// keyboard, waits for the check to turn green, turns sync on, saves a quote through the
// real context menu and finds the note's file in the folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  chooseSaveQuote, launch, quotebookBinary, screenPoint, serveFixtures, waitFor, workerAccess,
  xdotool, xdotoolDragSelect,
} from './lib.mjs';

if (!process.env.DISPLAY) {
  throw new Error('no DISPLAY: run under xvfb-run (cargo xtask test does)');
}

/** Clicks the middle of `locator` with the real pointer. */
async function clickByHand(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  const at = await screenPoint(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
  xdotool('mousemove', at.x, at.y);
  xdotool('click', 1);
}

describe('from install to a first synced note, through the welcome page', () => {
  let server;
  let browser;
  let worker;
  let scratch;
  let home;
  let env;
  const workerLog = [];

  before(async () => {
    server = await serveFixtures();
    scratch = await mkdtemp(join(tmpdir(), 'quotebook-welcome-'));
    home = join(scratch, 'home');
    // The program as a reader has it: `quotebook` on the PATH.
    const bin = join(scratch, 'bin');
    await mkdir(bin, { recursive: true });
    await symlink(quotebookBinary(), join(bin, 'quotebook'));
    env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PATH: `${bin}:${process.env.PATH}` };
    browser = await launch({
      build: 'chrome',
      headless: false,
      profile: join(home, '.config/chromium'),
      extraArgs: ['--window-position=0,0', '--window-size=1280,1000'],
      contextOptions: { env },
    });
    browser.worker.on('console', (message) => workerLog.push(message.text()));
    worker = await workerAccess(browser);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('the welcome page leads from install to a note in the folder', async () => {
    const welcomeUrl = `chrome-extension://${browser.id}/welcome/welcome.html`;
    const welcome = await waitFor(
      () => browser.context.pages().find((p) => p.url() === welcomeUrl),
      { what: 'the welcome page, opened on install' },
    );
    await welcome.bringToFront();
    await welcome.locator('#shortcut:not(:empty)').waitFor();
    // The shortcut as the browser bound it, and the pinning hint (Chromium does not pin a
    // new extension).
    assert.match(await welcome.locator('#shortcut').textContent(), /Alt\+Shift\+S/);
    assert.equal(await welcome.locator('#pin-status').getAttribute('data-state'), 'hint');
    assert.equal(await welcome.locator('#host-check').getAttribute('data-state'), 'no-permission');

    // The reader names the folder; the command follows.
    await clickByHand(welcome, welcome.locator('#folder-path'));
    await welcome.locator('#folder-path').fill('~/Vault/Quotes');
    const command = await welcome.locator('#command').textContent();
    assert.equal(command,
      `quotebook install-host --browser chromium --folder ~/Vault/Quotes --extension-id ${browser.id} --dev`);
    const folder = join(home, 'Vault/Quotes');

    // Run as shown, in a shell, at home.
    const out = execFileSync('sh', ['-c', command], { env, encoding: 'utf8' });
    assert.match(out, new RegExp(`host manifest: ${join(home, '.config/chromium/NativeMessagingHosts')}`));

    // The permission: a real click, and the browser's prompt answered from the keyboard
    // (its focus starts on "Deny"; Tab moves it to "Allow"). The prompt ignores input for
    // its first moments (Chromium's guard against a click meant for the page, as long as
    // a double click), which no page or worker can observe: the one wait on the clock.
    // Should a key still be lost and the prompt denied, the reader asks again.
    const granted = () => worker.run(() => chrome.permissions.contains({ permissions: ['nativeMessaging'] }));
    const check = welcome.locator('#host-check');
    for (let attempt = 1; !(await granted()); attempt += 1) {
      assert.ok(attempt <= 3, 'the permission prompt took no answer three times');
      await clickByHand(welcome, welcome.locator('#allow'));
      await welcome.locator('#host-check[data-state="asking"]').waitFor();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      xdotool('key', 'Tab');
      xdotool('key', 'Return');
      await waitFor(async () => (await check.getAttribute('data-state')) !== 'asking',
        { what: 'an answer to the prompt', timeout: 10_000 });
    }

    // Green: the program answered, naming the folder.
    await welcome.locator('#host-check[data-state="found"]').waitFor({ timeout: 20_000 }).catch(async (error) => {
      const why = await welcome.evaluate(() => globalThis.lastHostCheck);
      throw new Error(`${error.message}\nthe check says: ${await check.textContent()} (${JSON.stringify(why)})`);
    });
    assert.match(await welcome.locator('#host-check').textContent(), new RegExp(folder));
    assert.equal(await welcome.locator('#allow').isHidden(), true);

    await clickByHand(welcome, welcome.locator('#use-folder'));
    await welcome.locator('#use-folder-status[data-ok]').waitFor({ timeout: 20_000 });
    assert.equal(await welcome.locator('#use-folder-status').getAttribute('data-ok'), 'true',
      await welcome.locator('#use-folder-status').textContent());
    const settings = await worker.run(async () => (await chrome.storage.local.get('sync:settings'))['sync:settings']);
    assert.deepEqual(settings, { backend: 'native', afterSave: true });

    // A first quote, saved through the real menu, lands in the folder.
    const page = await browser.context.newPage();
    const url = `${server.origin}/pages/article.html`;
    await page.goto(url);
    await page.bringToFront();
    const { end } = await xdotoolDragSelect(page, '#p1', 'Quotes are', 'intact.');
    await chooseSaveQuote(page, { x: end.x - 8, y: end.y });
    const files = await waitFor(async () => {
      const found = (await readdir(folder, { recursive: true })).filter((f) => f.endsWith('.md'));
      return found.length > 0 && found;
    }, { what: 'a note file in the folder', timeout: 20_000 }).catch((error) => {
      throw new Error(`${error.message}\n${workerLog.join('\n')}`);
    });
    assert.equal(files.length, 1);
    const markdown = await readFile(join(folder, files[0]), 'utf8');
    assert.match(markdown, /^---\ntitle: Field notes on keeping quotes\n/);
    assert.match(markdown, /> Quotes are kept with \[a link\]\(.*\/x\) that stays a link, with \*emphasis\* and \*\*strong words\*\* intact\./);
  });
});
