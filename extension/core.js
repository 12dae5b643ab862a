// @ts-check
// The Rust core, compiled to WebAssembly (`cargo xtask build` puts it in wasm/). One module
// serves the worker and the pages: a save-only build repeats the converter and grows the
// package (see BENCHMARKS.md).
//
// MV3 service workers allow no top-level await and may be stopped whenever idle, so the
// module is initialised lazily, on first use after each start, and the promise is the only
// thing kept: it holds no user state.
import init, * as bindings from './wasm/quotebook.js';
import { api } from './browser.js';

/**
 * The bindings as the extension calls them: typed by the `.d.ts` wasm-bindgen writes beside
 * the module, so that a renamed binding or a changed argument list fails `tsc`.
 * @typedef {Omit<typeof bindings, 'default' | 'initSync' | '__wbg_reset_state'>} Core
 */

/** @type {Promise<Core> | undefined} */
let ready;

/**
 * The initialised bindings of `crates/quotebook-wasm`, each call guarded (below).
 * @returns {Promise<Core>}
 */
export function core() {
  ready ??= init({ module_or_path: api.runtime.getURL('wasm/quotebook_bg.wasm') })
    .then(() => guarded)
    .catch((error) => {
      ready = undefined; // let the next call try again
      throw error;
    });
  return ready;
}

/**
 * The core's operations as the rest of the extension calls them. A trap stops a call in the
 * middle: a panic (the module is built with `panic = "abort"`, so a panic ends in an
 * `unreachable` trap), memory the browser will not grow, or the stack. The
 * instance is then left as the call left it (its stack pointer, its allocator, anything
 * borrowed), so it is replaced by a fresh one from the same module before the error goes
 * on, worded for the reader as `core_failed: …` (save.js keeps such a save for a retry).
 * Errors the core returns (`JsError`) pass unchanged.
 * @type {Core}
 */
const guarded = Object.freeze(/** @type {any} */ (Object.fromEntries(
  Object.entries(bindings)
    .filter(([name, value]) => typeof value === 'function' && !['default', 'initSync'].includes(name) && !name.startsWith('__'))
    .map(([name, call]) => [name, (...args) => {
      try {
        return /** @type {(...args: unknown[]) => unknown} */ (call)(...args);
      } catch (error) {
        throw trapped(error) ? restarted(name, error) : error;
      }
    }]),
)));

function trapped(error) {
  return error instanceof WebAssembly.RuntimeError
    || (error instanceof RangeError && /call stack/i.test(error.message));
}

function restarted(name, error) {
  console.error(`Quotebook: the core stopped in ${name}; starting a fresh instance:`, error);
  try {
    bindings.__wbg_reset_state();
  } catch (again) {
    // The next trapped call tries again; meanwhile calls fail with this same message.
    console.error('Quotebook: the core could not be restarted:', again);
  }
  return new Error(`core_failed: Quotebook's core stopped on an internal error (${name}: ${error.message}) and was restarted`, { cause: error });
}
