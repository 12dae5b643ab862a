// @ts-check
// The popup's "sync paused" line: after a browser restart a picked folder (File System
// Access) needs its permission granted again, which only a click can do. Sync after save
// then pauses (the last result says `paused`) and this offers the one-click resume.
import { api } from '../browser.js';
import { t, syncCounts } from '../ui/i18n.js';
import { RESULT_KEY, loadSettings, syncNow } from './sync.js';

/**
 * The element with id `id` (popup.html); the resume button is a button.
 * @template {string} K
 * @param {K} id
 * @returns {K extends 'sync-resume' ? HTMLButtonElement : HTMLElement}
 */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

async function show() {
  const { backend } = await loadSettings();
  const result = /** @type {{backend?: string, paused?: boolean, folder?: string} | undefined} */ (
    (await api.storage.local.get(RESULT_KEY))[RESULT_KEY]);
  const paused = backend === 'fsa' && result?.backend === 'fsa' && result.paused;
  $('sync-paused').hidden = !paused;
  if (paused) $('sync-paused-text').textContent = t('syncPausedText', result.folder ?? '');
}

$('sync-resume').addEventListener('click', async () => {
  $('sync-resume').disabled = true;
  const result = await syncNow({ ask: true });
  $('sync-resume').disabled = false;
  if (result.ok) {
    const s = result.summary;
    $('sync-paused-text').textContent = t('syncResumed', syncCounts(s, false));
    $('sync-resume').hidden = true;
  } else {
    $('sync-paused-text').textContent = t('syncFailed', String(result.error).replace(/^[a-z_]+: /, ''));
  }
});

show().catch((error) => console.warn('Quotebook: sync state:', error));
