/** The index elements' strings in ar (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {} satisfies IndexCatalog;
