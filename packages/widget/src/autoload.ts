/**
 * The autoloader of the index elements (`<parley-count>`, `<parley-card>`,
 * `<parley-threads>`), as Shoelace's: each is a lazy chunk, imported once its
 * tag is in the document (now, or later: one `MutationObserver` watches the
 * document until every chunk is in), so a page pays for the elements it uses.
 * Itself a chunk `/widget.js` imports at once without waiting on it: the
 * thread renders without it, so its bytes stay out of the 12 KB a thread
 * needs first. Its limit: a tag inside another component's shadow root is
 * not seen; such sites import `@parley/widget`, which registers every element
 * eagerly.
 */
const chunks: Record<string, () => Promise<unknown>> = {
  'parley-count': () => import('./count/define.js'),
  'parley-card': () => import('./card/define.js'),
  'parley-threads': () => import('./threads/define.js'),
};

// A selector per tag not loaded yet, asked of the whole document after each
// batch of changes: smaller, and no slower, than walking the added nodes.
const observer = new MutationObserver(discover);
function discover() {
  for (const tag in chunks)
    if (document.querySelector(tag)) {
      // A chunk that fails (offline, a deploy that replaced it) is not asked
      // again on every later change of the page: that tag stays undefined.
      chunks[tag]!().catch((e) => console.warn(`Parley: ${tag} could not load`, e));
      delete chunks[tag];
    }
  // Every chunk is in: nothing left to watch for.
  for (const _ in chunks) return;
  observer.disconnect();
}
observer.observe(document, { childList: true, subtree: true });
discover();

export {};
