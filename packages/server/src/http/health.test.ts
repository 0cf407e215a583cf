/**
 * GET /healthz on both dialects: 200 with the version while the database
 * answers; 503 in the error envelope, with the version and `database:
 * "unavailable"`, when it does not: a store closed under the app, and a
 * PostgreSQL whose connection is cut (a TCP relay, as db/unreachable.test.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.ts';
import { silentLogger } from '../app-deps.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openStore, type Store } from '../db/store.ts';
import { type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { databaseForThisProcess, dialects } from '../testing/dialects.ts';
import { tcpRelay } from '../testing/tcp-relay.ts';
import { SERVER_VERSION } from '../version.ts';
import { TrustedProxies } from './client-address.ts';

/** The server package's version, read here independently of the code under test. */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Asserts the 503 answer: envelope, Retry-After, version, and that the database is named unavailable. */
async function assertUnavailable(res: Response) {
  const retryAfter = res.headers.get('Retry-After');
  const body = (await assertError(res, 503, 'unavailable')) as unknown as Record<string, unknown>;
  assert.match(retryAfter ?? '', /^[1-9]\d*$/);
  assert.equal(body.version, VERSION);
  assert.equal(body.database, 'unavailable');
  assert.deepEqual(Object.keys(body).sort(), ['database', 'error', 'version']);
  // The driver's own words may name hosts, users or files: never shown.
  assert.doesNotMatch(JSON.stringify(body), /ECONN|sqlite|postgres|127\.0\.0\.1|closed|destroyed/i);
}

describe('SERVER_VERSION', () => {
  it("is the server package's version", () => {
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
    assert.equal(SERVER_VERSION, VERSION);
  });
});

for (const dialect of dialects) {
  describe(`GET /healthz on ${dialect.name}`, () => {
    let f: AppFixture;

    before(async () => {
      f = await appFixture(dialect);
    });

    after(async () => {
      await f.close().catch(() => {});
    });

    it('answers 200 {status: ok, version, database: ok} while the database answers', async () => {
      const res = await f.get('/healthz');
      assert.deepEqual(await json(res, 200), { status: 'ok', version: VERSION, database: 'ok' });
      assert.match(res.headers.get('Content-Type') ?? '', /^application\/json/);
    });

    it('answers 503 unavailable with the version once the database is closed', async () => {
      await f.db.store.close();
      await assertUnavailable(await f.get('/healthz'));
    });
  });
}

const onPostgres = dialects.some((d) => d.name === 'postgres');

describe('GET /healthz when PostgreSQL stops answering', {
  skip: !onPostgres && 'PostgreSQL is not reachable',
}, () => {
  let store: Store;
  let cut: () => Promise<void>;
  let app: ReturnType<typeof createApp>;

  before(async () => {
    const database = new URL(await databaseForThisProcess());
    const link = await tcpRelay(database);
    cut = link.cut;
    const viaRelay = new URL(database);
    viaRelay.host = `127.0.0.1:${link.port}`;
    store = await openStore(viaRelay.toString(), {
      pgSchema: `test_${randomBytes(4).toString('hex')}`,
    });
    await migrateToLatest(store.db);
    app = createApp({
      store,
      logger: silentLogger,
      config: { origins: [], trustedProxies: new TrustedProxies([]), rateLimit: 0 },
    });
  });

  after(async () => {
    await store?.close().catch(() => {});
  });

  it('answers 200 through the relay, then 503 unavailable with the version once it is cut', async () => {
    assert.deepEqual(await json(await app.request('/healthz'), 200), {
      status: 'ok',
      version: VERSION,
      database: 'ok',
    });
    await cut();
    await assertUnavailable(await app.request('/healthz'));
  });
});
