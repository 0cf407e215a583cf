/**
 * Registers every public element. Guarded by `customElements.get` so a page
 * that loads the script twice (or two bundles) gets no "already defined" error.
 */
import { ParleyThread } from './thread/parley-thread.js';

/** Each tag and its class; a later element (the admin page's) joins this list. */
const elements: [string, CustomElementConstructor][] = [['parley-thread', ParleyThread]];

for (const [tag, element] of elements) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
