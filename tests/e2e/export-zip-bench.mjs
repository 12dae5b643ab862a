// The options page's `.zip` export of a large library, measured (not a test): N notes
// (default 10,000, three quotes each) seeded, the real button clicked, the download read back.
// Prints the time to the download, the zip's size and entries, and how late a 10 ms timer in
// the page ran (max and 99th percentile gap: how responsive the page stayed).
// QUOTEBOOK_CHROMIUM=/usr/bin/chromium node tests/e2e/export-zip-bench.mjs (after `cargo xtask build`).
import { readFile } from 'node:fs/promises';
import { readZip } from './zip-read.mjs';
import { launch, makeNote, seed, openPage, until } from './ui-lib.mjs';
const N = Number(process.env.N ?? 10000);
const ext = await launch();
const notes = Array.from({ length: N }, (_, i) => makeNote({
  url: `https://big.example/${i}`, title: `Note ${i % 3000}`, updated: '2024-01-01T10:00:00.000Z',
  quotes: Array.from({ length: 3 }, (_, j) => ({ id: `q${i}-${j}`, text: `Quote ${j} of note ${i}, a sentence of ordinary length about something. `.repeat(3), comment: j ? '' : 'a comment' })),
}));
let t = Date.now();
for (let i = 0; i < N; i += 1000) await seed(ext.sw, notes.slice(i, i + 1000));
console.log('seeded in', Date.now() - t, 'ms');
const page = await openPage(ext, 'options/options.html', '#export-zip');
await page.evaluate(() => {
  globalThis.gaps = []; let last = performance.now();
  globalThis.timer = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 10);
  globalThis.seen = 0; const text = document.getElementById('zip-progress-text');
  new MutationObserver(() => { seen++; }).observe(text, { childList: true, characterData: true, subtree: true });
});
t = Date.now();
const [download] = await Promise.all([page.waitForEvent('download', { timeout: 600_000 }), page.locator('#export-zip').click()]);
const ms = Date.now() - t;
const stats = await page.evaluate(() => { clearInterval(timer); const g = gaps.slice().sort((a, b) => a - b); return { max: g.at(-1), p99: g[Math.floor(g.length * 0.99)], ticks: g.length, seen, heap: performance.memory?.usedJSHeapSize }; });
const bytes = await readFile(await download.path());
const files = readZip(bytes);
console.log(JSON.stringify({ N, ms, zipBytes: bytes.length, entries: files.length, ...stats }));
await ext.close();
