// @ts-check
// The popup's lines about quotes that storage refused: they are kept, and saved with the
// next quote (see `PENDING_PREFIX` in store.js). The badge said so at the time; this says
// it for as long as it is true. A save Quotebook stopped retrying by itself (after
// `MAX_ATTEMPTS`) is listed with a button to try it again and one to let it go. The last
// save that failed is said in words too, with its reason: on a browser page, the store or
// the PDF viewer no notice of ours can show on the page.
import { plural, t } from '../ui/i18n.js';
import { api } from '../browser.js';
import { discardFailedSave, failedSaves, keptSaveCount, retryFailedSave } from '../save.js';
import { LAST_FAILURE_KEY } from '../store.js';

const line = /** @type {HTMLElement} */ (document.getElementById('save-kept'));
const failedSection = /** @type {HTMLElement} */ (document.getElementById('save-failed'));
const failedList = /** @type {HTMLElement} */ (document.getElementById('save-failed-list'));

async function showKept() {
  const n = await keptSaveCount();
  line.hidden = n === 0;
  if (n > 0) line.textContent = plural('savesKept', n);
}

async function showLastFailure() {
  const element = /** @type {HTMLElement} */ (document.getElementById('save-last-failure'));
  const last = /** @type {{url: string, title: string, reason: string} | undefined} */ (
    (await api.storage.session?.get(LAST_FAILURE_KEY))?.[LAST_FAILURE_KEY]);
  element.hidden = !last;
  // Page text only ever as text.
  if (last) element.textContent = t('saveLastFailure', last.title?.trim() || last.url || '?', last.reason);
}

async function showFailed() {
  const failed = await failedSaves();
  failedSection.hidden = failed.length === 0;
  failedList.replaceChildren(...failed.map((save) => {
    const item = document.createElement('li');
    item.dataset.key = save.key;
    const text = document.createElement('span');
    // Page text only ever as text.
    text.textContent = t('saveFailedItem', save.title.trim() || save.url, save.reason);
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'retry';
    retry.textContent = t('saveRetry');
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'discard';
    discard.textContent = t('saveDiscard');
    const act = (/** @type {() => Promise<unknown>} */ fn) => async () => {
      retry.disabled = discard.disabled = true;
      await fn();
      await Promise.all([showKept(), showFailed()]);
    };
    retry.addEventListener('click', act(async () => {
      const outcome = await retryFailedSave(save.key);
      if (!outcome.saved) text.textContent = t('saveFailedItem', save.title.trim() || save.url, outcome.reason ?? save.reason);
    }));
    discard.addEventListener('click', act(() => discardFailedSave(save.key)));
    item.append(text, ' ', retry, ' ', discard);
    return item;
  }));
}

Promise.all([showKept(), showFailed(), showLastFailure()])
  .catch((error) => console.warn('Quotebook: kept saves:', error));
