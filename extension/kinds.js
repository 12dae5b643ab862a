// @ts-check
// Highlight kinds as the reader sees them: the core owns the stable ids (`quote_kinds()`,
// stored in each quote); their names and colours are the reader's settings, kept in
// `storage.sync` under one item. A name left empty shows the default name in the UI's
// language.
import { api } from './browser.js';

/** The `storage.sync` item holding `{[kind id]: {name, color}}`. */
export const KINDS_KEY = 'kinds';

/** The kind a quote has unless the reader picks another. */
export const DEFAULT_KIND = 'quote';

/**
 * The kinds in the order the card and the options list them, with their default colours:
 * light enough for dark text on them, and told apart by hue.
 */
export const KINDS = Object.freeze([
  { id: 'quote', color: '#fde68a', message: 'kind_quote' },
  { id: 'important', color: '#fca5a5', message: 'kind_important' },
  { id: 'question', color: '#93c5fd', message: 'kind_question' },
  { id: 'idea', color: '#86efac', message: 'kind_idea' },
  { id: 'definition', color: '#d8b4fe', message: 'kind_definition' },
]);

/** @typedef {{id: string, name: string, color: string}} Kind */

/** A colour as `<input type="color">` writes it; anything else is ignored. */
export function validColor(value) {
  return typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value);
}

/**
 * The kinds with the reader's names and colours (defaults where none is set).
 * @returns {Promise<Kind[]>}
 */
export async function loadKinds() {
  let stored = {};
  try {
    stored = (await api.storage.sync.get(KINDS_KEY))[KINDS_KEY] ?? {};
  } catch (error) {
    console.warn('Quotebook: cannot read the kinds\' settings:', error?.message);
  }
  return KINDS.map(({ id, color }) => {
    const own = stored?.[id] ?? {};
    const name = typeof own.name === 'string' && own.name.trim() ? own.name.trim() : defaultName(id);
    return { id, name, color: validColor(own.color) ? own.color : color };
  });
}

/** The name of kind `id` in the UI's language. */
export function defaultName(id) {
  const message = KINDS.find((k) => k.id === id)?.message;
  return (message && api.i18n.getMessage(message)) || id;
}

/**
 * `{[kind id]: colour}`, as highlight.js paints them.
 * @param {Kind[]} kinds
 */
export function colors(kinds) {
  return Object.fromEntries(kinds.map((k) => [k.id, k.color]));
}
