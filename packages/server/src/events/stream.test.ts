import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Context } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import { inProcessBus } from './bus.ts';
import { createLiveEvents } from './live.ts';
import { runStream } from './stream.ts';

const sqlite = dialects[0];

describe('a live stream whose client does not read', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.dispose();
  });

  it('is dropped when a write is not taken in time: aborted, socket destroyed, forgotten', async () => {
    assert.ok(sqlite);
    db = await sqlite.create();
    const live = createLiveEvents({ store: db.store, bus: inProcessBus(), writeTimeoutMs: 50 });
    let aborted = false;
    let destroyed = false;
    // A client whose socket never drains: no write ever completes.
    const sse = {
      aborted: false,
      write: () => new Promise(() => {}),
      abort() {
        aborted = true;
      },
      onAbort() {},
    } as unknown as SSEStreamingApi;
    const c = {
      env: {
        outgoing: {
          destroy() {
            destroyed = true;
          },
        },
      },
    } as unknown as Context;
    const statusClock = () => ({ now: new Date(), autoCloseDays: undefined });
    const running = runStream(
      c,
      sse,
      { key: 'k', thread: undefined, after: 0 },
      {
        store: db.store,
        live,
        statusClock,
      },
    );
    assert.equal(live.size, 1);
    await running; // resolves only because the stream was dropped
    assert.deepEqual([aborted, destroyed, live.size], [true, true, 0]);
  });
});
