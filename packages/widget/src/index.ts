/**
 * Public API of `@parley/widget` for code that imports it rather than loading
 * `/widget.js`: importing this module registers every element, eagerly (so
 * elements inside another component's shadow root work too, which the
 * widget's autoloader cannot see).
 */
import './define.js';
import './count/define.js';
import './card/define.js';
import './threads/define.js';

export { ApiError } from './api/client.js';
export type { ThreadsSort } from './api/index-client.js';
export type { CardLoadedDetail } from './card/parley-card.js';
export { ParleyCard } from './card/parley-card.js';
export type { CountLoadedDetail } from './count/parley-count.js';
export { ParleyCount } from './count/parley-count.js';
export type { ErrorDetail } from './listing/index-element.js';
export type { Theme } from './thread/attributes.js';
export type { ParleyEventMap } from './thread/events.js';
export { ParleyThread } from './thread/parley-thread.js';
export type { ThreadsLoadedDetail } from './threads/parley-threads.js';
export { ParleyThreads } from './threads/parley-threads.js';
