// @ts-check
// Every note as a Markdown file in a `.zip`, built in the page: the core names and renders
// each file exactly as for the CLI's export and the folder sync; `zipfile.js` deflates them
// with the browser's own `CompressionStream`. Notes are rendered a slice at a time (100
// notes or 40 ms), with a pause between slices, so a library of ten thousand notes keeps
// the page responsive; only the compressed bytes are kept.
import { ZipWriter } from './zipfile.js';
import * as library from '../library.js';
import { core } from '../core.js';
import { getImage } from '../images/db.js';

/** At most this many notes are rendered between two pauses (and progress reports)... */
const CHUNK = 100;
/** ...and for at most this long (ms), so the page answers within a frame or two. */
const SLICE_MS = 40;

/**
 * Builds the `.zip`. `onProgress(done, total)`. Resolves to `{blob, count, templateError}`
 * (`templateError`: the first template error, whose note got the default template).
 */
export async function buildZip(onProgress) {
  const [notes, settings] = await Promise.all([library.loadNotes(), library.loadSettings()]);
  const zip = new ZipWriter();
  zip.expect(notes.length);
  const names = await library.zipNames(notes, settings.fileNamePattern);
  const encoder = new TextEncoder();
  /** @type {import('../store.js').TemplateError | null} */
  let templateError = null;
  onProgress?.(0, notes.length);
  let sliceStart = performance.now();
  let inSlice = 0;
  for (let i = 0; i < notes.length; i++) {
    // Kept images embed as the attachments added below, relative to the note's folder.
    const noteFolder = names[i].includes('/') ? names[i].slice(0, names[i].lastIndexOf('/')) : '';
    const rendered = await library.renderNote(notes[i], settings.templates, { ...settings.images, noteFolder });
    templateError ??= rendered.error;
    // The note's last update as the file's time (1980-01-01 when a zip cannot hold it).
    zip.add(names[i], encoder.encode(rendered.markdown), new Date(notes[i].updated));
    inSlice++;
    if ((inSlice >= CHUNK || performance.now() - sliceStart >= SLICE_MS) && i + 1 < notes.length) {
      // The slice's files, deflated side by side.
      await zip.flush();
      onProgress?.(i + 1, notes.length);
      await new Promise((resolve) => setTimeout(resolve));
      sliceStart = performance.now();
      inSlice = 0;
    }
  }
  await addAttachments(zip, notes, settings.images);
  const blob = await zip.finish();
  onProgress?.(notes.length, notes.length);
  return { blob, count: notes.length, templateError };
}

/**
 * The kept images the notes embed, as files beside them (issue 16): the core names them
 * (`attachment_files`), the bytes come from the extension's store. An image whose bytes
 * are missing is left out and said in the console; the note then embeds a missing file.
 * @param {ZipWriter} zip
 * @param {import('../store.js').Note[]} notes
 * @param {import('../library.js').ImageOptions} images
 */
async function addAttachments(zip, notes, images) {
  if (images.keep === false) return;
  const files = (await core()).attachment_files(notes, { ...library.renderOptions(), images });
  zip.expect(notes.length + files.length);
  for (const file of files) {
    const stored = await getImage(file.hash);
    if (!stored) {
      console.warn('Quotebook: a kept image is missing from the store:', file.hash);
      continue;
    }
    zip.add(file.path, new Uint8Array(await stored.blob.arrayBuffer()), new Date());
    // One image's deflate at a time: images weigh up to 10 MB each.
    await zip.flush();
  }
}
