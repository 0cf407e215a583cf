/** Registers `<parley-card>` (guarded, so loading it twice is harmless): the chunk the autoloader imports. */
import { ParleyCard } from './parley-card.js';

if (!customElements.get('parley-card')) customElements.define('parley-card', ParleyCard);
