// The Rust core, compiled to WebAssembly (`cargo xtask build` puts it in wasm/). The crate
// can also be built as a save-only module (`saveCore`); today both names load the one
// module, which keeps the package small (see BENCHMARKS.md).
//
// MV3 service workers allow no top-level await and may be stopped whenever idle, so each
// module is initialised lazily, on first use after each start, and the promise is the only
// thing kept: it holds no user state.
import initLibrary, * as library from './wasm/quotebook.js';
import { api } from './browser.js';

const loaders = new Map();

function load(name, init, bindings) {
  let ready = loaders.get(name);
  if (!ready) {
    ready = init({ module_or_path: api.runtime.getURL(`wasm/${name}_bg.wasm`) })
      .then(() => bindings)
      .catch((error) => {
        loaders.delete(name); // let the next call try again
        throw error;
      });
    loaders.set(name, ready);
  }
  return ready;
}

/** The library module: every binding of `crates/quotebook-wasm`. */
export function core() {
  return load('quotebook', initLibrary, library);
}

/** What saving needs: `html_to_markdown`, `clip`, `request_note_id`, `note_id`,
 * `clean_url`, `migrate_note`, `text_fragment`. */
export function saveCore() {
  return core();
}
