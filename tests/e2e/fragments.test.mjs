// Deep links verified in Chromium (issue 4): over selections drawn with a fixed seed from
// the corpus pages, the text fragment the core generates (through the built wasm module,
// in the page) selects exactly the quote, as judged by the `text-fragments-polyfill`'s
// matcher in the real DOM (Chromium does not tell scripts what a fragment matched).
//
// Each corpus `article.html` is loaded from 127.0.0.1; its visible text is computed with
// `page-text.mjs`, and the test checks that the capture script (`extension/capture.js`,
// run in the page) sends the very same text. Selections of 1–30 words on the browser's
// word boundaries (`Intl.Segmenter`, the page's language) are drawn: 2 per page, 12 on
// pages whose letters are mostly non-Latin (so CJK and other scripts are measured at all).
// A selection passes ("exact") when the polyfill's first match (what the browser selects)
// starts and ends where the fragment's range (the selection widened to whole words) does,
// give or take whitespace; a second match is counted apart ("ambiguous").
//
// Some selections cannot be singled out by any directive: their block recurs word for
// word earlier in the page, context and all, and no term reaches past a block. Their link
// selects the first copy of the same words (the fragment says `selectsCopy`); they are
// counted apart ("copy", checked: the first match holds the same words, and the selection
// is repeated) and still fail the exact rate. Prints the rates per script (Latin, CJK,
// other) and overall, every selection that is not exact with the reason, and the p95 of
// the generation time (the wasm call and its JSON, in the page).
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { corpusOrSkip, launchPlain, seeded, serveCorpus } from './corpus.mjs';
import { join } from 'node:path';
import { ROOT, builtManifest } from './lib.mjs';

const SEED = 20261127;
const PER_PAGE = 2;
const PER_NON_LATIN_PAGE = 12;
const MAX_WORDS = 30;
/** The exact rate measured on 2026-11-27 with `<br>` read as a block boundary and the
 * fallback to the first copy (291 of 320, 90.9%: Latin 88.3%, CJK 100%, other 100%): the
 * test fails when the rate drops below it by more than `MARGIN`. The issue's goal is
 * `GOAL`; every selection that misses it has been examined (BENCHMARKS.md): 27 sit in a
 * block that recurs earlier word for word, context and all ("copy"), 2 start where an
 * earlier passage reads the same (case aside) as far as a prefix reaches, so every range
 * to their end starts there too. No directive can single any of them out. */
const BASELINE = 0.909;
/** Exact, or where no directive can single the quote out, its first copy (318 of 320). */
const BASELINE_WITH_COPIES = 0.994;
const MARGIN = 0.01;
const GOAL = 0.97;
/** `QUOTEBOOK_BR_AS_SPACE=1` reads `<br>` as a space, as the capture did before (the
 * polyfill reads it as a block boundary): a measurement, not the capture's behaviour. */
const BR_AS_SPACE = process.env.QUOTEBOOK_BR_AS_SPACE === '1';
/** `QUOTEBOOK_FRAGMENT_DUMP=FILE` writes each failing selection's page text and offsets
 * there (JSON), to study them natively. */
const DUMP = process.env.QUOTEBOOK_FRAGMENT_DUMP;

/** Runs in the page: loads the module and the judge, draws the selections of this page,
 * generates and judges each. */
