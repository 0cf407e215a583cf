import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { parseCommandLine } from '../config.ts';
import { type RunningServer, startServer } from '../main.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { ownOrigins } from './origin-policy.ts';

describe('ownOrigins', () => {
  it('is the origin of the public URL, path and default port dropped', () => {
    assert.deepEqual(ownOrigins('https://Comments.example:443/parley/'), [
      'https://comments.example',
    ]);
  });

  it('lets a loopback or wildcard address stand for every loopback name on its port', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '[::]']) {
      const own = ownOrigins(`http://${host}:8787`);
      for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
        assert.ok(own.includes(`http://${name}:8787`), `${host} stands for ${name}`);
      }
      assert.ok(!own.includes('http://localhost:8788'));
    }
  });

  it('is nothing without a public URL', () => {
    assert.deepEqual(ownOrigins(undefined), []);
  });
});

const sqlite = dialects[0]!;

describe('the Host header decides nothing (in process)', () => {
  let f: AppFixture;
  afterEach(async () => {
    await f?.close();
  });

  /** A request as a client that names evil.example as the server would send it. */
  const asEvil = (path: string, method: string, body: unknown, headers = {}) =>
    f.app.request(`http://evil.example${path}`, {
      method,
      headers: { Host: 'evil.example', 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('refuses a write whose Origin matches only the Host header', async () => {
    f = await appFixture(sqlite);
    const res = await asEvil(
      threadPath('/t', '/messages'),
      'POST',
      { author: 'Mallory', body: 'hi', thread: { url: 'http://evil.example/phish' } },
      { Origin: 'http://evil.example' },
    );
    await assertError(res, 403, 'forbidden');
  });

  it('refuses a thread url on the Host header’s origin', async () => {
    f = await appFixture(sqlite, { adminToken: ADMIN_TOKEN });
    const res = await asEvil(threadPath('/t', '/messages'), 'POST', {
      author: 'Mallory',
      body: 'hi',
      thread: { url: 'http://evil.example/phish' },
    });
    await assertError(res, 400, 'invalid_request', ['thread.url']);
    await f.postMessage('/t', 'hello', { thread: { url: `${BLOG_ORIGIN}/t` } });
    const patch = await asEvil(
      `/api/admin/threads/${encodeURIComponent('/t')}`,
      'PATCH',
      { url: 'http://evil.example/phish' },
      ADMIN,
    );
    await assertError(patch, 400, 'invalid_request', ['url']);
  });
});

describe('the server’s own origin (a real server)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-origin-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<RunningServer> {
    const command = parseCommandLine([], {
      PORT: '0',
      DATABASE_URL: `sqlite:${join(dir, `${Math.random()}.db`)}`,
      PARLEY_ORIGINS: BLOG_ORIGIN,
      PARLEY_VERIFY_URLS: 'off',
      ...env,
    });
    assert.equal(command.kind, 'serve');
    return startServer(command.config, {
      logger: { info: () => {}, error: () => {} },
    });
  }

  /** POSTs over a real socket with exactly these headers (Host included). */
  function post(server: RunningServer, headers: Record<string, string>, body: unknown) {
    const payload = JSON.stringify(body);
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${server.url}${threadPath('/t', '/messages')}`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('refuses Host: evil.example with a matching Origin, or a thread url there', async () => {
    const server = await start({});
    try {
      const evil = { Host: 'evil.example', Origin: 'http://evil.example' };
      const forged = await post(server, evil, { author: 'M', body: 'x' });
      assert.equal(forged.status, 403, forged.text);
      const phish = await post(
        server,
        { Host: 'evil.example' },
        { author: 'M', body: 'x', thread: { url: 'http://evil.example/phish' } },
      );
      assert.equal(phish.status, 400, phish.text);
      assert.match(phish.text, /thread\.url/);
      // The address it listens on is its own origin for writes, whatever Host says.
      const own = await post(
        server,
        { Host: 'evil.example', Origin: server.url },
        { author: 'A', body: 'from /admin' },
      );
      assert.equal(own.status, 201, own.text);
      // ...but never a place for threads: only PARLEY_ORIGINS (and PARLEY_PUBLIC_URL) are.
      const there = await post(
        server,
        { Origin: server.url },
        { author: 'A', body: 'on the server', thread: { url: `${server.url}/t` } },
      );
      assert.equal(there.status, 400, there.text);
      assert.match(there.text, /thread\.url/);
    } finally {
      await server.stop();
    }
  });

  it('takes its own origin from PARLEY_PUBLIC_URL when set, and then not from its address', async () => {
    const server = await start({ PARLEY_PUBLIC_URL: 'https://comments.example/' });
    try {
      const own = await post(
        server,
        { Origin: 'https://comments.example' },
        { author: 'A', body: 'x' },
      );
      assert.equal(own.status, 201, own.text);
      const address = await post(server, { Origin: server.url }, { author: 'A', body: 'y' });
      assert.equal(address.status, 403, address.text);
    } finally {
      await server.stop();
    }
  });
});
