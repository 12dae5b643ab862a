// @ts-check
// The toolbar popup: this page's note first, then every note, newest first; instant
// search; for a note a preview, Markdown copy and download; for a quote its deep link,
// comment and tags; deletions that can be undone, also after the popup was closed.
//
// Page content (titles, quotes, comments, URLs) only ever reaches the DOM as text
// (textContent, attributes), the preview included: the core builds its DOM nodes from a
// sanitized tree, with no HTML string in between (see `togglePreview`).
import { api } from '../browser.js';
import { core } from '../core.js';
import * as library from '../library.js';
import { t, plural, localize, errorText, formatDate, h, announce } from '../ui/i18n.js';
import { withStoredImages } from '../images/preview.js';

const PAGE_SIZE = 30;
/** Quote snippets a search result shows under its note's title. */
const SNIPPETS = 3;
/** A quote longer than this (characters of text, or lines) is folded, with "more". */
const FOLD_CHARS = 420;
const FOLD_LINES = 7;

/** @typedef {import('../store.js').Note} Note */
/** @typedef {import('../store.js').Quote} Quote */

/**
 * The popup's state.
 * @type {{notes: Note[], index: any, pageNote: Note | null, pageKey: string | null,
 *   results: {note: Note, query: string}[] | null, shown: number, loading: boolean,
 *   expanded: Set<string>, settings: import('../library.js').Settings,
 *   wasm: import('../core.js').Core | null, unfolded: Set<string>}}
 */
const state = {
  notes: [],
  index: null,
  /** The note of the page the popup was opened on, if any, and its storage key. */
  pageNote: null,
  pageKey: null,
  /** Search results (`[{note, query}]`), or null without a query. */
  results: null,
  shown: PAGE_SIZE,
  /** Until every note is read. */
  loading: true,
  /** Storage keys of the notes whose details are open. */
  expanded: new Set(),
  settings: { templates: { note: '', quote: '' }, fileNamePattern: '', images: {} },
  /** The core, once loaded: quotes are drawn from their Markdown by it. */
  wasm: null,
  /** Ids of the long quotes unfolded by the reader. */
  unfolded: new Set(),
};

/**
 * The element with id `id` (popup.html); the search field is an input.
 * @template {string} K
 * @param {K} id
 * @returns {K extends 'search' ? HTMLInputElement : HTMLElement}
 */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

localize();
main().catch((error) => {
  console.error('Quotebook: the popup failed to open:', error);
  announce(errorText(error), 'error');
});

async function main() {
  $('search').addEventListener('input', onSearch);
  $('search').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && $('search').value !== '') {
      event.preventDefault();
      $('search').value = '';
      onSearch();
    }
  });
  $('more').addEventListener('click', () => {
    state.shown += PAGE_SIZE;
    renderList();
    // Keep the keyboard where the new cards begin.
    /** @type {HTMLElement | null | undefined} */ ($('notes').children[state.shown - PAGE_SIZE]?.querySelector('.note-toggle'))?.focus();
  });
  $('open-options').addEventListener('click', () => api.runtime.openOptionsPage());
  $('search').focus();

  // The core draws the quotes; it loads while the notes are read (the first cards drawn
  // are closed: they show no quote yet).
  const wasmReady = core().then((wasm) => { state.wasm = wasm; }, (error) => {
    console.warn('Quotebook: quotes are shown as text, the core failed to load:', error);
  });
  await library.purgeTrash().catch((error) => console.warn('Quotebook: purge failed:', error));
  let drawn = false;
  const all = library.loadNotes((partial, added) => {
    // Index while the next notes are read; the first ones are drawn at once, and the list
    // settles when all are read.
    library.indexNotes(added);
    if (drawn) return;
    drawn = true;
    setNotes(library.sortNewestFirst([...partial]));
    render();
    performance.measure('quotebook-open-first');
  });
  const [settings, tab] = await Promise.all([
    library.loadSettings(),
    pageTab().catch(() => undefined),
  ]);
  state.settings = settings;
  await wasmReady;
  // A large library takes a while to read: this page's note, found by its identity,
  // comes first.
  const quick = await library.loadPageNote(tab?.url).catch(() => null);
  if (quick) {
    state.pageNote = quick;
    state.pageKey = library.storageKey(quick);
    state.expanded.add(state.pageKey);
    render();
  }
  const notes = await all;
  performance.measure('quotebook-open-read');
  state.loading = false;
  setNotes(notes);
  if ($('search').value.trim()) state.results = library.search(ensureIndex(), $('search').value);
  state.pageNote = await library.findPageNote(notes, tab?.url);
  if (state.pageNote) {
    state.pageKey = library.storageKey(state.pageNote);
    state.expanded.add(state.pageKey);
  }
  render();
  performance.measure('quotebook-open-drawn');
  await renderUndo();
  // The search index is built once the list is drawn (or by the first keystroke).
  setTimeout(() => {
    ensureIndex();
    performance.measure('quotebook-open-indexed');
  }, 0);
}

