// @ts-check
// The options page: the template editor with a live preview, the file name pattern, the
// (future) folder sync, backup export and import, the uninstall reminder and the keyboard
// shortcut. Small settings live in `storage.sync`, one item each, written after the reader
// pauses typing (its quota allows few writes a minute and 8 KB an item).
//
// Nothing from notes or templates is inserted as HTML: the preview is built as DOM nodes
// by the core (elements and attributes from its allowlists), the Markdown file beside it
// is text.
import { api } from '../browser.js';
import { core } from '../core.js';
import * as library from '../library.js';
import * as folderSync from '../sync/sync.js';
import * as nativeSync from '../sync/native.js';
import { t, plural, localize, errorText, formatDate, announce, h, syncCounts } from '../ui/i18n.js';
import { buildZip } from './zip.js';

/** Wait this long after the last keystroke before writing to `storage.sync`. */
const SAVE_DELAY_MS = 800;
const COMMAND = 'save-quote';

/**
 * The page's controls whose type matters, by id (options.html); any other id is an
 * HTMLElement.
 * @typedef {{
 *   'note-template': HTMLTextAreaElement,
 *   'quote-template': HTMLTextAreaElement,
 *   'file-name-pattern': HTMLInputElement,
 *   'import': HTMLInputElement,
 *   'sync-fsa': HTMLInputElement,
 *   'sync-after-save': HTMLInputElement,
 *   'import-settings-apply': HTMLInputElement,
 *   'export-zip': HTMLButtonElement,
 *   'sync-now': HTMLButtonElement,
 *   'zip-progress': HTMLProgressElement,
 *   'sync-progress': HTMLProgressElement,
 * }} Controls
 */

/**
 * The element with id `id`.
 * @template {string} K
 * @param {K} id
 * @returns {K extends keyof Controls ? Controls[K] : HTMLElement}
 */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

/** The defaults (`{note, quote}` sources), from the core. */
let defaults = { note: '', quote: '' };
/** What `storage.sync` holds now, per key. */
const saved = {};

localize();
main().catch((error) => {
  console.error('Quotebook: the options page failed to open:', error);
  announce(errorText(error), 'error');
});

async function main() {
  const wasm = await core();
  defaults = wasm.default_templates();
  const settings = await library.loadSettings();
  saved[library.SETTINGS.noteTemplate] = settings.templates.note;
  saved[library.SETTINGS.quoteTemplate] = settings.templates.quote;
  saved[library.SETTINGS.fileNamePattern] = settings.fileNamePattern;

  $('note-template').value = settings.templates.note || defaults.note;
  $('quote-template').value = settings.templates.quote || defaults.quote;
  $('file-name-pattern').value = settings.fileNamePattern;

  for (const id of ['note-template', 'quote-template']) {
    $(id).addEventListener('input', onTemplateInput);
  }
  $('reset-note').addEventListener('click', () => reset('note-template', defaults.note));
  $('reset-quote').addEventListener('click', () => reset('quote-template', defaults.quote));
  $('file-name-pattern').addEventListener('input', onPatternInput);
  $('export').addEventListener('click', exportBackup);
  $('export-zip').addEventListener('click', exportZip);
  $('reminder-export').addEventListener('click', exportBackup);
  $('import-button').addEventListener('click', () => $('import').click());
  $('import').addEventListener('change', showImportPlan);
  $('import-apply').addEventListener('click', applyImport);
  $('import-cancel').addEventListener('click', closeImportPlan);
  $('shortcut-settings').addEventListener('click', () =>
    api.tabs.create({ url: 'chrome://extensions/shortcuts' }));

  showReference(wasm);
  await Promise.all([updatePreview(), updateExample(), showShortcut(), showBackupState(), setUpSync()]);
}

// ---------------------------------------------------------------------------------------
// Templates

/** A sample note in the reader's language, to render the templates on. */
/**
 * The note the template and file name previews show.
 * @returns {import('../store.js').Note}
 */
