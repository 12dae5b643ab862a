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

/** Every language the extension ships, English (the default) first. */
const LANGUAGES = ['en', 'fr', 'de', 'es', 'ja', 'zh_CN'];

test('every string used exists in every language, with the same substitutions', async () => {
  const dirs = (await readdir(path.join(EXT, '_locales'))).sort();
  assert.deepEqual(dirs, [...LANGUAGES].sort(), 'the languages shipped');
  const [en, used] = await Promise.all([messages('en'), usedKeys()]);
  assert.ok(used.size > 60, `found the keys in use (${used.size})`);
  const missing = [...used].filter((key) => !(key in en));
  assert.deepEqual(missing, []);
  const holes = (text) => [...text.matchAll(/\$(\w+)\$/g)].map((x) => x[1].toUpperCase()).sort();
  for (const lang of LANGUAGES.slice(1)) {
    const other = await messages(lang);
    assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), `${lang}: the same keys`);
    for (const [key, entry] of Object.entries(en)) {
      assert.ok(other[key].message.trim(), `${lang}: ${key} is empty`);
      // Pages show messages as text: a backtick would show as itself, not as code.
      assert.ok(!entry.message.includes('`') && !other[key].message.includes('`'), `${lang}: ${key}`);
      // The same substitutions, each used as often.
      assert.deepEqual(holes(other[key].message), holes(entry.message), `${lang}: ${key}`);
      assert.deepEqual(other[key].placeholders, entry.placeholders, `${lang}: ${key}`);
      // Written in that language: only names and code may stay as in English.
      if (lang !== 'en' && entry.message.length > 24 && !/`/.test(entry.message)) {
        assert.notEqual(other[key].message, entry.message, `${lang}: ${key} is untranslated`);
      }
    }
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
    assert.equal(await popup.locator('#search').getAttribute('placeholder'), 'Titres, citations, commentaires, tags, auteurs, sites');
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
