/**
 * Entry of `/admin.js`, the moderation page's bundle: registers
 * `<parley-admin>` and its cards (`<parley-admin-message>`,
 * `<parley-admin-thread>`), each guarded by `customElements.get` so loading it
 * twice is harmless. Kept apart from `define.ts` and `widget.ts` on purpose:
 * readers' pages never download moderation code.
 */
import { ParleyAdmin } from './admin/parley-admin.js';
import { ParleyAdminMessage } from './admin/parley-admin-message.js';
import { ParleyAdminThread } from './admin/parley-admin-thread.js';

if (!customElements.get('parley-admin')) customElements.define('parley-admin', ParleyAdmin);
if (!customElements.get('parley-admin-message'))
  customElements.define('parley-admin-message', ParleyAdminMessage);
if (!customElements.get('parley-admin-thread'))
  customElements.define('parley-admin-thread', ParleyAdminThread);
