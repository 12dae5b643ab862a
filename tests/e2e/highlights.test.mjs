// Highlights that come back, and the card beside a quote (issue 15), in headless Chromium
// with the test build (host permission for the test server stands in for the reader's
// gesture). The path through the real menu, as a user would, is in headful.test.mjs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dragSelect, extensionSuite, saveFromMenu, storage, tabOf, waitFor } from './lib.mjs';
import { axeViolations, cardClosed, cardFrame, highlightNames, highlightedTexts } from './highlight-lib.mjs';

describe('the card and highlights, headless', () => {
  const suite = extensionSuite();
  const notes = async () => Object.fromEntries(Object.entries(await storage(suite.worker)).filter(([k]) => k.startsWith('note:')));

  async function freshPage(path = '/pages/article.html') {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}${path}`);
    return page;
  }

  async function clear() {
    await suite.worker.evaluate(() => chrome.storage.local.clear());
  }

  test('after a save the card says where the quote went; typed, a comment is saved, unseen by the page; Esc closes', async () => {
    await clear();
    const page = await freshPage();
    // A page that listens to every key, before anything else sees it.
    await page.evaluate(() => {
      window.seenKeys = [];
      window.addEventListener('keydown', (e) => window.seenKeys.push(e.key), true);
      document.addEventListener('keydown', (e) => window.seenKeys.push(e.key), true);
    });
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    const card = await cardFrame(page);
    assert.equal(await card.locator('h1').innerText(), 'Saved to Field notes on keeping quotes');
    // The keyboard starts in the card, on "Add comment".
    assert.equal(await card.evaluate(() => document.activeElement?.id), 'card-add-comment');
    await page.keyboard.press('Enter');
    await waitFor(() => card.evaluate(() => document.activeElement?.id === 'card-comment'), { what: 'the comment field focused' });
    await page.keyboard.type('Kept for the talk.');
    const key = `note:${suite.origin}/pages/article.html`;
    const saved = await waitFor(async () => {
      const quote = (await notes())[key]?.quotes[0];
      return quote?.comment === 'Kept for the talk.' && quote;
    }, { what: 'the comment stored' });
    assert.equal(saved.id, result.note.quotes[0].id);
    await page.keyboard.press('Escape');
    await cardClosed(page);
    assert.deepEqual(await page.evaluate(() => window.seenKeys), [], 'the page saw keys typed in the card');
    // The frame hangs under a closed shadow root: the page finds no frame, and no root.
    assert.deepEqual(await page.evaluate(() => document.querySelectorAll('iframe').length), 0);
    await page.close();
  });

  test('the page cannot reach the card: a closed shadow root, styles that do not apply', async () => {
    await clear();
    const page = await freshPage();
    // Rules aimed at anything the extension could add beside <head> and <body>.
    await page.addStyleTag({ content: 'html > :not(head):not(body) { display: none !important; width: 1px !important; } iframe { display: none !important; }' });
    await page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('p2'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    const tab = await tabOf(suite.worker, page);
    const result = await suite.worker.evaluate(([tab]) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, selectionText: 'x' }, tab), [tab]);
    assert.equal(result.ok, true, result.reason);
    const card = await cardFrame(page);
    const hosts = await page.evaluate(() => [...document.documentElement.children]
      .filter((e) => e.tagName.includes('-'))
      .map((e) => ({ open: e.shadowRoot !== null, shown: e.checkVisibility(), width: e.getBoundingClientRect().width })));
    assert.equal(hosts.length, 1);
    assert.deepEqual(hosts[0], { open: false, shown: true, width: 340 });
    const box = await card.evaluate(() => document.getElementById('card').getBoundingClientRect().width);
    assert.ok(box > 300, `the card is ${box} px wide`);
    await page.close();
  });

  test('Undo on the card takes back the save; its own Undo brings the quote back', async () => {
    await clear();
    const page = await freshPage();
    await dragSelect(page, '#p2', 'A second', 'note.');
    const result = await saveFromMenu(suite.worker, page);
    const key = `note:${suite.origin}/pages/article.html`;
    const card = await cardFrame(page);
    await card.locator('#card-undo-save').click();
    await waitFor(async () => (await notes())[key]?.quotes.length === 0, { what: 'the quote removed' });
    // Storage changes before the card hears back; the card shows its answer all at once.
    await card.locator('#card-deleted').waitFor({ state: 'visible' });
    assert.equal(await card.locator('#card-deleted-text').innerText(), 'Save undone: the quote is removed.');
    await card.locator('#card-undo-delete').click();
    const back = await waitFor(async () => (await notes())[key]?.quotes[0], { what: 'the quote back' });
    assert.equal(back.id, result.note.quotes[0].id);
    await page.close();
  });

  test('saving a passage the note holds says "Already saved", and a comment goes to that quote', async () => {
    await clear();
    const page = await freshPage();
    await dragSelect(page, '#p2', 'A second', 'note.');
    const first = await saveFromMenu(suite.worker, page);
    await cardFrame(page);
    await page.keyboard.press('Escape');
    await cardClosed(page);
    await dragSelect(page, '#p2', 'A second', 'note.');
    const again = await saveFromMenu(suite.worker, page);
    assert.equal(again.duplicate, true);
    const key = `note:${suite.origin}/pages/article.html`;
    assert.equal((await notes())[key].quotes.length, 1);
    const card = await cardFrame(page);
    assert.equal(await card.locator('h1').innerText(), 'Already saved in Field notes on keeping quotes');
    assert.equal(await card.locator('#card-undo-save').isVisible(), false, 'nothing to undo');
    await card.locator('#card-add-comment').click();
    await card.locator('#card-comment').pressSequentially('Twice worth it.');
    await waitFor(async () => (await notes())[key].quotes[0].comment === 'Twice worth it.', { what: 'the comment on the saved quote' });
    assert.equal((await notes())[key].quotes[0].id, first.note.quotes[0].id);
    const tab = await tabOf(suite.worker, page);
    assert.match((await suite.worker.evaluate((id) => chrome.action.getTitle({ tabId: id }), tab.id)), /^Already saved/);
    await page.close();
  });

  test('a save that fails is explained in words on the page, not only in a tooltip', async () => {
    await clear();
    const page = await freshPage();
    await page.evaluate(() => getSelection().removeAllRanges());
    const tab = await tabOf(suite.worker, page);
    const result = await suite.worker.evaluate(([tab]) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, selectionText: '' }, tab), [tab]);
    assert.equal(result.ok, false);
    const card = await cardFrame(page, 'the failure card');
    assert.match(await card.locator('h1').innerText(), /^Not saved/);
    assert.match(await card.locator('#card-error').innerText(), /select some text/i);
    assert.equal(await card.evaluate(() => document.activeElement?.id), 'card-close');
    await page.keyboard.press('Escape');
    await cardClosed(page);
    await page.close();
  });

  test('no web page may frame any other page of the extension, nor the card at its fixed address', async () => {
    const page = await freshPage();
    const denied = [];
    page.on('console', (m) => { if (/Denying load/.test(m.text())) denied.push(m.text()); });
    // The card is web-accessible at the session's dynamic address only: a page cannot
    // probe the fixed one to learn that Quotebook is installed.
    const dynamic = await suite.worker.evaluate(() => chrome.runtime.getURL('card/card.html'));
    assert.ok(!dynamic.startsWith(`chrome-extension://${suite.id}/`), dynamic);
    for (const path of ['options/options.html', 'popup/popup.html', 'card/card.html']) {
      await page.evaluate((src) => {
        const frame = document.createElement('iframe');
        frame.src = src;
        document.body.append(frame);
      }, `chrome-extension://${suite.id}/${path}`);
    }
    await waitFor(() => denied.length === 3, { what: 'the three loads denied' });
    assert.equal(page.frames().some((f) => /options|popup|card/.test(f.url())), false);
    await page.close();
  });

  test('private windows: nothing is shown', async () => {
    const page = await freshPage();
    const tab = await tabOf(suite.worker, page);
    const shown = await suite.worker.evaluate(([tab]) => globalThis.showPageHighlights({ ...tab, incognito: true }, { card: { status: 'saved', id: 'x' } }), [tab]);
    assert.deepEqual(shown, { shown: false, reason: 'private_window', anchors: [] });
    assert.equal(page.frames().length, 1);
    await page.close();
  });
});

