// The anchoring table of `cargo xtask bench` (not a test): saved quotes found again on
// the corpus pages (`source.html`) in Chromium, with the extension's own page-text.js and
// highlight.js and the built wasm module (`anchor_quotes`), after the page changed the way
// pages change. For each page: seeded selections (words, in distinct blocks) are saved as
// the core saves them (`text_fragment`: selector and position); then, for each case, the
// page is loaded afresh, changed in its DOM, read, anchored and painted:
//
//   unchanged          nothing changes;
//   paragraph before   a paragraph is inserted before the quote's block;
//   markup             the quote's text nodes are wrapped in new inline elements;
//   whitespace         spaces inside the quote become runs of spaces and line breaks;
//   edited             up to a tenth of its letters are replaced (`replaceData`);
//   removed            the passage is deleted (`Range.deleteContents`).
//
// Where the quote should be is known from the DOM: its boundary points (text node and
// offset) are kept across the change and read back as offsets of the new text. The
// perturbed cases count passages that occur once in the page; repeated ones count in
// "unchanged" (found by position) and in precision everywhere. Precision: no anchor may
// cover anything outside the quote's range, and a removed passage anchors nowhere.
//
// Then the time of 50 quotes on a page: page text read, anchored and painted, p95 over
// pages of at most 200 KB of visible text and rounds, larger pages apart.
//
// Env: QUOTEBOOK_ANCHOR_PAGES (how many pages, default all), QUOTEBOOK_ANCHOR_PER_PAGE
// (selections per page, default 8), QUOTEBOOK_ANCHOR_ROUNDS (timing rounds, each on a fresh
// load, default 3), QUOTEBOOK_ANCHOR_FIREFOX_PAGES (the Firefox ESR subset, default 16),
// QUOTEBOOK_ANCHOR_ONLY (page names, comma-separated).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { corpusDir, corpusPages, launchPlain, serveCorpus } from './corpus.mjs';
import { ROOT } from './lib.mjs';

const SEED = 20261207;
const PAGES = Number(process.env.QUOTEBOOK_ANCHOR_PAGES || 0);
const PER_PAGE = Number(process.env.QUOTEBOOK_ANCHOR_PER_PAGE || 8);
const ROUNDS = Number(process.env.QUOTEBOOK_ANCHOR_ROUNDS || 3);
const TIMED_QUOTES = 50;
/** Pages of the Firefox ESR subset (`QUOTEBOOK_ANCHOR_FIREFOX_PAGES`, 0: none). */
const FIREFOX_PAGES = Number(process.env.QUOTEBOOK_ANCHOR_FIREFOX_PAGES ?? 16);
const FIREFOX = process.env.QUOTEBOOK_FIREFOX || '/usr/bin/firefox-esr';
const SMALL_PAGE = 200 * 1024;
const CASES = ['unchanged', 'paragraph before', 'markup', 'whitespace', 'edited', 'removed'];
const GOALS = {
  unchanged: 0.995, 'paragraph before': 0.98, markup: 0.98, whitespace: 0.98, edited: 0.9, removed: 1,
};

/** In the page: load the module, read the text, draw the selections, save them. */
async function drawAndSave({ seed, perPage }) {
  // From the server's origin: a page's `<base href>` must not move the module elsewhere.
  const wasm = await import(new URL('/wasm/quotebook.js', location.origin).href);
  await wasm.default({ module_or_path: new URL('/wasm/quotebook_bg.wasm', location.origin) });
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(random() * n);
  const { text } = globalThis.quotebookPageText.read();
  const lang = document.documentElement.lang || 'en';
  const segmenter = new Intl.Segmenter(lang, { granularity: 'word' });
  // Blocks of at least three words, each used once.
  const blocks = [];
  let from = 0;
  for (const line of text.split('\n')) {
    const words = [...segmenter.segment(line)].filter((s) => s.isWordLike)
      .map((s) => [from + s.index, from + s.index + s.segment.length]);
    if (words.length >= 3) blocks.push(words);
    from += line.length + 1;
  }
  const quotes = [];
  for (let i = 0; i < perPage && blocks.length > 0; i++) {
    const [words] = blocks.splice(int(blocks.length), 1);
    const first = int(words.length);
    const last = Math.min(words.length - 1, first + 2 + int(30));
    // Saved as a save saves it: the core's clip over the capture's page text and offsets.
    const [start, end] = [words[first][0], words[last][1]];
    const selected = text.slice(start, end);
    const escaped = selected.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    let saved;
    try {
      saved = wasm.clip_outcome({
        capture: { url: location.href, ranges: [`<p>${escaped}</p>`], text: selected, pageText: text, offsets: [[start, end]] },
        now: '2026-12-07T00:00:00.000Z', quoteId: `q${i}`,
      }, null).note.quotes[0];
    } catch {
      continue;
    }
    if (!saved?.selector || saved.position === null) continue;
    quotes.push({
      id: saved.id, text: saved.text, position: saved.position, selector: saved.selector,
      unique: !saved.selector.repeated,
      start: saved.position, end: saved.position + saved.selector.exact.length,
    });
  }
  return quotes;
}

