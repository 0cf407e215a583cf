/** Registers `<parley-count>` (guarded, so loading it twice is harmless): the chunk the autoloader imports. */
import { ParleyCount } from './parley-count.js';

if (!customElements.get('parley-count')) customElements.define('parley-count', ParleyCount);
