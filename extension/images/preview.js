// @ts-check
// Previews show stored images through `blob:` URLs of the extension's own origin (which
// the pages' CSP allows and the core's preview shows); an image not stored stays a
// placeholder. Nothing is requested from the network.
import { getImage } from './db.js';

/** @typedef {import('../store.js').Note} Note */

/**
 * A copy of `note` whose kept images point at object URLs of their stored bytes, and a
 * function that revokes those URLs (call it when the preview goes). Render the copy with
 * images not kept as attachments (`{keep: false}`), so the destinations stand as written.
 * @param {Note} note
 * @returns {Promise<{note: Note, revoke: () => void}>}
 */
export async function withStoredImages(note) {
  /** @type {Map<string, string>} */
  const urls = new Map(); // hash → object URL
  const quotes = [];
  for (const quote of note.quotes) {
    let markdown = quote.markdown;
    const images = [];
    for (const image of quote.images ?? []) {
      if (!image.hash) {
        images.push(image);
        continue;
      }
      let url = urls.get(image.hash);
      if (!url) {
        const stored = await getImage(image.hash).catch((error) => {
          console.warn('Quotebook: a stored image could not be read:', error?.message ?? error);
          return undefined;
        });
        if (!stored) {
          images.push(image);
          continue;
        }
        url = URL.createObjectURL(stored.blob);
        urls.set(image.hash, url);
      }
      // The destination as the quote's Markdown has it, bare or in angle brackets.
      markdown = markdown.split(`](${image.url}`).join(`](${url}`).split(`](<${image.url}>`).join(`](${url}`);
      images.push({ ...image, url });
    }
    quotes.push({ ...quote, markdown, images });
  }
  return {
    note: { ...note, quotes },
    revoke: () => {
      for (const url of urls.values()) URL.revokeObjectURL(url);
    },
  };
}