function sampleNote() {
  const at = (minutes) => new Date(Date.UTC(2024, 5, 5, 12, minutes)).toISOString();
  return {
    schema: 3,
    id: 'https://example.com/articles/reading-well',
    url: 'https://example.com/articles/reading-well',
    canonical: null,
    aliases: [],
    title: t('sampleTitle'),
    authors: [t('sampleAuthor')],
    site: 'Example',
    published: '2024-06-01',
    description: null,
    lang: null,
    created: at(0),
    updated: at(5),
    quotes: [
      {
        id: 'sample-1',
        markdown: t('sampleQuote1'),
        text: t('sampleQuote1'),
        created: at(0),
        comment: t('sampleComment'),
        tags: [t('sampleTag')],
        fragment: null,
        selector: null,
        private: false,
        position: null,
        kind: 'quote',
      },
      {
        id: 'sample-2',
        markdown: t('sampleQuote2'),
        text: t('sampleQuote2'),
        created: at(5),
        comment: '',
        tags: [],
        fragment: null,
        selector: null,
        private: false,
        position: null,
        kind: 'quote',
      },
    ],
  };
}

/** The templates as stored: a source equal to the default is stored empty. */
function currentTemplates() {
  const note = $('note-template').value;
  const quote = $('quote-template').value;
  return { note: note === defaults.note ? '' : note, quote: quote === defaults.quote ? '' : quote };
}

let saveTimer;

function onTemplateInput() {
  updatePreview();
  clearTimeout(saveTimer);
  $('template-save').textContent = t('templateEditing');
  saveTimer = setTimeout(saveTemplates, SAVE_DELAY_MS);
}

function reset(id, source) {
  $(id).value = source;
  onTemplateInput();
  $(id).focus();
}

/** Renders the sample note through the templates being edited; resolves to the error. */
async function updatePreview() {
  const rendered = await library.renderNote(sampleNote(), currentTemplates());
  const error = $('template-error');
  if (rendered.error) {
    const { template, line, column, message } = rendered.error;
    error.textContent = t(
      template === 'quote' ? 'templateErrorQuote' : 'templateErrorNote',
      line,
      column,
      message,
    );
    error.hidden = false;
    for (const id of ['template-rendered', 'template-preview']) $(id).classList.add('stale');
  } else {
    error.hidden = true;
    error.textContent = '';
    for (const id of ['template-rendered', 'template-preview']) $(id).classList.remove('stale');
    // The file rendered (DOM nodes the core builds from its allowlists, no HTML string)
    // and as it will be written, as text.
    $('template-rendered').replaceChildren((await core()).markdown_preview(rendered.markdown));
    $('template-preview').textContent = rendered.markdown;
  }
  // Names no template can see render empty: say which, per template.
  const unknown = (await core()).template_unknown_names(currentTemplates());
  const lines = [
    unknown.note.length ? t('templateUnknownNote', unknown.note.join(', ')) : '',
    unknown.quote.length ? t('templateUnknownQuote', unknown.quote.join(', ')) : '',
  ].filter(Boolean);
  $('template-unknown').textContent = lines.join(' ');
  $('template-unknown').hidden = lines.length === 0;
  return rendered.error;
}

/**
 * The reference beside the editor: every name a template can use, grouped by kind, each
 * with an example and what the core renders from it on the sample note.
 * @param {import('../core.js').Core} wasm
 */
function showReference(wasm) {
  const items = wasm.template_reference(sampleNote(), library.renderOptions());
  const groups = [
    ['templateRefVariables', ['variable']],
    ['templateRefFilters', ['filter']],
    ['templateRefTests', ['test', 'function']],
  ];
  $('template-reference-list').replaceChildren(...groups.flatMap(([heading, kinds]) => [
    h('h3', { text: t(heading) }),
    h(
      'table',
      {},
      h('thead', {}, h(
        'tr',
        {},
        h('th', { scope: 'col', text: t('templateRefName') }),
        h('th', { scope: 'col', text: t('templateRefExample') }),
        h('th', { scope: 'col', text: t('templateRefResult') }),
      )),
      h('tbody', {}, ...items.filter((item) => kinds.includes(item.kind)).map((item) => h(
        'tr',
        { 'data-name': item.name },
        h(
          'th',
          { scope: 'row' },
          h('code', { text: item.name }),
          item.scope === 'both' ? null
            : h('span', { class: 'scope', text: t(item.scope === 'note' ? 'templateRefInNote' : 'templateRefInQuote') }),
        ),
        h('td', {}, h('code', { text: item.example })),
        h('td', {}, h('samp', { text: item.output })),
      ))),
    ),
  ]));
}