describe('the card is accessible', () => {
  const suite = extensionSuite();

  test('axe-core finds no violation in the card, after a save, opened on a quote, and after a failure', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html`);
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    const result = await saveFromMenu(suite.worker, page);
    let card = await cardFrame(page);
    // Pointed at, the card stays past its few seconds while axe-core reads it.
    await card.locator('#card').hover();
    assert.deepEqual(await axeViolations(card), [], 'after a save');
    await card.locator('#card-add-comment').click();
    assert.deepEqual(await axeViolations(card), [], 'with its fields shown');
    const tab = await tabOf(suite.worker, page);
    await page.evaluate(() => getSelection().removeAllRanges());
    await suite.worker.evaluate(([tab]) => globalThis.saveQuote({ menuItemId: 'save-quote', frameId: 0, selectionText: '' }, tab), [tab]);
    await waitFor(async () => (await cardFrame(page)).locator('#card-error').isVisible(), { what: 'the failure card' });
    card = await cardFrame(page);
    assert.deepEqual(await axeViolations(card), [], 'after a failure');
    assert.ok(result.ok);
    await page.close();
  });
});

describe('automatic highlights, once the reader opted in', () => {
  const suite = extensionSuite();

  test('a content script for the quoted pages only, kept in step with the library, gone when turned off', async () => {
    const registered = () => suite.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
    const url = `${suite.origin}/pages/article.html`;
    const page = await suite.context.newPage();
    await page.goto(url);
    await dragSelect(page, '#p2', 'A second', 'note.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    assert.deepEqual(await registered(), [], 'nothing registered before the opt-in');
    // What the options page stores once the browser granted all sites (the test build's
    // own grant for the test server stands in for it here).
    await suite.worker.evaluate(() => chrome.storage.local.set({ 'highlights:auto': true }));
    const [script] = await waitFor(async () => { const s = await registered(); return s.length > 0 && s; }, { what: 'the registration' });
    assert.deepEqual(script.matches, ['http://127.0.0.1/pages/article.html', 'http://127.0.0.1/pages/article.html?*']);
    assert.deepEqual(script.js, ['auto-highlight.js']);
    assert.equal(script.allFrames, false);

    // A new visit, with no gesture at all: the quote is highlighted.
    const visit = await suite.context.newPage();
    await visit.goto(`${url}?utm_source=feed`);
    const texts = await waitFor(async () => { const t = await highlightedTexts(visit); return t.length > 0 && t; }, { what: 'highlights on a new visit' });
    assert.deepEqual(texts, ['A second passage from the same page joins the first note.']);
    // A page with no note gets no script.
    const other = await suite.context.newPage();
    await other.goto(`${suite.origin}/pages/context.html`);
    await other.waitForTimeout(500);
    assert.deepEqual(await highlightedTexts(other), []);

    // A second note joins the patterns; deleting a note takes its page out.
    await other.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('p'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    assert.equal((await saveFromMenu(suite.worker, other)).ok, true);
    await waitFor(async () => (await registered())[0]?.matches.length === 4, { what: 'the second page registered' });
    await suite.worker.evaluate((key) => chrome.storage.local.remove(key), `note:${url}`);
    const left = await waitFor(async () => { const s = await registered(); return s[0]?.matches.length === 2 && s[0].matches; }, { what: 'the deleted note\'s page out' });
    assert.deepEqual(left, ['http://127.0.0.1/pages/context.html', 'http://127.0.0.1/pages/context.html?*']);

    // Turned off: unregistered.
    await suite.worker.evaluate(() => chrome.storage.local.set({ 'highlights:auto': false }));
    await waitFor(async () => (await registered()).length === 0, { what: 'the script unregistered' });
    for (const p of [page, visit, other]) await p.close();
  });
});

describe('highlights when the reader comes back', () => {
  const suite = extensionSuite();
  const url = () => `${suite.origin}/pages/article.html`;
  const key = () => `note:${url()}`;
  const note = async () => (await storage(suite.worker))[key()];

  /** An extension page, for calling the library as the pages do. */
  async function extensionPage() {
    const page = await suite.context.newPage();
    await page.goto(`chrome-extension://${suite.id}/options/options.html`);
    return page;
  }

  test('quotes from an imported backup are highlighted when the popup opens; those not found are listed', async () => {
    // Saved "on another machine": a real save, exported as a backup, the library emptied,
    // the backup given a quote the page no longer holds, then imported.
    const page = await suite.context.newPage();
    await page.goto(url());
    await dragSelect(page, '#p1', 'Quotes are', 'intact.');
    assert.equal((await saveFromMenu(suite.worker, page)).ok, true);
    const options = await extensionPage();
    const backup = JSON.parse(await options.evaluate(async () => (await import('../library.js')).exportBackup()));
    await suite.worker.evaluate(() => chrome.storage.local.clear());
    const [saved] = backup.notes[0].quotes;
    backup.notes[0].quotes.push({
      ...saved,
      id: 'gone-0000',
      text: 'A passage the page has since removed, word for word.',
      markdown: 'A passage the page has since removed, word for word.',
      selector: { exact: 'A passage the page has since removed, word for word.', prefix: '', suffix: '' },
      position: 10,
      fragment: null,
    });
    await options.evaluate(async (text) => (await import('../library.js')).applyImport(text), JSON.stringify(backup));
    assert.equal((await note()).quotes.length, 2);
    await options.close();

    await page.reload();
    await page.bringToFront();
    // The popup, opened in a tab, is about the tab used just before it.
    const popup = await suite.context.newPage();
    await popup.goto(`chrome-extension://${suite.id}/popup/popup.html`);
    await popup.waitForSelector('body[data-highlights]');
    assert.equal(await popup.evaluate(() => document.body.dataset.highlights), 'shown');
    const texts = await waitFor(async () => { const t = await highlightedTexts(page); return t.length > 0 && t; }, { what: 'the highlights' });
    assert.deepEqual(texts, ['Quotes are kept with a link that stays a link, with emphasis and strong words intact.']);
    // Names that say nothing of the note: no kind, no id, no comment.
    for (const name of await highlightNames(page)) assert.doesNotMatch(name, /quote|important|question|idea|definition|gone|[0-9a-f]{8}-/i);
    const listed = await popup.locator('#not-found-list li').evaluateAll((items) => items.map((li) => [li.dataset.quoteId, li.dataset.status]));
    assert.deepEqual(listed, [['gone-0000', 'orphan']]);
    assert.equal(await popup.locator('#not-found').isVisible(), true);
    assert.equal(await popup.locator('#not-found-list li .why').innerText(), 'Not found: the passage changed or is gone.');
    await popup.close();
    await page.close();
  });

  test('clicking a highlight opens its card: kind, comment, copy link, delete and undo', async () => {
    const page = await suite.context.newPage();
    await page.goto(url());
    const tab = await tabOf(suite.worker, page);
    const shown = await suite.worker.evaluate((tab) => globalThis.showPageHighlights(tab), tab);
    assert.equal(shown.shown, true);
    await waitFor(async () => (await highlightedTexts(page)).length === 1, { what: 'one highlight' });
    const { textPoint } = await import('./lib.mjs');
    const point = await textPoint(page, '#p1', 'stays');
    await page.mouse.click(point.x + 2, point.y);
    const card = await cardFrame(page, 'the card of the clicked highlight');
    assert.equal(await card.locator('h1').innerText(), 'Quote in Field notes on keeping quotes');
    assert.equal(await card.evaluate(() => document.activeElement?.id), 'card-comment');
    await card.locator('#card-kind').selectOption('question');
    await waitFor(async () => (await note()).quotes[0].kind === 'question', { what: 'the kind stored' });
    await card.locator('#card-comment').pressSequentially('Check the source.');
    await card.locator('#card-tags').pressSequentially('sources, later');
    await waitFor(async () => {
      const q = (await note()).quotes[0];
      return q.comment === 'Check the source.' && q.tags.join() === 'sources,later';
    }, { what: 'comment and tags stored' });
    await card.locator('#card-copy-link').click();
    await waitFor(() => card.locator('#card-saved').innerText().then((t) => t === 'Link copied.'), { what: 'the link copied' });
    await card.locator('#card-delete').click();
    await waitFor(async () => !(await note()).quotes.some((q) => q.text.startsWith('Quotes are')), { what: 'the quote deleted' });
    await waitFor(async () => (await highlightedTexts(page)).length === 0, { what: 'its highlight gone' });
    await card.locator('#card-undo-delete').click();
    await waitFor(async () => (await note()).quotes.some((q) => q.text.startsWith('Quotes are') && q.comment === 'Check the source.'), { what: 'the quote back' });
    await waitFor(async () => (await highlightedTexts(page)).length === 1, { what: 'its highlight back' });
    await page.keyboard.press('Escape');
    await cardClosed(page);
    await page.close();
  });
});

