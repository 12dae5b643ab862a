// Firefox test build only (`cargo xtask dist` adds it as a second background script of
// extension/dist/firefox-test/). WebDriver BiDi can neither evaluate in the background's
// realm nor navigate a tab to a moz-extension:// page, so the background opens the page the
// end-to-end tests drive: test.html, an extension page with the whole API.
import { api } from '../browser.js';

api.runtime.onInstalled.addListener(() => {
  api.tabs.create({ url: api.runtime.getURL('test/test.html') });
});
