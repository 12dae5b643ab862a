// @ts-check
// The popup's line about images kept as links only (their site was not allowed, or the
// download failed): how many, and "Fetch images", which asks for their sites (the click
// is the gesture) and keeps what it then may.
import { api } from '../browser.js';
import { NOTE_PREFIX } from '../store.js';
import { t } from '../ui/i18n.js';
import { fetchMissingImages, keepingImages, missingImages } from '../images/keep.js';

const line = /** @type {HTMLElement} */ (document.getElementById('images-waiting'));
const text = /** @type {HTMLElement} */ (document.getElementById('images-waiting-text'));
const button = /** @type {HTMLButtonElement} */ (document.getElementById('images-fetch'));

/** The notes by key, as last read (the click must not wait to read them). */
let notes = {};

async function show() {
  if (!(await keepingImages())) {
    line.hidden = true;
    return;
  }
  const all = await api.storage.local.get(null);
  notes = Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(NOTE_PREFIX)));
  const { count } = missingImages(notes);
  line.hidden = count === 0;
  if (count > 0) text.textContent = t('popupImagesWaiting', String(count));
}

button.addEventListener('click', () => {
  button.disabled = true;
  // No await before this call: it asks for the sites while the click is a gesture.
  fetchMissingImages(notes).then(async (outcome) => {
    button.disabled = false;
    await show();
    // What the click did, until the popup closes; the button stays while images wait.
    button.hidden = line.hidden;
    line.hidden = false;
    text.textContent = t('popupImagesFetched', String(outcome.kept), String(outcome.refused), outcome.reason ?? '');
  });
});

show().catch((error) => console.warn('Quotebook: images kept as links:', error));
