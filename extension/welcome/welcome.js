// @ts-check
// The page opened once, when Quotebook is installed: how to save (the menu, the shortcut
// as the browser binds it), pinning the button, and folder sync set up right here through
// the `quotebook` program: the exact command for this browser and system, the permission,
// and a check that turns green when the program answers.
import { api } from '../browser.js';
import { localize, t } from '../ui/i18n.js';
import { COMMAND } from '../save.js';
import * as folderSync from '../sync/sync.js';
import * as nativeSync from '../sync/native.js';

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** The folder typed in, kept across the reload that a granted permission needs. */
const FOLDER_KEY = 'quotebook-welcome-folder';
const RELOADED_KEY = 'quotebook-welcome-reloaded';

/** How often the check asks the program again while it has not answered (ms). */
const CHECK_EVERY = 1500;

/** Each browser's name, as the command's `--browser` names it. */
const BROWSER_NAMES = { chrome: 'browser_chrome', chromium: 'browser_chromium', edge: 'browser_edge', firefox: 'browser_firefox' };

/** The system the command is written for. */
let system = 'linux';

async function main() {
  localize();
  system = await nativeSync.systemName();
  $('folder-path').value = sessionStorage.getItem(FOLDER_KEY) ?? nativeSync.defaultFolder(system);
  folderSync.answerSyncRequests();
  $('folder-path').addEventListener('input', showCommand);
  $('copy').addEventListener('click', copyCommand);
  $('allow').addEventListener('click', allowNative);
  $('use-folder').addEventListener('click', useFolder);
  $('open-options').addEventListener('click', () => api.runtime.openOptionsPage());
  $('shortcut-settings').addEventListener('click', () =>
    api.tabs.create({ url: 'chrome://extensions/shortcuts' }));
  // Granted or taken back here, in the options page or the browser's settings: the
  // state is read afresh, never remembered from before.
  api.permissions.onAdded.addListener(checkHost);
  api.permissions.onRemoved.addListener(checkHost);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') checkHost();
  });
  /** @type {any} */ (api.action).onUserSettingsChanged?.addListener(showPin);
  showCommand();
  await Promise.all([showShortcut(), showPin(), checkHost()]);
}

/** The shortcut as the browser binds it now (the reader may have changed or cleared it). */
async function showShortcut() {
  const command = (await api.commands.getAll()).find((c) => c.name === COMMAND);
  $('shortcut').textContent = command?.shortcut
    ? t('welcomeShortcut', command.shortcut)
    : t('welcomeShortcutNone');
  // Only Chromium's browsers have a page to change shortcuts at.
  $('shortcut-settings').hidden = nativeSync.browserName() === 'firefox';
}

/** The pinning hint, only when the browser says the button is not on the toolbar. */
async function showPin() {
  const status = $('pin-status');
  const getUserSettings = /** @type {any} */ (api.action).getUserSettings;
  if (typeof getUserSettings !== 'function') {
    // Firefox does not say whether the button is pinned: both cases, plainly.
    status.textContent = t('welcomePinUnknown');
    status.dataset.state = 'unknown';
    return;
  }
  let isOnToolbar = false;
  try {
    ({ isOnToolbar } = await getUserSettings.call(api.action));
  } catch (error) {
    console.warn('Quotebook: cannot read the toolbar setting:', error);
    status.textContent = t('welcomePinUnknown');
    status.dataset.state = 'unknown';
    return;
  }
  status.textContent = t(isOnToolbar ? 'welcomePinned' : 'welcomePinHint');
  status.dataset.state = isOnToolbar ? 'pinned' : 'hint';
}