/**
 * The tab the popup is about: the active tab of its window. When the popup page is itself
 * open in a tab (not as the toolbar popup), the tab used just before it. Without the
 * `tabs` permission its URL is only known where the extension may see it (a toolbar click
 * grants that for the active tab); otherwise there is no "this page" section.
 */
async function pageTab() {
  const self = await api.tabs.getCurrent();
  const [active] = await api.tabs.query({ active: true, currentWindow: true });
  if (!self || active?.id !== self.id) return active;
  const tabs = await api.tabs.query({ currentWindow: true });
  return tabs
    .filter((tab) => tab.id !== self.id)
    .sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
}

/** @param {Note[]} notes */
function setNotes(notes) {
  state.notes = notes;
  state.index = null;
}

function ensureIndex() {
  state.index ??= library.buildIndex(state.notes);
  return state.index;
}

// ---------------------------------------------------------------------------------------
// Search

function onSearch() {
  const started = performance.now();
  state.results = library.search(ensureIndex(), $('search').value);
  state.shown = PAGE_SIZE;
  render();
  // Read by tests/e2e/ui-bench-search.mjs: the time from the keystroke to the list drawn.
  performance.measure('quotebook-search', { start: started, end: performance.now() });
}

// ---------------------------------------------------------------------------------------
// Rendering

function render() {
  const searching = state.results !== null;
  const { pageKey } = state;
  $('this-page').hidden = searching || !state.pageNote;
  $('this-page-note').replaceChildren(
    ...(state.pageNote && !searching ? [noteCard(state.pageNote, null, 'page', '')] : []),
  );
  $('all-heading').textContent = t(searching ? 'resultsHeading' : 'allNotesHeading');
  $('empty').hidden = state.loading || state.notes.length > 0;
  $('all').hidden = !state.loading && state.notes.length === 0;
  renderList(pageKey);
}

function renderList(pageKey = state.pageKey) {
  const searching = state.results !== null;
  const items = state.results
    ?? state.notes.filter((n) => library.storageKey(n) !== pageKey).map((note) => ({ note, query: null }));
  const visible = items.slice(0, state.shown);
  $('notes').replaceChildren(
    ...visible.map(({ note, query }) =>
      h('li', {}, noteCard(note, query ? library.matchingQuoteIds(note, query) : null, 'list', query ?? ''))),
  );
  $('more').hidden = items.length <= visible.length;
  if (state.loading) $('result-count').textContent = t('loading');
  else if (searching) $('result-count').textContent = plural('resultCount', items.length);
  else $('result-count').textContent = plural('noteCount', state.notes.length);
}

