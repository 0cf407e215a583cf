/**
 * `readWordPress` on real WXR files: a small hand-written export checked
 * record by record, a realistic generated one checked against what the
 * generator says a correct import holds, and bad files refused with their
 * line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectImport } from '../../testing/legacy-exports.ts';
import { describeRealisticExport } from '../../testing/realistic-import.ts';
import { MAX_BODY } from './legacy-rules.ts';
import { ImportError } from './records.ts';
import { autop, readWordPress } from './wordpress.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-wxr-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const HEAD = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel>
  <title>Old blog</title><link>https://old.blog.example</link>
  <wp:wxr_version>1.1</wp:wxr_version><wp:base_site_url>https://old.blog.example</wp:base_site_url>
`;

/** A `<wp:comment>` with the fields that vary. */
const comment = (
  id: number,
  fields: {
    parent?: number;
    approved?: string;
    type?: string;
    gmt?: string;
    date?: string;
    author?: string;
    content: string;
  },
) => `<wp:comment>
  <wp:comment_id>${id}</wp:comment_id>
  <wp:comment_author><![CDATA[${fields.author ?? 'Reader'}]]></wp:comment_author>
  <wp:comment_author_email><![CDATA[reader${id}@mail.example]]></wp:comment_author_email>
  <wp:comment_author_url>https://reader.example/</wp:comment_author_url>
  <wp:comment_author_IP><![CDATA[203.0.113.${id}]]></wp:comment_author_IP>
  <wp:comment_date><![CDATA[${fields.date ?? '2013-01-02 03:04:05'}]]></wp:comment_date>
  <wp:comment_date_gmt><![CDATA[${fields.gmt ?? '2013-01-02 01:04:05'}]]></wp:comment_date_gmt>
  <wp:comment_content><![CDATA[${fields.content}]]></wp:comment_content>
  <wp:comment_approved><![CDATA[${fields.approved ?? '1'}]]></wp:comment_approved>
  <wp:comment_type><![CDATA[${fields.type ?? ''}]]></wp:comment_type>
  <wp:comment_parent>${fields.parent ?? 0}</wp:comment_parent>
  <wp:comment_user_id>0</wp:comment_user_id>
</wp:comment>`;

const SMALL = `${HEAD}
<item>
  <title>Hello &amp; welcome</title>
  <link>https://old.blog.example/2013/01/hello-world/</link>
  <wp:post_id>1</wp:post_id><wp:post_date_gmt>2013-01-01 10:00:00</wp:post_date_gmt>
  <wp:comment_status>closed</wp:comment_status><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  ${comment(12, { parent: 11, content: 'A reply written\nbefore its parent\n\nSecond *paragraph*', author: 'Zoë' })}
  ${comment(11, { content: 'Tom & Jerry <b>bold</b> <script>alert(1)</script>' })}
  ${comment(13, { parent: 12, approved: 'spam', content: 'buy pills' })}
  ${comment(14, { parent: 13, gmt: '0000-00-00 00:00:00', date: '2013-01-03 08:00:00', author: '', content: 'answering the spam' })}
  ${comment(15, { approved: '0', content: 'held' })}
  ${comment(16, { approved: 'trash', content: 'trashed' })}
  ${comment(17, { type: 'pingback', content: 'pinged' })}
  ${comment(18, { type: 'order_note', content: 'Order status changed' })}
</item>
<item>
  <title>Only spam</title><link>https://old.blog.example/spam-only/</link>
  <wp:status>publish</wp:status>
  ${comment(21, { approved: 'spam', content: 'spam' })}
</item>
<item>
  <title>Private</title><link>https://old.blog.example/?p=3</link>
  <wp:status>private</wp:status>
  ${comment(31, { content: 'private words' })}
</item>
</channel>
</rss>
`;