/** The install command for this browser, system, extension and the folder typed in. */
function showCommand() {
  sessionStorage.setItem(FOLDER_KEY, $('folder-path').value);
  const folder = $('folder-path').value.trim() || nativeSync.defaultFolder(system);
  const browser = nativeSync.browserName();
  $('command').textContent = nativeSync.installCommand({ browser, folder, id: api.runtime.id, system });
  $('command-intro').textContent = t('welcomeCommandIntro', t(BROWSER_NAMES[browser]));
  const note = $('system-note');
  note.hidden = system !== 'windows' && system !== 'other';
  if (!note.hidden) note.textContent = t(system === 'windows' ? 'welcomeWindowsNote' : 'welcomeNoNativeNote');
  $('copied').textContent = '';
}

async function copyCommand() {
  try {
    await navigator.clipboard.writeText($('command').textContent);
    $('copied').textContent = t('welcomeCopied');
  } catch (error) {
    // Selected instead, for Ctrl+C.
    getSelection()?.selectAllChildren($('command'));
    $('copied').textContent = t('welcomeCopyFailed');
    console.warn('Quotebook: cannot copy:', error);
  }
}

async function allowNative() {
  // The browser's prompt is easy to miss: say where the question is while it is asked.
  show($('host-check'), 'asking', t('welcomeCheckAsking'));
  try {
    await api.permissions.request({ permissions: ['nativeMessaging'] });
  } catch (error) {
    console.warn('Quotebook: permission request failed:', error);
  }
  // permissions.onAdded calls checkHost too; this covers a refusal.
  await checkHost();
}

/** Counts the checks started: only the latest one keeps polling and shows its answer. */
let checkRun = 0;
let pollTimer = 0;

/**
 * Whether the program answers: asked now, then every `CHECK_EVERY` ms until it does (the
 * reader is running the command meanwhile). Without the permission, says so and waits
 * for it (`permissions.onAdded`).
 */
async function checkHost() {
  const run = ++checkRun;
  clearTimeout(pollTimer);
  const check = $('host-check');
  const granted = await api.permissions.contains({ permissions: ['nativeMessaging'] });
  if (run !== checkRun) return;
  $('allow').hidden = granted;
  if (granted && await nativeSync.startedBeforeGrant() && !sessionStorage.getItem(RELOADED_KEY)) {
    // Allowed after this page opened: only a page started since can reach the program.
    sessionStorage.setItem(RELOADED_KEY, '1');
    location.reload();
    return;
  }
  if (!granted) {
    show(check, 'no-permission', t('welcomeCheckNoPermission'));
    $('use-folder').disabled = true;
    return;
  }
  if (check.dataset.state !== 'found') show(check, 'waiting', t('welcomeCheckWaiting'));
  const host = await nativeSync.detect();
  if (run !== checkRun) return;
  // For the console (and the end-to-end test): the host's last answer, or why none came.
  /** @type {any} */ (globalThis).lastHostCheck = host;
  if (host.ok) {
    show(check, 'found', t(host.folderExists ? 'welcomeCheckFound' : 'welcomeCheckNoFolder', host.folder));
    $('use-folder').disabled = false;
    $('use-folder').dataset.folder = host.folder;
  } else {
    show(check, 'waiting', t('welcomeCheckWaiting'));
    $('use-folder').disabled = true;
  }
  // Until it answers, asked again and again (the reader is running the command); once it
  // has, only when the reader comes back to the page (each check starts the program).
  if (!host.ok) pollTimer = setTimeout(checkHost, CHECK_EVERY);
}

function show(element, state, text) {
  element.dataset.state = state;
  element.textContent = text;
}

/** Turns folder sync on through the program, after every save, and syncs once now. */
async function useFolder() {
  const status = $('use-folder-status');
  await folderSync.saveSettings({ backend: 'native', afterSave: true });
  status.textContent = t('welcomeSyncing');
  const result = await folderSync.syncNow({});
  status.textContent = result.ok
    ? t('welcomeSyncOn', $('use-folder').dataset.folder ?? '')
    : t('welcomeSyncFailed', result.error ?? '');
  status.dataset.ok = String(result.ok);
}

main().catch((error) => console.error('Quotebook: welcome page:', error));