async function saveTemplates() {
  if (await updatePreview()) {
    $('template-save').textContent = t('templateNotSavedError');
    return;
  }
  const { note, quote } = currentTemplates();
  const ok = await saveSettings({
    [library.SETTINGS.noteTemplate]: note,
    [library.SETTINGS.quoteTemplate]: quote,
  }, $('template-save'));
  if (ok) $('template-save').textContent = t('templateSaved');
}

/**
 * Writes the items that changed to `storage.sync`, refusing an item over the per-item
 * quota; reports in `where`. Resolves to whether everything was saved.
 */
async function saveSettings(items, where) {
  const changed = Object.fromEntries(Object.entries(items).filter(([k, v]) => saved[k] !== v));
  if (Object.keys(changed).length === 0) return true;
  const quota = library.syncItemQuota();
  for (const [key, value] of Object.entries(changed)) {
    const bytes = library.syncItemBytes(key, value);
    if (bytes > quota) {
      where.textContent = t('settingTooLarge', bytes, quota);
      return false;
    }
  }
  try {
    const empty = Object.keys(changed).filter((k) => changed[k] === '');
    const set = Object.fromEntries(Object.entries(changed).filter(([, v]) => v !== ''));
    if (Object.keys(set).length) await api.storage.sync.set(set);
    if (empty.length) await api.storage.sync.remove(empty);
    Object.assign(saved, changed);
    return true;
  } catch (error) {
    console.warn('Quotebook: cannot save settings:', error);
    where.textContent = t('settingsNotSaved', String(error?.message ?? error));
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// File names

let patternTimer;

function onPatternInput() {
  clearTimeout(patternTimer);
  patternTimer = setTimeout(async () => {
    if (await updateExample()) {
      const ok = await saveSettings(
        { [library.SETTINGS.fileNamePattern]: $('file-name-pattern').value.trim() },
        $('file-name-example'),
      );
      if (ok) announce(t('patternSaved'));
    }
  }, SAVE_DELAY_MS);
}

/**
 * Shows the sample note's path under the pattern, folders included, as the zip export and
 * folder sync write it; resolves to whether the pattern is valid.
 */
async function updateExample() {
  const field = $('file-name-pattern');
  try {
    const [name] = await library.zipNames([sampleNote()], field.value);
    $('file-name-example').textContent = t('fileNameExample', name);
    field.removeAttribute('aria-invalid');
    return true;
  } catch (error) {
    $('file-name-example').textContent = t('fileNamePatternInvalid');
    field.setAttribute('aria-invalid', 'true');
    console.info('Quotebook: file name pattern:', error?.message);
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Backup

async function exportBackup() {
  try {
    const json = await library.exportBackup();
    const name = `quotebook-backup-${new Date().toISOString().slice(0, 10)}.json`;
    download(new Blob([json], { type: 'application/json' }), name);
    announce(t('backupExported', name));
    await showBackupState();
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

/** Downloads `blob` as `name` through an `<a download>` (no `downloads` permission). */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Every note as a Markdown file in a `.zip`, with "note n of N" while it is built. */
async function exportZip() {
  const button = $('export-zip');
  const progress = $('zip-progress');
  const text = $('zip-progress-text');
  button.disabled = true;
  progress.hidden = false;
  text.hidden = false;
  progress.removeAttribute('value');
  try {
    const zip = await buildZip((done, total) => {
      progress.max = Math.max(total, 1);
      progress.value = done;
      text.textContent = t('zipProgress', done, total);
    });
    const name = `quotebook-notes-${new Date().toISOString().slice(0, 10)}.zip`;
    download(zip.blob, name);
    if (zip.templateError) console.info('Quotebook: template error:', zip.templateError.message);
    announce(plural('zipExported', zip.count, name));
  } catch (error) {
    announce(errorText(error), 'error');
  } finally {
    progress.hidden = true;
    text.hidden = true;
    button.disabled = false;
  }
}

/** The text of the backup whose dry run is shown, until it is applied or cancelled. */
let pendingImport = '';
/** The settings the pending import's backup carries, when they differ from the reader's. */
/** @type {import('../store.js').FileSettings | null} */
let pendingSettings = null;

/** At most this many lines per list of the dry run; the rest are counted. */
const PLAN_LINES = 200;

/**
 * One list of the dry run: a heading with its count and a line per item (text only).
 * @param {string} title
 * @param {string[]} lines
 * @param {string} [kind]
 */
function planList(title, lines, kind) {
  const shown = lines.slice(0, PLAN_LINES).map((line) => h('li', { text: line }));
  if (lines.length > PLAN_LINES) shown.push(h('li', { text: t('importPlanMore', lines.length - PLAN_LINES) }));
  return [h('h4', { class: kind, text: `${title} (${lines.length})` }), h('ul', { class: kind }, ...shown)];
}

/** A quote's text shortened for a list line. */
function short(text) {
  const line = String(text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * The dry run of an import, from the core: what it adds, changes and removes, and the
 * settings the backup carries. Nothing is stored until the reader applies it. Built with DOM text nodes: nothing of the backup is parsed as HTML.
 * @param {import('../store.js').ImportPlan} plan
 */
function renderImportPlan(plan) {
  const quotesAdded = [...plan.added, ...plan.changed].reduce((n, c) => n + c.quotesAdded, 0);
  $('import-plan-summary').textContent = t('importPlanSummary', plan.added.length, plan.changed.length,
    quotesAdded, plan.removed.length);
  const lists = [];
  if (plan.added.length) {
    lists.push(...planList(t('importPlanAdded'), plan.added.map((c) =>
      t('importPlanNoteLine', c.title || c.url, c.quotesAdded))));
  }
  if (plan.changed.length) {
    lists.push(...planList(t('importPlanChanged'), plan.changed.map((c) =>
      t('importPlanChangedLine', c.title || c.url, c.quotesAdded, c.quotesRemoved,
        c.fields.length ? c.fields.join(', ') : '—'))));
  }
  if (plan.removed.length) {
    lists.push(...planList(t('importPlanRemoved'), plan.removed.map((r) => (r.quote === null
      ? t('importPlanRemovedNote', r.title || r.note)
      : t('importPlanRemovedQuote', short(r.text), r.title || r.note))), 'removed'));
  }
  if (plan.quotesSkipped) lists.push(h('p', { class: 'small', text: t('importPlanSkipped', plan.quotesSkipped) }));
  if (!lists.length) lists.push(h('p', { text: t('importPlanNothing') }));
  $('import-plan-lists').replaceChildren(...lists);
  renderImportSettings(plan);
  $('import-plan').hidden = false;
}

/**
 * The settings the backup carries, beside the notes: which differ from the reader's, and
 * the choice to take them too (offered ticked where the reader has none of their own).
 * @param {import('../store.js').ImportPlan} plan
 */
function renderImportSettings(plan) {
  const theirs = plan.settings;
  const mine = {
    note: saved[library.SETTINGS.noteTemplate] ?? '',
    quote: saved[library.SETTINGS.quoteTemplate] ?? '',
    pattern: saved[library.SETTINGS.fileNamePattern] ?? '',
  };
  const differ = theirs ? [
    theirs.templates.note !== mine.note || theirs.templates.quote !== mine.quote ? t('settingNameTemplates') : '',
    theirs.fileNamePattern !== mine.pattern ? t('settingNamePattern') : '',
  ].filter(Boolean) : [];
  const lines = [];
  if (!theirs) lines.push(t('importPlanSettingsNone'));
  else if (!differ.length) lines.push(t('importPlanSettingsSame'));
  else lines.push(t('importPlanSettingsCarried', differ.join(', ')));
  if (plan.ignored.length) lines.push(t('importPlanSettingsIgnored', plan.ignored.join(', ')));
  $('import-plan-settings').textContent = lines.join(' ');
  $('import-settings-choice').hidden = differ.length === 0;
  $('import-settings-apply').checked = differ.length > 0 && !mine.note && !mine.quote && !mine.pattern;
  pendingSettings = differ.length ? theirs : null;
}

/** The backup's settings, when the reader ticks to take them; stored as the editor does. */
async function applyImportedSettings() {
  if (!pendingSettings || !$('import-settings-apply').checked) return false;
  const { templates, fileNamePattern } = pendingSettings;
  const ok = await saveSettings({
    [library.SETTINGS.noteTemplate]: templates.note === defaults.note ? '' : templates.note,
    [library.SETTINGS.quoteTemplate]: templates.quote === defaults.quote ? '' : templates.quote,
    [library.SETTINGS.fileNamePattern]: fileNamePattern,
  }, $('template-save'));
  if (!ok) return false;
  $('note-template').value = templates.note || defaults.note;
  $('quote-template').value = templates.quote || defaults.quote;
  $('file-name-pattern').value = fileNamePattern;
  await Promise.all([updatePreview(), updateExample()]);
  return true;
}

async function showImportPlan() {
  const file = $('import').files?.[0];
  if (!file) return;
  try {
    const text = await file.text();
    const plan = await library.planImport(text);
    pendingImport = text;
    renderImportPlan(plan);
    announce(t('importPlanReady'));
    $('import-apply').focus();
  } catch (error) {
    closeImportPlan();
    // A refused backup says where: the line and what is wrong with it (as text).
    const detail = /^invalid_data: (?:unreadable data: )?(line \d+: .*)$/s.exec(String(error?.message ?? ''))?.[1];
    announce(detail ? `${errorText(error)} ${detail}` : errorText(error), 'error');
  } finally {
    $('import').value = '';
  }
}

function closeImportPlan() {
  pendingImport = '';
  pendingSettings = null;
  $('import-plan').hidden = true;
  $('import-plan-lists').replaceChildren();
  $('import-button').focus();
}

async function applyImport() {
  if (!pendingImport) return;
  const button = $('import-apply');
  button.setAttribute('disabled', '');
  try {
    const plan = await library.applyImport(pendingImport);
    const settingsApplied = await applyImportedSettings();
    const quotesAdded = [...plan.added, ...plan.changed].reduce((n, c) => n + c.quotesAdded, 0);
    closeImportPlan();
    announce([
      t('backupImported', plan.added.length, plan.changed.length, quotesAdded, plan.removed.length),
      settingsApplied ? t('importSettingsApplied') : '',
    ].filter(Boolean).join(' '));
    await showBackupState();
  } catch (error) {
    announce(errorText(error), 'error');
  } finally {
    button.removeAttribute('disabled');
  }
}

async function showBackupState() {
  const stored = await api.storage.local.get(library.LAST_BACKUP_KEY);
  const last = stored[library.LAST_BACKUP_KEY];
  $('last-backup').textContent = last ? t('lastBackup', formatDate(last)) : t('noBackupYet');
  const remind = await library.needsBackupReminder();
  $('reminder').hidden = !remind;
  $('reminder-text').textContent = remind ? t('reminderText') : '';
}

// ---------------------------------------------------------------------------------------
// Folder sync (the backends are in ../sync/)

/** The optional permission each backend needs. */
const SYNC_PERMISSION = { native: 'nativeMessaging', downloads: 'downloads' };
const fsa = folderSync.BACKENDS.fsa;

/** Set once the page reloaded for a permission granted after it opened. */
const RELOADED_KEY = 'quotebook-options-reloaded';

/** The system the install command is written for (`nativeSync.systemName`). */
let system = 'linux';

async function setUpSync() {
  system = await nativeSync.systemName();
  folderSync.answerSyncRequests();
  const settings = await folderSync.loadSettings();
  for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="sync-backend"]'))) {
    radio.checked = radio.value === settings.backend;
    radio.addEventListener('change', () => chooseBackend(radio));
  }
  $('sync-after-save').checked = settings.afterSave;
  $('sync-after-save').addEventListener('change', () =>
    folderSync.saveSettings({ afterSave: $('sync-after-save').checked }));
  $('sync-fsa-pick').addEventListener('click', pickFolder);
  $('sync-fsa').disabled = !fsa.available() || typeof showDirectoryPicker !== 'function';
  $('sync-now').addEventListener('click', () => runSync({ ask: true }));
  $('sync-restore').addEventListener('click', () => runSync({ restore: true, ask: true }));
  $('sync-keep-all').addEventListener('click', () => runSync({ keep: 'all', ask: true }));
  $('sync-overwrite-all').addEventListener('click', () => {
    if (confirm(t('syncOverwriteConfirm'))) runSync({ overwrite: 'all', ask: true });
  });
  // A permission granted or taken back (here, on another page, or in the browser's
  // settings) changes what the chosen backend can do: read it afresh, as a reload would.
  const onPermissions = async () => showSyncState((await folderSync.loadSettings()).backend);
  api.permissions.onAdded.addListener(onPermissions);
  api.permissions.onRemoved.addListener(onPermissions);
  // Back from a terminal where the reader ran the install command: look again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') onPermissions();
  });
  // The last result first: finding the native host can take a while.
  const last = /** @type {import('../sync/sync.js').SyncResult | undefined} */ (
    (await api.storage.local.get(folderSync.RESULT_KEY))[folderSync.RESULT_KEY]);
  if (last) showSyncResult(last);
  await showSyncState(settings.backend);
}

/** Asks for the backend's permission (a click is the gesture it needs), then keeps it. */
async function chooseBackend(radio) {
  const backend = radio.value;
  const permission = SYNC_PERMISSION[backend];
  if (permission) {
    let granted = await api.permissions.contains({ permissions: [permission] });
    if (!granted) {
      try {
        granted = await api.permissions.request({ permissions: [permission] });
      } catch (error) {
        console.warn('Quotebook: permission request failed:', error);
      }
    }
    if (!granted) {
      announce(t('syncPermissionDenied'), 'error');
      const current = (await folderSync.loadSettings()).backend;
      for (const r of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="sync-backend"]'))) r.checked = r.value === current;
      return;
    }
  }
  await folderSync.saveSettings({ backend });
  await showSyncState(backend);
}

/** Counts calls of showSyncState: only the latest one's host check is shown. */
let syncStateRun = 0;

/** What the chosen backend can do here: the host's folder, or why it is missing. */
async function showSyncState(backend) {
  const run = ++syncStateRun;
  const exportOnly = backend === 'downloads';
  $('sync-now').textContent = t(exportOnly ? 'syncExportNow' : 'syncNow');
  $('sync-now').disabled = backend === '';
  const syncs = backend === 'native' || backend === 'fsa';
  $('sync-restore').hidden = !syncs;
  $('sync-after-save-label').hidden = !syncs;
  $('sync-fsa-row').hidden = backend !== 'fsa';
  if (backend === 'fsa') await showFolder();
  const status = $('sync-native-status');
  status.textContent = '';
  $('sync-native-install').hidden = backend !== 'native';
  if (backend !== 'native') return;
  if (await nativeSync.startedBeforeGrant() && !sessionStorage.getItem(RELOADED_KEY)) {
    // Allowed after this page opened: only a page started since can reach the program.
    sessionStorage.setItem(RELOADED_KEY, '1');
    location.reload();
    return;
  }
  showInstallCommand(t('syncNativeFolderPlaceholder'));
  status.textContent = t('syncNativeLooking');
  const host = await folderSync.BACKENDS.native.detect();
  // Asked again meanwhile (a permission arrived): an answer from before it is stale.
  if (run !== syncStateRun) return;
  status.textContent = host.ok
    ? t(host.folderExists ? 'syncNativeFound' : 'syncNativeNoFolder', host.folder)
    : t('syncNativeMissing', host.reason);
  status.dataset.found = String(host.ok);
  if (host.ok) showInstallCommand(host.folder);
}

/**
 * This extension's id and the command that lets it (and only it) start the host, into
 * `folder`: the host allows only the ids it is given.
 */
function showInstallCommand(folder) {
  const id = api.runtime.id;
  $('sync-native-id').textContent = t('syncNativeId', id);
  const command = $('sync-native-command');
  command.textContent = nativeSync.installCommand({ browser: nativeSync.browserName(), folder, id, system });
  command.dataset.dev = String(id === nativeSync.DEV_ID);
}

/** The picked folder's name and whether Quotebook may write into it now. */
async function showFolder() {
  const handle = await fsa.loadHandle();
  const status = $('sync-fsa-status');
  if (!handle) {
    status.textContent = t('syncFsaNone');
    return;
  }
  const state = await fsa.permission(handle);
  status.textContent = t(state === 'granted' ? 'syncFsaFolder' : 'syncFsaPaused', handle.name);
  status.dataset.permission = state;
}

/** The folder picker (a click opens it); the handle is kept in IndexedDB. */
async function pickFolder() {
  try {
    const handle = await showDirectoryPicker({ id: 'quotebook-sync', mode: 'readwrite' });
    await fsa.saveHandle(handle);
    await folderSync.saveSettings({ backend: 'fsa' });
    await showSyncState('fsa');
  } catch (error) {
    if (error?.name !== 'AbortError') announce(String(error?.message ?? error), 'error');
  }
}

async function runSync(options) {
  const button = $('sync-now');
  const progress = $('sync-progress');
  button.disabled = true;
  progress.hidden = false;
  progress.removeAttribute('value');
  $('sync-summary').textContent = t('syncRunning');
  try {
    const result = await folderSync.syncNow(options, ({ done, total }) => {
      if (total) {
        progress.max = total;
        progress.value = done;
      }
    });
    showSyncResult(result);
    if (result.backend === 'fsa') await showFolder();
  } finally {
    progress.hidden = true;
    button.disabled = false;
    await showBackupState();
  }
}

/**
 * The summary, then one line per decision (conflicts first).
 * @param {import('../sync/sync.js').SyncResult} result
 */
function showSyncResult(result) {
  const summary = $('sync-summary');
  const list = $('sync-decisions');
  list.replaceChildren();
  if (!result.ok) {
    summary.textContent = t('syncFailed', String(result.error).replace(/^[a-z_]+: /, ''));
    summary.dataset.state = 'error';
    $('sync-conflicts').hidden = true;
    return;
  }
  const s = result.summary ?? {};
  summary.dataset.state = 'done';
  summary.textContent = result.backend === 'downloads'
    ? plural('syncExported', s.created ?? 0, formatDate(result.at))
    : t('syncDone', formatDate(result.at), syncCounts(s));
  const decisions = [...(result.decisions ?? [])]
    .filter((d) => d.kind !== 'skipped' || !/: unchanged$/.test(d.line ?? ''))
    .sort((a, b) => Number(b.kind === 'conflict') - Number(a.kind === 'conflict'));
  for (const decision of decisions) {
    const item = document.createElement('li');
    item.className = decision.kind;
    item.textContent = decision.kind === 'conflict' && decision.path
      ? conflictText(decision)
      : decision.line ?? `${decision.kind} ${decision.path}`;
    if (decision.kind === 'conflict' && decision.path) item.append(' ', ...conflictChoices(decision.path));
    list.append(item);
  }
  $('sync-conflicts').hidden = !(s.conflict > 0);
}

/** What each conflict reason says, its quote named by its first words. */
const REASONS = {
  deleted: ['syncReasonDeleted', 'syncReasonDeletedUnnamed'],
  changed: ['syncReasonChanged', 'syncReasonChangedUnnamed'],
  header: ['syncReasonHeader', 'syncReasonHeader'],
};

/**
 * A conflict in the reader's words: the file, why (each quote by its first words), and
 * the new quotes that wait.
 * @param {{path: string | null, reasons?: import('../store.js').ReportEntry['reasons'], pending?: number}} decision
 */
function conflictText(decision) {
  const reasons = (decision.reasons ?? []).map(({ kind, words }) => {
    const [named, unnamed] = REASONS[kind] ?? REASONS.header;
    return words ? t(named, words) : t(unnamed);
  });
  const parts = [t('syncConflictFile', decision.path, reasons.join(', '))];
  if (decision.pending) parts.push(plural('syncPending', decision.pending));
  return parts.join(' ');
}

/** A conflicting file's own choices: keep it (new quotes still appended) or overwrite it. */
function conflictChoices(path) {
  const keep = document.createElement('button');
  keep.type = 'button';
  keep.className = 'sync-keep';
  keep.dataset.path = path;
  keep.textContent = t('syncKeepFile');
  keep.addEventListener('click', () => runSync({ keep: path, ask: true }));
  const overwrite = document.createElement('button');
  overwrite.type = 'button';
  overwrite.className = 'sync-overwrite';
  overwrite.dataset.path = path;
  overwrite.textContent = t('syncOverwriteFile');
  overwrite.addEventListener('click', () => {
    if (confirm(t('syncOverwriteFileConfirm', path))) runSync({ overwrite: path, ask: true });
  });
  return [keep, ' ', overwrite];
}

// ---------------------------------------------------------------------------------------
// Keyboard shortcut

async function showShortcut() {
  const commands = await api.commands.getAll();
  const command = commands.find((c) => c.name === COMMAND);
  $('shortcut-text').textContent = command?.shortcut
    ? t('shortcutIs', command.shortcut)
    : t('shortcutNone');
  // The highlights' shortcut, when the browser bound one.
  const highlights = commands.find((c) => c.name === 'show-highlights');
  const line = $('shortcut-highlights');
  line.hidden = !highlights?.shortcut;
  line.textContent = highlights?.shortcut ? t('shortcutHighlightsIs', highlights.shortcut) : '';
}
