// Helpers of the highlight and card tests (highlights.test.mjs, headful.test.mjs): the
// card's frame in a page, what the page's highlights hold, and axe-core in a frame.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, waitFor } from './lib.mjs';

/** The card's frame in `page`, once it has drawn itself. */
export async function cardFrame(page, what = 'the card') {
  return waitFor(async () => {
    const frame = page.frames().find((f) => f.url().includes('/card/card.html'));
    if (!frame) return false;
    const ready = await frame.evaluate(() => document.body?.dataset.ready === 'true').catch(() => false);
    return ready && frame;
  }, { what });
}

/** Whether `page` shows no card (its frame gone). */
export async function cardClosed(page) {
  return waitFor(() => !page.frames().some((f) => f.url().includes('/card/card.html')), { what: 'the card closed' });
}

/**
 * The text of every range the page's highlights hold, read in the page's own world (what
 * its scripts can see too), sorted.
 */
export async function highlightedTexts(page) {
  return page.evaluate(() => {
    const texts = [];
    for (const [, highlight] of CSS.highlights) for (const range of highlight) texts.push(range.toString());
    return texts.sort();
  });
}

/** The names the page's highlights are registered under. */
export async function highlightNames(page) {
  return page.evaluate(() => [...CSS.highlights.keys()]);
}

/** axe-core's violations in `frame` (its source evaluated there), as `id: targets` lines. */
export async function axeViolations(frame) {
  const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await frame.evaluate(source);
  const results = await frame.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

