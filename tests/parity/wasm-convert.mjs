// The WASM half of the parity test (crates/quotebook-html/tests/wasm_parity.rs): converts
// every case with the built module's `html_to_markdown`, as the extension does.
//
//   node tests/parity/wasm-convert.mjs WASM_DIR CASES.json OUT.json
//
// CASES.json is an array of [html, base URL]; OUT.json gets one result per case:
// {"ok": markdown}, {"err": code} (the code before `:` in the JsError's message), or
// {"trap": message} when the module trapped (it is then re-instantiated).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, casesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node tests/parity/wasm-convert.mjs WASM_DIR CASES.json OUT.json');
  process.exit(2);
}
const bindings = await import(pathToFileURL(join(dir, 'quotebook.js')).href);
bindings.initSync({ module: await readFile(join(dir, 'quotebook_bg.wasm')) });
const cases = JSON.parse(await readFile(casesPath, 'utf8'));
const results = cases.map(([html, base]) => {
  try {
    return { ok: bindings.html_to_markdown(html, base) };
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      bindings.__wbg_reset_state();
      return { trap: String(error.message) };
    }
    return { err: String(error.message).split(':')[0] };
  }
});
await writeFile(outPath, JSON.stringify(results));
