// @ts-check
// Export to Downloads, for browsers with neither a native host nor File System Access: the
// browser can write files but never read them back, so this is an export, not a sync. Each
// note becomes a Markdown file in `Quotebook/` under the Downloads folder; an existing file
// is never replaced (the browser adds a number instead).
import { api } from '../browser.js';
import * as library from '../library.js';

/** The subfolder of Downloads. */
export const FOLDER = 'Quotebook';

/** Whether the `downloads` permission is granted. */
export function available() {
  return typeof api.downloads?.download === 'function';
}

/**
 * Downloads every note as `.md` through the reader's templates and file name pattern.
 * `onProgress(done, total)`. Resolves to `{files: [{name, downloadId}], summary}`. A `data:`
 * URL is used: MV3 service workers have no `URL.createObjectURL`.
 */
export async function exportNotes(onProgress) {
  if (!available()) throw new Error('downloads_permission: the downloads permission is not granted');
  const [notes, settings] = await Promise.all([library.loadNotes(), library.loadSettings()]);
  const files = [];
  let done = 0;
  onProgress?.(0, notes.length);
  for (const note of notes) {
    const rendered = await library.renderNote(note, settings.templates);
    const name = await library.fileName(note, settings.fileNamePattern);
    const url = `data:text/markdown;charset=utf-8,${encodeURIComponent(rendered.markdown)}`;
    const downloadId = await api.downloads.download({
      url,
      filename: `${FOLDER}/${name}`,
      conflictAction: 'uniquify',
      saveAs: false,
    });
    files.push({ name, downloadId });
    onProgress?.(++done, notes.length);
  }
  return {
    files,
    summary: { created: files.length, updated: 0, appended: 0, skipped: 0, conflict: 0 },
  };
}
