// @ts-check
// The options page's "Highlights" section: each kind's name and colour (kinds.js), and the
// opt-in that shows highlights by itself on quoted pages (auto.js). Apart from
// options.js, which it shares nothing with but the page.
import { api } from '../browser.js';
import { ALL_SITES, AUTO_KEY, disableAuto, syncRegistration } from '../auto.js';
import { KINDS, KINDS_KEY, defaultName, loadKinds, validColor } from '../kinds.js';
import { t, localize, h, errorText } from '../ui/i18n.js';

/** Wait this long after the last keystroke before writing to `storage.sync`. */
const SAVE_DELAY_MS = 800;

const $ = (id) => /** @type {any} */ (document.getElementById(id));

localize(/** @type {any} */ (document.getElementById('highlights')));
main().catch((error) => {
  console.error('Quotebook: the highlights\' settings:', error);
  $('auto-highlights-status').textContent = errorText(error);
});

async function main() {
  await showKinds();
  const box = /** @type {HTMLInputElement} */ ($('auto-highlights'));
  box.addEventListener('change', () => switchAuto(box.checked));
  const refresh = () => showAuto();
  api.permissions.onAdded.addListener(refresh);
  api.permissions.onRemoved.addListener(refresh);
  await showAuto();
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let kindsTimer;

async function showKinds() {
  const list = $('kinds-list');
  list.replaceChildren();
  for (const kind of await loadKinds()) {
    const colorId = `kind-color-${kind.id}`;
    const nameId = `kind-name-${kind.id}`;
    list.append(
      h('input', { type: 'color', id: colorId, value: kind.color, 'data-kind': kind.id, 'aria-label': t('kindColorLabel', defaultName(kind.id)), oninput: onKindInput }),
      h('div', {},
        h('label', { for: nameId, class: 'visually-hidden', text: t('kindNameLabel', defaultName(kind.id)) }),
        h('input', { type: 'text', id: nameId, value: kind.name, placeholder: defaultName(kind.id), 'data-kind': kind.id, spellcheck: 'false', oninput: onKindInput })),
    );
  }
}

function onKindInput() {
  clearTimeout(kindsTimer);
  $('kinds-save').textContent = '';
  kindsTimer = setTimeout(saveKinds, SAVE_DELAY_MS);
}

/** Writes every kind's name and colour as one item; defaults are not stored. */
async function saveKinds() {
  const value = {};
  for (const { id, color } of KINDS) {
    const name = /** @type {HTMLInputElement} */ ($(`kind-name-${id}`)).value.trim();
    const chosen = /** @type {HTMLInputElement} */ ($(`kind-color-${id}`)).value;
    const own = {};
    if (name && name !== defaultName(id)) own.name = name;
    if (validColor(chosen) && chosen.toLowerCase() !== color) own.color = chosen.toLowerCase();
    if (Object.keys(own).length) value[id] = own;
  }
  try {
    await api.storage.sync.set({ [KINDS_KEY]: value });
    $('kinds-save').textContent = t('kindsSaved');
  } catch (error) {
    $('kinds-save').textContent = errorText(error);
  }
}

/** The switch as the browser and the reader left it. */
async function showAuto() {
  const on = Boolean((await api.storage.local.get(AUTO_KEY))[AUTO_KEY]);
  const granted = await api.permissions.contains(ALL_SITES);
  /** @type {HTMLInputElement} */ ($('auto-highlights')).checked = on && granted;
  $('auto-highlights-status').textContent = on && !granted ? t('autoHighlightsNoPermission') : '';
}

/**
 * Turns the opt-in on (asking for all sites now: the click is the gesture the request
 * needs) or off (the script unregistered, the permission given back).
 * @param {boolean} on
 */
async function switchAuto(on) {
  const status = $('auto-highlights-status');
  status.textContent = '';
  try {
    if (!on) {
      await disableAuto();
      await showAuto();
      status.textContent = t('autoHighlightsOff');
      return;
    }
    let granted = false;
    try {
      granted = await api.permissions.request(ALL_SITES);
    } catch (error) {
      console.warn('Quotebook: the permission request failed:', error);
    }
    if (!granted) {
      /** @type {HTMLInputElement} */ ($('auto-highlights')).checked = false;
      status.textContent = t('autoHighlightsDenied');
      return;
    }
    await api.storage.local.set({ [AUTO_KEY]: true });
    const patterns = await syncRegistration();
    // The grant's own event may have redrawn the switch before the choice was stored.
    await showAuto();
    status.textContent = t('autoHighlightsOn', String(patterns.filter((p) => !p.endsWith('?*')).length));
  } catch (error) {
    status.textContent = errorText(error);
  }
}
