// @ts-check
// The card beside a quote in the page: after a save ("Saved to …", Add comment, Undo, or
// "Already saved" when the passage was in the note), and when the reader clicks a
// highlight (comment, tags, kind, deep link, delete with undo). An extension page in a
// frame (card-host.js places it): what is typed here never reaches the page.
//
// The frame's address carries what the card is about, after `#`: `key` (the note's
// storage key), `id` (the quote), `status` (`saved`, `duplicate`, `open` or `failed`),
// `reason` (a failure's words) and `focus`.
import { api } from '../browser.js';
import { CARD_EDIT } from '../store.js';
import { DEFAULT_KIND, loadKinds } from '../kinds.js';
import { t, localize, errorText } from '../ui/i18n.js';

/** Untouched, the card after a save closes by itself after this long. */
const LINGER_MS = 8000;
/** Typing is saved after this pause. */
const SAVE_DELAY_MS = 600;

/**
 * The element with id `id`.
 * @template {string} K
 * @param {K} id
 * @returns {K extends 'card-comment' ? HTMLTextAreaElement : K extends 'card-tags' ? HTMLInputElement
 *   : K extends 'card-kind' ? HTMLSelectElement : HTMLElement}
 */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

const params = new URLSearchParams(location.hash.slice(1));
const state = {
  key: params.get('key') ?? '',
  id: params.get('id') ?? '',
  status: params.get('status') ?? 'open',
  /** A deletion's trash key while its undo is offered. */
  trashKey: '',
  /** The reader typed, clicked or pointed here: the card stays until closed. */
  touched: false,
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  saveTimer: undefined,
  /** @type {Promise<unknown>} the writes, one after another */
  writes: Promise.resolve(),
};

/**
 * Asks the worker for `op` on the note (card-edits.js): in a frame inside a web page, the
 * card's own locks would not be the notes' lock. Rejects with the worker's error.
 * @param {string} op
 * @param {Record<string, unknown>} args
 * @returns {Promise<any>}
 */
async function edit(op, args) {
  const answer = await api.runtime.sendMessage({ type: CARD_EDIT, op, args });
  if (!answer || answer.error) throw new Error(answer?.error ?? 'core_failed: no answer from the worker');
  return answer.value;
}

/** The deep link of `quote` in `note` (as the popup's). */
function quoteLink(note, quote) {
  return quote?.fragment ? `${note.url}#:~:${quote.fragment}` : note.url;
}

localize();
main().catch((error) => showError(error));

async function main() {
  for (const event of ['keydown', 'pointerdown', 'input']) {
    document.addEventListener(event, () => { state.touched = true; }, true);
  }
  document.addEventListener('pointerenter', () => { state.touched = true; });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  $('card-close').addEventListener('click', close);
  $('card-add-comment').addEventListener('click', () => {
    showDetails();
    $('card-comment').focus();
  });
  $('card-undo-save').addEventListener('click', () => remove(true));
  $('card-delete').addEventListener('click', () => remove(false));
  $('card-undo-delete').addEventListener('click', restore);
  $('card-copy-link').addEventListener('click', copyLink);
  $('card-comment').addEventListener('input', scheduleSave);
  $('card-tags').addEventListener('input', scheduleSave);
  $('card-kind').addEventListener('change', saveKind);
  new ResizeObserver(reportSize).observe(document.body);

  if (state.status === 'failed') {
    $('card-said').textContent = t('cardFailed');
    showError(params.get('reason') ?? '');
    finishShowing();
    return;
  }
  const [note, kinds] = await Promise.all([edit('load', { key: state.key }), loadKinds()]);
  const quote = note?.quotes.find((q) => q.id === state.id);
  if (!note || !quote) throw new Error(`not_found: ${state.id}`);
  $('card-note').textContent = note.title || note.url;
  const said = { saved: 'cardSavedTo', duplicate: 'cardAlreadySaved' }[state.status] ?? 'cardIn';
  $('card-said').textContent = t(said);
  $('card-comment').value = quote.comment ?? '';
  $('card-tags').value = (quote.tags ?? []).join(', ');
  for (const kind of kinds) {
    $('card-kind').append(new Option(kind.name, kind.id));
  }
  $('card-kind').value = quote.kind ?? DEFAULT_KIND;
  if (state.status === 'open') {
    showDetails();
  } else {
    $('card-actions').hidden = false;
    // Nothing was saved this time: nothing to undo.
    $('card-undo-save').hidden = state.status === 'duplicate';
  }
  finishShowing();
}

