// @ts-check
// What the page shows of the image the reader right-clicked: its alt text, the caption of
// the `figure` it sits in, and its natural size. `imageDetails` is injected on demand
// (`scripting.executeScript({func})`) into the frame of the click, where it only reads the
// page's tree: it loads nothing and runs nothing of the page's.

/**
 * @typedef {{found: boolean, alt: string, caption: string, width: number, height: number,
 *   src: string}} ImageDetails
 */

/**
 * Runs in the page's frame: self-contained (it is serialised as source), reads only.
 * @param {string} srcUrl the address the menu reports (`info.srcUrl`)
 * @returns {ImageDetails}
 */
export function imageDetails(srcUrl) {
  const MAX_TEXT = 2000;
  const clean = (/** @type {string | null | undefined} */ text) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  const images = [...document.images];
  const image = images.find((i) => i.currentSrc === srcUrl)
    ?? images.find((i) => i.src === srcUrl)
    ?? null;
  if (!image) return { found: false, alt: '', caption: '', width: 0, height: 0, src: srcUrl };
  const figure = image.closest('figure');
  const caption = figure?.querySelector('figcaption');
  return {
    found: true,
    alt: clean(image.getAttribute('alt')),
    // `textContent`, not `innerText`: no layout is forced on the page for a caption.
    caption: clean(caption?.textContent),
    width: image.naturalWidth,
    height: image.naturalHeight,
    src: image.currentSrc || image.src,
  };
}
