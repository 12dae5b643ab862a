// The capture script's time on big pages (a measurement, not a test): the working tree's
// `extension/capture.js` against the one at BASE (default 71e2971, which asked
// `range.intersectsNode` of every text node of the page for each range), run alternately
// in the same headless Chromium page over generated articles (`bigArticle`, the
// hardening-big fixture): the whole of a 256 KB and a 512 KB article selected (one range from
// the body's first child to its end, so element containers), one sentence in the middle of
// a 1, 2, 4 and 10 MB article, and one line in the middle of 1 MB of lines separated by
// `<br>` (text containers). Prints, case by case, the best and the median of ROUNDS runs
// (default 5), and the time of the base's `intersectsNode` pass alone.
// QUOTEBOOK_CHROMIUM=/usr/bin/chromium node tests/e2e/capture-bench.mjs [BASE]
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { bigArticle, captureScript, CHROMIUM, CHROMIUM_ARGS, listen, ROOT } from './lib.mjs';

const BASE = process.argv[2] ?? '71e2971';
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const scripts = {
  base: execFileSync('git', ['show', `${BASE}:extension/capture.js`], { cwd: ROOT, encoding: 'utf8' }),
  now: await captureScript(),
};

/** About `kb` KB of lines separated by `<br>` in one `div` (a mail archive, a poem): the
 * text nodes are siblings, so each one's index costs a walk over those before it. */
function lines(kb) {
  const parts = ['<!doctype html><html lang="en"><head><title>Lines</title></head><body><div>'];
  for (let i = 1, length = 0; length < kb * 1024; i += 1) {
    const line = `Line ${i} of a long letter, written without paragraphs.<br>`;
    parts.push(line);
    length += line.length;
  }
  parts.push('</div></body></html>');
  return parts.join('');
}

const pages = new Map();
const server = await listen(createServer((request, response) => {
  const path = new URL(request.url, 'http://x').pathname;
  const [, kind, kb] = /^\/(article|lines)\/(\d+)$/.exec(path) ?? [];
  if (!kind) {
    response.writeHead(404).end();
    return;
  }
  if (!pages.has(path)) pages.set(path, kind === 'lines' ? lines(Number(kb)) : bigArticle(Number(kb)).html);
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(path));
}));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

const cases = [
  // A whole article of 1 MB and more holds more text than a quote takes (`MAX_SELECTION`).
  ['the whole of a 256 KB article', '/article/256', 'all'],
  ['the whole of a 512 KB article', '/article/512', 'all'],
  ['a sentence in a 1 MB article', '/article/1024', 'sentence'],
  ['a sentence in a 2 MB article', '/article/2048', 'sentence'],
  ['a line of 1 MB of lines', '/lines/1024', 'sentence'],
  ['a sentence in a 4 MB article', '/article/4096', 'sentence'],
  ['a sentence in a 10 MB article', '/article/10240', 'sentence'],
];
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
};
for (const [label, path, what] of cases) {
  const page = await browser.newPage();
  await page.goto(`${server.origin}${path}`);
  const selected = await page.evaluate((what) => {
    if (what === 'all') {
      getSelection().selectAllChildren(document.body);
    } else {
      const texts = [...document.querySelectorAll('p, div')].flatMap((e) => [...e.childNodes])
        .filter((n) => n.nodeType === Node.TEXT_NODE);
      const text = texts[texts.length >> 1];
      const range = document.createRange();
      range.setStart(text, 2);
      range.setEnd(text, text.data.length - 2);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
    return getSelection().toString().length;
  }, what);
  const times = { base: [], now: [] };
  const results = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const which of round % 2 ? ['now', 'base'] : ['base', 'now']) {
      const { ms, offsets, length } = await page.evaluate((script) => {
        const started = performance.now();
        const capture = (0, eval)(script);
        if (!capture.ranges) throw new Error(`refused: ${JSON.stringify(capture)}`);
        return { ms: performance.now() - started, offsets: capture.offsets, length: capture.pageText?.length ?? null };
      }, scripts[which]);
      times[which].push(ms);
      results[which] = JSON.stringify({ offsets, length });
    }
  }
  // The pass the base made, alone: `intersectsNode` asked of every text node of the body
  // (these pages hide none), best of ROUNDS.
  const pass = await page.evaluate((rounds) => {
    const nodes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push({ node });
    const range = getSelection().getRangeAt(0);
    let best = Infinity;
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      const inRange = nodes.filter(({ node }) => range.intersectsNode(node));
      best = Math.min(best, performance.now() - started);
      if (inRange.length === 0) throw new Error('no text node in the range');
    }
    return { nodes: nodes.length, best };
  }, ROUNDS);
  await page.close();
  if (results.base !== results.now) throw new Error(`${label}: the captures differ: ${results.base} ≠ ${results.now}`);
  const base = stats(times.base);
  const now = stats(times.now);
  console.log(`${label} (${selected.toLocaleString('en')} characters selected; offsets ${results.now}): `
    + `${BASE} best ${base.best.toFixed(0)} ms, median ${base.median.toFixed(0)} ms; `
    + `now best ${now.best.toFixed(0)} ms, median ${now.median.toFixed(0)} ms; `
    + `median ratio ${(base.median / now.median).toFixed(2)}×; `
    + `intersectsNode of all ${pass.nodes.toLocaleString('en')} text nodes alone: best ${pass.best.toFixed(1)} ms`);
}
await browser.close();
await server.close();
