// `cargo xtask measure` (under Xvfb): click-to-saved latency in headful Chromium with the
// shipped build, through the real context menu: from the `Return` that chooses "Save quote"
// to the note being in `storage.local` (polled every 5 ms), with a warm service worker (it
// just saved a quote) and a cold one (stopped with CDP `ServiceWorker.stopAllWorkers`, so the
// click has to start it and load the wasm module).
import {
  chooseSaveQuote, launch, serveFixtures, waitFor, workerAccess, xdotoolDragSelect,
} from './lib.mjs';
import { cardClosed, cardFrame } from './highlight-lib.mjs';

const ROUNDS = Number(process.env.QUOTEBOOK_MEASURE_ROUNDS ?? 5);
const server = await serveFixtures();
const browser = await launch({
  build: 'chrome',
  headless: false,
  extraArgs: ['--window-position=0,0', '--window-size=1280,1000'],
});

const worker = await workerAccess(browser);
const inWorker = worker.evaluate;

async function oneSave(page, cold) {
  await waitFor(() => inWorker('chrome.storage.local.clear().then(() => true)'), { what: 'the worker' });
  const url = page.url();
  const { end } = await xdotoolDragSelect(page, '#passage', 'What we', 'on the page.');
  if (cold) {
    await worker.stop(page);
  }
  const clicked = await chooseSaveQuote(page, { x: end.x - 8, y: end.y });
  const saved = await waitFor(async () => {
    const keys = await inWorker('chrome.storage.local.get(null).then(Object.keys)');
    return keys?.some((k) => k.startsWith('note:')) && Date.now();
  }, { what: `the note of ${url}`, interval: 5 });
  // The card the save opens beside the quote may lie over the next drag: closed first.
  await cardFrame(page);
  await page.keyboard.press('Escape');
  await cardClosed(page);
  return saved - clicked;
}

const summary = (label, times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`click-to-saved, ${label}: median ${median} ms (min ${sorted[0]}, max ${sorted.at(-1)}; ${times.length} clicks: ${times.join(', ')} ms)`);
};

try {
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  await page.goto(`${server.origin}/demo/article.html`);
  await page.bringToFront();
  await oneSave(page, false); // loads the wasm module once: the first warm sample
  const warm = [];
  const cold = [];
  for (let i = 0; i < ROUNDS; i++) {
    warm.push(await oneSave(page, false));
    cold.push(await oneSave(page, true));
  }
  summary('warm service worker', warm);
  summary('cold service worker', cold);
  const keys = await inWorker('chrome.storage.local.get(null).then(Object.keys)');
  console.log(`(headful Chromium under Xvfb, shipped build, real context menu; stored ${keys.join(', ')})`);
} finally {
  await browser.close();
  await server.close();
}
