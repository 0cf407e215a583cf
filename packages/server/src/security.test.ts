/**
 * What bad input, hostile pages and abusive clients get, through the whole
 * app on every dialect (security-tests.md): inert rendering, field rules,
 * size and type limits, origin checks, rate limits, privacy of public JSON
 * and errors that leak nothing. Every refusal also checks nothing was stored.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import type { AppConfig } from './app-deps.ts';
import { TrustedProxies } from './http/client-address.ts';
import { LINK_REL } from './markdown/render.ts';
import { type AppFixture, appFixture, BLOG_ORIGIN, threadPath } from './testing/app-fixture.ts';
import { assertError, json, storedCounts } from './testing/assertions.ts';
import { dialects } from './testing/dialects.ts';
import type { PostMessageResponse, ThreadList, ThreadPage } from './wire.ts';

const KEY = '/blog/post-1';
const MESSAGES = threadPath(KEY, '/messages');

/** Asserts that nothing at all was stored: no thread, no message. */
async function assertNothingStored(f: AppFixture): Promise<void> {
  assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
}

/** Decodes the character references a browser would decode in an attribute. */
function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    )
    .replace(/&#([0-9]+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&amp;/gi, '&');
}

/** Asserts rendered HTML is inert: no dangerous tag, no handler, no script-capable URL. */
function assertInertHtml(html: string, input: string): void {
  const context = `${JSON.stringify(input)} => ${html}`;
  const lower = html.toLowerCase();
  for (const tag of ['<script', '<iframe', '<style', '<form', '<svg', '<img', '<object', '<math']) {
    assert.ok(!lower.includes(tag), `no ${tag}: ${context}`);
  }
  // Only real tags: escaped markup in the text (`&lt;a href=...`) is text.
  for (const [, inside] of html.matchAll(/<([^>]*)>/g)) {
    assert.doesNotMatch(inside!, /(^|[\s/"'])on[a-z]+\s*=/i, `no event handler: ${context}`);
    for (const [, raw] of inside!.matchAll(/href\s*=\s*"([^"]*)"/gi)) {
      const href = decodeEntities(raw!)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers strip them from URLs
        .replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
        .toLowerCase();
      assert.doesNotMatch(href, /^(javascript|data|vbscript|file):/, `safe href: ${context}`);
    }
  }
  for (const [, tag] of html.matchAll(/<a\s([^>]*)>/g)) {
    assert.ok(tag!.includes(`rel="${LINK_REL}"`), `link has rel: ${context}`);
  }
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      keysOf(inner, into);
    }
  }
  return into;
}

const BODY_XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>body{display:none}</style>',
  '<form action="https://evil.example"><input name=x></form>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">raw</a>',
  '[x](javascript:alert(1))',
  '[x](JaVa&#x0a;ScRiPt:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](vbscript:msgbox(1))',
  '<javascript:alert(1)>',
  '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
];

const SIDE_FIELD_XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'; alert(1); //",
  'javascript:alert(1)',
  '{{constructor.constructor("alert(1)")()}}',
];

