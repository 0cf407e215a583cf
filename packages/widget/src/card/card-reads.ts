/**
 * A thread's card data, read with every other card's of the same task in one
 * `GET /api/threads?key=…` (see `listing/batch.ts`).
 */
import type { Thread } from '@parley/server/wire';
import { getThreads } from '../api/index-client.js';
import { batched } from '../listing/batch.js';

/** The public thread `key` on the server at `base`; undefined when no one has posted to it. */
export const readThread = batched<Thread>(
  async (base, keys, signal) =>
    new Map((await getThreads(base, keys, signal)).threads.map((t) => [t.key, t])),
);