/** @param {Note} note */
function site(note) {
  if (note.site) return note.site;
  try {
    return new URL(note.url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * `text` as nodes, the words of a search's `query` in `<mark>` (the core finds them as the
 * search does, ignoring case and accents).
 * @param {string} text
 * @param {string} query
 * @returns {(Node | string)[]}
 */
function marked(text, query) {
  if (!query || !state.wasm) return [text];
  return state.wasm.mark_text(text, query)
    .map((piece) => (piece.mark ? h('mark', { text: piece.text }) : piece.text));
}

/**
 * A note's card: its title and facts; open, its actions and quotes.
 * @param {Note} note
 * @param {Set<string> | null} quoteIds the quotes to show (a search's), or all
 * @param {string} place
 * @param {string} query the search's words, marked where they are found
 */
function noteCard(note, quoteIds, place, query) {
  const key = library.storageKey(note);
  const open = state.expanded.has(key);
  const detailsId = `details-${place}-${cssId(key)}`;
  const count = note.quotes.length;
  const card = h('article', { class: 'note', 'data-key': key, 'data-place': place });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'note-toggle',
      'aria-expanded': String(open),
      'aria-controls': detailsId,
      onclick: () => {
        if (state.expanded.has(key)) state.expanded.delete(key);
        else state.expanded.add(key);
        const fresh = noteCard(note, quoteIds, place, query);
        card.replaceWith(fresh);
        fresh.querySelector('.note-toggle').focus();
      },
    },
    h('span', { class: 'note-title' }, ...marked(note.title || note.url, query)),
    h('span', { class: 'note-meta muted small' }, ...marked(
      [note.authors?.join(', '), site(note), plural('quoteCount', count), formatDate(note.updated)]
        .filter(Boolean).join(' · '),
      query,
    )),
  );
  card.append(h('h3', { class: 'note-heading' }, toggle));

  if (quoteIds && !open) {
    const matching = note.quotes.filter((q) => quoteIds.has(q.id)).slice(0, SNIPPETS);
    if (matching.length) {
      card.append(h('ul', { class: 'snippets' }, ...matching.map((q) => h('li', {}, ...marked(snippet(q, query), query)))));
    }
  }
  if (!open) return card;

  const details = h('div', { class: 'note-details', id: detailsId });
  const preview = h('div', { class: 'preview', hidden: true, tabindex: '-1', 'aria-label': t('previewLabel') });
  const previewButton = h('button', {
    type: 'button',
    'aria-pressed': 'false',
    text: t('preview'),
    onclick: () => togglePreview(note, preview, previewButton),
  });
  details.append(
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': t('noteActions') },
      previewButton,
      h('button', { type: 'button', text: t('copyMarkdown'), onclick: () => copyMarkdown(note) }),
      h('button', { type: 'button', text: t('downloadMarkdown'), onclick: () => downloadMarkdown(note) }),
      h('button', {
        type: 'button',
        text: t('openSource'),
        disabled: !isWebUrl(note.url),
        onclick: () => openUrl(note.url),
      }),
      h('button', { type: 'button', class: 'danger', text: t('deleteNote'), onclick: () => removeNote(note) }),
    ),
    preview,
  );
  const shownQuotes = quoteIds ? note.quotes.filter((q) => quoteIds.has(q.id)) : note.quotes;
  if (quoteIds && shownQuotes.length < note.quotes.length) {
    details.append(h('p', { class: 'muted small', text: t('matchingQuotes', shownQuotes.length, note.quotes.length) }));
  }
  details.append(h('ol', { class: 'quotes' }, ...shownQuotes.map((q) => h('li', {}, quoteView(note, q, query)))));
  card.append(details);
  return card;
}

/**
 * A quote's text on one line, cut short; around the first word of `query` found in it
 * when that is further in.
 * @param {Pick<Quote, 'text'>} quote
 * @param {string} [query]
 */
