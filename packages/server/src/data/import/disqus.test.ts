/**
 * `readDisqus` on real files: a small hand-written export checked record by
 * record, a realistic generated one checked against what the generator says
 * a correct import holds, bad files refused with their line, and a
 * 100,000-post file read in bounded memory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bodyText } from '../../http/fields.ts';
import { collectImport, writeLegacyExport } from '../../testing/legacy-exports.ts';
import { describeRealisticExport } from '../../testing/realistic-import.ts';
import { readDisqus } from './disqus.ts';
import { MAX_BODY } from './legacy-rules.ts';
import { ImportError } from './records.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-disqus-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a file in the test's folder and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SMALL = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <category dsq:id="1"><forum>blog</forum><title>General</title><isDefault>true</isDefault></category>
  <thread dsq:id="10">
    <id/><forum>blog</forum><category dsq:id="1"/>
    <link>https://old.blog.example/2012/04/caf\u00e9-r\u00e9sum\u00e9/?utm=x#comments</link>
    <title>Tom &amp; Jerry \u202Ereturn</title>
    <message/><createdAt>2012-04-02T16:26:02Z</createdAt>
    <author><email>owner@mail.example</email><name>Owner</name><isAnonymous>false</isAnonymous><username>owner_u</username></author>
    <ipAddress>192.0.2.10</ipAddress><isClosed>false</isClosed><isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="11">
    <id/><forum>blog</forum><category dsq:id="1"/>
    <link>http://localhost:4000/draft/</link><title>Draft</title><message/>
    <createdAt>2012-05-01T00:00:00</createdAt><isClosed>true</isClosed><isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="12">
    <id/><link>https://old.blog.example/gone/</link><title>Gone</title>
    <createdAt>2012-05-02T00:00:00Z</createdAt><isClosed>false</isClosed><isDeleted>true</isDeleted>
  </thread>
  <post dsq:id="102">
    <id/><message><![CDATA[<p>Reply <b>before</b> its parent &amp; it&#8217;s fine</p>]]></message>
    <createdAt>2012-04-03T10:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>jane@mail.example</email><name>  </name><isAnonymous>false</isAnonymous><username>jane_d</username></author>
    <ipAddress>203.0.113.2</ipAddress><thread dsq:id="10"/><parent dsq:id="101"/>
  </post>
  <post dsq:id="101">
    <id/><message>&lt;p&gt;First!&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</message>
    <createdAt>2012-04-02T17:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>ann@mail.example</email><name>Ann\u0007 \u202EB</name><isAnonymous>false</isAnonymous><username>ann_u</username></author>
    <ipAddress>203.0.113.1</ipAddress><thread dsq:id="10"/>
  </post>
  <post dsq:id="103">
    <id/><message><![CDATA[<p>buy pills</p>]]></message>
    <createdAt>2012-04-03T11:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>true</isSpam>
    <author><email>spam@mail.example</email><name>Spammer</name><username>spam_u</username></author>
    <ipAddress>203.0.113.3</ipAddress><thread dsq:id="10"/><parent dsq:id="102"/>
  </post>
  <post dsq:id="104">
    <id/><message><![CDATA[<p>answering the spam</p>]]></message>
    <createdAt>2012-04-03T12:00:00.250Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>bob@mail.example</email><name>Bob</name><username>bob_u</username></author>
    <ipAddress>203.0.113.4</ipAddress><thread dsq:id="10"/><parent dsq:id="103"/>
  </post>
  <post dsq:id="105">
    <id/><message><![CDATA[<p>deleted words</p>]]></message>
    <createdAt>2012-04-03T13:00:00Z</createdAt><isDeleted>true</isDeleted><isSpam>false</isSpam>
    <author><name>Del</name></author><thread dsq:id="10"/>
  </post>
  <post dsq:id="106">
    <id/><message><![CDATA[<p>in a deleted thread</p>]]></message>
    <createdAt>2012-05-03T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>X</name></author><thread dsq:id="12"/>
  </post>
  <post dsq:id="107">
    <id/><message><![CDATA[<p>no thread</p>]]></message>
    <createdAt>2012-05-03T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Y</name></author><thread dsq:id="99"/>
  </post>
  <post dsq:id="108">
    <id/><message><![CDATA[<p>testing on localhost</p>]]></message>
    <createdAt>2012-05-01T01:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name></name></author><thread dsq:id="11"/>
  </post>
  <post dsq:id="109">
    <id/><message><![CDATA[<script>alert(1)</script>]]></message>
    <createdAt>2012-05-01T02:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Empty</name></author><thread dsq:id="10"/>
  </post>
</disqus>
`;

const KEY = '/2012/04/caf%C3%A9-r%C3%A9sum%C3%A9/';

/** The start of a small hand-written export. */
const HEAD = '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">';

