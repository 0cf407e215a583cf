/**
 * Entry of `/admin.js`, the moderation page's bundle: registers
 * `<parley-admin>`, guarded by `customElements.get` so loading it twice is
 * harmless. Kept apart from `define.ts` and `widget.ts` on purpose: readers'
 * pages never download moderation code.
 */
import { ParleyAdmin } from './admin/parley-admin.js';

if (!customElements.get('parley-admin')) customElements.define('parley-admin', ParleyAdmin);
