/** The index elements' strings in zh-Hans (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {} satisfies IndexCatalog;
