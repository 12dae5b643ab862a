// @ts-check
// What the card (card/card.html) asks the worker to do to a note. The card runs in a frame
// inside a web page, where storage partitioning gives it Web Locks of its own: its
// read-modify-writes would not be serialised with saves. So the worker, whose lock is the
// notes' lock, does them, for the card page only.
import { api } from './browser.js';
import * as library from './library.js';
import { CARD_EDIT } from './store.js';

/**
 * The operations the card may ask for, by name (`sender`: the card's frame).
 * @type {Record<string, (args: any, sender: chrome.runtime.MessageSender) => Promise<unknown>>}
 */
const OPERATIONS = {
  // To the page script that placed the card (card-host.js, the tab's top frame): Firefox
  // gives an extension frame inside a web page no `tabs` of its own.
  tell: async ({ order }, sender) => {
    const tabId = sender.tab?.id;
    if (tabId === undefined || tabId < 0) throw new Error('not_found: the card\'s tab');
    const action = String(order?.action ?? '');
    if (!['close', 'size', 'repaint'].includes(action)) throw new Error(`invalid_data: ${action}`);
    await api.tabs.sendMessage(tabId, { quotebookCard: { action, height: Number(order.height) || 0 } }, { frameId: 0 });
    return null;
  },
  load: ({ key }) => library.loadNote(key),
  annotate: ({ key, id, comment, tags }) => library.annotate(key, id, String(comment), tags.map(String)),
  setKind: ({ key, id, kind }) => library.setKind(key, id, String(kind)),
  delete: ({ key, id }) => library.deleteQuoteWithUndo(key, id),
  undo: ({ trashKey }) => library.undo(String(trashKey)),
};

/**
 * Answers the card's message (call from `runtime.onMessage`); returns `true` (an answer
 * follows) for the card's messages, `undefined` for others. Only the extension's own card
 * page is answered: a content script's sender has the page's URL.
 */
export function answerCard(message, sender, reply) {
  if (message?.type !== CARD_EDIT) return undefined;
  const operation = OPERATIONS[message.op];
  if (sender.id !== api.runtime.id || !fromCard(sender.url) || !operation) {
    console.warn('Quotebook: refused a note change not asked by the card:', message?.op);
    reply({ error: 'invalid_data: not a card of this extension' });
    return undefined;
  }
  operation(message.args ?? {}, sender).then(
    (value) => reply({ value }),
    (error) => reply({ error: String(error?.message ?? error) }),
  );
  return true;
}

/**
 * Whether `url` is the card page of this extension, at its static address or at the
 * session's dynamic one (`use_dynamic_url`: `runtime.getURL` gives that one).
 * @param {string | undefined} url
 */
function fromCard(url) {
  if (!url) return false;
  const parsed = new URL(url);
  const ours = new Set([new URL(api.runtime.getURL('')).origin, `${parsed.protocol}//${api.runtime.id}`]);
  return ours.has(parsed.origin) && /^(chrome|moz)-extension:$/.test(parsed.protocol) && parsed.pathname === '/card/card.html';
}