/** In the page: change it (`kase`), then read, anchor, paint, and judge every quote. */
async function perturbAndAnchor({ kase, quotes, seed }) {
  // From the server's origin: a page's `<base href>` must not move the module elsewhere.
  const wasm = await import(new URL('/wasm/quotebook.js', location.origin).href);
  await wasm.default({ module_or_path: new URL('/wasm/quotebook_bg.wasm', location.origin) });
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(random() * n);
  const { BLOCKS, read } = globalThis.quotebookPageText;
  const before = read();
  if (quotes.some((q) => before.text.slice(q.start, q.end) !== q.selector.exact)) {
    return { error: 'the page text differs from the one the quotes were saved from' };
  }
  // Each quote's boundary points, as DOM points in text nodes.
  const pointAt = (offset, isEnd) => {
    const { nodes } = before;
    let lo = 0;
    let hi = nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (nodes[mid].start < offset || (!isEnd && nodes[mid].start === offset)) lo = mid;
      else hi = mid - 1;
    }
    let n = nodes[lo];
    if (!isEnd) {
      while (n && n.start + n.node.data.length <= offset) n = nodes[nodes.indexOf(n) + 1];
    }
    return { node: n.node, offset: offset - n.start };
  };
  const points = quotes.map((q) => ({ start: pointAt(q.start, false), end: pointAt(q.end, true) }));
  const rangeOf = (p) => {
    const r = document.createRange();
    r.setStart(p.start.node, p.start.offset);
    r.setEnd(p.end.node, p.end.offset);
    return r;
  };
  const textNodesIn = (range) => {
    const out = [];
    const root = range.commonAncestorContainer;
    const walker = document.createTreeWalker(root.nodeType === Node.TEXT_NODE ? root.parentNode : root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (range.intersectsNode(n)) out.push(n);
    return out;
  };
  const blockOf = (node) => {
    for (let e = node.parentElement; e; e = e.parentElement) {
      if (BLOCKS.has(e.localName) && e !== document.body && e !== document.documentElement) return e;
    }
    return null;
  };

  // Changed in reverse page order, so an edit never moves a later quote's points.
  const order = quotes.map((_, i) => i).sort((i, j) => quotes[j].start - quotes[i].start);
  const removed = new Set();
  for (const i of order) {
    const p = points[i];
    const range = rangeOf(p);
    if (kase === 'paragraph before') {
      const block = blockOf(p.start.node);
      const para = document.createElement('p');
      para.textContent = 'A paragraph this page gained since the quote was saved.';
      (block ?? p.start.node).before(para);
    } else if (kase === 'markup') {
      for (const node of textNodesIn(range)) {
        const span = document.createElement('span');
        const em = document.createElement('em');
        node.replaceWith(span);
        span.append(em);
        em.append(node);
      }
    } else if (kase === 'whitespace') {
      for (const node of textNodesIn(range)) {
        const from = node === p.start.node ? p.start.offset : 0;
        const to = node === p.end.node ? p.end.offset : node.data.length;
        const inside = node.data.slice(from, to).replace(/ /g, () => (int(3) === 0 ? ' \n ' : '  '));
        const added = inside.length - (to - from);
        node.replaceData(from, to - from, inside);
        if (node === p.end.node) p.end.offset += added;
      }
    } else if (kase === 'edited') {
      const letters = [];
      for (const node of textNodesIn(range)) {
        const from = node === p.start.node ? p.start.offset : 0;
        const to = node === p.end.node ? p.end.offset : node.data.length;
        for (let k = from; k < to; k++) if (/[\p{L}\p{N}]/u.test(node.data[k])) letters.push([node, k]);
      }
      // A tenth of the quote's characters, its whitespace runs counted as one.
      const length = quotes[i].selector.exact.replace(/\s+/gu, ' ').trim().length;
      const edits = Math.floor(length / 10);
      quotes[i].edits = edits;
      const used = new Set();
      for (let e = 0; e < edits && used.size < letters.length; e++) {
        let k = int(letters.length);
        while (used.has(k)) k = (k + 1) % letters.length;
        used.add(k);
        const [node, at] = letters[k];
        node.replaceData(at, 1, node.data[at] === 'x' ? 'q' : 'x');
      }
    } else if (kase === 'removed') {
      range.deleteContents();
      removed.add(i);
    }
  }

  const t0 = performance.now();
  const page = read();
  const anchors = wasm.anchor_quotes(page.text, quotes.map(({ id, text, selector, position }) => ({ id, text, selector, position })));
  const painted = globalThis.quotebookHighlights.paint(
    anchors.filter((x) => x.start !== null).map((x) => ({ ...x, kind: 'quote' })), page,
  );
  const ms = performance.now() - t0;
  const offsetOf = ({ node, offset }) => {
    const entry = page.nodes.find((n) => n.node === node);
    return entry && node.isConnected ? entry.start + offset : null;
  };
  const results = quotes.map((q, i) => {
    const anchor = anchors[i];
    const expected = removed.has(i) ? null : [offsetOf(points[i].start), offsetOf(points[i].end)];
    const got = anchor.start === null ? null : [anchor.start, anchor.end];
    const inside = got && expected && expected[0] !== null && expected[1] !== null
      && got[0] >= expected[0] && got[1] <= expected[1];
    const precise = got === null || Boolean(inside);
    let good;
    if (kase === 'removed') good = got === null && anchor.status === 'orphan';
    else if (kase === 'edited') good = Boolean(inside) && (got[1] - got[0]) * 10 >= (expected[1] - expected[0]) * 9;
    else good = Boolean(got && expected && got[0] === expected[0] && got[1] === expected[1]);
    return {
      id: q.id, unique: q.unique, status: anchor.status, good, precise, edits: q.edits,
      quote: q.selector.exact.slice(0, 80),
      found: got ? page.text.slice(got[0], got[1]).slice(0, 80) : null,
    };
  });
  return { results, painted, ms };
}

