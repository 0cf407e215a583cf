/**
 * Public API of `@parley/widget` for code that imports it rather than loading
 * `/widget.js`: importing this module registers the elements too.
 */
import './define.js';

export { ApiError } from './api/client.js';
export type { Theme } from './thread/attributes.js';
export type { ParleyEventMap } from './thread/events.js';
export { ParleyThread } from './thread/parley-thread.js';
