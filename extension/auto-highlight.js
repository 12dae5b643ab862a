// @ts-check
// The content script the opt-in registers on the quoted pages only (auto.js): it asks
// the worker to show this page's highlights, as the toolbar button would.
(globalThis.browser?.runtime?.id ? globalThis.browser : globalThis.chrome).runtime
  .sendMessage({ type: 'quotebook-show-highlights' })
  .catch(() => {});