/** A post of thread `thread` with the message `text` (escaped here), under `parent` if given. */
const post = (id: number, thread: number, text: string, parent?: number) =>
  `<post dsq:id="${id}"><message>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</message>` +
  '<createdAt>2012-04-03T10:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>' +
  `<author><name>A</name></author><thread dsq:id="${thread}"/>` +
  `${parent === undefined ? '' : `<parent dsq:id="${parent}"/>`}</post>`;

/** A published top-level reply as every Disqus post becomes, with these fields. */
const message = (fields: {
  sourceId: string;
  threadKey: string;
  parentSourceId: string | null;
  name: string;
  body: string;
  createdAt: string;
}) => ({
  sourceId: fields.sourceId,
  threadKey: fields.threadKey,
  parentSourceId: fields.parentSourceId,
  kind: 'reply',
  status: 'published',
  hiddenReason: null,
  author: { name: fields.name, role: null },
  body: fields.body,
  highlighted: false,
  createdAt: fields.createdAt,
  editedAt: null,
  updatedAt: null,
});

describe('readDisqus: a small export, record by record', () => {
  it('reads threads, posts, parents, times, names and bodies as the file says', async () => {
    const reader = readDisqus(file('small.xml', SMALL));
    const got = await collectImport(reader);
    assert.deepEqual(got.threads, [
      {
        key: KEY,
        title: 'Tom & Jerry return',
        summary: null,
        url: `https://old.blog.example${KEY}?utm=x`,
        status: 'open',
        createdAt: '2012-04-02T16:26:02.000Z',
      },
      {
        key: '/draft/',
        title: 'Draft',
        summary: null,
        url: 'http://localhost:4000/draft/',
        status: 'closed',
        createdAt: '2012-05-01T00:00:00.000Z',
      },
    ]);
    assert.deepEqual(got.messages, [
      message({
        sourceId: 'disqus:102',
        threadKey: KEY,
        parentSourceId: 'disqus:101',
        // A blank name is Anonymous: the username is never passed on.
        name: 'Anonymous',
        body: 'Reply **before** its parent & it\u2019s fine',
        createdAt: '2012-04-03T10:00:00.000Z',
      }),
      message({
        sourceId: 'disqus:101',
        threadKey: KEY,
        parentSourceId: null,
        name: 'Ann B',
        body: 'First!',
        createdAt: '2012-04-02T17:00:00.000Z',
      }),
      // Its parent is spam: it answers the spam's parent instead.
      message({
        sourceId: 'disqus:104',
        threadKey: KEY,
        parentSourceId: 'disqus:102',
        name: 'Bob',
        body: 'answering the spam',
        createdAt: '2012-04-03T12:00:00.250Z',
      }),
      message({
        sourceId: 'disqus:108',
        threadKey: '/draft/',
        parentSourceId: null,
        name: 'Anonymous',
        body: 'testing on localhost',
        createdAt: '2012-05-01T01:00:00.000Z',
      }),
    ]);
    assert.deepEqual(got.skipped, {
      'deleted thread': 1,
      spam: 1,
      deleted: 1,
      'in a deleted thread': 1,
      'thread missing': 1,
      empty: 1,
    });
    assert.deepEqual(
      new Map(reader.origins),
      new Map([
        ['https://old.blog.example', 1],
        ['http://localhost:4000', 1],
      ]),
    );
  });

  it('keeps only the threads on --origin, counting the rest and their posts', async () => {
    const got = await collectImport(
      readDisqus(join(dir, 'small.xml'), { origins: ['https://old.blog.example/'] }),
    );
    assert.deepEqual(
      got.threads.map((t) => t.key),
      [KEY],
    );
    assert.deepEqual(
      got.messages.map((m) => m.sourceId),
      ['disqus:102', 'disqus:101', 'disqus:104'],
    );
    assert.equal(got.skipped['thread on another site'], 1);
    assert.equal(got.skipped['on another site'], 1);
  });

  it('imports the first of two posts with one dsq:id and counts the other as the loader does', async () => {
    const post = (text: string) =>
      `<post dsq:id="7"><message>${text}</message><createdAt>2012-04-03T10:00:00Z</createdAt>` +
      '<isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>A</name></author><thread dsq:id="1"/></post>';
    const got = await collectImport(
      readDisqus(
        file(
          'duplicate.xml',
          '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">' +
            '<thread dsq:id="1"><link>https://old.blog.example/a/</link></thread>' +
            `${post('first')}${post('second')}</disqus>`,
        ),
      ),
    );
    assert.deepEqual(
      got.messages.map((m) => m.body),
      ['first'],
    );
    // The same words as staging's count of a repeated source id: one line in the summary.
    assert.deepEqual(got.skipped, { 'duplicate message': 1 });
  });

  it('counts a thread whose dsq:id an earlier thread had as staging does, keeping the first', async () => {
    const thread = (link: string) =>
      `<thread dsq:id="1"><link>${link}</link><title>${link}</title><isDeleted>false</isDeleted></thread>`;
    const got = await collectImport(
      readDisqus(
        file(
          'duplicate-thread.xml',
          `${HEAD}${thread('https://old.blog.example/a/')}${thread('https://old.blog.example/b/')}` +
            `${post(7, 1, 'hello')}</disqus>`,
        ),
      ),
    );
    assert.deepEqual(
      got.threads.map((t) => t.key),
      ['/a/'],
    );
    assert.deepEqual(got.skipped, { 'duplicate thread': 1 });
  });

  it('stores a thread url without its credentials or tracking parameters, keeping the rest', async () => {
    const got = await collectImport(
      readDisqus(
        file(
          'credentials.xml',
          `${HEAD}<thread dsq:id="1"><link>http://user:pass@b.example/creds/?utm_source=feed&amp;p=42&amp;fbclid=F&amp;gclid=G&amp;utm_medium=rss&amp;utm=kept#c</link></thread>` +
            `${post(7, 1, 'hello')}</disqus>`,
        ),
      ),
    );
    assert.deepEqual(
      got.threads.map((t) => [t.key, t.url]),
      [['/creds/', 'http://b.example/creds/?p=42&utm=kept']],
    );
  });

  it('leaves out a post whose markdown is longer than a body may be, counted as such', async () => {
    // The server's own rule for a posted body: the reader's limit is that one.
    assert.equal(bodyText.safeParse('x'.repeat(MAX_BODY)).success, true);
    assert.equal(bodyText.safeParse('x'.repeat(MAX_BODY + 1)).success, false);
    // 😀 is one character of a body, two UTF-16 units.
    const longest = '\u{1F600}'.repeat(MAX_BODY);
    const got = await collectImport(
      readDisqus(
        file(
          'long.xml',
          `${HEAD}<thread dsq:id="1"><link>https://old.blog.example/a/</link></thread>` +
            `${post(1, 1, 'top')}${post(2, 1, `${longest}x`, 1)}${post(3, 1, longest, 2)}` +
            // Markup that turns short HTML into long markdown: escapes.
            `${post(4, 1, '*'.repeat(MAX_BODY / 2 + 1))}</disqus>`,
        ),
      ),
    );
    assert.deepEqual(
      got.messages.map((m) => [m.sourceId, m.parentSourceId]),
      [
        ['disqus:1', null],
        // Its parent left out: a reply to the post above it, as for a deleted one.
        ['disqus:3', 'disqus:1'],
      ],
    );
    for (const m of got.messages) assert.equal(bodyText.safeParse(m.body).success, true);
    assert.deepEqual(got.skipped, { 'longer than 10,000 characters': 2 });
  });

  it('tallies the keys that threads of different links share, counting only those imported', async () => {
    const thread = (id: number, link: string) =>
      `<thread dsq:id="${id}"><link>${link}</link><isDeleted>false</isDeleted></thread>`;
    const post = (id: number, thread: number) =>
      `<post dsq:id="${id}"><message>post ${id}</message><createdAt>2012-04-03T10:00:00Z</createdAt>` +
      `<isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>A</name></author><thread dsq:id="${thread}"/></post>`;
    const path = file(
      'shared-keys.xml',
      '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">' +
        thread(1, 'https://old.blog.example/a/') +
        thread(2, 'https://old.blog.example/a/?replytocom=8') +
        thread(3, 'http://localhost:4000/a/') +
        // A tracking copy of a post's link is that link.
        thread(6, 'https://old.blog.example/a/?utm_source=feed#comments') +
        // A thread nobody commented on makes no thread, and shares nothing.
        thread(4, 'https://old.blog.example/a/?replytocom=9') +
        thread(5, 'https://old.blog.example/b/') +
        `${post(11, 1)}${post(12, 2)}${post(13, 3)}${post(15, 5)}${post(16, 6)}</disqus>`,
    );
    const all = readDisqus(path);
    await collectImport(all);
    assert.deepEqual(new Map(all.sharedKeys), new Map([['/a/', 3]]));
    const one = readDisqus(path, { origins: ['https://old.blog.example'] });
    await collectImport(one);
    assert.deepEqual(new Map(one.sharedKeys), new Map([['/a/', 2]]));
  });

  it('refuses an --origin that is not an http(s) origin, before reading', () => {
    assert.throws(() => readDisqus(join(dir, 'small.xml'), { origins: ['old.blog.example'] }), {
      message: /--origin old\.blog\.example: not a URL/,
    });
    assert.throws(() => readDisqus(join(dir, 'small.xml'), { origins: ['ftp://x.example'] }), {
      message: /not an http or https origin/,
    });
  });
});

