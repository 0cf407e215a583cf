/**
 * Registers `<parley-thread>` (guarded by `customElements.get` so a page that
 * loads the script twice, or two bundles, gets no "already defined" error),
 * and the index elements (`<parley-count>`, `<parley-card>`,
 * `<parley-threads>`) through an autoloader, as Shoelace's does: each is a
 * lazy chunk, imported once its tag is in the document (now, or later: one
 * `MutationObserver` watches the document until every chunk is in), so a page
 * pays for the elements it uses. Its limit: a tag inside another component's
 * shadow root is not seen; such sites import `@parley/widget`, which
 * registers every element eagerly.
 */
import { ParleyThread } from './thread/parley-thread.js';

// The moderation page registers its own element (src/admin.ts): the widget never carries it.
if (!customElements.get('parley-thread')) customElements.define('parley-thread', ParleyThread);

const chunks: Record<string, () => Promise<unknown>> = {
  'parley-count': () => import('./count/define.js'),
  'parley-card': () => import('./card/define.js'),
  'parley-threads': () => import('./threads/define.js'),
};

// A selector per tag not loaded yet, asked of the whole document after each
// batch of changes: smaller, and no slower, than walking the added nodes.
const discover = () => {
  for (const tag in chunks)
    if (document.querySelector(tag)) {
      chunks[tag]!();
      delete chunks[tag];
    }
};
new MutationObserver(discover).observe(document, { childList: true, subtree: true });
discover();