async function measurePage({ seed, perPage, perNonLatinPage, maxWords, brAsSpace, dump }) {
  const { pageText, domPoint, textOffset } = await import('/e2e/page-text.mjs');
  const polyfill = await import('/npm/text-fragments-polyfill/src/text-fragment-utils.js');
  const wasm = await import('/wasm/quotebook.js');
  await wasm.default({ module_or_path: '/wasm/quotebook_bg.wasm' });

  // The same generator as corpus.mjs' `seeded` (a page cannot import from Node).
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);

  const { text, nodes } = pageText(document.body, { brAsSpace });
  // The capture script's page text, with a word of the page selected (it reads the text
  // only when there is a selection), must be this very text.
  let captureAgrees = null;
  const firstText = nodes.find((n) => /\S/.test(n.node.data));
  if (firstText) {
    const range = document.createRange();
    range.selectNodeContents(firstText.node);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    const script = async (file) => (await fetch(`/ext/${file}`)).text();
    const capture = (0, eval)(`${await script('page-text.js')}\n${await script('capture.js')}`);
    getSelection().removeAllRanges();
    captureAgrees = capture.pageText === text;
  }
  const lang = document.documentElement.lang || 'en';
  const words = [...new Intl.Segmenter(lang, { granularity: 'word' }).segment(text)]
    .filter((s) => s.isWordLike)
    .map((s) => [s.index, s.index + s.segment.length]);
  if (words.length === 0 || nodes.length === 0) return { results: [], captureAgrees };
  const letters = text.match(/\p{L}/gu) ?? [];
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  const count = latin * 2 >= letters.length ? perPage : perNonLatinPage;

  const script = (s) => {
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(s)) return 'CJK';
    const l = s.match(/\p{L}/gu) ?? [];
    return l.length > 0 && l.every((c) => /\p{Script=Latin}/u.test(c)) ? 'Latin' : 'other';
  };
  // Blocks as the core sees them (text between `\n`, whitespace collapsed, case folded),
  // to tell the selections no directive can single out: their blocks appear elsewhere word
  // for word, and no term or context crosses a block boundary.
  // Blocks of whitespace alone are no blocks to the core (nor to the polyfill).
  const blockKey = (b) => b.replace(/\s+/gu, ' ').trim().toLowerCase();
  const allStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) allStarts.push(i + 1);
  const blockStarts = [];
  const blocks = [];
  allStarts.forEach((b, i) => {
    const key = blockKey(text.slice(b, (allStarts[i + 1] ?? text.length + 1) - 1));
    if (key === '') return;
    blockStarts.push(b);
    blocks.push(key);
  });
  const blockAt = (offset) => {
    let lo = 0;
    let hi = blockStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blockStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const repeated = (start, end) => {
    // Another place whose blocks hold the selection's blocks with all their context: the
    // first block as the end of a block, the last as the start of one, those between
    // equal (one block: contained in another block, or met twice in its own).
    const [i, j] = [blockAt(start), blockAt(end - 1)];
    const span = j - i;
    for (let k = 0; k + span < blocks.length; k++) {
      if (span === 0) {
        const b = blocks[k];
        const at = b.indexOf(blocks[i]);
        if (k !== i ? at >= 0 : b.indexOf(blocks[i], at + 1) > 0) return true;
        continue;
      }
      if (k === i) continue;
      let same = blocks[k].endsWith(blocks[i]) && blocks[k + span].startsWith(blocks[j]);
      for (let d = 1; d < span && same; d++) same = blocks[k + d] === blocks[i + d];
      if (same) return true;
    }
    return false;
  };
  const onlySpace = (from, to) => /^\s*$/.test(text.slice(Math.min(from, to), Math.max(from, to)));

  const results = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + int(maxWords);
    const first = int(words.length);
    const last = Math.min(words.length - 1, first + n - 1);
    const [start, end] = [words[first][0], words[last][1]];
    const quote = text.slice(start, end);
    const t0 = performance.now();
    const fragment = wasm.text_fragment(text, start, end);
    const ms = performance.now() - t0;
    const result = {
      quote, script: script(quote), words: last - first + 1, ms, directive: fragment?.directive,
      repeated: repeated(start, end), selectsCopy: Boolean(fragment?.selectsCopy),
    };
    results.push(result);
    if (dump) Object.assign(result, { start, end });
    if (!fragment) {
      result.failure = 'no fragment generated';
      continue;
    }
    const parsed = polyfill.parseFragmentDirectives({ text: [fragment.directive.slice('text='.length)] }).text[0];
    const matches = polyfill.processTextFragmentDirective(parsed);
    // The browser selects the first match: it must be the quote. A second match is noted
    // (the link then depends on the first copy staying first).
    result.ambiguous = matches.length > 1;
    if (matches.length === 0) {
      result.failure = 'no match';
      continue;
    }
    const [m] = matches;
    const ms0 = textOffset(nodes, m.startContainer, m.startOffset);
    const me0 = textOffset(nodes, m.endContainer, m.endOffset);
    let exact = ms0 !== null && me0 !== null && onlySpace(ms0, fragment.start) && onlySpace(me0, fragment.end);
    if (!exact) {
      // Points outside text nodes (an element and a child index): compare as DOM points.
      const s = domPoint(nodes, fragment.start);
      const e = domPoint(nodes, fragment.end);
      const expected = document.createRange();
      expected.setStart(s.node, s.offset);
      expected.setEnd(e.node, e.offset);
      exact = m.compareBoundaryPoints(Range.START_TO_START, expected) === 0
        && m.compareBoundaryPoints(Range.END_TO_END, expected) === 0;
    }
    if (!exact) {
      result.failure = 'matched elsewhere';
      result.matched = m.toString().slice(0, 120);
      // No directive can single it out: the link selects the first copy of its words.
      const words = (t) => t.replace(/\s+/gu, ' ').trim().toLowerCase();
      result.copy = result.selectsCopy && result.repeated
        && words(m.toString()) === words(text.slice(fragment.start, fragment.end));
    }
  }
  return { results, captureAgrees, text: dump && results.some((r) => r.failure) ? text : undefined };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const corpus = corpusOrSkip();

