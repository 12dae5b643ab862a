// Helpers of the end-to-end tests, the demo and the measurements: a static server for the
// fixture pages, Chromium with the built extension, mouse selections, and the stored notes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'tests/e2e/fixtures');
export const CHROMIUM = process.env.QUOTEBOOK_CHROMIUM || '/usr/bin/chromium';

/** The id Chromium derives from the manifest's `key`: SHA-256 of the DER public key, the
 * first 16 bytes as hex, each digit 0-f written a-p. */
export function extensionId(manifest) {
  const der = Buffer.from(manifest.key, 'base64');
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  return [...hex].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join('');
}

export async function builtManifest(build) {
  return readManifest(join(ROOT, 'extension/dist', build));
}

/** The manifest of the unpacked extension in `dir`. */
export async function readManifest(dir) {
  const path = join(dir, 'manifest.json');
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is missing or unreadable: run \`cargo xtask build\` first (${error.message})`);
  }
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };

/** Serves `FIXTURES` on 127.0.0.1 at a random port. */
/**
 * The capture script as `scripting.executeScript({files: ['page-text.js', 'capture.js']})`
 * runs it: the shared page-text walk first, in the same realm; evaluated, its value is the
 * capture.
 */
export async function captureScript(root = ROOT) {
  const read = (file) => readFile(join(root, 'extension', file), 'utf8');
  return `${await read('page-text.js')}\n${await read('capture.js')}`;
}

export async function serveFixtures() {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(FIXTURES, path);
    if (!file.startsWith(FIXTURES)) {
      response.writeHead(403).end();
      return;
    }
    await sendFile(response, file);
  });
  return listen(server);
}

/** Answers with `file` (its type looked up by extension in `types`), or 404 when it cannot
 * be read. */
export async function sendFile(response, file, types = TYPES) {
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

/** Starts `server` on 127.0.0.1 at a random port: `{origin, close()}`. */
export async function listen(server) {
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((done) => server.close(done)) };
}

/** A generated article of about `kb` KB of HTML: headings, paragraphs with links and
 * emphasis, lists, a table now and then. */
export function bigArticle(kb) {
  const parts = ['<!doctype html><html lang="en"><head><title>A big article</title></head><body><article><h1>A big article</h1>'];
  let length = parts[0].length;
  let i = 0;
  while (length < kb * 1024) {
    i += 1;
    let piece = `<p>Paragraph ${i} has <a href="/link/${i}">link number ${i}</a>, some <em>emphasis</em> and a few more words to read through.</p>`;
    if (i % 10 === 0) piece += `<h2>Section ${i / 10}</h2><ul><li>item ${i} one</li><li>item ${i} <strong>two</strong></li></ul>`;
    if (i % 50 === 0) piece += `<table><tr><th>row ${i}</th><td>cell ${i}</td></tr></table>`;
    parts.push(piece);
    length += piece.length;
  }
  parts.push(`<p id="last">The end of paragraph ${i}.</p></article></body></html>`);
  return { html: parts.join(''), paragraphs: i };
}

/** The flags every test Chromium runs with: no sandbox (tests run as root in CI), no GPU,
 * and none of the browser's own network traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium with one build of the extension (`chrome-test` for headless tests, `chrome`, the
 * shipped one, for the tests as a user would), or the unpacked extension in `dir`.
 * `prepareProfile(profile, id)` may write into the fresh profile before launch;
 * `contextOptions` go to Playwright's `launchPersistentContext` (over the defaults).
 * `profile`: the user data folder to use (made if missing; the caller removes it),
 * instead of a fresh temporary one. Resolves once its service worker runs.
 */