/** In the page, once it has rendered: 50 quotes read, anchored and painted. */
async function timePage({ quotes }) {
  // From the server's origin: a page's `<base href>` must not move the module elsewhere.
  const wasm = await import(new URL('/wasm/quotebook.js', location.origin).href);
  await wasm.default({ module_or_path: new URL('/wasm/quotebook_bg.wasm', location.origin) });
  // As a page the reader returns to: loaded and drawn before the highlights are asked for.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const saved = quotes.map(({ id, text, selector, position }) => ({ id, text, selector, position }));
  const t0 = performance.now();
  const page = globalThis.quotebookPageText.read();
  const anchors = wasm.anchor_quotes(page.text, saved);
  globalThis.quotebookHighlights.paint(
    anchors.filter((x) => x.start !== null).map((x) => ({ ...x, kind: 'quote' })), page,
  );
  return { ms: performance.now() - t0, size: page.text.length };
}

const pct = (n, d) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
const quantile = (xs, q) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/**
 * Runs every case (and, with `timing`, the time of 50 quotes) on `names` in one browser's
 * page (`page`: playwright's or puppeteer's, both have `goto` and `evaluate`), and prints
 * the table under `title`.
 */
async function measure({ title, page, origin, names, source, timing }) {
  const open = async (name) => {
    await page.goto(`${origin}/corpus/${name}/source.html`, { waitUntil: 'load' });
    await page.evaluate(source);
  };
  const tally = Object.fromEntries(CASES.map((c) => [c, { total: 0, good: 0, misses: [] }]));
  const precision = { total: 0, good: 0, misses: [] };
  const statuses = {};
  const small = [];
  const large = [];
  let pagesDone = 0;
  for (const [p, name] of names.entries()) {
    try {
      await open(name);
      const quotes = await page.evaluate(drawAndSave, { seed: SEED + p, perPage: PER_PAGE });
      if (quotes.length === 0) continue;
      for (const [c, kase] of CASES.entries()) {
        await open(name);
        const out = await page.evaluate(perturbAndAnchor, { kase, quotes, seed: SEED * 7 + p * 31 + c });
        if (out.error) throw new Error(out.error);
        for (const r of out.results) {
          statuses[`${kase}/${r.status}`] = (statuses[`${kase}/${r.status}`] ?? 0) + 1;
          precision.total += 1;
          if (r.precise) precision.good += 1;
          else precision.misses.push({ name, kase, ...r });
          const counted = kase === 'unchanged' || r.unique;
          if (!counted || (kase === 'edited' && !r.edits)) continue;
          const t = tally[kase];
          t.total += 1;
          if (r.good) t.good += 1;
          else t.misses.push({ name, ...r });
        }
      }
      if (timing) {
        // 50 quotes: the page's selections drawn again, more of them.
        await open(name);
        const many = await page.evaluate(drawAndSave, { seed: SEED + 1000 + p, perPage: TIMED_QUOTES });
        const times = [];
        let size = 0;
        for (let r = 0; r < ROUNDS; r++) {
          await open(name);
          const timed = await page.evaluate(timePage, { quotes: many });
          times.push(timed.ms);
          size = timed.size;
        }
        (size <= SMALL_PAGE ? small : large).push({ name, quotes: many.length, times, size });
      }
      pagesDone += 1;
    } catch (error) {
      console.error(`anchoring: ${name}: ${error.message ?? error}`);
    }
  }

  console.log(`\n${title}: ${pagesDone} corpus pages (source.html), ${PER_PAGE} seeded selections each`);
  console.log('| case | anchored as expected | goal |');
  console.log('| --- | --- | --- |');
  for (const kase of CASES) {
    const t = tally[kase];
    console.log(`| ${kase} | ${t.good} / ${t.total} = ${pct(t.good, t.total)} | ≥ ${(GOALS[kase] * 100).toFixed(1)}% |`);
  }
  console.log(`| precision over all cases | ${precision.good} / ${precision.total} = ${pct(precision.good, precision.total)} | 100% |`);
  if (timing) {
    const timesSmall = small.flatMap((x) => x.times);
    const timesLarge = large.flatMap((x) => x.times);
    console.log(`| ${TIMED_QUOTES} quotes read + anchored + painted, ${small.length} pages ≤ 200 KB of text | p50 ${quantile(timesSmall, 0.5).toFixed(1)} ms, p95 ${quantile(timesSmall, 0.95).toFixed(1)} ms, max ${Math.max(...timesSmall).toFixed(1)} ms | ≤ 50 ms p95 |`);
    if (large.length) {
      console.log(`| the same, ${large.length} larger pages (${large.map((l) => `${l.name} ${Math.round(l.size / 1024)} KB`).join(', ')}) | p50 ${quantile(timesLarge, 0.5).toFixed(1)} ms, p95 ${quantile(timesLarge, 0.95).toFixed(1)} ms | reported apart |`);
    }
  }
  console.log('\nstatuses:', JSON.stringify(statuses));
  for (const kase of CASES) {
    for (const m of tally[kase].misses.slice(0, 6)) console.log(`  miss ${kase}: ${m.name} ${m.status} ${JSON.stringify(m.quote)} → ${JSON.stringify(m.found)}`);
  }
  for (const m of precision.misses) console.log(`  IMPRECISE ${m.kase}: ${m.name} ${m.status} ${JSON.stringify(m.quote)} → ${JSON.stringify(m.found)}`);
}

