// @ts-check
// The service worker: registers its listeners synchronously at start (MV3 workers are
// stopped when idle and restarted by the next event) and keeps no state of its own.
import { api } from './browser.js';
import { onAnchorMessage, showHighlights as paintFrames } from './anchors.js';
import { MENU_ID, COMMAND, onQuoteSaved, resumePendingSaves, saveQuote, saveQuoteFromShortcut, tellFailure } from './save.js';
import { syncAfterSave } from './sync/sync.js';
import { IMAGE_MENU_IDS, imageMenuId, saveImage } from './images/save-image.js';
import { SETTINGS } from './store.js';
import * as images from './images/db.js';
import { keepImages } from './images/keep.js';
import { readImage } from './images/fetch.js';
import { showHighlights } from './highlights.js';
import { autoEnabled, keepInStep, syncRegistration } from './auto.js';
import { answerCard } from './card-edits.js';

/** The shortcut that shows the page's highlights (the toolbar button's popup does too). */
const SHOW_HIGHLIGHTS = 'show-highlights';

// After each save, the folder sync when the reader turned it on. Wired here, so that
// saving does not import the sync, which reads notes through the library.
onQuoteSaved(syncAfterSave);

api.runtime.onInstalled.addListener(async ({ reason }) => {
  // A first install opens the welcome page: how to save, pinning the button, folder sync.
  if (reason === 'install') api.tabs.create({ url: api.runtime.getURL('welcome/welcome.html') }).catch(() => {});
  // The opt-in's registration follows the library it was built from (an update may have
  // changed how patterns are made).
  syncRegistration().catch((error) => console.warn('Quotebook: automatic highlights:', error?.message));
  await api.contextMenus.removeAll();
  api.contextMenus.create({ id: MENU_ID, title: api.i18n.getMessage('menuSaveQuote'), contexts: ['selection'] });
  await imageMenu();
});

/**
 * The image item, under the id that tells `saveImage` whether images are kept (the click
 * must ask for the image's site at once, before the setting could be read).
 */
async function imageMenu() {
  const keep = (await api.storage.sync.get(SETTINGS.imagesKeep))[SETTINGS.imagesKeep] !== false;
  for (const id of IMAGE_MENU_IDS) await api.contextMenus.remove(id).catch(() => {});
  api.contextMenus.create({ id: imageMenuId(keep), title: api.i18n.getMessage('menuSaveImage'), contexts: ['image'] });
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync' && SETTINGS.imagesKeep in changes) {
    imageMenu().catch((error) => console.warn('Quotebook: cannot update the image menu item:', error));
  }
});

// `saveQuote` and `saveImage` are what the menu calls, so the end-to-end tests, which cannot
// click a native menu in headless Chromium, call the very functions the menu calls. No
// await before `saveImage`: it asks for the image's origin while the click is a gesture.
api.contextMenus.onClicked.addListener((info, tab) => {
  if (IMAGE_MENU_IDS.includes(String(info.menuItemId))) saveImage(info, tab);
  else saveQuote(info, tab);
});

api.commands.onCommand.addListener((command, tab) => {
  if (command === COMMAND) saveQuoteFromShortcut(tab);
  else if (command === SHOW_HIGHLIGHTS) showHighlights(tab);
});

// The automatic highlights (opt-in): the content script registered on quoted pages asks.
api.runtime.onMessage.addListener((message, sender) => {
  if (message?.type !== 'quotebook-show-highlights' || !sender.tab || sender.frameId !== 0) return undefined;
  autoEnabled().then((on) => (on ? showHighlights(sender.tab) : null));
  return undefined;
});
keepInStep();
// The card's edits, under the notes' lock (card-edits.js).
api.runtime.onMessage.addListener(answerCard);
// highlight.js asks for the anchors of its page's quotes.
api.runtime.onMessage.addListener(onAnchorMessage);

// A save the previous run of the worker left half done (stopped mid-save, or storage
// refused it) is completed now, or the reader is told on the badge.
resumePendingSaves();
// …so the worker starts with the browser too, not only at the next click.
api.runtime.onStartup.addListener(() => {});

// For the end-to-end tests and for debugging from the worker's console.
globalThis.saveQuote = saveQuote;
globalThis.resumePendingSaves = resumePendingSaves;
globalThis.tellFailure = tellFailure;
globalThis.saveImage = saveImage;
globalThis.quotebookImages = { ...images, keepImages, readImage };
// `showHighlights`: every frame painted, as the anchoring tests call it;
// `showPageHighlights`: what the reader's triggers call (highlights.js), card included.
globalThis.showHighlights = paintFrames;
globalThis.showPageHighlights = showHighlights;
globalThis.syncRegistration = syncRegistration;