export async function launch({
  build = 'chrome-test', dir = join(ROOT, 'extension/dist', build), headless = true,
  extraArgs = [], fileAccess = true, prepareProfile, contextOptions = {}, profile: given,
} = {}) {
  const manifest = await readManifest(dir);
  const id = extensionId(manifest);
  const profile = given ?? await mkdtemp(join(tmpdir(), 'quotebook-profile-'));
  if (given) await mkdir(given, { recursive: true });
  await prepareProfile?.(profile, id);
  if (!fileAccess) {
    // Chromium lets unpacked extensions read file:// pages unless the reader turns "Allow
    // access to file URLs" off; this is that switch, set in the profile before launch.
    await mkdir(join(profile, 'Default'), { recursive: true });
    const prefs = { extensions: { settings: { [id]: { newAllowFileAccess: false } } } };
    await writeFile(join(profile, 'Default/Preferences'), JSON.stringify(prefs));
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    // Playwright disables extensions by default.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${dir}`,
      `--load-extension=${dir}`,
      ...CHROMIUM_ARGS,
      ...extraArgs,
    ],
    viewport: headless ? { width: 1200, height: 800 } : null,
    ...contextOptions,
  });
  const close = async () => {
    await context.close().catch(() => {});
    if (!given) await rm(profile, { recursive: true, force: true }).catch(() => {});
  };
  try {
    const worker = await serviceWorker(context, id);
    return { context, worker, id, manifest, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * For a `describe` of node:test: before its tests, `serve()` (the fixtures by default)
 * starts and Chromium is launched with the extension (`start(options)`, by default
 * `launch(options)`); after them both close. Returns the suite's handle, filled in by the
 * time the suite's own `before` hooks (registered after this call) and its tests run:
 * `server` and `browser` (what `start` resolves to), and as shortcuts `origin`, `context`,
 * `worker` and `id`.
 */
export function extensionSuite(options = {}, { serve = serveFixtures, start = launch } = {}) {
  const suite = {
    server: undefined,
    browser: undefined,
    get origin() { return suite.server.origin; },
    get context() { return suite.browser.context; },
    get worker() { return suite.browser.worker; },
    get id() { return suite.browser.id; },
  };
  before(async () => {
    suite.server = await serve();
    suite.browser = await start(options);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** The extension's running service worker (waiting for it to start). */
export async function serviceWorker(context, id, timeout = 30_000) {
  const prefix = `chrome-extension://${id}/`;
  const running = context.serviceWorkers().find((w) => w.url().startsWith(prefix));
  if (running) return running;
  const worker = await context.waitForEvent('serviceworker', {
    predicate: (w) => w.url().startsWith(prefix),
    timeout,
  });
  return worker;
}

/** Viewport coordinates of a text offset inside the first text node of `selector`. */
export async function textPoint(page, selector, needle, { end = false } = {}) {
  return page.evaluate(({ selector, needle, end }) => {
    const element = document.querySelector(selector);
    if (!element) throw new Error(`no ${selector}`);
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const range = document.createRange();
      const offset = end ? at + needle.length : at;
      // The box of the character next to the point; the point sits on its edge.
      range.setStart(node, end ? offset - 1 : offset);
      range.setEnd(node, end ? offset : offset + 1);
      const box = range.getBoundingClientRect();
      return { x: end ? box.right - 0.5 : box.left + 0.5, y: box.top + box.height / 2 };
    }
    throw new Error(`${JSON.stringify(needle)} not found in ${selector}`);
  }, { selector, needle, end });
}

/** Selects from the start of `from` to the end of `to` with a real mouse drag. */
export async function dragSelect(page, selector, from, to) {
  const start = await textPoint(page, selector, from);
  const end = await textPoint(page, selector, to, { end: true });
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 5 });
  await page.mouse.move(end.x, end.y, { steps: 5 });
  await page.mouse.up();
  return page.evaluate(() => getSelection().toString());
}

/** What Chrome passes to `contextMenus.onClicked` for a selection in the top frame. */
export async function menuInfo(page) {
  const selectionText = await page.evaluate(() => getSelection().toString());
  return { menuItemId: 'save-quote', editable: false, frameId: 0, pageUrl: page.url(), selectionText };
}

/** The real `tabs.Tab` of `page`, as the menu listener gets it. Without host permission
 * for the page the tab's URL is hidden, so the page is then brought to the front and the
 * active tab taken. */
export async function tabOf(worker, page) {
  const url = page.url();
  const byUrl = await worker.evaluate(
    async (url) => (await chrome.tabs.query({})).filter((t) => t.url === url),
    url,
  );
  if (byUrl.length === 1) return byUrl[0];
  await page.bringToFront();
  return worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    if (!tab) throw new Error('no active tab');
    return tab;
  });
}

/** Calls, in the service worker, the very function `contextMenus.onClicked` calls. */
export async function saveFromMenu(worker, page) {
  const [info, tab] = await Promise.all([menuInfo(page), tabOf(worker, page)]);
  return worker.evaluate(([info, tab]) => globalThis.saveQuote(info, tab), [info, tab]);
}

/** The action's badge text and title on tab `tabId`. */
export async function badge(worker, tabId) {
  return worker.evaluate(async (tabId) => ({
    text: await chrome.action.getBadgeText({ tabId }),
    title: await chrome.action.getTitle({ tabId }),
  }), tabId);
}

/** Everything in `chrome.storage.local`. */
export async function storage(worker) {
  return worker.evaluate(() => chrome.storage.local.get(null));
}