for (const dialect of dialects) {
  describe(`security on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect);
    });
    afterEach(async () => {
      await f.close();
    });

    describe('POST /api/threads/:key/messages with hostile content', () => {
      it('renders every XSS vector in the body inert', async () => {
        for (const [i, body] of BODY_XSS.entries()) {
          const res = await f.post(threadPath(`/xss/${i}`, '/messages'), {
            author: 'Mallory',
            body,
          });
          const { message } = await json<PostMessageResponse>(res, 201);
          assertInertHtml(message.html, body);
          const page = await json<ThreadPage>(await f.get(threadPath(`/xss/${i}`)), 200);
          assert.equal(
            page.messages[0]?.html,
            message.html,
            'what is read back is what was rendered',
          );
        }
      });

      it('keeps hostile author names as given text, never inside the html', async () => {
        for (const [i, name] of SIDE_FIELD_XSS.entries()) {
          const key = `/names/${i}`;
          // A body of its own each time: the same body again would be a 409 duplicate.
          const body = `hello ${i}`;
          const res = await f.post(threadPath(key, '/messages'), { author: name, body });
          const { message } = await json<PostMessageResponse>(res, 201);
          assert.equal(message.author.name, name);
          assert.equal(message.html, `<p>${body}</p>`);
          const page = await json<ThreadPage>(await f.get(threadPath(key)), 200);
          assert.equal(page.messages[0]?.author.name, name);
          assert.equal(page.messages[0]?.html, `<p>${body}</p>`);
        }
      });

      it('keeps a hostile thread title as given text, never inside any html', async () => {
        for (const [i, title] of SIDE_FIELD_XSS.entries()) {
          const key = `/titles/${i}`;
          const res = await f.post(threadPath(key, '/messages'), {
            author: 'Ada',
            body: `first ${i}`,
            thread: { title },
          });
          const { message } = await json<PostMessageResponse>(res, 201);
          assert.ok(!message.html.includes(title));
          const page = await json<ThreadPage>(await f.get(threadPath(key)), 200);
          assert.equal(page.thread.title, title);
          for (const m of page.messages) assert.ok(!m.html.includes(title));
        }
        const list = await json<ThreadList>(await f.get('/api/threads'), 200);
        assert.deepEqual(list.threads.map((t) => t.title).sort(), [...SIDE_FIELD_XSS].sort());
      });

      it('refuses a thread url on a foreign origin or with a script scheme, storing nothing', async () => {
        for (const url of ['https://evil.example/x', 'javascript:alert(1)', 'data:text/html,x']) {
          const res = await f.post(MESSAGES, { author: 'Ada', body: 'x', thread: { url } });
          await assertError(res, 400, 'invalid_request', ['thread.url']);
        }
        await assertNothingStored(f);
      });
    });

    describe('POST /api/threads/:key/messages author rules', () => {
      const refused: Record<string, string> = {
        'a NUL character': 'Ada\u0000',
        'a bell character': 'A\u0007da',
        'a newline': 'Ada\nLovelace',
        'an escape sequence': '\u001b[31mAda',
        DEL: 'Ada\u007f',
        'a C1 control': 'Ada\u0085x',
        'a right-to-left override (U+202E)': 'Ada\u202Egpj.exe',
        'a left-to-right override (U+202D)': '\u202DAda',
        'a right-to-left isolate (U+2067)': 'Ada\u2067x',
        'a right-to-left mark (U+200F)': 'Ada\u200F',
        'nothing but spaces': '   ',
        'nothing at all': '',
        '81 emoji (81 code points, 162 UTF-16 units)': '😀'.repeat(81),
        '81 letters': 'a'.repeat(81),
      };
      for (const [what, author] of Object.entries(refused)) {
        it(`returns 400 invalid_request naming author when the name has ${what}`, async () => {
          const res = await f.post(MESSAGES, { author, body: 'hello' });
          const error = await assertError(res, 400, 'invalid_request');
          assert.equal(error.error.issues?.[0]?.path, 'author');
          await assertNothingStored(f);
        });
      }

      for (const [what, json] of Object.entries({
        'a lone high surrogate': '{"author":"Ada\\ud800","body":"hello"}',
        'a lone low surrogate': '{"author":"\\udc00Ada","body":"hello"}',
        'a reversed surrogate pair': '{"author":"A\\ude00\\ud83dda","body":"hello"}',
      })) {
        it(`returns 400 invalid_request naming author when the name has ${what}`, async () => {
          const res = await f.post(MESSAGES, json);
          const error = await assertError(res, 400, 'invalid_request');
          assert.equal(error.error.issues?.[0]?.path, 'author');
          await assertNothingStored(f);
        });
      }

      it('returns 400 naming author when the name is not a string', async () => {
        for (const author of [42, null, ['Ada'], { name: 'Ada' }]) {
          await assertError(await f.post(MESSAGES, { author, body: 'x' }), 400, 'invalid_request', [
            'author',
          ]);
        }
        await assertNothingStored(f);
      });

      it('accepts 80 emoji: lengths are counted in code points, not UTF-16 units', async () => {
        const author = '😀'.repeat(80);
        assert.equal(author.length, 160);
        const { message } = await json<PostMessageResponse>(
          await f.post(MESSAGES, { author, body: 'x' }),
          201,
        );
        assert.equal(message.author.name, author);
      });

      it('accepts 80 code points after trimming, names with joiners and accents included', async () => {
        const family = '👩‍👩‍👧'; // 5 code points joined by ZWJ: not a bidi control
        const author = `  ${family}${'é'.repeat(75)}  `;
        const { message } = await json<PostMessageResponse>(
          await f.post(MESSAGES, { author, body: 'x' }),
          201,
        );
        assert.equal(message.author.name, author.trim());
      });
    });

    describe('POST /api/threads/:key/messages body rules', () => {
      for (const [what, body] of Object.entries({
        empty: '',
        'whitespace only': '  \n\t \r\n ',
        '10,001 characters': 'a'.repeat(10_001),
        '10,001 emoji (code points, not UTF-16 units)': '😀'.repeat(10_001),
        'a NUL character': 'hello\u0000',
        'an escape sequence': 'hello \u001b[2J',
      })) {
        it(`returns 400 invalid_request naming body when it is ${what}`, async () => {
          const error = await assertError(
            await f.post(MESSAGES, { author: 'Ada', body }),
            400,
            'invalid_request',
          );
          assert.equal(error.error.issues?.[0]?.path, 'body');
          await assertNothingStored(f);
        });
      }

      it('returns 400 naming body when the body has a lone surrogate', async () => {
        const res = await f.post(MESSAGES, '{"author":"Ada","body":"x\\ud800y"}');
        const error = await assertError(res, 400, 'invalid_request');
        assert.equal(error.error.issues?.[0]?.path, 'body');
        await assertNothingStored(f);
      });

      it('accepts 10,000 emoji (40,000 bytes): the limit counts code points', async () => {
        const body = '😀'.repeat(10_000);
        const res = await f.post(MESSAGES, { author: 'Ada', body });
        const { message } = await json<PostMessageResponse>(res, 201);
        assert.equal(message.html, `<p>${body}</p>`);
      });
    });

    describe('request size', () => {
      /** A JSON post whose encoded size is exactly `bytes`. */
      function postOfSize(bytes: number): string {
        const frame = '{"author":"Ada","body":""}';
        const text = `{"author":"Ada","body":"${'x'.repeat(bytes - frame.length)}"}`;
        assert.equal(Buffer.byteLength(text), bytes);
        return text;
      }

      it('returns 413 payload_too_large for a body over 64 KB sent with Content-Length, storing nothing', async () => {
        const body = postOfSize(64 * 1024 + 1);
        const res = await f.app.request(MESSAGES, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(body)),
          },
          body,
        });
        await assertError(res, 413, 'payload_too_large');
        await assertNothingStored(f);
      });

      it('reads a body of exactly 64 KB (then refuses its too-long text with 400, not 413)', async () => {
        const res = await f.post(MESSAGES, postOfSize(64 * 1024));
        await assertError(res, 400, 'invalid_request', ['body']);
        await assertNothingStored(f);
      });

      it('returns 413 payload_too_large for a chunked body over 64 KB without Content-Length, storing nothing', async () => {
        const bytes = new TextEncoder().encode(postOfSize(200 * 1024));
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 8192)
              controller.enqueue(bytes.slice(i, i + 8192));
            controller.close();
          },
        });
        const init = {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: stream,
          duplex: 'half',
        } as RequestInit;
        const req = new Request(`http://localhost${MESSAGES}`, init);
        assert.equal(req.headers.get('Content-Length'), null);
        await assertError(await f.app.request(req), 413, 'payload_too_large');
        await assertNothingStored(f);
      });

      it('returns 413 payload_too_large for a chunked body over a real socket, storing nothing', async (t) => {
        const server = serve({ fetch: f.app.fetch, port: 0, hostname: '127.0.0.1' });
        t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
        await new Promise<void>((resolve) => {
          if (server.listening) resolve();
          else server.once('listening', () => resolve());
        });
        const { port } = server.address() as AddressInfo;
        const chunk = 'x'.repeat(8192);
        const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: MESSAGES,
              agent: false,
              headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
            },
            (response) => {
              let body = '';
              response.setEncoding('utf8').on('data', (c: string) => {
                body += c;
              });
              response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            },
          );
          // The server may answer and hang up before the last chunk: that is the point.
          req.on('error', (error: NodeJS.ErrnoException) => {
            if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
          });
          req.write('{"author":"Ada","body":"');
          for (let i = 0; i < 12; i++) req.write(chunk);
          req.end('"}');
        });
        assert.equal(res.status, 413, res.body);
        assert.equal(
          (JSON.parse(res.body) as { error: { code: string } }).error.code,
          'payload_too_large',
        );
        await assertNothingStored(f);
      });
    });

    describe('content type', () => {
      const body = JSON.stringify({ author: 'Ada', body: 'hello' });
      for (const [what, type] of Object.entries({
        'text/plain': 'text/plain',
        'text/plain with a charset': 'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded': 'application/x-www-form-urlencoded',
        'multipart/form-data': 'multipart/form-data; boundary=x',
        'a JSON look-alike': 'application/json-patch+json',
        missing: undefined,
      })) {
        it(`returns 415 unsupported_media_type when the content type is ${what}, storing nothing`, async () => {
          const res = await f.app.request(MESSAGES, {
            method: 'POST',
            headers: type ? { 'Content-Type': type } : {},
            body: new TextEncoder().encode(body),
          });
          if (!type)
            assert.equal(
              new Request('http://x', {
                method: 'POST',
                body: new TextEncoder().encode(body),
              }).headers.get('content-type'),
              null,
            );
          await assertError(res, 415, 'unsupported_media_type');
          await assertNothingStored(f);
        });
      }

      it('accepts application/json in any case, with parameters', async () => {
        const res = await f.app.request(MESSAGES, {
          method: 'POST',
          headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
          body,
        });
        assert.equal(res.status, 201);
      });

      it('returns 400 invalid_request for malformed JSON, storing nothing', async () => {
        for (const text of ['{"author":', '{author:"Ada"}', "{'a':1}", '', 'undefined']) {
          await assertError(await f.post(MESSAGES, text), 400, 'invalid_request');
        }
        await assertNothingStored(f);
      });

      it('returns 400 invalid_request for JSON that is not an object, storing nothing', async () => {
        for (const text of ['[]', '"hello"', '42', 'null']) {
          await assertError(await f.post(MESSAGES, text), 400, 'invalid_request');
        }
        await assertNothingStored(f);
      });
    });

    describe('origins and CORS', () => {
      const post = { author: 'Ada', body: 'hello' };

      for (const origin of [
        'https://evil.example',
        'https://blog.example.evil.example',
        'http://blog.example',
        'https://blog.example:8443',
        'null',
      ]) {
        it(`returns 403 forbidden for a write from Origin ${origin}, storing nothing`, async () => {
          const res = await f.post(MESSAGES, post, { Origin: origin });
          await assertError(res, 403, 'forbidden');
          assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
          await assertNothingStored(f);
        });
      }

      it('answers a write from an allowed Origin with that origin in Access-Control-Allow-Origin', async () => {
        const res = await f.post(MESSAGES, post, { Origin: BLOG_ORIGIN });
        assert.equal(res.status, 201);
        assert.equal(res.headers.get('Access-Control-Allow-Origin'), BLOG_ORIGIN);
        assert.match(res.headers.get('Vary') ?? '', /Origin/);
        assert.equal(res.headers.get('Access-Control-Allow-Credentials'), null);
      });

      it('allows the server’s own origin', async () => {
        const res = await f.post(MESSAGES, post, { Origin: 'http://localhost' });
        assert.equal(res.status, 201);
      });

      it('serves writes without an Origin (non-browser clients), with no CORS header', async () => {
        const res = await f.post(MESSAGES, post);
        assert.equal(res.status, 201);
        assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
      });

      it('never reflects a foreign origin on a read', async () => {
        await json(await f.post(MESSAGES, post), 201);
        for (const path of [threadPath(KEY), MESSAGES, '/api/threads', '/api/counts?key=a']) {
          const res = await f.get(path, { Origin: 'https://evil.example' });
          assert.equal(res.status, 200, path);
          assert.equal(res.headers.get('Access-Control-Allow-Origin'), null, path);
          assert.match(res.headers.get('Vary') ?? '', /Origin/, path);
        }
      });

      it('refuses a preflight from a foreign origin, without CORS headers', async () => {
        const res = await f.app.request(MESSAGES, {
          method: 'OPTIONS',
          headers: {
            Origin: 'https://evil.example',
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type',
          },
        });
        await assertError(res, 403, 'forbidden');
        assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
        assert.equal(res.headers.get('Access-Control-Allow-Methods'), null);
      });

      it('answers a preflight from an allowed origin with that origin, the methods and headers', async () => {
        const res = await f.app.request(MESSAGES, {
          method: 'OPTIONS',
          headers: {
            Origin: BLOG_ORIGIN,
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type',
          },
        });
        assert.equal(res.status, 204);
        assert.equal(res.headers.get('Access-Control-Allow-Origin'), BLOG_ORIGIN);
        assert.match(res.headers.get('Access-Control-Allow-Methods') ?? '', /POST/);
        assert.match(res.headers.get('Access-Control-Allow-Headers') ?? '', /Content-Type/i);
      });
    });

    describe('privacy of public JSON', () => {
      const FORBIDDEN_KEYS = [
        'ip',
        'ipHash',
        'ip_hash',
        'address',
        'clientAddress',
        'edit_token_hash',
        'editTokenHash',
        'tokenHash',
        'body',
        'email',
      ];

      it('never carries the client address, its hash, the token hash, the markdown source or the moderation status', async () => {
        f.peer = '198.51.100.77';
        const created = await f.post(
          MESSAGES,
          { author: 'Ada', body: 'Hello **world**', thread: { title: 'T' } },
          { Origin: BLOG_ORIGIN },
        );
        const createdText = await created.clone().text();
        const { editToken } = await json<PostMessageResponse>(created, 201);
        const row = await f.db.store.db
          .selectFrom('messages')
          .select(['ip_hash', 'edit_token_hash', 'body'])
          .executeTakeFirstOrThrow();
        assert.ok(row.ip_hash);

        const reads: Array<[string, string]> = [['POST response', createdText]];
        for (const path of [
          threadPath(KEY),
          MESSAGES,
          '/api/threads',
          '/api/threads?sort=recent',
        ]) {
          const res = await f.get(path, { Origin: BLOG_ORIGIN });
          assert.equal(res.status, 200, path);
          reads.push([path, await res.text()]);
        }
        for (const [what, text] of reads) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const keys = keysOf(parsed);
          for (const key of FORBIDDEN_KEYS) assert.ok(!keys.has(key), `${what} has no ${key}`);
          const messages: object[] = [
            ...((parsed.messages as object[] | undefined) ?? []),
            ...(parsed.message ? [parsed.message as object] : []),
          ];
          for (const m of messages) assert.ok(!('status' in m), `${what}: no message status`);
          for (const secret of ['198.51.100.77', row.ip_hash, row.edit_token_hash, '**world**']) {
            assert.ok(!text.includes(secret), `${what} does not contain ${secret}`);
          }
          if (what !== 'POST response') {
            assert.ok(!text.includes(editToken), `${what} does not contain the edit token`);
          }
        }
      });

      it('stores a keyed hash, not the address, the same for one client all day', async () => {
        f.peer = '198.51.100.77';
        await json(await f.post(MESSAGES, { author: 'Ada', body: 'one' }), 201);
        f.now = new Date(f.now.getTime() + 3 * 3600_000);
        await json(await f.post(MESSAGES, { author: 'Ada', body: 'two' }), 201);
        f.peer = '198.51.100.78';
        await json(await f.post(MESSAGES, { author: 'Bob', body: 'three' }), 201);
        const hashes = (
          await f.db.store.db.selectFrom('messages').select('ip_hash').orderBy('id').execute()
        ).map((r) => r.ip_hash);
        assert.equal(hashes.length, 3);
        for (const hash of hashes) {
          assert.ok(hash && hash.length >= 32, 'a full-length hash');
          assert.ok(!hash.includes('198.51.100'), 'not the raw address');
        }
        assert.equal(hashes[0], hashes[1], 'one client, one day: one hash');
        assert.notEqual(hashes[0], hashes[2], 'another client: another hash');
      });

      it('hashes one client differently on another day (the salt rotates)', async () => {
        f.peer = '198.51.100.77';
        await json(await f.post(MESSAGES, { author: 'Ada', body: 'today' }), 201);
        f.now = new Date(f.now.getTime() + 24 * 3600_000);
        await json(await f.post(MESSAGES, { author: 'Ada', body: 'tomorrow' }), 201);
        const [today, tomorrow] = (
          await f.db.store.db.selectFrom('messages').select('ip_hash').orderBy('id').execute()
        ).map((r) => r.ip_hash);
        assert.ok(today && tomorrow);
        assert.notEqual(today, tomorrow);
        const salts = await f.db.store.db.selectFrom('ip_salts').select('day').execute();
        assert.deepEqual(salts, [{ day: '2026-03-02' }], 'yesterday’s salt is gone');
      });
    });

    describe('rate limit off', () => {
      it('does not limit anyone when the limit is 0', async () => {
        for (let i = 0; i < 12; i++) {
          const res = await f.post(MESSAGES, { author: 'Ada', body: `n${i}` });
          assert.equal(res.status, 201);
        }
      });
    });

    describe('unexpected failures', () => {
      it('answers 500 internal_error with no stack trace or driver text when the database is gone', async () => {
        await f.db.store.close();
        for (const res of [
          await f.post(MESSAGES, { author: 'Ada', body: 'hello' }),
          await f.get(threadPath(KEY)),
        ]) {
          const text = await res.clone().text();
          // A closed store may fairly be reported as "unavailable" instead.
          if (res.status === 503) await assertError(res, 503, 'unavailable');
          else {
            await assertError(res, 500, 'internal_error');
            assert.deepEqual(Object.keys(JSON.parse(text).error).sort(), ['code', 'message']);
          }
          for (const leak of [
            /\bat \S+ \(/,
            /\.ts:\d+/,
            /stack/i,
            /sqlite/i,
            /pool/i,
            /kysely/i,
            /connection/i,
          ]) {
            assert.doesNotMatch(text, leak);
          }
        }
      });

      it('answers /healthz 503 unavailable with Retry-After when the database is gone', async () => {
        await f.db.store.close();
        const res = await f.get('/healthz');
        await assertError(res, 503, 'unavailable');
        assert.match(res.headers.get('Retry-After') ?? '', /^[1-9]\d*$/);
      });
    });
  });

  describe(`rate limits on ${dialect.name}`, () => {
    let f: AppFixture;
    const config: Partial<AppConfig> = {
      rateLimit: 3,
      trustedProxies: new TrustedProxies(['10.0.0.0/8']),
    };
    beforeEach(async () => {
      f = await appFixture(dialect, config);
    });
    afterEach(async () => {
      await f.close();
    });

    let sent = 0;
    async function postAs(peer: string, headers: Record<string, string> = {}): Promise<Response> {
      f.peer = peer;
      return f.post(
        MESSAGES,
        // Numbered: the same body again from one client would be a 409 duplicate.
        { author: 'Ada', body: `from ${peer} at ${f.now.toISOString()} (${++sent})` },
        headers,
      );
    }

    async function messageCount(): Promise<number> {
      return (await storedCounts(f.db.store)).messages;
    }

    it('returns 429 rate_limited with Retry-After to the 4th post in a minute, storing nothing', async () => {
      for (let i = 0; i < 3; i++) {
        assert.equal((await postAs('203.0.113.7')).status, 201);
        f.now = new Date(f.now.getTime() + 10_000);
      }
      const res = await postAs('203.0.113.7');
      await assertError(res, 429, 'rate_limited');
      const retryAfter = res.headers.get('Retry-After');
      assert.match(retryAfter ?? '', /^[1-9]\d*$/, 'a positive whole number of seconds');
      // The first post was 30 s ago: a place frees up in 30 s.
      assert.equal(retryAfter, '30');
      assert.equal(await messageCount(), 3);
    });

    it('does not limit another client', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await postAs('203.0.113.7')).status, 201);
      assert.equal((await postAs('203.0.113.7')).status, 429);
      assert.equal((await postAs('203.0.113.8')).status, 201);
      assert.equal((await postAs('2001:db8::8')).status, 201);
    });

    it('lets the client post again once the minute has passed', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await postAs('203.0.113.7')).status, 201);
      assert.equal((await postAs('203.0.113.7')).status, 429);
      f.now = new Date(f.now.getTime() + 61_000);
      assert.equal((await postAs('203.0.113.7')).status, 201);
      assert.equal(await messageCount(), 4);
    });

    it('counts refused posts nowhere: a 429 does not extend the wait', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await postAs('203.0.113.7')).status, 201);
      for (let i = 0; i < 5; i++) assert.equal((await postAs('203.0.113.7')).status, 429);
      f.now = new Date(f.now.getTime() + 60_001);
      assert.equal((await postAs('203.0.113.7')).status, 201);
    });

    it('ignores X-Forwarded-For from an untrusted peer: rotating fake values does not dodge the limit', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await postAs('203.0.113.7', { 'X-Forwarded-For': `198.51.100.${i}` });
        assert.equal(res.status, 201);
      }
      const res = await postAs('203.0.113.7', { 'X-Forwarded-For': '198.51.100.99' });
      await assertError(res, 429, 'rate_limited');
      assert.equal(await messageCount(), 3);
    });

    it('believes a trusted proxy: the rightmost untrusted hop is the client', async () => {
      for (let i = 0; i < 3; i++) {
        // The left part is the client's to forge; the proxy appended the real address.
        const res = await postAs('10.0.0.5', { 'X-Forwarded-For': `6.6.6.${i}, 198.51.100.1` });
        assert.equal(res.status, 201);
      }
      await assertError(
        await postAs('10.0.0.5', { 'X-Forwarded-For': '6.6.6.99, 198.51.100.1' }),
        429,
        'rate_limited',
      );
      // Another reader behind the same proxy is another client.
      assert.equal((await postAs('10.0.0.5', { 'X-Forwarded-For': '198.51.100.2' })).status, 201);
      // Through a second trusted hop, the same reader is still the same client.
      await assertError(
        await postAs('10.0.0.6', { 'X-Forwarded-For': '198.51.100.1, 10.0.0.5' }),
        429,
        'rate_limited',
      );
      assert.equal(await messageCount(), 4);
    });

    it('hashes a client behind a trusted proxy exactly as if it had connected directly', async () => {
      assert.equal((await postAs('10.0.0.5', { 'X-Forwarded-For': '198.51.100.1' })).status, 201);
      assert.equal((await postAs('198.51.100.1')).status, 201);
      const hashes = await f.db.store.db.selectFrom('messages').select('ip_hash').execute();
      assert.equal(hashes[0]?.ip_hash, hashes[1]?.ip_hash);
      // And the two count together against the limit.
      assert.equal((await postAs('::ffff:198.51.100.1')).status, 201);
      assert.equal((await postAs('198.51.100.1')).status, 429);
    });
  });
}
