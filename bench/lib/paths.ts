/** Where things are in the repository, resolved from this file so any working directory works. */
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The widget's build output, served by the Parley server as `/widget.js` and `/widget/*`. */
export const WIDGET_DIST = fileURLToPath(new URL('../../packages/widget/dist/', import.meta.url));

/** The benchmark report and its raw figures. */
export const REPORT_MD = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
export const REPORT_JSON = fileURLToPath(new URL('../../docs/benchmarks.json', import.meta.url));
