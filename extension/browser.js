// @ts-check
// The one module that knows where the browser keeps the extension API: `browser` in Firefox
// (and Chromium 144+), `chrome` elsewhere. Everything else imports `api` from here, and only
// uses the promise-returning forms, which both spell the same.
// Typed as Chromium's API: the promise-returning forms are the ones both spell the same.
/** @type {typeof chrome} */
export const api = globalThis.browser?.runtime?.id ? globalThis.browser : globalThis.chrome;
