// Every state of the popup and the options page as a reader sees it, light and dark: a
// screenshot of each (tests/e2e/test-results/states/), and each fails on a sideways
// scroll, on an element visible while `hidden` (`assertLayout`) and on any violation
// axe-core finds. Then both pages walked with the keyboard alone: Tab reaches every
// control, Enter and Space act.
// node --test tests/e2e/ui-states.test.mjs (after `cargo xtask build`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, launch, makeNote, seed, openPage, until, assertLayout } from './ui-lib.mjs';

const OUT = path.join(ROOT, 'tests/e2e/test-results/states');
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const LONG = Array.from({ length: 12 }, (_, i) => `- Step ${i + 1}: a line of a long list that the popup folds`).join('\n');

function many() {
  return [
    makeNote({
      url: 'https://blog.example/small-tools',
      title: 'The case for small tools',
      site: 'A Field Notebook',
      authors: ['Robin Example'],
      updated: '2024-06-05T12:57:03.217Z',
      quotes: [
        { id: 's1', markdown: 'A small tool does **one thing**, and [you can hold it](https://blog.example/hold).', text: 'A small tool does one thing, and you can hold it.', comment: 'The best argument for plain text.', tags: ['tools'] },
        { id: 's2', markdown: LONG, text: LONG.replace(/- /g, '') },
      ],
    }),
    ...Array.from({ length: 34 }, (_, i) => makeNote({
      url: `https://many.example/${i}`,
      title: `A note among many, number ${i + 1}, with a title long enough to wrap in the popup`,
      updated: `2024-0${1 + (i % 5)}-0${1 + (i % 9)}T10:00:00.000Z`,
      quotes: [{ id: `m${i}`, text: `Quote ${i + 1}: https://very-long-address.example/${'x'.repeat(80)}` }],
    })),
  ];
}

const ONE = [makeNote({
  url: 'https://one.example/',
  title: 'The only note',
  updated: '2024-06-01T10:00:00.000Z',
  quotes: [{ id: 'o1', text: 'One quote, alone.', comment: 'Mine.' }],
})];

const FAILED = {
  'pending:failed-1': {
    at: '2024-06-05T12:00:00.000Z',
    attempts: 5,
    failed: 'The page closed before its text was read.',
    request: { capture: { url: 'https://failed.example/', title: 'A page whose save failed' } },
  },
};

const browsers = {};

before(async () => {
  await mkdir(OUT, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    browsers[scheme] = await launch({ colorScheme: scheme, viewport: { width: 420, height: 600 } });
  }
});

after(async () => {
  for (const ext of Object.values(browsers)) await ext.close();
});

async function reset(ext, notes, extra = {}) {
  for (const page of ext.context.pages()) await page.close();
  await ext.sw.evaluate(async () => {
    await chrome.storage.local.clear();
    await chrome.storage.sync.clear();
  });
  await seed(ext.sw, notes, extra);
}

/** axe-core's violations on the page as drawn now (rules of WCAG 2.1 A and AA, and best practice). */
async function violations(page) {
  // Evaluated through the debugging protocol: the extension's policy allows no inline script.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
  });
}

/** Screenshot, layout and axe for one state. */
async function check(page, scheme, name) {
  await page.screenshot({ path: path.join(OUT, `${name}-${scheme}.png`), fullPage: true });
  await assertLayout(page, `${name} (${scheme})`);
  assert.deepEqual(await violations(page), [], `${name} (${scheme})`);
}

function popup(ext) {
  return openPage(ext, 'popup/popup.html', '#notes li, #empty:not([hidden])');
}

