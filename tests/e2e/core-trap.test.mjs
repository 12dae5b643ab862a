// The core stopping in the middle of a call (headless Chromium, test build). The browser's
// module is built with `panic = "abort"`: a panic ends in an `unreachable` trap, as
// is an allocation the browser cannot grant (memory exhausted). No input is known to make
// the core panic (it returns errors; the fuzz targets look for panics), so the test makes
// the other trap: its hook, in the running worker (nothing of it ships), grows the first
// instance's memory to the most the browser allows as soon as it is made, behind the
// allocator's back, so the core's first allocation fails and traps. What must hold: the
// reader is told on the badge, the quote is kept and saved with the next one, and the
// core works again at once (extension/core.js replaces the trapped instance).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { dragSelect, extensionSuite, menuInfo, noteMarkdown, pendingKeys, waitFor, workerAccess } from './lib.mjs';

describe('the core traps in the middle of a save', () => {
  const suite = extensionSuite({ build: 'chrome-test' });
  let worker;
  let page;
  let key;

  before(async () => {
    worker = await workerAccess(suite.browser);
    page = await suite.context.newPage();
    const pageUrl = `${suite.origin}/pages/article.html`;
    key = `note:${pageUrl}`;
    await page.goto(pageUrl);
  });

  const run = (fn, ...args) => worker.run(fn, ...args);
  const local = () => worker.local();
  const tab = () => worker.tabFor(page.url());
  const badge = (tabId) => worker.badge(tabId);
  const save = async () => run((info, t) => globalThis.saveQuote(info, t), await menuInfo(page), await tab());

  /** The hook: the next instance of a wasm module gets no memory beyond what it starts with. */
  const exhaustNextInstance = () => run(() => {
    const hold = (result) => {
      if (!globalThis.exhausted) {
        const memory = (result.instance ?? result).exports.memory;
        const before = memory.buffer.byteLength;
        // Grow by halving steps until the browser refuses even one page more.
        for (let pages = 1 << 16; pages >= 1; pages >>= 1) {
          try { memory.grow(pages); } catch { /* more than is left */ }
        }
        globalThis.exhausted = { before, after: memory.buffer.byteLength };
      }
      return result;
    };
    for (const name of ['instantiateStreaming', 'instantiate']) {
      const real = WebAssembly[name];
      WebAssembly[name] = (...args) => real.apply(WebAssembly, args).then(hold);
    }
    return true;
  });

  test('the save is kept and the reader told; the next save stores both quotes', async () => {
    // A fresh worker: the core is loaded on first use, after the hook is in place.
    await worker.restart(page);
    assert.equal(await run(() => globalThis.exhausted ?? null), null);
    assert.equal(await exhaustNextInstance(), true);

    await dragSelect(page, '#p2', 'A second', 'note.');
    const first = await save();
    const exhausted = await run(() => globalThis.exhausted);
    assert.ok(exhausted && exhausted.after > exhausted.before, `the hook took hold: ${JSON.stringify(exhausted)}`);
    assert.equal(first.ok, false, JSON.stringify(first));
    assert.equal(first.kept, true, JSON.stringify(first));
    assert.match(first.reason, /^Quotebook's core stopped on an internal error \(request_note_id: .+\) and was restarted$/);
    const t = await tab();
    const shown = await badge(t.id);
    assert.equal(shown.text, '!');
    assert.match(shown.title, /^Quotebook: could not save the quote: Quotebook's core stopped on an internal error .*It is kept, and Quotebook tries again with your next quote/);
    // Nothing stored but the record of the kept save, which holds the whole request.
    let all = await local();
    assert.equal(all[key], undefined);
    assert.equal(pendingKeys(all).length, 1);
    assert.equal(all[pendingKeys(all)[0]].request.capture.text, 'A second passage from the same page joins the first note.');

    // The same worker, the core's fresh instance: the next save, then the kept one.
    await dragSelect(page, '#step8', 'Eighth', 'warm.');
    const second = await save();
    assert.equal(second.ok, true, JSON.stringify(second));
    all = await waitFor(async () => {
      const all = await local();
      return all[key]?.quotes.length === 2 && pendingKeys(all).length === 0 ? all : null;
    }, { what: 'the kept quote to be saved with the next one' });
    assert.deepEqual(all[key].quotes.map((q) => q.text).sort(), [
      'A second passage from the same page joins the first note.',
      'Eighth step: serve it warm.',
    ]);
    const markdown = await noteMarkdown(all[key]);
    assert.match(markdown, /^> A second passage from the same page joins the first note\.$/m);
    assert.equal((await badge(t.id)).text, '2');
  });
});
