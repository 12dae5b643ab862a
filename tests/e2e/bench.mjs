// The Chromium half of `cargo xtask bench` (not a test): HTML → Markdown speed, in one
// headless page, of our wasm `html_to_markdown` (the string's trip into wasm and back
// included), Turndown (+ turndown-plugin-gfm; atx headings, fenced code, `-` bullets, `*`
// emphasis; it parses the HTML string with the page's DOMParser) and `htmd` (Rust,
// html5ever, wasm at opt-level 3, built by xtask into $QUOTEBOOK_HTMD_DIR), over every
// corpus `article.html`. Interleaved: for each page, each round runs every converter in
// turn (the order rotating), each a batch of calls long enough for the page's clock.
// Prints aggregate MB/s (input bytes, UTF-8), the ratios, and the median per-page ratios.
import { loadavg } from 'node:os';
import { CORPUS_BASE_URL, corpusDir, corpusPages, launchPlain, serveCorpus } from './corpus.mjs';

const ROUNDS = Number(process.env.QUOTEBOOK_BENCH_ROUNDS || 5);
/** A batch of the fastest converter lasts at least this long (the clock is coarse). */
const MIN_BATCH_MS = 4;

async function benchPage({ html, base, rounds, minBatchMs }) {
  const quotebook = await import('/wasm/quotebook.js');
  await quotebook.default({ module_or_path: '/wasm/quotebook_bg.wasm' });
  const htmd = await import('/htmd/htmd.js');
  await htmd.default({ module_or_path: '/htmd/htmd_bg.wasm' });
  const { default: TurndownService } = await import('/npm/turndown/lib/turndown.browser.es.js');
  const { gfm } = await import('/npm/turndown-plugin-gfm/lib/turndown-plugin-gfm.es.js');
  const turndown = new TurndownService({
    headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*',
  });
  turndown.use(gfm);
  const converters = {
    quotebook: (h) => quotebook.html_to_markdown(h, base),
    turndown: (h) => turndown.turndown(h),
    htmd: (h) => htmd.htmd_to_markdown(h),
  };
  const names = Object.keys(converters);
  const errors = {};
  for (const name of names) {
    try {
      converters[name](html); // warm-up, and does it convert at all?
    } catch (error) {
      errors[name] = String(error.message ?? error);
    }
  }
  if (Object.keys(errors).length) return { errors };
  // Calls per batch: enough for the fastest converter (ours, or whichever) to last
  // `minBatchMs`; the same count for all three.
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) converters.quotebook(html);
    if (performance.now() - t0 >= minBatchMs || reps >= 1 << 16) break;
    reps *= 2;
  }
  const ms = Object.fromEntries(names.map((n) => [n, 0]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const convert = converters[name];
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) convert(html);
      ms[name] += performance.now() - t0;
    }
  }
  return { reps, calls: reps * rounds, ms };
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const dir = corpusDir();
  if (!dir) throw new Error('the shared corpus is absent: set QUOTEBOOK_CORPUS or put it at ../shared/corpus/readability');
  const htmdDir = process.env.QUOTEBOOK_HTMD_DIR;
  if (!htmdDir) throw new Error('QUOTEBOOK_HTMD_DIR is not set: run this through `cargo xtask bench`');
  const names = corpusPages(dir);
  const server = await serveCorpus(dir, {
    mounts: { htmd: htmdDir },
    extra: new Map([['/extra/bench.html', '<!doctype html><meta charset="utf-8"><title>bench</title>']]),
  });
  const chromium = await launchPlain();
  const rows = [];
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    const page = await chromium.context.newPage();
    for (const name of names) {
      // A fresh page per article: each starts from the same heap state.
      await page.goto(`${server.origin}/extra/bench.html`);
      const html = await (await fetch(`${server.origin}/corpus/${encodeURIComponent(name)}/article.html`)).text();
      const result = await page.evaluate(benchPage, { html, base: CORPUS_BASE_URL, rounds: ROUNDS, minBatchMs: MIN_BATCH_MS });
      rows.push({ name, bytes: Buffer.byteLength(html), ...result });
      if (result.errors) console.log(`${name}: left out, a converter failed: ${JSON.stringify(result.errors)}`);
    }
  } finally {
    await chromium.close();
    await server.close();
  }
  const done = rows.filter((r) => !r.errors);
  const total = (name) => done.reduce((s, r) => s + r.ms[name], 0);
  const bytes = done.reduce((s, r) => s + r.bytes * r.calls, 0);
  const mbs = (name) => bytes / 1e6 / (total(name) / 1e3);
  const input = done.reduce((s, r) => s + r.bytes, 0);
  console.log(`\nHTML → Markdown in headless Chromium, ${done.length} of ${rows.length} corpus articles (${(input / 1e6).toFixed(2)} MB), ${ROUNDS} interleaved rounds per page`);
  for (const name of ['quotebook', 'turndown', 'htmd']) {
    console.log(`  ${name.padEnd(10)} ${mbs(name).toFixed(1).padStart(8)} MB/s`);
  }
  const over = (them) => done.map((r) => r.ms[them] / r.ms.quotebook);
  console.log(`  aggregate ratio quotebook / turndown: ${(mbs('quotebook') / mbs('turndown')).toFixed(2)}x (goal >= 10x)`);
  console.log(`  median per-page ratio quotebook / turndown: ${median(over('turndown')).toFixed(2)}x`);
  console.log(`  aggregate ratio quotebook / htmd: ${(mbs('quotebook') / mbs('htmd')).toFixed(2)}x (goal >= 2x)`);
  console.log(`  median per-page ratio quotebook / htmd: ${median(over('htmd')).toFixed(2)}x`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