function snippet(quote, query = '') {
  let text = quote.text.replace(/\s+/g, ' ').trim();
  if (query && state.wasm) {
    const pieces = state.wasm.mark_text(text, query);
    const first = pieces.findIndex((p) => p.mark);
    const at = pieces.slice(0, Math.max(first, 0)).reduce((n, p) => n + p.text.length, 0);
    if (at > 100) text = `…${text.slice(at - 60)}`;
  }
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function cssId(key) {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}

function isWebUrl(url) {
  return /^https?:\/\//i.test(url ?? '');
}

/**
 * A quote's words as the note has them: its Markdown drawn by the core (the preview's
 * allowlist: DOM nodes, no HTML string), the search's words marked; its text without the
 * core.
 * @param {Quote} quote
 * @param {string} query
 */
function quoteBody(quote, query) {
  const body = h('blockquote', { class: 'quote-text', id: `quote-${cssId(quote.id)}` });
  try {
    if (!state.wasm) throw new Error('no core');
    body.append(state.wasm.markdown_preview_marked(quote.markdown || quote.text, query));
  } catch {
    body.append(...marked(quote.text, query));
  }
  return body;
}

/** @param {Quote} quote */
function isLong(quote) {
  return quote.text.length > FOLD_CHARS || quote.text.split('\n').length > FOLD_LINES;
}

/**
 * One quote: its text (a long one folded, with "more"), tags, comment and actions.
 * @param {Note} note
 * @param {Quote} quote
 * @param {string} query
 */
function quoteView(note, quote, query) {
  const box = h('div', { class: 'quote', 'data-quote-id': quote.id });
  const link = library.quoteLink(note, quote);
  const body = quoteBody(quote, query);
  box.append(body);
  if (isLong(quote)) {
    const fold = (/** @type {boolean} */ open) => {
      body.classList.toggle('folded', !open);
      more.setAttribute('aria-expanded', String(open));
      more.textContent = t(open ? 'quoteLess' : 'quoteMore');
    };
    const more = h('button', {
      type: 'button',
      class: 'quote-more link',
      'aria-controls': body.id,
      onclick: () => {
        const open = !state.unfolded.has(quote.id);
        if (open) state.unfolded.add(quote.id);
        else state.unfolded.delete(quote.id);
        fold(open);
      },
    });
    fold(state.unfolded.has(quote.id));
    box.append(more);
  }
  if (quote.tags?.length) {
    box.append(h('ul', { class: 'tags', 'aria-label': t('tagsLabel') }, ...quote.tags.map((tag) => h('li', {}, ...marked(`#${tag}`, query)))));
  }
  if (quote.comment) {
    box.append(h(
      'div',
      { class: 'comment' },
      h('span', { class: 'comment-label', text: t('commentLabel') }),
      h('p', {}, ...marked(quote.comment, query)),
    ));
  }
  const edit = h('button', { type: 'button', text: t('editQuote'), onclick: () => editQuote(note, quote, box) });
  box.append(
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': t('quoteActions') },
      h('button', {
        type: 'button',
        text: t('openAtQuote'),
        disabled: !isWebUrl(link),
        onclick: () => openUrl(link),
      }),
      edit,
      h('button', { type: 'button', class: 'danger', text: t('deleteQuote'), onclick: () => removeQuote(note, quote) }),
    ),
  );
  return box;
}

/**
 * The comment and tags editor, in place of the quote's actions.
 * @param {Note} note
 * @param {Quote} quote
 * @param {HTMLElement} box
 */
function editQuote(note, quote, box) {
  const id = `edit-${cssId(quote.id)}`;
  const comment = h('textarea', { id: `${id}-comment`, rows: '3' });
  comment.value = quote.comment ?? '';
  const tags = h('input', { type: 'text', id: `${id}-tags`, 'aria-describedby': `${id}-tags-help` });
  tags.value = (quote.tags ?? []).join(', ');
  const cancel = () => {
    form.replaceWith(actions);
    /** @type {HTMLElement | null} */ (actions.querySelector('button:nth-child(2)'))?.focus();
  };
  // The quote's actions, which quoteView always draws.
  const actions = /** @type {HTMLElement} */ (box.querySelector('.actions'));
  const form = h(
    'form',
    {
      class: 'edit',
      onsubmit: async (event) => {
        event.preventDefault();
        const list = tags.value.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
        try {
          const key = library.storageKey(note);
          const updated = await library.annotate(key, quote.id, comment.value, list);
          replaceNote(key, updated);
          announce(t('savedComment'));
          focusQuote(key, quote.id, 'button:nth-child(2)');
        } catch (error) {
          announce(errorText(error), 'error');
        }
      },
      onkeydown: (event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          cancel();
        }
      },
    },
    h('label', { for: comment.id, text: t('commentLabel') }),
    comment,
    h('label', { for: tags.id, text: t('tagsLabel') }),
    tags,
    h('p', { id: `${id}-tags-help`, class: 'muted small', text: t('tagsHelp') }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', text: t('save') }),
      h('button', { type: 'button', text: t('cancel'), onclick: cancel }),
    ),
  );
  actions.replaceWith(form);
  comment.focus();
}

function focusQuote(key, quoteId, selector) {
  const card = [.../** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('article.note'))].find((c) => c.dataset.key === key);
  const quote = card && [.../** @type {NodeListOf<HTMLElement>} */ (card.querySelectorAll('.quote'))].find((q) => q.dataset.quoteId === quoteId);
  (quote?.querySelector(selector) ?? card?.querySelector('.note-toggle'))?.focus();
}

/**
 * Puts a changed note in place of the old one everywhere (list, index, cards).
 * @param {string} key
 * @param {Note | null} updated null: the note is gone
 */