describe('the options: kinds and the opt-in', () => {
  const suite = extensionSuite();

  test('a kind renamed and recoloured in the options is what the card offers and the page is painted with', async () => {
    const options = await suite.context.newPage();
    await options.goto(`chrome-extension://${suite.id}/options/options.html`);
    await options.waitForSelector('#kind-name-question');
    assert.deepEqual(
      await options.locator('#kinds-list input[type="text"]').evaluateAll((inputs) => inputs.map((i) => i.value)),
      ['Quote', 'Important', 'Question', 'Idea', 'Definition'],
    );
    await options.locator('#kind-name-question').fill('To check');
    await options.locator('#kind-color-question').fill('#00aaff');
    const stored = await waitFor(async () => {
      const { kinds } = await suite.worker.evaluate(() => chrome.storage.sync.get('kinds'));
      return kinds?.question?.name === 'To check' && kinds?.question?.color === '#00aaff' && kinds;
    }, { what: 'the kinds stored' });
    // Only what differs from the defaults is kept.
    assert.deepEqual(stored, { question: { name: 'To check', color: '#00aaff' } });
    assert.equal(await options.locator('#kinds-save').innerText(), 'Kinds saved.');

    const page = await suite.context.newPage();
    await page.goto(`${suite.origin}/pages/article.html`);
    await dragSelect(page, '#p2', 'A second', 'note.');
    await saveFromMenu(suite.worker, page);
    const card = await cardFrame(page);
    await card.locator('#card-add-comment').click();
    assert.deepEqual(
      await card.locator('#card-kind option').evaluateAll((options) => options.map((o) => [o.value, o.textContent])),
      [['quote', 'Quote'], ['important', 'Important'], ['question', 'To check'], ['idea', 'Idea'], ['definition', 'Definition']],
    );
    await options.close();
    await page.close();
  });

  test('the kinds the options and the card offer are exactly the core\'s', async () => {
    const options = await suite.context.newPage();
    await options.goto(`chrome-extension://${suite.id}/options/options.html`);
    const [ours, core] = await options.evaluate(async () => [
      (await import('../kinds.js')).KINDS.map((k) => k.id),
      (await (await import('../core.js')).core()).quote_kinds(),
    ]);
    assert.deepEqual(ours, core);
    await options.close();
  });

  test('the opt-in is off by default and says plainly what turning it on means', async () => {
    const options = await suite.context.newPage();
    await options.goto(`chrome-extension://${suite.id}/options/options.html`);
    await options.waitForSelector('#kind-name-quote');
    assert.equal(await options.locator('#auto-highlights').isChecked(), false);
    assert.equal(await options.locator('#auto-highlights-help').innerText(),
      'Turning this on asks your browser to let Quotebook read all sites; it runs only on the pages you have quoted. A site can see which passages are marked on its pages.');
    assert.deepEqual(await suite.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts()), []);
    await options.close();
});
});
