// Hostile notes: text from pages that tries to run script, load remote resources or lead
// to `javascript:` URLs. Opening the popup, its previews and the options page must run no
// page code, open no dialog, and send no request anywhere but the extension itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, makeNote, seed, openPage, until } from './ui-lib.mjs';

const PAYLOADS = [
  '<script>globalThis.pwned = "script"; alert(1)</script>',
  '<img src=x onerror="globalThis.pwned = \'img\'; alert(2)">',
  '[click me](javascript:globalThis.pwned=\'link\';alert(3))',
  '[tabbed](java\tscript:alert(4))',
  '<a href="javascript:alert(5)">raw link</a>',
  '![remote image](https://evil.example/pixel.png)',
  '![also remote](//evil.example/p.gif "title")',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<style>body { background: url(https://evil.example/bg.png) }</style>',
  '<svg onload="globalThis.pwned = \'svg\'"><use href="https://evil.example/s.svg#x"/></svg>',
  '<object data="https://evil.example/o"></object><embed src="https://evil.example/e">',
  '<form action="https://evil.example/f"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/r">',
  '<link rel="stylesheet" href="https://evil.example/s.css">',
  '[data](data:text/html,<script>alert(6)</script>)',
  '<div onmouseover="alert(7)">**hover** me</div>',
  'A footnote named like the popup\'s search field[^search].\n\n[^search]: Its id is the preview\'s own.',
];

function hostileNotes() {
  return [
    makeNote({
      url: 'https://evil.example/article',
      title: '<img src=x onerror="globalThis.pwned=\'title\'"> Hostile <script>alert(8)</script>',
      site: '<b onclick=alert(9)>site</b>',
      updated: '2024-05-01T00:00:00.000Z',
      quotes: PAYLOADS.map((markdown, i) => ({
        id: `h${i}`,
        markdown,
        text: markdown,
        comment: `<script>globalThis.pwned='comment'</script> [c](javascript:alert(10)) ![i](https://evil.example/c.png)`,
        tags: ['<img src=x onerror=alert(11)>', 'safe'],
        fragment: 'text=%3Cscript%3E',
      })),
    }),
    makeNote({
      url: 'javascript:globalThis.pwned=\'url\'',
      title: 'A note whose URL is a script',
      updated: '2024-04-01T00:00:00.000Z',
      quotes: [{ id: 'j1', text: 'Harmless text.', fragment: 'text=x' }],
    }),
  ];
}

let ext;
const requests = [];
// Requests that reached the network (the route), as opposed to ones the browser announced
// and then refused (a CSP-blocked image is still announced as a request).
const routed = [];
const dialogs = [];

before(async () => {
  ext = await launch();
  // Every request of the browser context is recorded; none may leave the extension.
  await ext.context.route('**/*', (route) => {
    requests.push(route.request().url());
    routed.push(route.request().url());
    if (route.request().url().startsWith(ext.origin)) return route.continue();
    return route.abort();
  });
  ext.context.on('request', (request) => requests.push(request.url()));
  ext.context.on('page', (page) => page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  }));
  await seed(ext.sw, hostileNotes());
  // Hostile templates too: what they produce is Markdown, previewed safely.
  await ext.sw.evaluate(() => chrome.storage.sync.set({
    'template:note': '<script>globalThis.pwned="template"</script>{{ title }}\n{% for quote in quotes %}{{ quote.rendered }}{% endfor %}',
  }));
});

after(async () => {
  await ext?.close();
});

function outside() {
  return [...new Set(requests)].filter((url) => !url.startsWith(`${ext.origin}/`));
}

