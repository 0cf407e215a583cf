/**
 * What a writer gets when SQLite stays locked by another process through
 * every retry: the store refuses with its own StoreUnavailableError, and the
 * HTTP layer answers it 503 `unavailable` with Retry-After.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { createApp } from '../app.ts';
import { silentLogger } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { threadPath } from '../testing/app-fixture.ts';
import { assertError } from '../testing/assertions.ts';
import { migrateToLatest } from './migrate.ts';
import { openStore, type Store, StoreUnavailableError } from './store.ts';

describe('SQLite locked by another writer', () => {
  let dir: string;
  let store: Store;
  let locker: SQLite.Database;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-busy-'));
    const file = join(dir, 'parley.db');
    store = await openStore(file, { busyTimeoutMs: 1 });
    await migrateToLatest(store.db);
    locker = new SQLite(file);
    locker.exec('begin immediate');
  });

  after(async () => {
    locker.exec('rollback');
    locker.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a write with a StoreUnavailableError once its retries are spent', async () => {
    await assert.rejects(
      store.write(async () => {}),
      (error: unknown) =>
        error instanceof StoreUnavailableError &&
        error.message === 'The database is busy; try again shortly.',
    );
  });

  it("answers a post 503 unavailable, with the store's message and Retry-After: 1", async () => {
    const app = createApp({
      store,
      logger: silentLogger,
      config: { origins: [], trustedProxies: new TrustedProxies([]), rateLimit: 0 },
    });
    const res = await app.request(threadPath('/blog/post-1', '/messages'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ author: 'Ada', body: 'While the database is locked.' }),
    });
    const body = await assertError(res, 503, 'unavailable');
    assert.equal(res.headers.get('Retry-After'), '1');
    assert.equal(body.error.message, 'The database is busy; try again shortly.');
  });
});
