// Issue 3, property 1 in Chromium: the rendered Markdown's visible text equals the input's.
//
// Every corpus `article.html` is converted by the built wasm module (`html_to_markdown`,
// base URL the corpus' own); pulldown-cmark renders each output as plain HTML natively
// (`cargo run -p quotebook-core --example markdown_html`: GFM tables, strikethrough,
// footnotes, math; nothing rewritten); Chromium then gives the `innerText` of the input page
// and of the rendered page, and the two are compared after these normalisations only:
//
// - whitespace: every run of white space (line breaks, tabs between table cells, no-break
//   spaces) becomes one space, and the ends are trimmed. Block layout is the renderer's
//   business (`innerText` puts blank lines around paragraphs, tabs between cells); the words
//   and their order are what must survive.
//
// Nothing else is forgiven: list markers and image alt text are not part of `innerText` on
// either side, so they need no rule. The test prints each page that differs, with the first
// difference in context, and asserts that no more pages differ than `KNOWN_DIFFS`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORPUS_BASE_URL, corpusOrSkip, launchPlain, serveCorpus } from './corpus.mjs';
import { ROOT, core } from './lib.mjs';

// Pages whose rendered text may differ from the input's: none on 2026-11-27 (130 of 130).
const KNOWN_DIFFS = 0;

/** The same normalisation on both sides (see the header). */
const normalise = (text) => text.replace(/\s+/gu, ' ').trim();

/** pulldown-cmark's HTML for each Markdown document, computed natively. */
function renderNatively(documents) {
  const cargo = process.env.CARGO || 'cargo';
  const run = spawnSync(cargo, ['run', '-q', '-p', 'quotebook-core', '--example', 'markdown_html'], {
    cwd: ROOT,
    input: JSON.stringify(documents),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`the markdown_html example failed (${run.status ?? run.error})`);
  return JSON.parse(run.stdout);
}

/** Where two strings first differ, with some context of each. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return { at: i, input: a.slice(from, i + 60), output: b.slice(from, i + 60) };
}

const corpus = corpusOrSkip();

test('corpus: the rendered Markdown has the visible text of the input (innerText in Chromium)', { skip: corpus.skip, timeout: 900_000 }, async () => {
  const wasm = await core('chrome-test');
  const pages = [];
  for (const name of corpus.names) {
    const html = await readFile(join(corpus.dir, name, 'article.html'), 'utf8');
    try {
      pages.push({ name, markdown: wasm.html_to_markdown(html, CORPUS_BASE_URL) });
    } catch (error) {
      pages.push({ name, error: String(error.message ?? error) });
    }
  }
  const converted = pages.filter((p) => p.markdown !== undefined);
  const rendered = renderNatively(converted.map((p) => p.markdown));
  const extra = new Map();
  converted.forEach((p, i) => {
    p.rendered = `/extra/${encodeURIComponent(p.name)}.html`;
    extra.set(decodeURIComponent(p.rendered), `<!doctype html><meta charset="utf-8"><title>${i}</title><body>${rendered[i]}</body>`);
  });

  const server = await serveCorpus(corpus.dir, { extra });
  const chromium = await launchPlain();
  try {
    const page = await chromium.context.newPage();
    const innerText = async (url) => {
      await page.goto(url, { waitUntil: 'load' });
      return page.evaluate(() => document.body.innerText);
    };
    for (const p of converted) {
      p.input = normalise(await innerText(`${server.origin}/corpus/${encodeURIComponent(p.name)}/article.html`));
      p.output = normalise(await innerText(`${server.origin}${p.rendered}`));
    }
  } finally {
    await chromium.close();
    await server.close();
  }

  const same = converted.filter((p) => p.input === p.output);
  const differ = pages.filter((p) => !same.includes(p));
  const chars = converted.reduce((n, p) => n + p.input.length, 0);
  console.log(`visible text: ${same.length} of ${pages.length} corpus pages render with the input's text (${chars} characters of input text compared)`);
  for (const p of differ) {
    if (p.error) {
      console.log(`DIFF ${p.name}: conversion failed: ${p.error}`);
      continue;
    }
    const d = firstDifference(p.input, p.output);
    console.log(`DIFF ${p.name} at ${d.at} of ${p.input.length}/${p.output.length}:\n  input:  ${JSON.stringify(d.input)}\n  output: ${JSON.stringify(d.output)}`);
  }
  assert.equal(pages.length, corpus.names.length);
  // Both sides were really read: the inputs' text is there (a page that failed to load
  // would give the server's "not found" on one side only, or nothing).
  assert.ok(converted.filter((p) => p.input.length > 0).length >= corpus.names.length - 5, 'most inputs have visible text');
  assert.ok(
    differ.length <= KNOWN_DIFFS,
    `${differ.length} pages differ, more than the ${KNOWN_DIFFS} measured (see the DIFF lines)`,
  );
});
