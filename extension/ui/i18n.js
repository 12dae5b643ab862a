// @ts-check
// UI strings come from `_locales/<lang>/messages.json` through `i18n.getMessage`; pages
// mark their static text with `data-i18n*` attributes and `localize` fills it in.
import { api } from '../browser.js';

/** The message `key` with its substitutions; the key itself if the message is missing. */
export function t(key, ...substitutions) {
  const text = api.i18n.getMessage(key, substitutions.map(String));
  if (!text) console.warn(`Quotebook: no message ${key}`);
  return text || key;
}

/**
 * A message that depends on the number `n`: `<key>_<plural category>` (`_one`, `_other`,
 * …, as `Intl.PluralRules` picks for the UI's language), else `<key>_other`.
 */
export function plural(key, n, ...more) {
  const category = new Intl.PluralRules(api.i18n.getUILanguage()).select(n);
  const text = api.i18n.getMessage(`${key}_${category}`, [String(n), ...more.map(String)]);
  return text || t(`${key}_other`, n, ...more);
}

/**
 * A sync's counts, each worded for its own number ("1 conflict", "2 conflicts").
 * @param {{created?: number, updated?: number, appended?: number, skipped?: number, conflict?: number}} s
 * @param {boolean} [withSkipped]
 */
export function syncCounts(s, withSkipped = true) {
  const parts = [
    plural('syncCreated', s.created ?? 0),
    plural('syncUpdated', s.updated ?? 0),
    plural('syncAppended', s.appended ?? 0),
  ];
  if (withSkipped) parts.push(plural('syncSkipped', s.skipped ?? 0));
  parts.push(plural('syncConflicts', s.conflict ?? 0));
  return parts.join(', ');
}

const ATTRIBUTES = {
  'data-i18n-placeholder': 'placeholder',
  'data-i18n-title': 'title',
  'data-i18n-aria-label': 'aria-label',
};

/** Fills in every `data-i18n` (text) and `data-i18n-<attribute>` of `root`. */
export function localize(root = document) {
  if (root === document) {
    document.documentElement.lang = api.i18n.getUILanguage();
    document.documentElement.dir = api.i18n.getMessage('@@bidi_dir') || 'ltr';
  }
  for (const element of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n]'))) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const [data, attribute] of Object.entries(ATTRIBUTES)) {
    for (const element of root.querySelectorAll(`[${data}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(data)));
    }
  }
}

/**
 * An error from the core or from the library (`code: details`) worded in the UI's
 * language by its code; the details (English, technical) are only logged.
 */
export function errorText(error) {
  const message = String(error?.message ?? error);
  const match = /^([a-z_]+): ?(.*)$/s.exec(message);
  if (match) {
    const text = api.i18n.getMessage(`error_${match[1]}`);
    if (text) return text;
  }
  return t('error_unknown', message);
}

/** A date and time in the UI's language. */
export function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(api.i18n.getUILanguage(), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

/** Creates an element with attributes (`text` sets its text content) and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') element.textContent = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** Announces `text` in the page's live region (`#status`), for eyes and screen readers. */
export function announce(text, kind = 'info') {
  const status = document.getElementById('status');
  if (!status) return;
  status.textContent = text;
  status.dataset.kind = kind;
}