const published = (fields: {
  id: number;
  parent: number | null;
  name: string;
  body: string;
  createdAt: string;
}) => ({
  sourceId: `wordpress:old.blog.example/${fields.id}`,
  threadKey: '/2013/01/hello-world/',
  parentSourceId: fields.parent === null ? null : `wordpress:old.blog.example/${fields.parent}`,
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

describe('readWordPress: a small export, record by record', () => {
  it('reads approved comments of published posts, with paragraphs, parents and GMT times', async () => {
    const reader = readWordPress(file('small.xml', SMALL));
    const got = await collectImport(reader);
    assert.deepEqual(got.threads, [
      {
        key: '/2013/01/hello-world/',
        title: 'Hello & welcome',
        summary: null,
        url: 'https://old.blog.example/2013/01/hello-world/',
        status: 'closed',
        createdAt: '2013-01-01T10:00:00.000Z',
      },
    ]);
    assert.deepEqual(got.messages, [
      published({
        id: 12,
        parent: 11,
        name: 'Zoë',
        body: 'A reply written\nbefore its parent\n\nSecond \\*paragraph\\*',
        createdAt: '2013-01-02T01:04:05.000Z',
      }),
      published({
        id: 11,
        parent: null,
        name: 'Reader',
        body: 'Tom & Jerry **bold**',
        createdAt: '2013-01-02T01:04:05.000Z',
      }),
      // Its parent is spam: it answers the spam's parent. No GMT date: the local one, as UTC.
      published({
        id: 14,
        parent: 12,
        name: 'Anonymous',
        body: 'answering the spam',
        createdAt: '2013-01-03T08:00:00.000Z',
      }),
    ]);
    assert.deepEqual(got.skipped, {
      spam: 2,
      unapproved: 1,
      trash: 1,
      pingback: 1,
      'other comment type': 1,
      'on an unpublished post': 1,
    });
    assert.deepEqual(new Map(reader.origins), new Map([['https://old.blog.example', 1]]));
  });

  it('imports the first of two comments with one id and counts the other as the loader does', async () => {
    const got = await collectImport(
      readWordPress(
        file(
          'duplicate.xml',
          `${HEAD}<item><link>https://old.blog.example/a/</link><wp:status>publish</wp:status>` +
            `${comment(5, { content: 'first' })}${comment(5, { content: 'second' })}</item></channel></rss>`,
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

  it('leaves out a comment whose markdown is longer than a body may be, counted as such', async () => {
    const got = await collectImport(
      readWordPress(
        file(
          'long.xml',
          `${HEAD}<item><link>https://old.blog.example/a/</link><wp:status>publish</wp:status>` +
            `${comment(5, { content: 'a'.repeat(MAX_BODY) })}${comment(6, { content: `${'b'.repeat(MAX_BODY)}c` })}` +
            `${comment(7, { content: 'under the long one', parent: 6 })}</item></channel></rss>`,
        ),
      ),
    );
    assert.deepEqual(
      got.messages.map((m) => [m.sourceId, m.parentSourceId, [...m.body].length]),
      [
        ['wordpress:old.blog.example/5', null, MAX_BODY],
        ['wordpress:old.blog.example/7', null, 'under the long one'.length],
      ],
    );
    assert.deepEqual(got.skipped, { 'longer than 10,000 characters': 1 });
  });

  it('tallies the keys that posts of different links share (?p=123 permalinks all key /)', async () => {
    const item = (link: string, ...comments: string[]) =>
      `<item><link>${link}</link><wp:status>publish</wp:status>${comments.join('')}</item>`;
    const reader = readWordPress(
      file(
        'plain-permalinks.xml',
        `${HEAD}${item('https://old.blog.example/?p=1', comment(1, { content: 'one' }))}` +
          item('https://old.blog.example/?p=2#comments', comment(2, { content: 'two' })) +
          // The same link again, and a post whose comments are all left out: no more links.
          item('https://old.blog.example/?p=2', comment(3, { content: 'again' })) +
          item('https://old.blog.example/?p=3', comment(4, { approved: 'spam', content: 'x' })) +
          item('https://old.blog.example/about/', comment(5, { content: 'about' })) +
          '</channel></rss>',
      ),
    );
    const got = await collectImport(reader);
    // Imported all the same, into one thread: the command warns with this tally.
    assert.deepEqual(
      got.messages.map((m) => m.threadKey),
      ['/', '/', '/', '/about/'],
    );
    assert.deepEqual(new Map(reader.sharedKeys), new Map([['/', 2]]));
  });

  it('decodes the HTML escapes WordPress saves names and titles with, once', async () => {
    const reader = readWordPress(
      file(
        'escaped.xml',
        `${HEAD}<item><title><![CDATA[Tea &amp; Biscuits: a &#8220;review&#8221;]]></title>` +
          '<link>https://old.blog.example/tea/</link><wp:status>publish</wp:status>' +
          comment(1, { author: 'Tom &amp; Jerry', content: 'one' }) +
          comment(2, { author: 'Jane O&#039;Reilly', content: 'two' }) +
          comment(3, { author: 'literally &amp;amp;', content: 'three' }) +
          '</item></channel></rss>',
      ),
    );
    const got = await collectImport(reader);
    assert.equal(got.threads[0]!.title, 'Tea & Biscuits: a \u201creview\u201d');
    assert.deepEqual(
      got.messages.map((m) => m.author.name),
      ['Tom & Jerry', "Jane O'Reilly", 'literally &amp;'],
    );
  });

  it('turns WordPress newlines into paragraphs and line breaks, except in <pre>', () => {
    assert.equal(
      autop('one\ntwo\r\n\r\nthree<pre>a\n\nb</pre>four'),
      '<p>one<br>\ntwo</p>\n<p>three</p>\n<pre>a\n\nb</pre>\n<p>four</p>',
    );
  });
});

describe('readWordPress: a multisite network', () => {
  /** A subsite's export: the network's address in base_site_url, the subsite's in base_blog_url. */
  const subsite = (name: string, channel: { link: string; site?: string; blog?: string }) =>
    file(
      name,
      HEAD.replace(/<link>.*?<\/link>/, `<link>${channel.link}</link>`).replace(
        /<wp:base_site_url>.*?<\/wp:base_site_url>/,
        (channel.site === undefined ? '' : `<wp:base_site_url>${channel.site}</wp:base_site_url>`) +
          (channel.blog === undefined
            ? ''
            : `<wp:base_blog_url>${channel.blog}</wp:base_blog_url>`),
      ) +
        `<item><link>${channel.link}hello/</link><wp:status>publish</wp:status>` +
        `${comment(1, { content: 'first' })}${comment(2, { parent: 1, content: 'reply' })}</item></channel></rss>`,
    );
  const sourceIds = async (path: string) =>
    (await collectImport(readWordPress(path))).messages.map((m) => [m.sourceId, m.parentSourceId]);

  it("gives each subsite's comments source ids of their own, from wp:base_blog_url's host and path", async () => {
    const network = 'https://network.example';
    assert.deepEqual(
      await sourceIds(
        subsite('main.xml', { link: `${network}/`, site: network, blog: `${network}/` }),
      ),
      [
        ['wordpress:network.example/1', null],
        ['wordpress:network.example/2', 'wordpress:network.example/1'],
      ],
    );
    assert.deepEqual(
      await sourceIds(
        subsite('sub.xml', { link: `${network}/sub/`, site: network, blog: `${network}/sub` }),
      ),
      [
        ['wordpress:network.example/sub/1', null],
        ['wordpress:network.example/sub/2', 'wordpress:network.example/sub/1'],
      ],
    );
    assert.deepEqual(
      await sourceIds(
        subsite('subdomain.xml', {
          link: 'https://cats.network.example/',
          site: network,
          blog: 'https://cats.network.example',
        }),
      ),
      [
        ['wordpress:cats.network.example/1', null],
        ['wordpress:cats.network.example/2', 'wordpress:cats.network.example/1'],
      ],
    );
  });

  it('falls back to wp:base_site_url, then to the channel link, each with its path', async () => {
    assert.deepEqual(
      await sourceIds(
        subsite('site-only.xml', {
          link: 'https://other.example/',
          site: 'https://old.example/blog/',
        }),
      ),
      [
        ['wordpress:old.example/blog/1', null],
        ['wordpress:old.example/blog/2', 'wordpress:old.example/blog/1'],
      ],
    );
    assert.deepEqual(
      await sourceIds(subsite('link-only.xml', { link: 'https://old.example/b/' })),
      [
        ['wordpress:old.example/b/1', null],
        ['wordpress:old.example/b/2', 'wordpress:old.example/b/1'],
      ],
    );
  });
});

describeRealisticExport({
  name: 'readWordPress',
  format: 'wordpress',
  seed: 43,
  read: readWordPress,
  offSite: 'on another site',
  dir: () => dir,
});

describe('readWordPress: files it cannot read', () => {
  const refuses = async (name: string, text: string, pattern: RegExp) => {
    const path = file(name, text);
    await assert.rejects(collectImport(readWordPress(path)), (error: Error) => {
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
      `${HEAD}<item><title>a &bogus; b</title></item></channel></rss>`,
      /line 7, column \d+: Invalid character entity/,
    ));

  it('refuses a Disqus file and a plain RSS feed', async () => {
    await refuses(
      'disqus.xml',
      '<disqus xmlns="http://disqus.com"></disqus>',
      /line 1, column \d+: not a WordPress export \(WXR\) but a Disqus one: read it with `parley-server import-disqus`/,
    );
    await refuses(
      'feed.xml',
      '<rss version="2.0"><channel><item/></channel></rss>',
      /not a WordPress export \(WXR\): the root element is <rss> without the wp export namespace/,
    );
  });

  it('refuses a comment of over 1 MiB, naming it and its line', () =>
    refuses(
      'huge.xml',
      `${HEAD}<item><link>https://old.blog.example/a/</link><wp:status>publish</wp:status>\n${comment(5, { content: 'x'.repeat(1024 * 1024 + 1) })}</item></channel></rss>`,
      /line 16: a <wp:comment_content> longer than 1 MiB: not a comment export/,
    ));

  it('refuses a comment without a usable date, naming its line', () =>
    refuses(
      'no-date.xml',
      `${HEAD}<item><link>https://old.blog.example/a/</link><wp:status>publish</wp:status>\n${comment(5, { gmt: '0000-00-00 00:00:00', date: '0000-00-00 00:00:00', content: 'x' })}</item></channel></rss>`,
      /line 8: comment 5: no usable date/,
    ));
});