for (const scheme of ['light', 'dark']) {
  test(`every popup state fits, shows nothing hidden and passes axe (${scheme})`, async () => {
    const ext = browsers[scheme];
    await reset(ext, []);
    let page = await popup(ext);
    await until(() => page.locator('#empty').isVisible());
    await check(page, scheme, 'popup-empty');
    await page.close();

    await reset(ext, ONE);
    page = await popup(ext);
    await page.locator('.note-toggle').first().click();
    await check(page, scheme, 'popup-one');
    await page.close();

    await reset(ext, many());
    page = await popup(ext);
    await check(page, scheme, 'popup-many');
    assert.equal(await page.locator('#more').isVisible(), true);
    const first = page.locator('#notes article').first();
    await first.locator('.note-toggle').click();
    await first.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#notes .preview').first().waitFor();
    await check(page, scheme, 'popup-open');
    await first.locator('.quote').first().getByRole('button', { name: 'Delete' }).click();
    await until(() => page.locator('#undo').isVisible());
    await check(page, scheme, 'popup-after-delete');
    await page.locator('#search').fill('small tools');
    await until(async () => (await page.locator('#result-count').textContent()) === '1 matching note');
    await check(page, scheme, 'popup-search');
    await page.locator('#search').fill('nothing matches this at all');
    await until(async () => (await page.locator('#result-count').textContent()) === '0 matching notes');
    await check(page, scheme, 'popup-search-none');
    await page.close();

    await reset(ext, ONE, FAILED);
    page = await popup(ext);
    await until(() => page.locator('#save-failed').isVisible());
    await check(page, scheme, 'popup-failed-save');
    await page.close();
  });

  test(`every options state fits, shows nothing hidden and passes axe (${scheme})`, async () => {
    const ext = browsers[scheme];
    await reset(ext, ONE);
    const page = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
    await page.setViewportSize({ width: 1000, height: 800 });
    await until(() => page.locator('#reminder').isVisible());
    await check(page, scheme, 'options');
    await page.locator('#template-reference summary').click();
    await check(page, scheme, 'options-reference');
    await page.getByLabel('Quote template').fill('{{ quote }} {{ comment | nosuchfilter }}');
    await until(() => page.locator('#template-error').isVisible());
    await check(page, scheme, 'options-template-error');
    await page.getByLabel('Quote template').fill('{{ quote }} {{ commment }}');
    await until(() => page.locator('#template-unknown').isVisible());
    await page.getByLabel('File name pattern', { exact: true }).fill('{nope}');
    await until(async () => (await page.getByLabel('File name pattern', { exact: true }).getAttribute('aria-invalid')) === 'true');
    await check(page, scheme, 'options-warnings');
    await page.setViewportSize({ width: 420, height: 800 });
    await check(page, scheme, 'options-narrow');
    await page.locator('#reset-quote').click();
    await page.getByLabel('File name pattern', { exact: true }).fill('');
    await page.close();
  });
}

/**
 * Tabs through the page from its start, collecting what gets focus, until focus comes back
 * to the first control: every visible, enabled control must be among them, in page order.
 */
async function tabWalk(page) {
  const controls = await page.evaluate(() => [...document.querySelectorAll(
    'button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex="-1"])',
  )].filter((el) => !el.disabled && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden], details:not([open]) > :not(summary)'))
    // A group of radio buttons is one stop (its checked one, else its first); arrows move
    // within it.
    .filter((el) => {
      if (!(el instanceof HTMLInputElement) || el.type !== 'radio') return true;
      const group = [...document.querySelectorAll(`input[type="radio"][name="${el.name}"]`)];
      return el.checked || (!group.some((r) => r.checked) && group[0] === el);
    })
    .map((el, i) => { el.dataset.walk = String(i); return i; }));
  const seen = [];
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  for (let i = 0; i < controls.length + 5; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => document.activeElement?.getAttribute('data-walk') ?? null);
    if (at !== null && seen.includes(Number(at))) break;
    if (at !== null) seen.push(Number(at));
  }
  // The walk starts where focus last was (the browser's starting point): read it from the
  // first control on, as a full cycle.
  const start = seen.indexOf(0);
  return { controls, seen: start > 0 ? [...seen.slice(start), ...seen.slice(0, start)] : seen };
}

test('the keyboard alone reaches every control of both pages, in order, and acts on them', async () => {
  const ext = browsers.light;
  await reset(ext, many());
  const page = await popup(ext);
  await page.locator('.note-toggle').first().click();
  let { controls, seen } = await tabWalk(page);
  assert.deepEqual(seen, controls, 'the popup: every control, in page order');
  // Enter opens a note, Space unfolds a long quote.
  const more = page.locator('.quote-more').first();
  await more.focus();
  await page.keyboard.press('Space');
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  await page.locator('#search').focus();
  await page.keyboard.type('tools');
  await until(async () => (await page.locator('#result-count').textContent()) === '1 matching note');
  await page.close();

  const options = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
  await options.setViewportSize({ width: 1000, height: 800 });
  ({ controls, seen } = await tabWalk(options));
  assert.ok(controls.length > 12, `${controls.length} controls`);
  assert.deepEqual(seen, controls, 'the options page: every control, in page order');
  // Enter opens the reference; Space presses a button.
  await options.locator('#template-reference summary').focus();
  await options.keyboard.press('Enter');
  assert.equal(await options.locator('#template-reference').getAttribute('open'), '');
  const quote = options.getByLabel('Quote template');
  const original = await quote.inputValue();
  await quote.fill('changed {{ quote }}');
  await options.locator('#reset-quote').focus();
  await options.keyboard.press('Space');
  assert.equal(await quote.inputValue(), original);
  await options.close();
});
