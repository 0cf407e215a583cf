import type { AdminCatalog } from './en.js';
import { en } from './en.js';
export default en satisfies AdminCatalog;