async function main() {
  const dir = corpusDir();
  if (!dir) {
    console.log('anchoring: skipped, the shared corpus is absent (QUOTEBOOK_CORPUS)');
    return;
  }
  let names = corpusPages(dir);
  if (process.env.QUOTEBOOK_ANCHOR_ONLY) {
    const only = new Set(process.env.QUOTEBOOK_ANCHOR_ONLY.split(','));
    names = names.filter((n) => only.has(n));
  }
  if (PAGES > 0) names = names.slice(0, PAGES);
  const scripts = ['page-text.js', 'highlight.js'];
  const source = (await Promise.all(scripts.map((f) => readFile(join(ROOT, 'extension', f), 'utf8')))).join('\n');
  const server = await serveCorpus(dir);
  try {
    const browser = await launchPlain();
    const page = await browser.context.newPage();
    page.setDefaultTimeout(60_000);
    await measure({ title: 'Anchoring in Chromium', page, origin: server.origin, names, source, timing: true });
    await browser.close();
    // A subset in Firefox ESR (over WebDriver BiDi), the cases without the timing.
    if (FIREFOX_PAGES > 0 && existsSync(FIREFOX)) {
      const firefox = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
      try {
        const ffPage = await firefox.newPage();
        ffPage.setDefaultTimeout(60_000);
        const subset = names.filter((_, i) => i % Math.max(1, Math.floor(names.length / FIREFOX_PAGES)) === 0)
          .slice(0, FIREFOX_PAGES);
        await measure({ title: 'Anchoring in Firefox ESR', page: ffPage, origin: server.origin, names: subset, source, timing: false });
      } finally {
        await firefox.close().catch(() => {});
      }
    }
  } finally {
    await server.close();
  }
}

await main();
