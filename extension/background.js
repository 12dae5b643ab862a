// @ts-check
// The service worker: registers its listeners synchronously at start (MV3 workers are
// stopped when idle and restarted by the next event) and keeps no state of its own.
import { api } from './browser.js';
import { MENU_ID, COMMAND, onQuoteSaved, resumePendingSaves, saveQuote, saveQuoteFromShortcut, tellFailure } from './save.js';
import { syncAfterSave } from './sync/sync.js';

// After each save, the folder sync when the reader turned it on. Wired here, so that
// saving does not import the sync, which reads notes through the library.
onQuoteSaved(syncAfterSave);

api.runtime.onInstalled.addListener(async ({ reason }) => {
  // A first install opens the welcome page: how to save, pinning the button, folder sync.
  if (reason === 'install') api.tabs.create({ url: api.runtime.getURL('welcome/welcome.html') }).catch(() => {});
  await api.contextMenus.removeAll();
  api.contextMenus.create({ id: MENU_ID, title: api.i18n.getMessage('menuSaveQuote'), contexts: ['selection'] });
});

// The menu has one item; `saveQuote` is the listener itself, so the end-to-end tests, which
// cannot click a native menu in headless Chromium, call the very function the menu calls.
api.contextMenus.onClicked.addListener(saveQuote);

api.commands.onCommand.addListener((command, tab) => {
  if (command === COMMAND) saveQuoteFromShortcut(tab);
});

// A save the previous run of the worker left half done (stopped mid-save, or storage
// refused it) is completed now, or the reader is told on the badge.
resumePendingSaves();
// …so the worker starts with the browser too, not only at the next click.
api.runtime.onStartup.addListener(() => {});

// For the end-to-end tests and for debugging from the worker's console.
globalThis.saveQuote = saveQuote;
globalThis.resumePendingSaves = resumePendingSaves;
globalThis.tellFailure = tellFailure;
