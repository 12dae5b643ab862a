// @ts-check
// The options page's "Images" section (issue 16): keep images as files or not, the
// attachments folder's pattern, the embed style, and the sites images may be read from.
// Each setting is saved as it changes, in `storage.sync`.
import { api } from '../browser.js';
import { SETTINGS } from '../store.js';
import { t } from '../ui/i18n.js';

/** Every site: what "Allow for all sites" asks for (the manifest's optional hosts). */
const ALL_SITES = ['http://*/*', 'https://*/*'];

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

setUp().catch((error) => console.error('Quotebook: the images settings failed to open:', error));

async function setUp() {
  const keep = /** @type {HTMLInputElement} */ ($('images-keep'));
  const folder = /** @type {HTMLInputElement} */ ($('images-folder'));
  const embed = /** @type {HTMLSelectElement} */ ($('images-embed'));
  const stored = await api.storage.sync.get([SETTINGS.imagesKeep, SETTINGS.imagesFolder, SETTINGS.imagesEmbed]);
  keep.checked = stored[SETTINGS.imagesKeep] !== false;
  const folderValue = stored[SETTINGS.imagesFolder];
  folder.value = typeof folderValue === 'string' ? folderValue : '';
  embed.value = stored[SETTINGS.imagesEmbed] === 'commonmark' ? 'commonmark' : 'obsidian';
  keep.addEventListener('change', () => save({ [SETTINGS.imagesKeep]: keep.checked }));
  folder.addEventListener('change', () => save({ [SETTINGS.imagesFolder]: folder.value.trim() }));
  embed.addEventListener('change', () => save({ [SETTINGS.imagesEmbed]: embed.value }));
  // The request must start in the click's handler, before any await.
  $('images-allow').addEventListener('click', () => {
    api.permissions.request({ origins: ALL_SITES })
      .catch((error) => {
        console.info('Quotebook: cannot ask for every site:', error?.message ?? error);
        return false;
      })
      .then(() => showAllowed());
  });
  $('images-disallow').addEventListener('click', async () => {
    await api.permissions.remove({ origins: ALL_SITES }).catch(() => false);
    await showAllowed();
  });
  await showAllowed();
}

/** Saves `items`; says so, or why not, in the section's status line. */
async function save(items) {
  try {
    await api.storage.sync.set(items);
    $('images-status').textContent = t('imagesSaved');
  } catch (error) {
    $('images-status').textContent = t('imagesNotSaved', String(error?.message ?? error));
  }
}

async function showAllowed() {
  const all = await api.permissions.contains({ origins: ALL_SITES }).catch(() => false);
  $('images-allowed').textContent = t(all ? 'imagesAllSitesAllowed' : 'imagesAllSitesNotAllowed');
  $('images-allow').hidden = all;
  $('images-disallow').hidden = !all;
}
