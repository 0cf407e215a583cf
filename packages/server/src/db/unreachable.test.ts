/**
 * What readers and writers get when PostgreSQL stops answering mid-flight: a
 * TCP relay (testing/tcp-relay.ts) stands between the server and the real test
 * database, and the test cuts it, as a network partition or a database
 * restart would.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.ts';
import { silentLogger } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { threadPath } from '../testing/app-fixture.ts';
import { assertError } from '../testing/assertions.ts';
import { databaseForThisProcess, dialects } from '../testing/dialects.ts';
import { tcpRelay } from '../testing/tcp-relay.ts';
import { migrateToLatest } from './migrate.ts';
import { openStore, type Store } from './store.ts';

const onPostgres = dialects.some((d) => d.name === 'postgres');

describe('PostgreSQL unreachable', { skip: !onPostgres && 'PostgreSQL is not reachable' }, () => {
  let store: Store;
  let cut: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  const KEY = '/blog/post-1';

  before(async () => {
    const database = new URL(await databaseForThisProcess());
    const link = await tcpRelay(database);
    cut = link.cut;
    const viaRelay = new URL(database);
    viaRelay.host = `127.0.0.1:${link.port}`;
    const pgSchema = `test_${randomBytes(4).toString('hex')}`;
    store = await openStore(viaRelay.toString(), { pgSchema });
    await migrateToLatest(store.db);
    app = createApp({
      store,
      logger: silentLogger,
      config: { origins: [], trustedProxies: new TrustedProxies([]), rateLimit: 0 },
    });
    const posted = await app.request(threadPath(KEY, '/messages'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ author: 'Ada', body: 'Before the cut.' }),
    });
    assert.equal(posted.status, 201);
    await cut();
  });

  after(async () => {
    await store?.close().catch(() => {});
  });

  it('answers reads 503 unavailable with Retry-After, not 500', async () => {
    for (const path of [threadPath(KEY), threadPath(KEY, '/messages'), '/healthz']) {
      const res = await app.request(path);
      await assertError(res, 503, 'unavailable');
      assert.match(res.headers.get('Retry-After') ?? '', /^[1-9]\d*$/, path);
    }
  });

  it('answers writes 503 unavailable with Retry-After', async () => {
    const res = await app.request(threadPath(KEY, '/messages'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ author: 'Ada', body: 'After the cut.' }),
    });
    await assertError(res, 503, 'unavailable');
    assert.match(res.headers.get('Retry-After') ?? '', /^[1-9]\d*$/);
  });
});
