// Firefox test build only: what tests/e2e/firefox.mjs calls through `script.evaluate`.
// WebDriver BiDi cannot evaluate in the background's realm, but this page can reach it: the
// save runs there, through the very function the context menu calls.
import { api } from '../browser.js';
import * as sync from '../sync/sync.js';

globalThis.quotebookTest = {
  /** The extension's one facade for browser APIs chose Firefox's own namespace. */
  facadeIsBrowser: api === globalThis.browser,

  /** The extension's folder sync (its native host backend needs `nativeMessaging`). */
  sync,

  /** The background page's globals (`saveQuote`, set by background.js). */
  background: () => api.runtime.getBackgroundPage(),

  /** The one tab showing `url` (the test build may see the test server's addresses). */
  async tabShowing(url) {
    // Match patterns carry no port, so every tab is listed and compared.
    const tabs = (await api.tabs.query({})).filter((tab) => tab.url === url);
    if (tabs.length !== 1) throw new Error(`${tabs.length} tabs show ${url}`);
    return tabs[0];
  },

  /** What the menu's "Save image to note" does for the image `srcUrl` in the tab showing `url`. */
  async saveImageFromMenu(url, srcUrl) {
    const tab = await this.tabShowing(url);
    const info = { menuItemId: 'save-image', mediaType: 'image', editable: false, frameId: 0, pageUrl: url, srcUrl };
    const { saveImage } = await this.background();
    return saveImage(info, tab);
  },

  /** The stored image `hash`: `{type, bytes}` (bytes as numbers), or null. */
  async storedImage(hash) {
    const { getImage } = await import('../images/db.js');
    const image = await getImage(hash);
    return image ? { type: image.type, bytes: [...new Uint8Array(await image.blob.arrayBuffer())] } : null;
  },

  /** What the menu does for a selection in the top frame of the tab showing `url`. */
  async saveFromMenu(url, selectionText) {
    const tab = await this.tabShowing(url);
    const info = { menuItemId: 'save-quote', editable: false, frameId: 0, pageUrl: url, selectionText };
    const { saveQuote } = await this.background();
    return saveQuote(info, tab);
  },
};
