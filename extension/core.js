// The Rust core, compiled to WebAssembly (`cargo xtask build` puts it in wasm/). One module
// serves the worker and the pages: a save-only build repeats the converter and grows the
// package (see BENCHMARKS.md).
//
// MV3 service workers allow no top-level await and may be stopped whenever idle, so the
// module is initialised lazily, on first use after each start, and the promise is the only
// thing kept: it holds no user state.
import init, * as bindings from './wasm/quotebook.js';
import { api } from './browser.js';

let ready;

/** The initialised bindings of `crates/quotebook-wasm`. */
export function core() {
  ready ??= init({ module_or_path: api.runtime.getURL('wasm/quotebook_bg.wasm') })
    .then(() => bindings)
    .catch((error) => {
      ready = undefined; // let the next call try again
      throw error;
    });
  return ready;
}
