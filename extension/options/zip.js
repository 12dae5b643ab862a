// Every note as a Markdown file in a `.zip`, built in the page: the core names and renders
// each file exactly as for the CLI's export and the folder sync; fflate (vendored by
// `cargo xtask build`) deflates them. Notes are rendered a slice at a time (100 notes or
// 40 ms), with a pause between slices, so a library of ten thousand notes keeps the page
// responsive; only the compressed bytes are kept.
import { Zip, ZipDeflate } from '../vendor/fflate.js';
import * as library from '../library.js';

/** At most this many notes are rendered between two pauses (and progress reports)... */
const CHUNK = 100;
/** ...and for at most this long (ms), so the page answers within a frame or two. */
const SLICE_MS = 40;

/** A zip entry's time: the note's last update, when a zip can hold it (1980-2099). */
function entryTime(instant) {
  const date = new Date(instant);
  const year = date.getFullYear();
  return year >= 1980 && year <= 2099 ? date : undefined;
}

/**
 * Builds the `.zip`. `onProgress(done, total)`. Resolves to `{blob, count, templateError}`
 * (`templateError`: the first template error, whose note got the default template).
 */
export async function buildZip(onProgress) {
  const [notes, settings] = await Promise.all([library.loadNotes(), library.loadSettings()]);
  const names = await library.zipNames(notes, settings.fileNamePattern);
  const parts = [];
  let failure = null;
  const zip = new Zip((error, data) => {
    if (error) failure ??= error;
    else parts.push(data);
  });
  const encoder = new TextEncoder();
  let templateError = null;
  onProgress?.(0, notes.length);
  let sliceStart = performance.now();
  let inSlice = 0;
  for (let i = 0; i < notes.length; i++) {
    const rendered = await library.renderNote(notes[i], settings.templates);
    templateError ??= rendered.error;
    const entry = new ZipDeflate(names[i], { level: 1 });
    entry.mtime = entryTime(notes[i].updated);
    zip.add(entry);
    entry.push(encoder.encode(rendered.markdown), true);
    if (failure) throw failure;
    inSlice++;
    if ((inSlice >= CHUNK || performance.now() - sliceStart >= SLICE_MS) && i + 1 < notes.length) {
      onProgress?.(i + 1, notes.length);
      await new Promise((resolve) => setTimeout(resolve));
      sliceStart = performance.now();
      inSlice = 0;
    }
  }
  zip.end();
  if (failure) throw failure;
  onProgress?.(notes.length, notes.length);
  return { blob: new Blob(parts, { type: 'application/zip' }), count: notes.length, templateError };
}