test('text fragments select exactly the quote in Chromium (polyfill judge)', { skip: corpus.skip, timeout: 1_800_000 }, async () => {
  await builtManifest('chrome-test'); // a clear message when the build is missing
  const server = await serveCorpus(corpus.dir, { mounts: { ext: join(ROOT, 'extension') } });
  const chromium = await launchPlain();
  const rng = seeded(SEED);
  const all = [];
  const dumped = [];
  const disagreeing = [];
  try {
    const page = await chromium.context.newPage();
    for (const name of corpus.names) {
      await page.goto(`${server.origin}/corpus/${encodeURIComponent(name)}/article.html`, { waitUntil: 'load' });
      const { results, text, captureAgrees } = await page.evaluate(measurePage, {
        seed: rng.int(2 ** 32),
        perPage: PER_PAGE,
        perNonLatinPage: PER_NON_LATIN_PAGE,
        maxWords: MAX_WORDS,
        brAsSpace: BR_AS_SPACE,
        dump: Boolean(DUMP),
      });
      if (captureAgrees === false) disagreeing.push(name);
      if (text) dumped.push({ page: name, text, failures: results.filter((r) => r.failure) });
      for (const r of results) all.push({ page: name, ...r });
    }
  } finally {
    await chromium.close();
    await server.close();
  }

  if (DUMP) writeFileSync(DUMP, JSON.stringify(dumped));
  const rows = [];
  for (const script of ['Latin', 'CJK', 'other', 'overall']) {
    const of = all.filter((r) => script === 'overall' || r.script === script);
    const ok = of.filter((r) => !r.failure).length;
    const copies = of.filter((r) => r.copy).length;
    const unique = of.filter((r) => !r.repeated);
    const uniqueOk = unique.filter((r) => !r.failure).length;
    rows.push({
      script, selections: of.length, exact: ok, rate: of.length ? ok / of.length : NaN, copies,
      withCopies: of.length ? (ok + copies) / of.length : NaN,
      unique: unique.length, uniqueOk, uniqueRate: unique.length ? uniqueOk / unique.length : NaN,
    });
  }
  const times = all.map((r) => r.ms);
  console.log(`text fragments over ${corpus.names.length} corpus pages, seed ${SEED}${BR_AS_SPACE ? ', <br> read as a space' : ', <br> a block boundary'}:`);
  console.log('script    selections  exact   rate | copy  exact+copy | not repeated  exact   rate');
  const pct = (x) => `${(100 * x).toFixed(1).padStart(5)}%`;
  for (const r of rows) {
    console.log(`${r.script.padEnd(9)} ${String(r.selections).padStart(10)} ${String(r.exact).padStart(6)}  ${pct(r.rate)} | ${String(r.copies).padStart(4)}  ${pct(r.withCopies).padStart(10)} | ${String(r.unique).padStart(12)} ${String(r.uniqueOk).padStart(6)}  ${pct(r.uniqueRate)}`);
  }
  console.log(`ambiguous (the polyfill also finds a later match): ${all.filter((r) => r.ambiguous).length}, of which passing: ${all.filter((r) => r.ambiguous && !r.failure).length}`);
  console.log('(copy: no directive can single the selection out, its block recurs earlier word for word, context and all; the link selects that first copy of its words. not repeated: leaving out the selections whose blocks, context and all, recur elsewhere in the page)');
  console.log(`generation in Chromium (wasm text_fragment): p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
  for (const f of all.filter((r) => r.failure)) {
    const kind = f.copy ? 'COPY' : 'FAIL';
    console.log(`${kind} ${f.page} [${f.script}${f.repeated ? ', repeated' : ''}${f.ambiguous ? ', ambiguous' : ''}] ${f.copy ? 'selects the first copy of its words' : f.failure}: ${JSON.stringify(f.quote.slice(0, 100))} → ${f.directive ?? '-'}${f.matched && !f.copy ? ` matched ${JSON.stringify(f.matched)}` : ''}`);
  }
  if (disagreeing.length) console.log(`the capture's page text differs from page-text.mjs on: ${disagreeing.join(', ')}`);

  const overall = rows.at(-1);
  assert.ok(overall.selections >= 200, `only ${overall.selections} selections drawn`);
  assert.ok(
    overall.rate >= BASELINE - MARGIN,
    `deep links select the quote in ${(100 * overall.rate).toFixed(1)}% of selections, below the measured ${(100 * BASELINE).toFixed(1)}% (goal ${100 * GOAL}%)`,
  );
  assert.ok(
    overall.withCopies >= BASELINE_WITH_COPIES - MARGIN,
    `deep links select the quote, or the first copy of a quote no directive can single out, in ${(100 * overall.withCopies).toFixed(1)}% of selections, below the measured ${(100 * BASELINE_WITH_COPIES).toFixed(1)}%`,
  );
  if (!BR_AS_SPACE) assert.deepEqual(disagreeing, [], 'the capture sends the page text measured here');
});
