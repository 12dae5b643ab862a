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
});