/** Focus where the keyboard starts, when asked; and the short stay after a save. */
function finishShowing() {
  if (params.get('focus') === '1') {
    const target = $({ open: 'card-comment', failed: 'card-close' }[state.status] ?? 'card-add-comment');
    target.focus();
    // The page script focuses the frame once it has loaded, which may leave the focus on
    // the frame's body: back to the control then.
    addEventListener('focus', () => {
      if (document.activeElement === document.body) target.focus();
    }, { once: true });
  }
  if (state.status !== 'open') {
    setTimeout(() => {
      if (!state.touched) close();
    }, LINGER_MS);
  }
  document.body.dataset.ready = 'true';
}

function showDetails() {
  $('card-actions').hidden = true;
  $('card-details').hidden = false;
}

/**
 * Tells the page script that placed the frame (card-host.js, in the tab's top frame) what
 * to do: `close`, `repaint` (the note changed) or `size`; through the worker, which knows
 * the card's tab (card-edits.js).
 */
async function tellPage(order) {
  try {
    await edit('tell', { order });
  } catch (error) {
    console.warn('Quotebook: the page script is gone:', error?.message);
  }
}

function reportSize() {
  tellPage({ action: 'size', height: Math.ceil(document.body.getBoundingClientRect().height) });
}

async function close() {
  clearTimeout(state.saveTimer);
  await saveNow();
  await state.writes;
  await tellPage({ action: 'close' });
}

function scheduleSave() {
  clearTimeout(state.saveTimer);
  $('card-saved').textContent = '';
  state.saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
}

/** Writes the comment and tags as they stand (after the writes before it). */
function saveNow() {
  clearTimeout(state.saveTimer);
  state.saveTimer = undefined;
  return write(saveAnnotations);
}

/** The comment and tags written, when they differ from the stored ones. */
async function saveAnnotations() {
  const comment = $('card-comment').value;
  const tags = $('card-tags').value.split(',').map((tag) => tag.trim()).filter(Boolean);
  const note = await edit('load', { key: state.key });
  const quote = note?.quotes.find((q) => q.id === state.id);
  if (!quote) return;
  if ((quote.comment ?? '') === comment && (quote.tags ?? []).join('\u0000') === tags.join('\u0000')) return;
  await edit('annotate', { key: state.key, id: state.id, comment, tags });
  $('card-saved').textContent = t('cardSaved');
}

async function saveKind() {
  const kind = $('card-kind').value;
  await write(async () => {
    await edit('setKind', { key: state.key, id: state.id, kind });
    $('card-saved').textContent = t('cardSaved');
    await tellPage({ action: 'repaint' });
  });
}

/** Deletes the quote (`justSaved`: the Undo of a save), offering its undo. */
async function remove(justSaved) {
  clearTimeout(state.saveTimer);
  await write(async () => {
    await saveAnnotations();
    const { trashKey } = await edit('delete', { key: state.key, id: state.id });
    state.trashKey = trashKey;
    $('card-actions').hidden = true;
    $('card-details').hidden = true;
    $('card-deleted').hidden = false;
    $('card-deleted-text').textContent = t(justSaved ? 'cardSaveUndone' : 'cardDeleted');
    $('card-undo-delete').focus();
    await tellPage({ action: 'repaint' });
  });
}

async function restore() {
  await write(async () => {
    await edit('undo', { trashKey: state.trashKey });
    state.trashKey = '';
    $('card-deleted').hidden = true;
    showDetails();
    $('card-saved').textContent = t('cardRestored');
    $('card-comment').focus();
    await tellPage({ action: 'repaint' });
  });
}

async function copyLink() {
  await write(async () => {
    const note = await edit('load', { key: state.key });
    const quote = note?.quotes.find((q) => q.id === state.id);
    if (!note) throw new Error(`not_found: ${state.key}`);
    const link = quoteLink(note, quote);
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // The frame may not be allowed the asynchronous clipboard: the older way.
      const field = Object.assign(document.createElement('textarea'), { value: link });
      document.body.append(field);
      field.select();
      const copied = document.execCommand('copy');
      field.remove();
      $('card-copy-link').focus();
      if (!copied) throw new Error('copy_failed: the browser refused the clipboard');
    }
    $('card-saved').textContent = t('cardLinkCopied');
  });
}

/** Runs `fn` after the writes before it; a failure is shown in words on the card. */
function write(fn) {
  state.writes = state.writes.then(async () => {
    try {
      $('card-error').hidden = true;
      await fn();
    } catch (error) {
      showError(error);
    }
  });
  return state.writes;
}

function showError(error) {
  console.error('Quotebook: the card:', error);
  $('card-error').textContent = typeof error === 'string' ? error : errorText(error);
  $('card-error').hidden = false;
  document.body.dataset.ready = 'true';
}
