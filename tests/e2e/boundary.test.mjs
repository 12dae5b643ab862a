// The typed boundary of the wasm module (`crates/quotebook-wasm`), in Node: structured
// values cross as plain JS objects and arrays in the very shapes storage keeps (what the
// JSON of the core's types parses to: `null` for absent fields, numbers, no Map), strings
// stay strings, and errors carry the stable codes the extension words. Needs `cargo xtask
// build` (the test build's module); no browser.
// node --test tests/e2e/boundary.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, core } from './lib.mjs';

const NOW = '2026-01-02T03:04:05.000Z';

function capture(overrides = {}) {
  return {
    url: 'https://example.org/article?utm_source=x#top',
    title: 'An article',
    ranges: ['<p>Some <b>quoted</b> words.</p>'],
    text: 'Some quoted words.',
    ...overrides,
  };
}

/** Only plain objects, arrays, strings, finite numbers, booleans and null, all the way down. */
function assertStorable(value, path = 'value') {
  if (value === null || ['string', 'boolean'].includes(typeof value)) return;
  if (typeof value === 'number') return assert.ok(Number.isFinite(value), path);
  if (Array.isArray(value)) return value.forEach((v, i) => assertStorable(v, `${path}[${i}]`));
  assert.equal(typeof value, 'object', `${path} is ${typeof value}`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path} is a plain object`);
  for (const [k, v] of Object.entries(value)) assertStorable(v, `${path}.${k}`);
}

function codeOf(fn) {
  try {
    fn();
  } catch (error) {
    return String(error.message).split(':')[0];
  }
  return 'no error';
}

test('clip takes the request and the stored note as objects and answers a storable note', async () => {
  const wasm = await core();
  const first = wasm.clip({ capture: capture(), now: NOW, quoteId: 'q1' }, undefined);
  assertStorable(first);
  assert.equal(first.schema, 3);
  assert.equal(first.id, 'https://example.org/article');
  assert.equal(first.canonical, null, 'an absent field is null, as in the JSON storage held');
  assert.equal(first.quotes[0].markdown, 'Some **quoted** words.');
  assert.deepEqual(JSON.parse(JSON.stringify(first)), first, 'the object is its own JSON');

  // Fields left out take their defaults; the stored note goes back in as it came out.
  const second = wasm.clip(
    { capture: capture({ ranges: ['<p>More.</p>'], text: 'More.' }), now: NOW, quoteId: 'q2', tags: ['a'] },
    first,
  );
  assert.deepEqual(second.quotes.map((q) => q.id), ['q1', 'q2']);
  assert.deepEqual(second.quotes[1].tags, ['a']);
  assert.equal(wasm.request_note_id({ capture: capture() }), first.id);
});

test('errors keep their stable codes', async () => {
  const wasm = await core();
  assert.equal(codeOf(() => wasm.clip({ capture: capture({ ranges: [], text: ' ' }), now: NOW, quoteId: 'q' }, undefined)), 'empty_selection');
  assert.equal(codeOf(() => wasm.clip({ capture: capture({ url: 'not a url' }), now: NOW, quoteId: 'q' }, undefined)), 'invalid_url');
  assert.equal(codeOf(() => wasm.migrate_note({ schema: 99, id: 'x' })), 'unsupported_schema');
  // A value of the wrong shape, JSON text among them, is invalid data, not a crash.
  assert.equal(codeOf(() => wasm.migrate_note('{"schema":2}')), 'invalid_data');
  assert.equal(codeOf(() => wasm.clip({ capture: { url: 42 } }, undefined)), 'invalid_data');
  assert.equal(codeOf(() => wasm.remove_quote({ schema: 2, id: 'x', quotes: [] }, 'nope', NOW)), 'not_found');
});

test('stored schema-1 notes migrate and merge as objects', async () => {
  const wasm = await core();
  const stored = JSON.parse(await readFile(join(ROOT, 'tests/fixtures/schema-1/storage-local.json'), 'utf8'));
  const notes = Object.entries(stored).filter(([key]) => key.startsWith('note:')).map(([, note]) => note);
  assert.ok(notes.length > 0);
  for (const note of notes) {
    const migrated = wasm.migrate_note(note);
    assertStorable(migrated);
    assert.equal(migrated.schema, 3);
    assert.equal(migrated.quotes.length, note.quotes.length);
    assert.deepEqual(wasm.migrate_note(migrated), migrated, 'a current note comes back unchanged');
  }
  const [note] = notes;
  const merged = wasm.merge_notes([note, { ...note, quotes: note.quotes.slice(0, 1) }]);
  assert.ok(Array.isArray(merged));
  assert.equal(merged.length, 1);
  assert.equal(merged[0].quotes.length, note.quotes.length);
  assert.match(wasm.note_to_markdown(note), /^---\n/);
});

test('templates, rendering, names, edits and deep links answer objects, arrays and strings', async () => {
  const wasm = await core();
  const note = wasm.clip({ capture: capture(), now: NOW, quoteId: 'q1' }, undefined);
  const defaults = wasm.default_templates();
  assert.deepEqual(Object.keys(defaults).sort(), ['note', 'quote']);
  const options = { tzOffsetMinutes: 60, locale: 'en' };
  const rendered = wasm.render(note, undefined, options);
  assertStorable(rendered);
  assert.equal(rendered.error, null);
  assert.deepEqual(rendered.quotes.map((q) => q.id), ['q1']);
  assert.equal(wasm.render(note, defaults, options).markdown, rendered.markdown, 'the defaults, given or not');
  const broken = wasm.render(note, { note: '{{ unclosed', quote: '' }, options);
  assert.equal(broken.error?.template, 'note');

  assert.equal(wasm.file_name(note, '', options), 'An article.md');
  const names = wasm.zip_names([note, { ...note, id: 'https://example.org/other' }], '', options);
  assert.deepEqual(names, ['An article.md', 'An article (2).md']);

  const annotated = wasm.annotate_quote(note, 'q1', 'A comment', ['b', 'a'], NOW);
  assert.equal(annotated.quotes[0].comment, 'A comment');
  assert.equal(wasm.remove_quote(annotated, 'q1', NOW).quotes.length, 0);

  const text = 'One block of text.\nAnother block here.';
  assert.equal(wasm.text_fragment(text, 5, 2), null);
  const fragment = wasm.text_fragment(text, 0, 8);
  assertStorable(fragment);
  assert.match(fragment.hash, /^#:~:text=/);
});

test('a backup is the file text; its import plan answers the merged notes', async () => {
  const wasm = await core();
  const a = wasm.clip({ capture: capture(), now: NOW, quoteId: 'q1' }, undefined);
  const b = wasm.clip({ capture: capture({ url: 'https://example.org/b' }), now: NOW, quoteId: 'q2' }, undefined);
  const text = wasm.library_backup([a, b]);
  assert.equal(typeof text, 'string');
  assert.equal(JSON.parse(text).notes.length, 2);
  const plan = wasm.import_plan([a], text, NOW);
  assertStorable(plan);
  assert.equal(plan.notes.length, 2);
  assert.equal(plan.added.length, 1);
  assert.deepEqual([plan.changed, plan.removed, plan.deleted], [[], [], []]);
  assert.equal(codeOf(() => wasm.import_plan([a], '{"schema":99,"notes":[]}', NOW)), 'unsupported_schema');
  const tilde = '{"schema":1,"notes":[],"deleted":[{"id":"x","at":"~"}]}';
  assert.equal(codeOf(() => wasm.import_plan([a], tilde, NOW)), 'invalid_data');
});
