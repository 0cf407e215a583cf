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

const elements = {
  'parley-admin': ParleyAdmin,
  'parley-admin-message': ParleyAdminMessage,
  'parley-admin-thread': ParleyAdminThread,
};
for (const [tag, element] of Object.entries(elements))
  if (!customElements.get(tag)) customElements.define(tag, element);
