// @ts-check
// Opening the popup shows the page's highlights (the toolbar click granted `activeTab`),
// and lists here the page's quotes that could not be placed: "not found on this page"
// (the passage changed or went) and those found in more than one place, which are never
// guessed. None is dropped: each stays in the note, and is listed with why.
import { api } from '../browser.js';
import * as library from '../library.js';
import { NOT_FOUND, showHighlights } from '../highlights.js';
import { h, t } from '../ui/i18n.js';

const section = /** @type {HTMLElement} */ (document.getElementById('not-found'));
const list = /** @type {HTMLElement} */ (document.getElementById('not-found-list'));

/** The tab the popup is about (as popup.js finds it). */
async function pageTab() {
  const self = await api.tabs.getCurrent();
  const [active] = await api.tabs.query({ active: true, currentWindow: true });
  if (!self || active?.id !== self.id) return active;
  const tabs = await api.tabs.query({ currentWindow: true });
  return tabs
    .filter((tab) => tab.id !== self.id)
    .sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
}

async function main() {
  const tab = await pageTab();
  const shown = await showHighlights(tab);
  document.body.dataset.highlights = shown.shown ? 'shown' : (shown.reason ?? 'none');
  if (!shown.shown || !shown.key) return;
  const missing = shown.anchors.filter((a) => NOT_FOUND.includes(a.status));
  if (!missing.length) return;
  const note = await library.loadNote(shown.key);
  if (!note) return;
  const byId = new Map(note.quotes.map((q) => [q.id, q]));
  list.replaceChildren(...missing.filter((a) => byId.has(a.id)).map((anchor) => {
    const text = (byId.get(anchor.id)?.text ?? '').replace(/\s+/g, ' ').trim();
    return h('li', { 'data-quote-id': anchor.id, 'data-status': anchor.status },
      h('span', { class: 'text', text: text.length > 160 ? `${text.slice(0, 157)}…` : text }),
      h('span', { class: 'why muted small', text: t(anchor.status === 'ambiguous' ? 'notFoundAmbiguous' : 'notFoundOrphan') }));
  }));
  section.hidden = list.childElementCount === 0;
}

main().catch((error) => console.warn('Quotebook: the page\'s highlights:', error));
