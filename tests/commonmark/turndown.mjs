// Turndown's Markdown for every example of the CommonMark spec (the npm package
// commonmark-spec), as a JSON object from example number to Markdown, written to the
// path given. The Rust suite (crates/quotebook-html/tests/commonmark_spec) judges it with
// the same round trip as ours: `cargo xtask commonmark` runs both.
//
// Turndown is set up as in tests/e2e/bench.mjs: atx headings, fenced code, `-` bullets,
// `*` emphasis, the GFM plugin.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const TurndownService = require('turndown');
const { gfm } = require('turndown-plugin-gfm');
const spec = require('commonmark-spec');

const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/commonmark/turndown.mjs OUT.json');
  process.exit(2);
}
const turndown = new TurndownService({
  headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*',
});
turndown.use(gfm);

const markdown = {};
for (const example of spec.tests) {
  // The spec shows tabs as `→`.
  const html = example.html.replace(/→/g, '\t');
  try {
    markdown[example.number] = turndown.turndown(html);
  } catch (error) {
    markdown[example.number] = '';
    console.error(`example ${example.number}: Turndown failed: ${error.message}`);
  }
}
writeFileSync(out, JSON.stringify(markdown));
console.error(`Turndown: ${spec.tests.length} examples → ${out}`);
