/**
 * Registers `<parley-thread>`, guarded by `customElements.get` so a page that
 * loads the script twice (or two bundles) gets no "already defined" error.
 */
import { ParleyThread } from './thread/parley-thread.js';

// The moderation page registers its own element (src/admin.ts): the widget never carries it.
if (!customElements.get('parley-thread')) customElements.define('parley-thread', ParleyThread);