let binary;
/** The `quotebook` binary: `$QUOTEBOOK_BIN`, else built (a no-op when up to date). */
export function quotebookBinary() {
  binary ??= process.env.QUOTEBOOK_BIN || buildBinary();
  if (!existsSync(binary)) throw new Error(`${binary} is missing`);
  return binary;
}

function buildBinary() {
  execFileSync('cargo', ['build', '-q', '-p', 'quotebook-cli', '--bin', 'quotebook'], { cwd: ROOT, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR
    ? (process.env.CARGO_TARGET_DIR.startsWith('/') ? process.env.CARGO_TARGET_DIR : join(ROOT, process.env.CARGO_TARGET_DIR))
    : join(ROOT, 'target');
  return join(target, 'debug/quotebook');
}

let bindings;
/** The extension's own wasm bindings (the built module), loaded in Node. */
export async function core(build = 'chrome-test') {
  if (!bindings) {
    const dir = join(ROOT, 'extension/dist', build, 'wasm');
    const module = await import(pathToFileURL(join(dir, 'quotebook.js')).href);
    module.initSync({ module: await readFile(join(dir, 'quotebook_bg.wasm')) });
    bindings = module;
  }
  return bindings;
}

/** A stored note as its Markdown file, rendered by the core. */
export async function noteMarkdown(note) {
  return (await core()).note_to_markdown(note);
}

/** Polls `probe` until it returns a truthy value (or throws after `timeout` ms). */
export async function waitFor(probe, { timeout = 10_000, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** `created`/`updated` and the quote ids vary per run: a note with them replaced. */
export function stable(note) {
  return {
    ...note,
    created: '<created>',
    updated: '<updated>',
    quotes: note.quotes.map((q) => ({ ...q, id: '<id>', created: '<created>' })),
  };
}

// ---- Headful Chromium under Xvfb, driven with xdotool as a user would ----

/** Runs xdotool (on the `DISPLAY` xvfb-run set up). */
export function xdotool(...args) {
  return execFileSync('xdotool', args.map(String), { encoding: 'utf8' });
}

/** Ids of the viewable override-redirect windows (menus, tooltips) on the screen. */
export function popupWindows() {
  const tree = execFileSync('xwininfo', ['-root', '-children'], { encoding: 'utf8' });
  const ids = [...tree.matchAll(/^\s+(0x[0-9a-f]+)/gm)].map((m) => m[1]);
  return ids.filter((id) => {
    try {
      const info = execFileSync('xwininfo', ['-id', id], { encoding: 'utf8' });
      return /Map State: IsViewable/.test(info) && /Override Redirect State: yes/.test(info);
    } catch {
      return false; // the window went away meanwhile
    }
  });
}

/** Screen coordinates of a viewport point of `page` (a maximised, undecorated window). */
export async function screenPoint(page, point) {
  const at = await page.evaluate(() => ({
    x: screenX + (outerWidth - innerWidth),
    y: screenY + (outerHeight - innerHeight),
  }));
  return { x: Math.round(at.x + point.x), y: Math.round(at.y + point.y) };
}

/** Selects from the start of `from` to the end of `to` by dragging the real pointer. */
export async function xdotoolDragSelect(page, selector, from, to) {
  const start = await screenPoint(page, await textPoint(page, selector, from));
  const end = await screenPoint(page, await textPoint(page, selector, to, { end: true }));
  await page.evaluate(() => {
    // Pressing on selected text would drag the text instead of selecting anew.
    getSelection().removeAllRanges();
    window.__quotebookMouseUp = false;
    addEventListener('mouseup', () => { window.__quotebookMouseUp = true; }, { once: true });
  });
  xdotool('mousemove', start.x, start.y);
  xdotool('mousedown', 1);
  xdotool('mousemove', Math.round((start.x + end.x) / 2), Math.round((start.y + end.y) / 2));
  xdotool('mousemove', end.x, end.y);
  xdotool('mouseup', 1);
  // X events reach the page in order: once it saw the button go up, the drag is complete.
  await waitFor(() => page.evaluate(() => window.__quotebookMouseUp), { what: 'the end of the drag' });
  return { start, end, selected: await page.evaluate(() => getSelection().toString()) };
}

/**
 * Right-clicks at `point` (screen), waits for the native menu to show, then picks the
 * extension's item with the keys `End`, `Up`, `Return` (it sits just above "Inspect").
 * Resolves to the time (ms) the `Return` was sent.
 */
export async function chooseSaveQuote(page, point) {
  const before = new Set(popupWindows());
  await page.evaluate(() => {
    window.__quotebookMenu = false;
    addEventListener('contextmenu', () => { window.__quotebookMenu = true; }, { once: true });
  });
  xdotool('mousemove', point.x, point.y);
  xdotool('click', 3);
  await waitFor(() => page.evaluate(() => window.__quotebookMenu), { what: 'the contextmenu event' });
  await waitFor(() => popupWindows().some((id) => !before.has(id)), { what: 'the native context menu' });
  xdotool('key', 'End', 'Up');
  const clicked = Date.now();
  xdotool('key', 'Return');
  return clicked;
}

/**
 * The extension's service worker through the browser's CDP target list, whichever
 * incarnation runs: Playwright does not attach to a worker that restarts.
 * `evaluate(expression)` awaits a promise-valued expression in it (undefined when no worker
 * runs); `stop(page)` stops it (CDP `ServiceWorker.stopAllWorkers`) and waits until it is gone;
 * `restart(page)` stops it and starts it again; `run(fn, ...args)`, `local()`, `tabFor(url)` and
 * `badge(tabId)` are the calls the worker tests share.
 */
export async function workerAccess(browser) {
  const prefix = `chrome-extension://${browser.id}/`;
  const cdp = await browser.context.browser().newBrowserCDPSession();
  const sessions = new Map(); // targetId → sessionId
  const replies = new Map();
  let lastId = 0;
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    replies.get(reply.id)?.(reply);
  });
  const target = async () => {
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(prefix));
  };
  const send = async (sessionId, expression) => {
    const id = ++lastId;
    const reply = new Promise((resolve) => replies.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({
        id, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true },
      }),
    });
    const { result, error } = await reply;
    replies.delete(id);
    if (error || result.exceptionDetails) throw new Error(JSON.stringify(error ?? result.exceptionDetails));
    return result.result.value;
  };
  // A worker's target is listed, and takes evaluations, before the extension's bindings are
  // in its global scope (a starting worker, seen under load: `chrome` undefined). So each new
  // incarnation is first polled until `chrome.runtime.id` is there.
  const ready = (sessionId) => waitFor(
    () => send(sessionId, 'typeof chrome === "object" && !!chrome.runtime?.id').catch(() => false),
    { what: 'the extension API in the service worker' },
  );
  const evaluate = async (expression) => {
    const worker = await target();
    if (!worker) return undefined;
    if (!sessions.has(worker.targetId)) {
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
      await ready(sessionId);
      sessions.set(worker.targetId, sessionId);
    }
    return send(sessions.get(worker.targetId), expression);
  };
  // Just after launch the worker may still be installing or activating, and the browser
  // starts a stopped worker again for the events it has yet to deliver (seen in CI under load:
  // the worker never went away). So `stop` waits until the worker is activated, then asks
  // again every few seconds until no worker runs.
  const stop = async (page) => {
    if (await target()) {
      await waitFor(
        async () => !(await target())
          || evaluate('self.serviceWorker?.state === "activated"').catch(() => false),
        { what: 'the service worker to be activated', timeout: 30_000 },
      );
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const session = await browser.context.newCDPSession(page);
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.stopAllWorkers');
      await session.detach();
      try {
        await waitFor(async () => !(await target()), { what: 'the service worker to stop', interval: 5, timeout: 3_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  };
  /** Stops the worker, then starts it again (CDP `ServiceWorker.startWorker`), as the
   * browser does for the next event, and waits until it runs. */
  const restart = async (page) => {
    await stop(page);
    const session = await browser.context.newCDPSession(page);
    await session.send('ServiceWorker.enable');
    await session.send('ServiceWorker.startWorker', { scopeURL: prefix });
    await session.detach();
    await waitFor(() => target(), { what: 'the worker to start again' });
  };
  /** Runs `fn(...args)` in whichever worker runs now (`fn` serialised as source). */
  const run = (fn, ...args) => evaluate(`(${fn})(...${JSON.stringify(args)})`);
  return {
    evaluate,
    run,
    stop,
    restart,
    target,
    /** Everything in `storage.local`. */
    local: () => run(() => chrome.storage.local.get(null)),
    /** The tab showing `url`. */
    tabFor: (url) => run(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url), url),
    /** The action's badge text and title on `tabId`. */
    badge: (tabId) => run(async (tabId) => ({
      text: await chrome.action.getBadgeText({ tabId }),
      title: await chrome.action.getTitle({ tabId }),
    }), tabId),
  };
}

/** The keys of the records of saves under way (or left behind) in `storage.local`'s `all`. */
export function pendingKeys(all) {
  return Object.keys(all).filter((k) => k.startsWith('pending:'));
}