describeRealisticExport({
  name: 'readDisqus',
  format: 'disqus',
  seed: 42,
  read: readDisqus,
  offSite: 'thread on another site',
  dir: () => dir,
});

describe('readDisqus: files it cannot read', () => {
  const refuses = async (name: string, text: string, pattern: RegExp) => {
    const path = file(name, text);
    await assert.rejects(collectImport(readDisqus(path)), (error: Error) => {
      // The error the import commands report as a bad file (exit 1), itself.
      assert.equal(error.constructor, ImportError);
      assert.match(error.message, pattern);
      assert.ok(error.message.startsWith(path), error.message);
      return true;
    });
  };

  it('names the line and column of malformed XML', () =>
    refuses(
      'malformed.xml',
      '<disqus xmlns="http://disqus.com">\n  <thread>\n    <link>x</thread>\n</disqus>',
      /line 3, column \d+: Unexpected close tag/,
    ));

  it('refuses a file whose root is not <disqus>', () =>
    refuses(
      'other.xml',
      '<?xml version="1.0"?>\n<feed><entry/></feed>',
      /line 2, column \d+: not a Disqus export: the root element is <feed>, not <disqus>/,
    ));

  it('names the command that reads a WordPress export given to it', () =>
    refuses(
      'wxr.xml',
      '<?xml version="1.0"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>',
      /line 2, column \d+: not a Disqus export but a WordPress one \(WXR\): read it with `parley-server import-wordpress`/,
    ));

  it('says a file that is not XML is not, and that one starting with { is a Parley export', async () => {
    await refuses(
      'site.json',
      '\n  {"format": "parley-export", "threads": []}',
      /site\.json, line 2: not XML but JSON, like a Parley export: read that with `parley-server import`/,
    );
    await refuses(
      'notes.txt',
      'hello <disqus>',
      /notes\.txt, line 1: not XML \(it does not start with a tag\)/,
    );
  });

  it('refuses a field of over 1 MiB, naming it and its line, before holding the rest', () =>
    refuses(
      'huge.xml',
      `${HEAD}\n<thread dsq:id="1"><link>https://old.blog.example/a/</link></thread>\n` +
        `<post dsq:id="1">\n<message>${'x'.repeat(2 * 1024 * 1024)}</message></post></disqus>`,
      /line 4: a <message> longer than 1 MiB: not a comment export/,
    ));

  it('refuses an empty file', () => refuses('empty.xml', '', /line 1: no root element/));

  it('says a file that ends before its root closes looks cut short', async () => {
    const cut =
      /line 2: the file ends before its root element <disqus> closes: it looks cut short \(a truncated download or copy\?\)/;
    await refuses(
      'truncated.xml',
      '<disqus xmlns="http://disqus.com">\n<thread dsq:id="1" xmlns:dsq="http://disqus.com/disqus-internals">',
      cut,
    );
    await refuses('cut-in-a-tag.xml', '<disqus xmlns="http://disqus.com">\n<thread dsq:i', cut);
  });

  it('refuses a post without dsq:id or with a createdAt that is no time, naming its line', async () => {
    const head =
      '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n';
    await refuses(
      'no-id.xml',
      `${head}\n<post><message>x</message></post></disqus>`,
      /line 3: a <post> without a dsq:id/,
    );
    await refuses(
      'bad-date.xml',
      `${head}<post dsq:id="7"><createdAt>2012-13-45T00:00:00Z</createdAt></post></disqus>`,
      /line 2: post 7: createdAt "2012-13-45T00:00:00Z" is not a time/,
    );
  });
});

describe('readDisqus: a 100,000-post export', () => {
  it('is read in bounded memory, never the whole file at once', async (t) => {
    const exported = writeLegacyExport(join(dir, 'large.xml'), {
      format: 'disqus',
      seed: 7,
      threads: 1000,
      commentsPerThread: 100,
      detail: false,
      bodies: 'short',
    });
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let messages = 0;
    await readDisqus(exported.path)({
      thread() {},
      message() {
        if (++messages % 10_000 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      },
      report() {},
      skip() {},
    });
    assert.equal(messages, exported.expect().messageCount);
    assert.ok(messages > 90_000);
    t.diagnostic(
      `file ${(exported.bytes / 1e6).toFixed(1)} MB, heap growth ${(peak / 1e6).toFixed(1)} MB`,
    );
    // The reader holds a few dozen bytes of facts per post, not its text:
    // far less than the file.
    assert.ok(
      peak < exported.bytes / 2,
      `heap grew ${peak} bytes for a ${exported.bytes}-byte file`,
    );
  });
});
