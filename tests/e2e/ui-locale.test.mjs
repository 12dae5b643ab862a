// UI strings: every string the pages use exists in every language, and the pages follow
// the browser's language (French here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, launch, makeNote, seed, openPage } from './ui-lib.mjs';

const EXT = path.join(ROOT, 'extension');

async function messages(lang) {
  return JSON.parse(await readFile(path.join(EXT, '_locales', lang, 'messages.json'), 'utf8'));
}

/** Message keys the sources use: data-i18n* attributes, t()/plural() calls, __MSG_…__. */
async function usedKeys() {
  const files = [
    'manifest.json', 'background.js', 'save.js', 'library.js',
    ...['popup', 'options', 'ui', 'welcome'].flatMap((dir) => [dir]),
  ];
  const texts = [];
  for (const file of files) {
    const full = path.join(EXT, file);
    if (file.includes('.')) texts.push(await readFile(full, 'utf8'));
    else for (const name of await readdir(full)) texts.push(await readFile(path.join(full, name), 'utf8'));
  }
  const source = texts.join('\n');
  const keys = new Set();
  for (const [, key] of source.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z0-9_]+)"/g)) keys.add(key);
  for (const [, key] of source.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) keys.add(key);
  for (const [, key] of source.matchAll(/\bplural\('([A-Za-z0-9_]+)'/g)) keys.add(`${key}_other`);
  for (const [, key] of source.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) keys.add(key);
  for (const [, key] of source.matchAll(/getMessage\(\s*'([A-Za-z0-9_]+)'/g)) keys.add(key);
  return keys;
}

test('every string used exists in English and French, and the two have the same keys', async () => {
  const [en, fr, used] = await Promise.all([messages('en'), messages('fr'), usedKeys()]);
  assert.ok(used.size > 60, `found the keys in use (${used.size})`);
  const missing = [...used].filter((key) => !(key in en));
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const [key, entry] of Object.entries(en)) {
    // Pages show messages as text: a backtick would show as itself, not as code.
    assert.ok(!entry.message.includes('`') && !fr[key].message.includes('`'), key);
    // The same substitutions in both languages.
    const holes = (m) => [...m.message.matchAll(/\$(\w+)\$/g)].map((x) => x[1]).sort();
    assert.deepEqual(holes(fr[key]), holes(entry), key);
  }
  // Every error code of the core has its wording.
  const codes = [...(await readFile(path.join(ROOT, 'crates/quotebook-html/src/error.rs'), 'utf8'))
    .matchAll(/=> "([a-z_]+)",/g)];
  const errorCodes = new Set([...codes].map(([, code]) => `error_${code}`));
  for (const key of errorCodes) assert.ok(key in en, key);
  // And nothing else ships: every message is named somewhere in the extension's sources
  // (a plural's other forms through its `_other`, an error's wording through its code,
  // thrown by the core or by the pages as `code: details`).
  const sources = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== '_locales') await walk(full);
      } else if (/\.(js|html|json)$/.test(entry.name)) sources.push(await readFile(full, 'utf8'));
    }
  };
  await walk(EXT);
  const text = sources.join('\n');
  const named = (key) => new RegExp(`['"\`]${key}['"\`]|__MSG_${key}__|[\`'"]${key.replace(/^error_/, '')}: `).test(text);
  const unused = Object.keys(en).filter((key) => !named(key)
    && !named(key.replace(/_(zero|one|two|few|many|other)$/, ''))
    && !errorCodes.has(key) && key !== 'error_unknown');
  assert.deepEqual(unused, []);
});

test('the popup and the options page speak French in a French browser', async () => {
  const ext = await launch({ locale: 'fr' });
  try {
    await seed(ext.sw, [makeNote({
      url: 'https://a.example/', title: 'Une note', updated: '2024-01-01T00:00:00.000Z',
      quotes: [{ text: 'Un.' }, { text: 'Deux.' }],
    })]);
    const popup = await openPage(ext, 'popup/popup.html', '#notes li');
    assert.equal(await popup.evaluate(() => document.documentElement.lang), 'fr');
    assert.equal(await popup.locator('#all-heading').textContent(), 'Toutes les notes');
    assert.equal(await popup.locator('#search').getAttribute('placeholder'), 'Titres, citations, commentaires, tags');
    assert.match(await popup.locator('.note-meta').textContent(), /2 citations/);
    await popup.close();
    const options = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
    assert.equal(await options.locator('h1').textContent(), 'Options de Quotebook');
    assert.match(await options.locator('#template-preview').textContent(), /title: Bien lire/);
    await options.close();
  } finally {
    await ext.close();
  }
});
