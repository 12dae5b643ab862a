// Hostile pages (headless Chromium, test build): what only a page's script can make — lone
// surrogates, NUL and control characters, bidi overrides in the title, a 2 MB inline image —
// and a page that redefines the DOM and JavaScript APIs the capture uses. And the shipped
// manifest asks for no more than it needs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  builtManifest, core, dragSelect, extensionSuite, menuInfo, noteMarkdown, saveFromMenu, storage, tabOf,
} from './lib.mjs';

/** Every string inside `value`, however deep. */
function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/u;

describe('hostile pages', () => {
  const suite = extensionSuite({ build: 'chrome-test' });

  test('a page that redefines getSelection, Selection, Range, Array, JSON and Node does not fool the capture', async () => {
    const page = await suite.context.newPage();
    const url = `${suite.origin}/hostile/world.html`;
    await page.goto(url);
    const selected = await dragSelect(page, '#real', 'The real', 'its link');
    assert.equal(selected, 'The real selection is this sentence, with its link');
    const [info, tab] = [await menuInfo(page), await tabOf(suite.worker, page)];
    // From now on the page's world lies (its own check says so).
    assert.equal(await page.evaluate(() => window.armLies()), 'FAKE selection');
    const result = await suite.worker.evaluate(([info, tab]) => globalThis.saveQuote(info, tab), [info, tab]);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false, 'the page was read, not the menu\'s text');
    const note = (await storage(suite.worker))[`note:${url}`];
    assert.ok(note);
    assert.deepEqual(note.quotes.map((q) => q.markdown),
      [`The real selection is *this* sentence, with [its link](${suite.origin}/real)`]);
    assert.equal(note.title, 'A page that lies to scripts');
    assert.equal(note.url, url);
    assert.ok(!JSON.stringify(note).includes('FAKE'), JSON.stringify(note));
    await page.close();
  });

  test('lone surrogates, NUL, controls, bidi overrides and a 2 MB inline image', async () => {
    const page = await suite.context.newPage();
    const url = `${suite.origin}/hostile/text.html`;
    await page.goto(url);
    // The page did make them: a lone surrogate in the title and in the text.
    assert.equal(await page.evaluate(() => document.title.isWellFormed()), false);
    assert.equal(await page.evaluate(() => document.body.textContent.isWellFormed()), false);
    await dragSelect(page, '#text', 'Start', 'after the image.');
    const result = await saveFromMenu(suite.worker, page);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.plainText, false);
    const note = (await storage(suite.worker))[`note:${url}`];
    // Stored well formed: each lone surrogate became U+FFFD.
    for (const s of strings(note)) assert.ok(s.isWellFormed(), JSON.stringify(s));
    assert.match(note.title, /^Bidi .*gnp\.exe.* lone \ufffd nul/u);
    const [quote] = note.quotes;
    assert.match(quote.text, /lone high \ufffd and low \ufffd here/u);
    // The image is left out (its bytes are no image: a PNG's signature repeated), its
    // alt text stays where it stood, and the quote's image says why (issue 16).
    assert.ok(quote.markdown.endsWith('; a pasted screenshot after the image.'), quote.markdown);
    assert.ok(!quote.markdown.includes('data:'), quote.markdown);
    assert.deepEqual(quote.images.map((i) => [i.alt, i.hash, i.error?.split(':')[0]]),
      [['a pasted screenshot', null, 'not_an_image']]);
    assert.ok(JSON.stringify(note).length < 20_000, `${JSON.stringify(note).length} bytes stored`);
    // The Markdown file: no NUL, no control character but newlines, and no bidi control in
    // the frontmatter, where a title could disguise itself (the YAML escapes them).
    const markdown = await noteMarkdown(note);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/u.test(markdown), JSON.stringify(markdown));
    const frontmatter = markdown.split('\n---\n')[0];
    assert.ok(!BIDI.test(frontmatter), frontmatter);
    assert.match(frontmatter, /\\u202E/i);
    // File names, from the sync planner's patterns: no bidi control, no control character.
    const wasm = await core();
    const options = { tzOffsetMinutes: 0, locale: 'en' };
    for (const pattern of ['', '{title}.md', '{site}/{title} {date}.md']) {
      const name = wasm.file_name(note, pattern, options);
      assert.ok(!BIDI.test(name), `${pattern}: ${JSON.stringify(name)}`);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f\u007f]/u.test(name), `${pattern}: ${JSON.stringify(name)}`);
      assert.match(name, /gnp\.exe.*\.md$/u, pattern);
    }
    await page.close();
  });
});

describe('the shipped manifest', () => {
  test('asks for no host, runs no content script, and makes downloads and nativeMessaging optional', async () => {
    const manifest = await builtManifest('chrome');
    for (const key of ['host_permissions', 'content_scripts', 'externally_connectable']) {
      assert.equal(manifest[key], undefined, key);
    }
    // Sites only when asked: an image's origin when the reader saves that image (issue 16),
    // all sites for the opt-in automatic highlights, asked when turned on; web pages may
    // load the card's page alone, at its dynamic address.
    assert.deepEqual(manifest.optional_host_permissions, ['http://*/*', 'https://*/*', '<all_urls>']);
    assert.deepEqual(manifest.web_accessible_resources,
      [{ resources: ['card/card.html'], matches: ['<all_urls>'], use_dynamic_url: true }]);
    assert.deepEqual([...manifest.permissions].sort(),
      ['activeTab', 'contextMenus', 'notifications', 'scripting', 'storage', 'unlimitedStorage']);
    assert.deepEqual([...manifest.optional_permissions].sort(), ['downloads', 'nativeMessaging']);
    for (const permission of manifest.permissions) assert.ok(!/[:/*]/.test(permission), permission);
    assert.equal(manifest.content_security_policy.extension_pages,
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; img-src 'self' blob:; "
      + "connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'self' http: https:");
    // The test build differs by its test host only.
    const testBuild = await builtManifest('chrome-test');
    assert.deepEqual(testBuild.host_permissions, ['http://127.0.0.1/*']);
    assert.deepEqual(testBuild.permissions, manifest.permissions);
    assert.deepEqual(testBuild.optional_permissions, manifest.optional_permissions);
  });
});
