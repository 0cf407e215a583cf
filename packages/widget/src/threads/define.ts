/** Registers `<parley-threads>` (guarded, so loading it twice is harmless): the chunk the autoloader imports. */
import { ParleyThreads } from './parley-threads.js';

if (!customElements.get('parley-threads')) customElements.define('parley-threads', ParleyThreads);
