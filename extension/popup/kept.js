// @ts-check
// The popup's line about quotes that storage refused: they are kept, and saved with the
// next quote (see `PENDING_PREFIX` in store.js). The badge said so at the time; this says
// it for as long as it is true.
import { plural } from '../ui/i18n.js';
import { keptSaveCount } from '../save.js';

const line = /** @type {HTMLElement} */ (document.getElementById('save-kept'));

keptSaveCount()
  .then((n) => {
    line.hidden = n === 0;
    if (n > 0) line.textContent = plural('savesKept', n);
  })
  .catch((error) => console.warn('Quotebook: kept saves:', error));