async function assertNothingRan(page) {
  assert.equal(await page.evaluate(() => globalThis.pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(outside(), []);
}

test('the popup, every note opened and previewed, runs nothing and loads nothing', async () => {
  const page = await openPage(ext, 'popup/popup.html', '#notes li');
  // Titles and quotes are shown as text.
  assert.match(await page.locator('#notes').textContent(), /<img src=x onerror=/);
  const collapsed = page.locator('#notes .note-toggle[aria-expanded="false"]');
  while (await collapsed.count()) await collapsed.first().click();
  for (const button of await page.getByRole('button', { name: 'Preview' }).all()) await button.click();
  const preview = page.locator('#notes .preview').first();
  await preview.waitFor();
  const found = await page.evaluate(() => ({
    // The previews, and the quotes the popup draws from their Markdown the same way.
    elements: [...document.querySelectorAll('.preview *, .quote-text *')].map((e) => e.localName),
    hrefs: [...document.querySelectorAll('.preview a, .quote-text a')].map((a) => a.getAttribute('href')),
    handlers: [...document.querySelectorAll('*')].flatMap((e) =>
      [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.localName}[${a.name}]`)),
  }));
  for (const forbidden of ['script', 'img', 'iframe', 'style', 'svg', 'object', 'embed', 'form', 'meta', 'link', 'use']) {
    assert.ok(!found.elements.includes(forbidden), `no <${forbidden}> in the preview: ${found.elements}`);
  }
  assert.deepEqual(found.handlers, []);
  for (const href of found.hrefs) assert.match(href, /^(https?:|mailto:|#quotebook-preview-)/);
  // Only the elements the core's preview may build (its `Name`), whatever the note holds.
  const allowed = new Set(['a', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
    'hr', 'img', 'input', 'li', 'mark', 'ol', 'p', 'pre', 'span', 'strong', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul']);
  for (const name of found.elements) assert.ok(allowed.has(name), `<${name}> is not the preview's`);
  // Raw HTML is visible as text; images are placeholders with their alt text.
  assert.match(await preview.textContent(), /<script>globalThis\.pwned = "script"/);
  assert.match(await preview.textContent(), /<img src=x onerror="globalThis\.pwned = 'img'; alert\(2\)">/);
  assert.match(await preview.textContent(), /\[image: remote image\]/);
  // Footnote ids are the preview's own: the page's ids stay unique.
  const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids}`);
  const footnote = preview.locator('.footnote-reference a');
  const target = (await footnote.getAttribute('href')).slice(1);
  assert.match(target, /^quotebook-preview-\d+-fn-1$/);
  assert.equal(await page.locator(`[id="${target}"]`).textContent(), "1Its id is the preview's own.");
  // A javascript: link is text in a span, with no href anywhere on the page.
  const unsafe = preview.locator('.unsafe-link', { hasText: 'click me' });
  assert.equal(await unsafe.evaluate((e) => `${e.localName} ${e.getAttribute('href')}`), 'span null');
  assert.equal(await page.locator('[href^="javascript" i], [src^="javascript" i]').count(), 0);
  // A remote image is a placeholder linked to it in a new tab, without opener; nothing loads.
  const remote = preview.locator('a', { hasText: '[image: remote image]' });
  assert.equal(await remote.getAttribute('href'), 'https://evil.example/pixel.png');
  assert.equal(await remote.getAttribute('target'), '_blank');
  assert.equal(await remote.getAttribute('rel'), 'noopener noreferrer');
  // The neutralised link is no link: clicking it goes nowhere.
  await preview.locator('.unsafe-link').first().click();
  // A note whose URL is a script cannot be opened.
  const scriptNote = page.locator('#notes article', { hasText: 'A note whose URL is a script' });
  assert.equal(await scriptNote.getByRole('button', { name: 'Open page' }).isDisabled(), true);
  assert.equal(await scriptNote.getByRole('button', { name: 'Open at quote' }).isDisabled(), true);
  // Searching for the payloads shows them as text too.
  await page.locator('#search').fill('onerror');
  await until(async () => (await page.locator('#result-count').textContent()) === '1 matching note');
  await page.mouse.move(200, 300);
  await new Promise((r) => setTimeout(r, 300));
  await assertNothingRan(page);
  await page.close();
});

test('the options page with hostile templates runs nothing and loads nothing', async () => {
  const page = await openPage(ext, 'options/options.html', '#template-preview:not(:empty)');
  assert.match(await page.locator('#template-preview').textContent(), /^<script>globalThis\.pwned="template"<\/script>/);
  await page.getByLabel('Quote template').fill('<img src=x onerror="globalThis.pwned=1">{{ quote }}![x](https://evil.example/q.png)');
  await until(async () => (await page.locator('#template-preview').textContent()).includes('<img src=x onerror='));
  assert.equal(await page.locator('#template-preview *').count(), 0);
  // The rendered preview beside it shows the same payloads inert.
  const rendered = page.locator('#template-rendered');
  await until(async () => (await rendered.textContent()).includes('<img src=x onerror='));
  assert.match(await rendered.textContent(), /<script>globalThis\.pwned="template"<\/script>/);
  assert.equal(await rendered.locator('script, img, iframe, style, svg, object, embed, form, meta, link').count(), 0);
  assert.match(await rendered.textContent(), /\[image: x\]/);
  await new Promise((r) => setTimeout(r, 300));
  await assertNothingRan(page);
  await page.close();
});

// Issue 17, point 10: the pages' CSP refuses remote loads by itself, whatever the
// sanitiser lets through: images, styles and frames are blocked, and the pages still work
// (the wasm module is fetched from the package). Connections to http(s) pass the CSP since
// issue 16 (the extension reads an image's bytes where the reader granted its origin):
// an origin not granted still answers nothing the page can read.
test('the pages\' CSP blocks remote images, styles and frames by itself; connections read nothing', async () => {
  for (const [path, ready] of [['popup/popup.html', '#notes li'], ['options/options.html', 'body']]) {
    requests.length = 0;
    const page = await openPage(ext, path, ready);
    const blocked = await page.evaluate(async () => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
      const img = new Image();
      img.src = 'https://evil.example/csp.png';
      document.body.append(img);
      const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: 'https://evil.example/csp.css' });
      document.head.append(link);
      const frame = Object.assign(document.createElement('iframe'), { src: 'https://evil.example/csp-frame' });
      document.body.append(frame);
      const fetched = await fetch('https://evil.example/csp-fetch').then(() => 'fetched', () => 'refused');
      await new Promise((r) => setTimeout(r, 500));
      img.remove(); link.remove(); frame.remove();
      return { seen: [...new Set(seen)].sort(), fetched };
    });
    assert.deepEqual(blocked, { seen: ['frame-src', 'img-src', 'style-src-elem'], fetched: 'refused' }, path);
    assert.deepEqual(routed.filter((url) => url.includes('evil.example/csp') && !url.endsWith('/csp-fetch')), [], path);
    await page.close();
  }
  requests.length = 0;
  // The core still loads and works under the CSP: a preview is built by the wasm module.
  const page = await openPage(ext, 'popup/popup.html', '#notes li');
  const collapsed = page.locator('#notes .note-toggle[aria-expanded="false"]');
  while (await collapsed.count()) await collapsed.first().click();
  await page.getByRole('button', { name: 'Preview' }).first().click();
  await page.locator('#notes .preview').first().waitFor();
  await page.close();
});

test('the request recorder does see requests (so the checks above can fail)', async () => {
  const page = await openPage(ext, 'popup/popup.html', '#notes li');
  // A navigation, which no connect-src governs, is recorded like any request.
  await page.evaluate(() => { location.href = 'https://evil.example/probe'; });
  await until(() => outside().includes('https://evil.example/probe'));
  requests.length = 0;
  await page.close();
});
