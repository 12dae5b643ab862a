// Regenerates the screenshots of the popup and the options page, light and dark, shown in
// the README: docs/screenshots/{popup,options}-{light,dark}.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, launch, makeNote, seed, openPage } from './ui-lib.mjs';

const OUT = path.join(ROOT, 'docs/screenshots');

const NOTES = [
  makeNote({
    url: 'https://blog.example/2024/06/small-tools',
    title: 'The case for small tools',
    site: 'A Field Notebook',
    authors: ['Robin Example'],
    updated: '2024-06-05T12:57:03.217Z',
    quotes: [
      {
        id: 's1',
        markdown: 'A small tool does **one thing**, and you can hold all of it in your head.',
        text: 'A small tool does one thing, and you can hold all of it in your head.',
        created: '2024-06-05T12:50:00.000Z',
        comment: 'The best argument for plain text.',
        tags: ['tools', 'craft'],
        fragment: 'text=A%20small%20tool',
      },
      {
        id: 's2',
        markdown: 'Composition beats configuration: see [the pipes essay](https://blog.example/pipes).',
        text: 'Composition beats configuration: see the pipes essay.',
        created: '2024-06-05T12:57:03.217Z',
        fragment: 'text=Composition%20beats',
      },
    ],
  }),
  makeNote({
    url: 'https://news.example/science/sleep',
    title: 'What a night of sleep does for memory',
    site: 'Science Weekly',
    updated: '2024-05-20T08:00:00.000Z',
    quotes: [
      { id: 'm1', text: 'During deep sleep the brain replays the day, and keeps what mattered.', tags: ['memory'] },
      { id: 'm2', text: 'Naps help too, if they are short.' },
    ],
  }),
  makeNote({
    url: 'https://recipes.example/bread',
    title: 'Slow bread, step by step',
    updated: '2024-04-02T18:30:00.000Z',
    quotes: [{ id: 'b1', text: 'Time does the kneading for you.', comment: 'Try the overnight rise.' }],
  }),
];

let ext;

before(async () => {
  ext = await launch({ viewport: { width: 420, height: 600 } });
  await seed(ext.sw, NOTES, { 'backup:last': undefined });
});

after(async () => {
  await ext?.close();
});

async function saved(file) {
  const info = await stat(file);
  assert.ok(info.size > 5000, `${file} holds a picture`);
}

for (const scheme of ['light', 'dark']) {
  test(`screenshots of the popup and the options page, ${scheme}`, async () => {
    await mkdir(OUT, { recursive: true });
    const popup = await openPage(ext, 'popup/popup.html', '#notes li');
    await popup.emulateMedia({ colorScheme: scheme });
    const card = popup.locator('#notes article').first();
    await card.locator('.note-toggle').click();
    await popup.locator('#notes article').first().getByRole('button', { name: 'Preview' }).click();
    await popup.locator('#notes .preview').first().waitFor();
    await popup.locator('#search').focus();
    const popupFile = path.join(OUT, `popup-${scheme}.png`);
    await popup.screenshot({ path: popupFile });
    await saved(popupFile);
    await popup.close();

    const options = await openPage(ext, 'options/options.html', '#shortcut-text:not(:empty)');
    await options.setViewportSize({ width: 1000, height: 800 });
    await options.emulateMedia({ colorScheme: scheme });
    await options.locator('#reminder').waitFor();
    const optionsFile = path.join(OUT, `options-${scheme}.png`);
    await options.screenshot({ path: optionsFile, fullPage: true });
    await saved(optionsFile);
    await options.close();
  });
}
