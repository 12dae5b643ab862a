// `cargo xtask demo`: a sample article served from 127.0.0.1, headless Chromium with the test
// build, a passage with a link and emphasis selected by a mouse drag and saved through the
// very function the context menu calls; prints the note's Markdown and writes it under
// demo-out/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  ROOT, dragSelect, launch, noteMarkdown, saveFromMenu, serveFixtures,
} from './lib.mjs';

const server = await serveFixtures();
const browser = await launch({ build: 'chrome-test' });
try {
  const page = await browser.context.newPage();
  const url = `${server.origin}/demo/article.html`;
  await page.goto(url);
  const selected = await dragSelect(page, '#passage', 'What we', 'on the page.');
  console.log(`demo: selected on ${url}:\n  ${JSON.stringify(selected)}`);
  const result = await saveFromMenu(browser.worker, page);
  if (!result.ok) throw new Error(`the save failed: ${result.reason}`);
  const markdown = await noteMarkdown(result.note);
  const dir = join(ROOT, 'demo-out');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'notes-in-the-margin.md');
  await writeFile(file, markdown);
  console.log(`demo: stored under ${JSON.stringify(result.key)}; the note, also in ${relative(ROOT, file)}:\n`);
  process.stdout.write(markdown);
} finally {
  await browser.close();
  await server.close();
}
