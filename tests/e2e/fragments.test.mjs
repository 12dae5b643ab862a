// Deep links verified in Chromium (issue 4): over selections drawn with a fixed seed from
// the corpus pages, the text fragment the core generates (through the built wasm module,
// in the page) selects exactly the quote, as judged by the `text-fragments-polyfill`'s
// matcher in the real DOM (Chromium does not tell scripts what a fragment matched).
//
// Each corpus `article.html` is loaded from 127.0.0.1; its visible text is computed with
// `page-text.mjs` (what the capture should send); selections of 1–30 words on the
// browser's word boundaries (`Intl.Segmenter`, the page's language) are drawn: 2 per page,
// 12 on pages whose letters are mostly non-Latin (so CJK and other scripts are measured at
// all). A selection passes when the polyfill's first match (what the browser selects)
// starts and ends where the fragment's range (the selection widened to whole words) does,
// give or take whitespace; a second match is counted apart ("ambiguous"). Prints the success rate per script (Latin, CJK, other), overall, and the
// p95 of the generation time (the wasm call and its JSON, in the page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusOrSkip, launchPlain, seeded, serveCorpus } from './corpus.mjs';
import { builtManifest } from './lib.mjs';

const SEED = 20261127;
const PER_PAGE = 2;
const PER_NON_LATIN_PAGE = 12;
const MAX_WORDS = 30;
/** The overall rate measured on 2026-11-27 after CJK terms stopped being cut inside runs of
 * ideographs (291 of 320, 90.9%; Latin 88.3%, CJK 100%; before: 240, Latin 88.3%, CJK
 * 29.2%): the test fails when the rate drops below it by more than `MARGIN`. FIXME: raise
 * it as the generator improves (the issue's goal is `GOAL`; what remains is mostly Latin
 * passages repeated word for word, which no directive can single out). */
const BASELINE = 0.909;
const MARGIN = 0.01;
const GOAL = 0.97;
/** `QUOTEBOOK_BR_AS_BLOCK=1` sends `<br>` as a block boundary (the polyfill's view; the
 * core's `BLOCK_ELEMENTS` leave it out): a measurement, not the capture's behaviour. */
const BR_AS_BLOCK = process.env.QUOTEBOOK_BR_AS_BLOCK === '1';

/** Runs in the page: loads the module and the judge, draws the selections of this page,
 * generates and judges each. */
async function measurePage({ seed, perPage, perNonLatinPage, maxWords, brAsBlock }) {
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

  const { text, nodes } = pageText(document.body, { brAsBlock });
  const lang = document.documentElement.lang || 'en';
  const words = [...new Intl.Segmenter(lang, { granularity: 'word' }).segment(text)]
    .filter((s) => s.isWordLike)
    .map((s) => [s.index, s.index + s.segment.length]);
  if (words.length === 0 || nodes.length === 0) return { results: [] };
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
  const blockKey = (b) => b.replace(/\s+/gu, ' ').trim().toLowerCase();
  const blockStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) blockStarts.push(i + 1);
  const blocks = blockStarts.map((b, i) => blockKey(text.slice(b, (blockStarts[i + 1] ?? text.length + 1) - 1)));
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
    const json = wasm.text_fragment(text, start, end);
    const fragment = JSON.parse(json);
    const ms = performance.now() - t0;
    const result = {
      quote, script: script(quote), words: last - first + 1, ms, directive: fragment?.directive,
      repeated: repeated(start, end),
    };
    results.push(result);
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
    }
  }
  return { results };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const corpus = corpusOrSkip();

test('text fragments select exactly the quote in Chromium (polyfill judge)', { skip: corpus.skip, timeout: 1_800_000 }, async () => {
  await builtManifest('chrome-test'); // a clear message when the build is missing
  const server = await serveCorpus(corpus.dir);
  const chromium = await launchPlain();
  const rng = seeded(SEED);
  const all = [];
  try {
    const page = await chromium.context.newPage();
    for (const name of corpus.names) {
      await page.goto(`${server.origin}/corpus/${encodeURIComponent(name)}/article.html`, { waitUntil: 'load' });
      const { results } = await page.evaluate(measurePage, {
        seed: rng.int(2 ** 32),
        perPage: PER_PAGE,
        perNonLatinPage: PER_NON_LATIN_PAGE,
        maxWords: MAX_WORDS,
        brAsBlock: BR_AS_BLOCK,
      });
      for (const r of results) all.push({ page: name, ...r });
    }
  } finally {
    await chromium.close();
    await server.close();
  }

  const rows = [];
  for (const script of ['Latin', 'CJK', 'other', 'overall']) {
    const of = all.filter((r) => script === 'overall' || r.script === script);
    const ok = of.filter((r) => !r.failure).length;
    const unique = of.filter((r) => !r.repeated);
    const uniqueOk = unique.filter((r) => !r.failure).length;
    rows.push({
      script, selections: of.length, exact: ok, rate: of.length ? ok / of.length : NaN,
      unique: unique.length, uniqueOk, uniqueRate: unique.length ? uniqueOk / unique.length : NaN,
    });
  }
  const times = all.map((r) => r.ms);
  console.log(`text fragments over ${corpus.names.length} corpus pages, seed ${SEED}${BR_AS_BLOCK ? ', <br> as a block boundary' : ''}:`);
  console.log('script    selections  exact   rate | not repeated  exact   rate');
  const pct = (x) => `${(100 * x).toFixed(1).padStart(5)}%`;
  for (const r of rows) {
    console.log(`${r.script.padEnd(9)} ${String(r.selections).padStart(10)} ${String(r.exact).padStart(6)}  ${pct(r.rate)} | ${String(r.unique).padStart(12)} ${String(r.uniqueOk).padStart(6)}  ${pct(r.uniqueRate)}`);
  }
  console.log(`ambiguous (the polyfill also finds a later match): ${all.filter((r) => r.ambiguous).length}, of which passing: ${all.filter((r) => r.ambiguous && !r.failure).length}`);
  console.log('(not repeated: leaving out the selections whose blocks, context and all, recur elsewhere in the page: no directive can single them out)');
  console.log(`generation in Chromium (wasm text_fragment + JSON.parse): p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
  const failures = all.filter((r) => r.failure);
  for (const f of failures) {
    console.log(`FAIL ${f.page} [${f.script}${f.repeated ? ', repeated' : ''}${f.ambiguous ? ', ambiguous' : ''}] ${f.failure}: ${JSON.stringify(f.quote.slice(0, 100))} → ${f.directive ?? '-'}${f.matched ? ` matched ${JSON.stringify(f.matched)}` : ''}`);
  }

  const overall = rows.at(-1);
  assert.ok(overall.selections >= 200, `only ${overall.selections} selections drawn`);
  assert.ok(
    overall.rate >= BASELINE - MARGIN,
    `deep links select the quote in ${(100 * overall.rate).toFixed(1)}% of selections, below the measured ${(100 * BASELINE).toFixed(1)}% (goal ${100 * GOAL}%)`,
  );
});
