/**
 * The count of a thread, read with every other badge's of the same task in one
 * `GET /api/counts` (see `listing/batch.ts`).
 */
import { getCounts } from '../api/index-client.js';
import { batched } from '../listing/batch.js';

/** The published message count of `key` on the server at `base` (0 for a thread no one has posted to). */
export const readCount = batched<number>(
  async (base, keys, signal) =>
    new Map(Object.entries((await getCounts(base, keys, signal)).counts)),
);
