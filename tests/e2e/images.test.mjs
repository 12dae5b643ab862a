// Images kept with the quotes (issue 16), in headless Chromium with the test build
// (host permission for 127.0.0.1 only, so `localhost` is an origin the extension may not
// read): node --test tests/e2e/images.test.mjs (after `cargo xtask build`). The images come
// from image-server.mjs, which makes real PNGs and serves the hostile cases; the tests call,
// in the service worker, the very functions the menu calls, and read what IndexedDB and
// storage hold.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { launch, tabOf, waitFor } from './lib.mjs';
import { readZip } from './zip-read.mjs';
import { BLUE, GALLERY, HUGE, PIXEL, RED, serveImages } from './image-server.mjs';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

describe('images kept with the quotes', () => {
  let server;
  let browser;
  let page;
  const log = [];

  before(async () => {
    server = await serveImages();
    browser = await launch();
    browser.worker.on('console', (message) => log.push(message.text()));
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Runs `fn(...args)` in the worker. */
  const inWorker = (fn, ...args) => browser.worker.evaluate(fn, args);

  /** The stored image `hash` as `{type, size, bytes: number[]}` (or undefined). */
  const stored = (hash) => inWorker(async ([hash]) => {
    const image = await globalThis.quotebookImages.getImage(hash);
    return image && { type: image.type, size: image.size, bytes: [...new Uint8Array(await image.blob.arrayBuffer())] };
  }, hash);

  const hashes = () => inWorker(() => globalThis.quotebookImages.storedHashes());

  /** Right-click "Save image to note" on `selector`, as the menu calls it. */
  async function saveImageOf(selector) {
    const src = await page.$eval(selector, (img) => img.currentSrc);
    const tab = await tabOf(browser.worker, page);
    const info = { menuItemId: 'save-image', mediaType: 'image', srcUrl: src, frameId: 0, pageUrl: page.url(), editable: false };
    return inWorker(([info, tab]) => globalThis.saveImage(info, tab), info, tab);
  }

  /** Selects the whole of `selector` and saves it as the menu would. */
  async function saveSelectionOf(selector) {
    await page.$eval(selector, (element) => getSelection().selectAllChildren(element));
    const selectionText = await page.evaluate(() => getSelection().toString());
    const tab = await tabOf(browser.worker, page);
    const info = { menuItemId: 'save-quote', frameId: 0, pageUrl: page.url(), selectionText, editable: false };
    return inWorker(([info, tab]) => globalThis.saveQuote(info, tab), info, tab);
  }

  test('reading bytes: the limit stops a 60 MB download early; a 404 and a refused origin say why', async () => {
    const huge = await inWorker(([url]) => globalThis.quotebookImages.readImage(url)
      .then(() => 'read', (e) => e.message), `${server.origin}/huge.png`);
    assert.match(huge, /^too_large: the image weighs more than 10\.0 MB/);
    // The server stops sending soon after the reader stops reading (what is in flight).
    await waitFor(() => server.sent['/huge.png'] > 0, { what: 'the huge image requested' });
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(server.sent['/huge.png'] < HUGE / 2, `sent ${server.sent['/huge.png']} bytes`);
    const missing = await inWorker(([url]) => globalThis.quotebookImages.readImage(url)
      .then(() => 'read', (e) => e.message), `${server.origin}/missing.png`);
    assert.equal(missing, 'http_status: the server answered 404 for the image');
    const before = server.requests.length;
    const foreign = await inWorker(([url]) => globalThis.quotebookImages.readImage(url)
      .then(() => 'read', (e) => e.message), `${server.other}/blue.png`);
    assert.match(foreign, /^not_allowed: Quotebook may not read images from localhost:\d+/);
    assert.equal(server.requests.length, before, 'nothing requested from a refused origin');
    const data = await inWorker(([url]) => globalThis.quotebookImages.readImage(url)
      .then((r) => [...r.bytes]), `data:image/png;base64,${RED.toString('base64')}`);
    assert.deepEqual(Buffer.from(data), RED);
  });

  test('the store keeps each image once, by its SHA-256, and releases what no note uses', async () => {
    const put = (bytes) => inWorker(async ([bytes]) => {
      const data = new Uint8Array(bytes);
      const hash = await globalThis.quotebookImages.sha256(data);
      await globalThis.quotebookImages.putImage(hash, 'image/png', data);
      return hash;
    }, [...bytes]);
    const red = await put(RED);
    assert.equal(red, sha256(RED));
    assert.equal(await put(RED), red);
    const blue = await put(BLUE);
    const all = await hashes();
    assert.equal(all.filter((h) => h === red).length, 1);
    assert.deepEqual((await stored(red)).bytes, [...RED]);
    const released = await inWorker(([keep]) => globalThis.quotebookImages.releaseImages(keep), [blue]);
    assert.ok(released >= 1);
    assert.deepEqual(await hashes(), [blue]);
    await inWorker(() => globalThis.quotebookImages.releaseImages([]));
    assert.deepEqual(await hashes(), []);
  });

  test('"Save image to note": the image joins the page\'s note with its alt text and caption, kept by its hash', async () => {
    await page.goto(`${server.origin}/figure.html`);
    const result = await saveImageOf('#red');
    assert.equal(result.ok, true, `${result.reason} ${log.join('\n')}`);
    const quote = result.note.quotes.at(-1);
    assert.equal(quote.text, '');
    assert.equal(quote.images.length, 1);
    const [image] = quote.images;
    assert.equal(image.url, `${server.origin}/red.png`);
    assert.equal(image.alt, 'A red square');
    assert.equal(image.caption, 'Figure 1: red, on purpose.');
    assert.equal(image.hash, sha256(RED));
    assert.deepEqual([image.mime, image.width, image.height, image.size], ['image/png', 4, 3, RED.length]);
    assert.deepEqual(await stored(image.hash), { type: 'image/png', size: RED.length, bytes: [...RED] });
    assert.equal(result.images.kept, 1);
    // The badge says it is kept.
    const tab = await tabOf(browser.worker, page);
    const title = await inWorker(([id]) => chrome.action.getTitle({ tabId: id }), tab.id);
    assert.equal(title, 'Quotebook: the image is saved with the page\'s note');
  });

  test('a data: image is decoded from its address: nothing is requested', async () => {
    await page.goto(`${server.origin}/figure.html`);
    const before = server.requests.length;
    const result = await saveImageOf('#data');
    assert.equal(result.ok, true, result.reason);
    const [image] = result.note.quotes.at(-1).images;
    assert.equal(image.hash, sha256(BLUE));
    assert.match(image.url, /^quotebook-image:/);
    assert.deepEqual((await stored(image.hash)).bytes, [...BLUE]);
    assert.equal(server.requests.length, before);
  });

  test('an image from a site not allowed stays a link; the badge says why', async () => {
    await page.goto(`${server.origin}/figure.html`);
    const before = server.requests.length;
    // No gesture here (the worker is called directly), so the browser refuses to ask: as a
    // reader's refusal would.
    const result = await saveImageOf('#foreign');
    assert.equal(result.ok, true, result.reason);
    const [image] = result.note.quotes.at(-1).images;
    assert.equal(image.url, `${server.other}/blue.png`);
    assert.equal(image.hash, null);
    assert.match(image.error, /^fetch_failed: Quotebook may not read images from localhost/);
    assert.equal(server.requests.length, before, 'nothing requested from the refused site');
    const tab = await tabOf(browser.worker, page);
    const title = await inWorker(([id]) => chrome.action.getTitle({ tabId: id }), tab.id);
    assert.match(title, /saved as a link only: reading images from this site was not allowed/);
  });

  test('images inside a selection: kept where they stand; the pixel and the hostile ones are refused', async () => {
    await page.goto(`${server.origin}/figure.html`);
    const result = await saveSelectionOf('#after');
    assert.equal(result.ok, true, result.reason);
    const quote = result.note.quotes.at(-1);
    const byAlt = Object.fromEntries(quote.images.map((i) => [i.alt, i]));
    assert.equal(byAlt.blue.hash, sha256(BLUE));
    assert.match(byAlt[''].error ?? '', /^tracking_pixel: /);
    assert.equal(byAlt[''].hash, null);

    const hostile = await saveSelectionOf('#hostile');
    assert.equal(hostile.ok, true, hostile.reason);
    const images = Object.fromEntries(hostile.note.quotes.at(-1).images.map((i) => [i.alt, i]));
    assert.match(images.huge.error, /^image_too_large: /);
    assert.ok(server.sent['/huge.png'] < HUGE / 2, `sent ${server.sent['/huge.png']}`);
    // A PNG named .jpg and served as image/jpeg is a PNG.
    assert.equal(images.photo.mime, 'image/png');
    assert.equal(images.photo.hash, sha256(BLUE));
    assert.match(images.text.error, /^not_an_image: /);
    assert.match(images.missing.error, /^fetch_failed: the server answered 404/);
    // An SVG with script is never kept as it came.
    assert.equal(images.svg.hash === null || images.svg.mime === 'image/svg+xml', true);
    if (images.svg.hash) assert.doesNotMatch(Buffer.from((await stored(images.svg.hash)).bytes).toString(), /script|onload/i);
    assert.equal(hostile.images.refused >= 3, true);
  });

  test('an image saved alone takes its place among the quotes by where it stands in the page', async () => {
    await page.goto(`${server.origin}/figure.html`);
    const result = await saveSelectionOf('#before');
    assert.equal(result.ok, true, result.reason);
    const quotes = result.note.quotes;
    const before = quotes.find((q) => q.text.startsWith('The chart below'));
    const red = quotes.find((q) => q.images?.[0]?.alt === 'A red square');
    const after = quotes.find((q) => q.text.startsWith('And here is'));
    assert.ok(before.position < red.position && red.position < after.position,
      JSON.stringify([before.position, red.position, after.position]));
  });

  test('a store that refuses the bytes: the quote is saved, the badge says why, the image waits', async () => {
    await page.goto(`${server.origin}/figure.html`);
    await inWorker(() => {
      globalThis.realOpen = indexedDB.open;
      indexedDB.open = () => { throw new DOMException('the disk is full', 'QuotaExceededError'); };
    });
    let result;
    try {
      result = await saveSelectionOf('#elsewhere-local');
    } finally {
      await inWorker(() => { indexedDB.open = globalThis.realOpen; });
    }
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.images.refused, 1);
    assert.match(result.images.reason, /^the browser refused to open the stored images \(QuotaExceededError the disk is full\)/);
    const [image] = result.note.quotes.at(-1).images;
    // Not refused for what it is: it waits for "Fetch images".
    assert.deepEqual([image.hash, image.error], [null, null]);
    const tab = await tabOf(browser.worker, page);
    const title = await inWorker(([id]) => chrome.action.getTitle({ tabId: id }), tab.id);
    assert.match(title, /1 image\(s\) kept as links only: the browser refused to open the stored images/);
  });

  test('200 images in one selection: each kept, the bytes stored once per image', async () => {
    await page.goto(`${server.origin}/gallery.html`);
    const result = await saveSelectionOf('#gallery');
    assert.equal(result.ok, true, result.reason);
    const images = result.note.quotes.at(-1).images;
    assert.equal(images.length, GALLERY);
    assert.equal(images.filter((i) => i.hash).length, GALLERY, JSON.stringify(images.find((i) => !i.hash)));
    assert.deepEqual(new Set(images.map((i) => i.hash)), new Set([sha256(RED), sha256(BLUE)]));
    const all = await hashes();
    assert.equal(all.filter((h) => h === sha256(RED)).length, 1);
  });

  test('the zip and the synced folder hold the images as files, and the notes embed them', async () => {
    // The figure's note holds the red image saved alone (kept) and the data: one (kept).
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.id}/options/options.html`);
    const zipped = await options.evaluate(async () => {
      const { buildZip } = await import('/options/zip.js');
      const { blob } = await buildZip();
      return [...new Uint8Array(await blob.arrayBuffer())];
    });
    const entries = readZip(Buffer.from(zipped));
    const note = entries.find((e) => e.name === 'A figure.md');
    assert.ok(note, entries.map((e) => e.name).join(', '));
    const markdown = note.bytes.toString();
    const red = entries.find((e) => e.name.startsWith('attachments/') && e.bytes.equals(RED));
    assert.ok(red, entries.map((e) => e.name).join(', '));
    const redName = red.name.slice('attachments/'.length);
    assert.match(redName, /^red-[0-9a-f]{8}\.png$/);
    assert.ok(markdown.includes(`![[${redName}]]`), markdown);
    const blue = entries.find((e) => e.name.startsWith('attachments/') && e.bytes.equals(BLUE));
    assert.ok(blue, entries.map((e) => e.name).join(', '));
    const blueName = blue.name.slice('attachments/'.length);
    // The image refused stays a remote link.
    assert.ok(markdown.includes(`${server.other}/blue.png`), markdown);

    // CommonMark embeds, relative to the note's folder.
    await options.evaluate(() => chrome.storage.sync.set({ 'images:embed': 'commonmark' }));
    const again = readZip(Buffer.from(await options.evaluate(async () => {
      const { buildZip } = await import('/options/zip.js');
      const { blob } = await buildZip();
      return [...new Uint8Array(await blob.arrayBuffer())];
    })));
    const commonmark = again.find((e) => e.name === 'A figure.md').bytes.toString();
    assert.ok(commonmark.includes(`](attachments/${redName})`) || commonmark.includes(`](./attachments/${redName})`), commonmark);
    await options.evaluate(() => chrome.storage.sync.remove('images:embed'));

    // The folder: a real directory handle (the origin-private one), synced through File
    // System Access. A file already there under an attachment's name, with other bytes,
    // is never overwritten.
    const written = await options.evaluate(async ([blueName]) => {
      const { saveHandle } = await import('/sync/fsa.js');
      const root = await navigator.storage.getDirectory();
      const vault = await root.getDirectoryHandle('vault', { create: true });
      const attachments = await vault.getDirectoryHandle('attachments', { create: true });
      const mine = await (await attachments.getFileHandle(blueName, { create: true })).createWritable();
      await mine.write('the reader\'s own file');
      await mine.close();
      await saveHandle(vault);
      await chrome.storage.local.set({ 'sync:settings': { backend: 'fsa', afterSave: false } });
      const { syncNow } = await import('/sync/sync.js');
      const result = await syncNow();
      const files = {};
      for await (const [name, handle] of attachments.entries()) {
        files[name] = [...new Uint8Array(await (await handle.getFile()).arrayBuffer())];
      }
      const noteFile = await (await vault.getFileHandle('A figure.md')).getFile();
      const backupFile = await (await (await vault.getDirectoryHandle('.quotebook')).getFileHandle('library.json')).getFile();
      return { result, files, note: await noteFile.text(), backup: JSON.parse(await backupFile.text()) };
    }, [blueName]);
    assert.equal(written.result.ok, true, JSON.stringify(written.result));
    assert.deepEqual(Buffer.from(written.files[redName]), RED);
    assert.equal(Buffer.from(written.files[blueName]).toString(), 'the reader\'s own file');
    assert.ok(written.note.includes(`![[${redName}]]`), written.note);
    // The folder's backup carries the kept images too.
    assert.ok(written.backup.images.some((i) => i.hash === sha256(RED) && i.data === RED.toString('base64')));
    assert.deepEqual(written.result.attachments.conflicts, [`attachments/${blueName}`]);
    assert.equal(written.result.attachments.written >= 1, true, JSON.stringify(written.result.attachments));
    await options.close();
  });

  test('the backup carries the kept images, and a restore stores them again', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.id}/options/options.html`);
    const backup = await options.evaluate(async () => (await import('/library.js')).exportBackup());
    const images = JSON.parse(backup).images;
    assert.ok(images.some((i) => i.hash === sha256(RED) && i.mime === 'image/png' && i.data === RED.toString('base64')), backup.slice(-500));
    // Everything gone: the notes and the stored bytes.
    await inWorker(async () => {
      const keys = Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith('note:'));
      await chrome.storage.local.remove(keys);
      await globalThis.quotebookImages.releaseImages([]);
    });
    assert.deepEqual(await hashes(), []);
    await options.evaluate(async (text) => (await import('/library.js')).applyImport(text), backup);
    assert.deepEqual((await stored(sha256(RED))).bytes, [...RED]);
    assert.deepEqual((await stored(sha256(BLUE))).bytes, [...BLUE]);
    const notes = Object.keys(await inWorker(() => chrome.storage.local.get(null))).filter((k) => k.startsWith('note:'));
    assert.ok(notes.length >= 2, notes.join(', '));
    await options.close();
  });

  test('the popup\'s preview shows the stored image through a blob: URL, and requests nothing', async () => {
    const before = server.requests.length;
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.id}/popup/popup.html`);
    const card = popup.locator('#notes article', { hasText: 'A figure' });
    await card.locator('.note-toggle').click();
    await card.getByRole('button', { name: 'Preview' }).click();
    const img = card.locator('.preview img').first();
    await img.waitFor();
    assert.match(await img.getAttribute('src'), /^blob:chrome-extension:\/\//);
    await waitFor(() => img.evaluate((i) => i.complete && i.naturalWidth > 0), { what: 'the stored image shown' });
    assert.deepEqual(await img.evaluate((i) => [i.naturalWidth, i.naturalHeight, i.alt]), [4, 3, 'A red square']);
    // Images not kept stay placeholders.
    assert.ok(await card.locator('.preview .image-placeholder').count() > 0);
    assert.equal(server.requests.length, before, 'the preview requested nothing');
    await popup.close();
  });

  test('the options page\'s Images settings: embed style, folder, and Keep images off', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.id}/options/options.html`);
    assert.equal(await options.locator('#images-keep').isChecked(), true);
    assert.equal(await options.locator('#images-embed').inputValue(), 'obsidian');
    await options.locator('#images-embed').selectOption('commonmark');
    await options.locator('#images-folder').fill('{site}/media/');
    await options.locator('#images-folder').blur();
    await waitFor(async () => (await options.locator('#images-status').textContent()) === 'Image settings saved.');
    const synced = () => options.evaluate(() => chrome.storage.sync.get(['images:keep', 'images:folder', 'images:embed']));
    await waitFor(async () => (await synced())['images:folder'] === '{site}/media/', { what: 'the folder saved' });
    assert.deepEqual(await synced(), { 'images:embed': 'commonmark', 'images:folder': '{site}/media/' });
    const zip = async () => readZip(Buffer.from(await options.evaluate(async () => {
      const { buildZip } = await import('/options/zip.js');
      const { blob } = await buildZip();
      return [...new Uint8Array(await blob.arrayBuffer())];
    })));
    const media = await zip();
    const red = media.find((e) => e.bytes.equals(RED));
    assert.match(red.name, /^127\.0\.0\.1\/media\/red-[0-9a-f]{8}\.png$/);
    const note = media.find((e) => e.name === 'A figure.md').bytes.toString();
    assert.ok(note.includes(`](${red.name})`), note);
    // Off: no attachments, the notes link the remote images as before.
    await options.locator('#images-keep').uncheck();
    await waitFor(async () => (await synced())['images:keep'] === false, { what: 'Keep images off saved' });
    const off = await zip();
    assert.equal(off.some((e) => !e.name.endsWith('.md')), false, off.map((e) => e.name).join(', '));
    assert.ok(off.find((e) => e.name === 'A figure.md').bytes.toString().includes(`](${server.origin}/red.png)`));
    // The menu's image item asks for no site while images are not kept: its id says so.
    const menuItem = (id) => inWorker(([id]) => chrome.contextMenus.update(id, {}).then(() => true, () => false), id);
    await waitFor(async () => await menuItem('save-image-link') && !(await menuItem('save-image')), { what: 'the link-only menu item' });
    await options.evaluate(() => chrome.storage.sync.remove(['images:keep', 'images:folder', 'images:embed']));
    await waitFor(async () => await menuItem('save-image') && !(await menuItem('save-image-link')), { what: 'the image menu item back' });
    await options.close();
  });

  test('a note\'s deletion releases its images once nothing else uses them, after the undo time', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.id}/options/options.html`);
    const keys = await options.evaluate(async () => Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith('note:')));
    const gallery = keys.find((k) => k.endsWith('/gallery.html'));
    const figure = keys.find((k) => k.endsWith('/figure.html'));
    const before = (await hashes()).sort();
    assert.ok(before.includes(sha256(RED)) && before.includes(sha256(BLUE)), before.join(', '));
    /** Deletes `key`, then ages the trash and the stored images past their grace, and purges. */
    const deleteAndPurge = (key) => options.evaluate(async (key) => {
      const library = await import('/library.js');
      await library.deleteNote(key);
      const all = await chrome.storage.local.get(null);
      const aged = {};
      for (const [k, v] of Object.entries(all)) if (k.startsWith('trash:')) aged[k] = { ...v, deletedAt: 0 };
      await chrome.storage.local.set(aged);
      // Stored images keep ten minutes' grace (their note may be on its way): aged too.
      await new Promise((resolve, reject) => {
        const open = indexedDB.open('quotebook-images');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('blobs', 'readwrite');
          const cursor = tx.objectStore('blobs').openCursor();
          cursor.onsuccess = () => {
            if (!cursor.result) return;
            cursor.result.update({ ...cursor.result.value, at: 0 });
            cursor.result.continue();
          };
          tx.oncomplete = () => { open.result.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
      });
      return library.purgeTrash();
    }, key);
    // The gallery's images are the figure's too: nothing goes.
    assert.equal(await deleteAndPurge(gallery), 1);
    assert.deepEqual((await hashes()).sort(), before);
    // The figure gone too: no note uses them any more.
    assert.equal(await deleteAndPurge(figure), 1);
    assert.deepEqual(await hashes(), []);
    await options.close();
  });
});