function replaceNote(key, updated) {
  const notes = state.notes.filter((n) => library.storageKey(n) !== key);
  if (updated) notes.push(updated);
  library.sortNewestFirst(notes);
  setNotes(notes);
  if (state.pageKey === key) state.pageNote = updated;
  if (state.results !== null) state.results = library.search(ensureIndex(), $('search').value);
  render();
}

// ---------------------------------------------------------------------------------------
// A note's Markdown

/**
 * @param {Note} note
 * @returns {Promise<string>}
 */
async function markdownOf(note) {
  const rendered = await library.renderNote(note, state.settings.templates);
  if (rendered.error) {
    announce(t('templateErrorUsed', rendered.error.line, rendered.error.column), 'error');
  }
  return rendered.markdown;
}

/** Each open preview's revoker of the object URLs it shows. */
const previewImages = new WeakMap();

/**
 * @param {Note} note
 * @param {HTMLElement} preview
 * @param {HTMLElement} button
 */
async function togglePreview(note, preview, button) {
  if (!preview.hidden) {
    preview.hidden = true;
    button.setAttribute('aria-pressed', 'false');
    return;
  }
  try {
    // Stored images through object URLs of ours (revoked when the preview is built again).
    previewImages.get(preview)?.();
    const shown = await withStoredImages(note);
    previewImages.set(preview, shown.revoke);
    const rendered = await library.renderNote(shown.note, state.settings.templates, { keep: false });
    if (rendered.error) announce(t('templateErrorUsed', rendered.error.line, rendered.error.column), 'error');
    // Elements and attributes from the core's allowlists, everything else text: raw HTML
    // shows as written, links go only to the web and mail (new tab, no opener), stored
    // images show, remote ones are placeholders that load nothing (`markdown_preview`).
    preview.replaceChildren((await core()).markdown_preview(rendered.markdown));
    preview.hidden = false;
    button.setAttribute('aria-pressed', 'true');
    preview.focus();
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

/** @param {Note} note */
async function copyMarkdown(note) {
  try {
    await navigator.clipboard.writeText(await markdownOf(note));
    announce(t('copied'));
  } catch (error) {
    console.warn('Quotebook: copy failed:', error);
    announce(t('copyFailed'), 'error');
  }
}

/** @param {Note} note */
async function downloadMarkdown(note) {
  try {
    const [markdown, name] = await Promise.all([
      markdownOf(note),
      library.fileName(note, state.settings.fileNamePattern),
    ]);
    const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown;charset=utf-8' }));
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce(t('downloaded', name));
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

async function openUrl(url) {
  if (!isWebUrl(url)) return;
  try {
    await api.tabs.create({ url });
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

// ---------------------------------------------------------------------------------------
// Deletion and undo

/**
 * @param {Note} note
 * @param {Quote} quote
 */
async function removeQuote(note, quote) {
  const key = library.storageKey(note);
  try {
    const updated = await library.deleteQuote(key, quote.id);
    replaceNote(key, updated);
    announce(t('deletedQuote'));
    await renderUndo(true);
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

/** @param {Note} note */
async function removeNote(note) {
  const key = library.storageKey(note);
  try {
    await library.deleteNote(key);
    state.expanded.delete(key);
    replaceNote(key, null);
    announce(t('deletedNote'));
    await renderUndo(true);
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

/** The undo offers: every deletion still in the trash, newest first. */
async function renderUndo(focus = false) {
  const trash = await library.listTrash();
  $('undo').hidden = trash.length === 0;
  $('undo-list').replaceChildren(
    ...trash.map((entry) => {
      const what = entry.kind === 'note'
        ? t('undoNoteText', entry.title || entry.note?.url || '')
        : t('undoQuoteText', snippet(entry.quote ?? { text: '' }), entry.title || '');
      return h(
        'li',
        {},
        h('span', { class: 'undo-text', text: what }),
        h('button', {
          type: 'button',
          class: 'undo-button',
          text: t('undo'),
          'aria-label': `${t('undo')}: ${what}`,
          onclick: () => restore(entry),
        }),
      );
    }),
  );
  if (focus) $('undo-list').querySelector('button')?.focus();
}

async function restore(entry) {
  try {
    const restored = await library.undo(entry.trashKey);
    replaceNote(entry.key, restored);
    announce(t('restored'));
    await renderUndo();
    focusQuote(entry.key, entry.quote?.id, '.actions button');
  } catch (error) {
    announce(errorText(error), 'error');
    await renderUndo();
  }
}
