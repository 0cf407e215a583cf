import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { MailConfig } from '../app-deps.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  bearer,
} from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { PostMessageResponse } from '../wire.ts';
import { FEED_ENTRIES } from './feeds.routes.ts';

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const KEY = '/blog/feeds-article';
const TITLE = 'Feeds, and why they still matter';
const URL_OF_POST = `${BLOG_ORIGIN}/blog/feeds-article`;
/** The base the fixture's app knows (its `listenUrl`). */
const BASE = 'http://localhost/';

/** Mail set up, so a post may carry an address for reply mail (it must never reach a feed). */
const MAIL: MailConfig = {
  smtpUrl: 'smtp://127.0.0.1:9',
  from: 'Blog <parley@blog.example>',
  ownerMail: 'off',
};

/** One `<entry>` as a feed reader reads it: text decoded, links by rel. */
interface Entry {
  id: string;
  /** The title as readers see it: `type="html"` decoded to its text. */
  title: string;
  updated: string;
  published: string | undefined;
  link: string;
  authors: string[];
  content: string;
}

/** A parsed feed. */
interface Atom {
  id: string;
  title: string;
  updated: string;
  generator: string;
  authors: string[];
  links: Record<string, string>;
  entries: Entry[];
}

type XmlNode = Record<string, unknown>;

/** The text of an element that the parser gave as a string or as `{#text, @_attrs}`. */
function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String(node['#text']);
  if (node && typeof node === 'object') return '';
  assert.fail(`expected text, got ${JSON.stringify(node)}`);
}

/** What an HTML text construct's escaped markup reads as (`&lt;b&gt;` is the text `<b>`). */
function htmlToText(html: string): string {
  assert.doesNotMatch(html, /<[a-z/!]/i, `an html title holds markup: ${html}`);
  return html.replace(/&(lt|gt|quot|#39|amp);/g, (_m, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : name === '#39' ? "'" : '&',
  );
}

/** An absolute IRI, as RFC 4287 wants for ids: a scheme, parsable. */
function assertAbsolute(iri: string, what: string): void {
  assert.match(iri, /^[a-z][a-z0-9+.-]*:/i, `${what} is absolute: ${iri}`);
  assert.ok(URL.canParse(iri), `${what} parses: ${iri}`);
}

/** An RFC 3339 date-time, as `atom:updated` and `atom:published` are. */
function assertDate(value: string | undefined, what: string): void {
  assert.match(value ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, what);
}

/**
 * Asserts a feed response (200, Atom's media type, the CORS and caching
 * headers), that its body is well-formed XML, and that it has what RFC 4287
 * requires of a feed and its entries; returns it parsed.
 */
async function atom(response: Response): Promise<Atom> {
  const body = await response.text();
  assert.equal(response.status, 200, body);
  assert.equal(response.headers.get('Content-Type'), 'application/atom+xml; charset=utf-8');
  assert.equal(response.headers.get('Access-Control-Allow-Origin'), '*');
  assert.equal(response.headers.get('Cache-Control'), 'no-cache');
  assert.ok(response.headers.get('ETag'), 'has an ETag');
  return parseAtom(body);
}

/** Parses and checks a feed's XML (see {@link atom}). */
function parseAtom(xml: string): Atom {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    isArray: (name) => ['entry', 'link', 'author'].includes(name),
  }).parse(xml) as { feed: XmlNode };
  const feed = parsed.feed;
  assert.ok(feed, 'the root is <feed>');
  assert.equal(feed['@_xmlns'], ATOM_NS);
  const links = (node: XmlNode) =>
    Object.fromEntries(
      ((node.link as XmlNode[] | undefined) ?? []).map((l) => [
        String(l['@_rel'] ?? 'alternate'),
        String(l['@_href']),
      ]),
    );
  const authors = (node: XmlNode) =>
    ((node.author as XmlNode[] | undefined) ?? []).map((a) => text(a.name));
  const entries = ((feed.entry as XmlNode[] | undefined) ?? []).map((entry): Entry => {
    const title = entry.title as XmlNode;
    assert.equal(title['@_type'], 'html');
    const content = entry.content as XmlNode;
    assert.equal(content['@_type'], 'html', 'content is escaped html, never XML elements');
    const parsedEntry: Entry = {
      id: text(entry.id),
      title: htmlToText(text(title)),
      updated: text(entry.updated),
      published: entry.published === undefined ? undefined : text(entry.published),
      link: links(entry).alternate ?? '',
      authors: authors(entry),
      content: text(content),
    };
    assertAbsolute(parsedEntry.id, 'entry id');
    assertAbsolute(parsedEntry.link, 'entry link');
    assertDate(parsedEntry.updated, 'entry updated');
    assertDate(parsedEntry.published, 'entry published');
    assert.ok(parsedEntry.title.length > 0, 'entry title');
    assert.ok(parsedEntry.authors.length > 0 && parsedEntry.authors.every((a) => a.length > 0));
    return parsedEntry;
  });
  const result: Atom = {
    id: text(feed.id),
    title: text(feed.title),
    updated: text(feed.updated),
    generator: text(feed.generator),
    authors: authors(feed),
    links: links(feed),
    entries,
  };
  assertAbsolute(result.id, 'feed id');
  assert.ok(result.title.length > 0, 'feed title');
  assertDate(result.updated, 'feed updated');
  assertAbsolute(result.links.self ?? '', 'self link');
  if (result.links.alternate !== undefined) {
    assertAbsolute(result.links.alternate, 'alternate link');
  }
  assert.ok(result.authors.length > 0 || entries.every((e) => e.authors.length > 0));
  assert.ok(entries.length <= FEED_ENTRIES);
  const ids = entries.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'entry ids are unique');
  const published = entries.map((e) => Date.parse(e.published ?? ''));
  assert.deepEqual(
    published,
    [...published].sort((a, b) => b - a),
    'entries newest first',
  );
  return result;
}

/** The id and anchor of a message on its thread's HTML page. */
function pageAnchor(key: string, id: number, base = BASE): string {
  return `${base}threads/${encodeURIComponent(key)}#parley-${id}`;
}

const threadFeedPath = (key: string) => `/threads/${encodeURIComponent(key)}/feed.atom`;

for (const dialect of dialects) {
  describe(`Atom feeds on ${dialect.name}`, () => {
    let f: AppFixture;
    afterEach(async () => {
      await f?.close();
    });

    const post = (key: string, body: string, extra: Record<string, unknown> = {}) =>
      f.postMessage(key, body, extra);
    const first = (body: string, extra: Record<string, unknown> = {}) =>
      post(KEY, body, { thread: { title: TITLE, url: URL_OF_POST }, ...extra });
    const threadFeed = async (key = KEY) => atom(await f.get(threadFeedPath(key)));
    const siteFeed = async () => atom(await f.get('/feed.atom'));

    describe('GET /threads/:key/feed.atom', () => {
      it('lists the published messages newest first, each linked to its place on the blog', async () => {
        f = await appFixture(dialect);
        const opening = await first('The **opening** post.', { kind: 'opening', author: 'Ada' });
        const reply = await post(KEY, 'A reply, with [a link](https://example.org/x).', {
          author: 'Grace',
          parentId: opening.message.id,
        });
        const feed = await threadFeed();

        assert.equal(feed.id, `${BASE}threads/${encodeURIComponent(KEY)}/feed.atom`);
        assert.equal(feed.links.self, feed.id);
        assert.equal(feed.links.alternate, URL_OF_POST);
        assert.equal(feed.title, TITLE);
        assert.equal(feed.generator, 'Parley');
        assert.equal(feed.updated, reply.message.createdAt);
        const html = new Map((await f.publicMessages(KEY)).map((m) => [m.id, m.html]));
        assert.deepEqual(
          feed.entries.map((e) => ({ ...e })),
          [reply, opening].map(({ message }) => ({
            id: pageAnchor(KEY, message.id),
            title: `${message.author.name} on ${TITLE}`,
            updated: message.createdAt,
            published: message.createdAt,
            link: `${URL_OF_POST}#parley-${message.id}`,
            authors: [message.author.name],
            content: html.get(message.id),
          })),
        );
        assert.match(feed.entries[0]?.content ?? '', /rel="nofollow ugc noopener noreferrer"/);
      });

      it('names a thread without title by its key and links to its HTML page without a blog url', async () => {
        f = await appFixture(dialect);
        const key = 'plain key';
        const only = await post(key, 'No title, no url.');
        const feed = await threadFeed(key);
        assert.equal(feed.title, key);
        assert.equal(feed.links.alternate, `${BASE}threads/plain%20key`);
        assert.equal(feed.entries[0]?.link, pageAnchor(key, only.message.id));
        assert.equal(feed.entries[0]?.title, `Reader on ${key}`);
      });

      it(`keeps the newest ${FEED_ENTRIES} messages`, async () => {
        f = await appFixture(dialect);
        const posted: PostMessageResponse[] = [await first('message 0')];
        for (let i = 1; i < FEED_ENTRIES + 3; i++) posted.push(await post(KEY, `message ${i}`));
        const feed = await threadFeed();
        assert.deepEqual(
          feed.entries.map((e) => e.id),
          posted
            .slice(-FEED_ENTRIES)
            .reverse()
            .map((p) => pageAnchor(KEY, p.message.id)),
        );
      });

      it('shows an edit as the entry updated, its first publication as published', async () => {
        f = await appFixture(dialect);
        const original = await first('Fisrt draft.');
        const later = await post(KEY, 'A later reply.');
        f.now = new Date(f.now.getTime() + 60_000);
        const edited = await json<{ message: { editedAt: string; html: string } }>(
          await f.patch(
            `/api/messages/${original.message.id}`,
            { body: 'First draft, corrected.' },
            bearer(original.editToken),
          ),
          200,
        );
        const feed = await threadFeed();
        const entry = feed.entries.find((e) => e.id === pageAnchor(KEY, original.message.id));
        assert.equal(entry?.published, original.message.createdAt);
        assert.equal(entry?.updated, edited.message.editedAt);
        assert.equal(entry?.content, edited.message.html);
        assert.ok(!JSON.stringify(feed).includes('Fisrt'), 'the old text is gone');
        // Still ordered by when messages were posted; the feed's updated is the edit.
        assert.equal(feed.entries[0]?.id, pageAnchor(KEY, later.message.id));
        assert.equal(feed.updated, edited.message.editedAt);
      });

      it('answers 304 to the ETag it gave until readers can see a change', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        await first('one');
        const res = await f.get(threadFeedPath(KEY));
        await atom(res);
        const etag = res.headers.get('ETag') ?? '';
        const again = await f.get(threadFeedPath(KEY), { 'If-None-Match': etag });
        assert.equal(again.status, 304);
        assert.equal(await again.text(), '');
        assert.equal(again.headers.get('ETag'), etag);

        const second = await post(KEY, 'two');
        const afterPost = await f.get(threadFeedPath(KEY), { 'If-None-Match': etag });
        assert.equal((await atom(afterPost)).entries.length, 2);
        const etag2 = afterPost.headers.get('ETag') ?? '';
        assert.notEqual(etag2, etag);

        // A moderator's change to the thread's title is news too.
        await json(
          await f.patch(
            `/api/admin/threads/${encodeURIComponent(KEY)}`,
            { title: 'Renamed' },
            ADMIN,
          ),
          200,
        );
        const renamed = await f.get(threadFeedPath(KEY), { 'If-None-Match': etag2 });
        const feed = await atom(renamed);
        assert.equal(feed.title, 'Renamed');
        assert.equal(feed.entries[0]?.title, `Reader on Renamed`);
        assert.equal(feed.entries[0]?.id, pageAnchor(KEY, second.message.id));
      });

      it('answers 404 thread_not_found for an unknown key and 400 for a bad one', async () => {
        f = await appFixture(dialect);
        const missing = await f.get(threadFeedPath('/nobody/posted/here'));
        assert.equal(missing.headers.get('Access-Control-Allow-Origin'), '*');
        await assertError(missing, 404, 'thread_not_found');
        await assertError(await f.get('/threads/%01bad/feed.atom'), 400, 'invalid_request', [
          'key',
        ]);
        await assertError(
          await f.get(`/threads/${'k'.repeat(513)}/feed.atom`),
          400,
          'invalid_request',
          ['key'],
        );
      });
    });

    describe('GET /feed.atom', () => {
      it('is a valid, empty feed before anything is published', async () => {
        f = await appFixture(dialect);
        const feed = await siteFeed();
        assert.deepEqual(feed.entries, []);
        assert.equal(feed.id, `${BASE}feed.atom`);
        assert.equal(feed.links.self, feed.id);
        // The server's root is no page: the site feed names no alternate.
        assert.equal(feed.links.alternate, undefined);
        assert.equal(feed.title, 'Discussions on localhost');
        assert.deepEqual(feed.authors, ['localhost']);
        assert.equal(feed.updated, '1970-01-01T00:00:00.000Z');
      });

      it('lists the newest messages of every public thread, each naming its thread', async () => {
        f = await appFixture(dialect);
        const posted: { key: string; r: PostMessageResponse }[] = [];
        posted.push({ key: KEY, r: await first('on the article') });
        posted.push({ key: 'untitled', r: await post('untitled', 'on the other one') });
        for (let i = 0; i < FEED_ENTRIES; i++) {
          const key = i % 2 ? KEY : 'untitled';
          posted.push({ key, r: await post(key, `round ${i}`) });
        }
        const feed = await siteFeed();
        const expected = posted.slice(-FEED_ENTRIES).reverse();
        assert.deepEqual(
          feed.entries.map((e) => [e.id, e.title, e.link]),
          expected.map(({ key, r }) => [
            pageAnchor(key, r.message.id),
            `Reader on ${key === KEY ? TITLE : key}`,
            key === KEY ? `${URL_OF_POST}#parley-${r.message.id}` : pageAnchor(key, r.message.id),
          ]),
        );
        assert.equal(feed.updated, expected[0]?.r.message.createdAt);
      });

      it('answers 304 to its ETag until a public message changes', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const one = await first('one');
        const res = await f.get('/feed.atom');
        await atom(res);
        const etag = res.headers.get('ETag') ?? '';
        const again = await f.get('/feed.atom', { 'If-None-Match': etag });
        assert.equal(again.status, 304);
        assert.equal(again.headers.get('ETag'), etag);

        await json(
          await f.patch(`/api/admin/messages/${one.message.id}`, { status: 'hidden' }, ADMIN),
          200,
        );
        const hidden = await f.get('/feed.atom', { 'If-None-Match': etag });
        assert.deepEqual((await atom(hidden)).entries, []);
        assert.notEqual(hidden.headers.get('ETag'), etag);
      });

      it('changes its ETag when a thread title changes, and serves the same bytes until then', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        await first('one');
        const res = await f.get('/feed.atom');
        const body = await res.text();
        const etag = res.headers.get('ETag') ?? '';
        assert.match(etag, /^W\/".+"$/);
        assert.equal(await (await f.get('/feed.atom')).text(), body, 'the kept build');
        assert.equal((await f.get('/feed.atom', { 'If-None-Match': etag })).status, 304);
        const renamed = await f.patch(
          `/api/admin/threads/${encodeURIComponent(KEY)}`,
          { title: 'RENAMED' },
          ADMIN,
        );
        assert.equal(renamed.status, 200);
        const after = await f.get('/feed.atom', { 'If-None-Match': etag });
        assert.equal(after.status, 200);
        assert.notEqual(after.headers.get('ETag'), etag);
        assert.ok((await after.text()).includes('RENAMED'));
        const thread = await f.get(`/threads/${encodeURIComponent(KEY)}/feed.atom`);
        assert.ok((await thread.text()).includes('RENAMED'), 'the thread feed follows too');
      });
    });

    describe('what never appears', () => {
      it('holds nothing held, hidden, spam or deleted, nor a thread that is not public', async () => {
        f = await appFixture(dialect, {
          adminToken: ADMIN_TOKEN,
          heldWords: ['zanzibar'],
          mail: MAIL,
          // Reply mail needs the public URL its links point at.
          publicUrl: 'https://comments.example/',
        });
        const shown = await first('visiblemarker here', {
          email: 'private-reader@mail.example',
          notifyReplies: true,
        });
        const held = await post(KEY, 'heldmarker from zanzibar');
        assert.equal(held.status, 'pending');
        const spam = await post(KEY, 'spammarker offer', { website: 'https://spam.example' });
        const hidden = await post(KEY, 'hiddenmarker rude');
        await json(
          await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN),
          200,
        );
        const deleted = await post(KEY, 'deletedmarker regret', { author: 'Deleter' });
        assert.equal(
          (await f.delete(`/api/messages/${deleted.message.id}`, bearer(deleted.editToken))).status,
          204,
        );
        const removed = await post(KEY, 'removedmarker by moderator');
        assert.equal(
          (await f.delete(`/api/admin/messages/${removed.message.id}`, ADMIN)).status,
          204,
        );
        // A thread whose only message is held: not public, title included.
        await post('/blog/secret', 'secretmarker zanzibar', {
          thread: { title: 'secrettitlemarker', url: `${BLOG_ORIGIN}/blog/secret` },
        });
        await assertError(await f.get(threadFeedPath('/blog/secret')), 404, 'thread_not_found');

        for (const path of [threadFeedPath(KEY), '/feed.atom']) {
          const res = await f.get(path);
          const xml = await res.clone().text();
          const feed = await atom(res);
          assert.deepEqual(
            feed.entries.map((e) => e.id),
            [pageAnchor(KEY, shown.message.id, 'https://comments.example/')],
            path,
          );
          for (const marker of [
            'heldmarker',
            'spammarker',
            'hiddenmarker',
            'deletedmarker',
            'Deleter',
            'removedmarker',
            'secretmarker',
            'secrettitlemarker',
            'private-reader',
            'mail.example',
            'zanzibar',
            shown.editToken,
            held.editToken,
            spam.editToken,
          ]) {
            assert.ok(!xml.includes(marker), `${path} holds no ${marker}`);
          }
          // Nothing of moderation, no markdown source.
          assert.doesNotMatch(xml, /status|pending|published"|ip_hash|\*\*/i);
        }
      });

      it('drops a message hidden or deleted after it was in the feed', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const a = await first('alphamarker');
        const b = await post(KEY, 'betamarker');
        const c = await post(KEY, 'gammamarker');
        assert.equal((await threadFeed()).entries.length, 3);
        assert.equal((await siteFeed()).entries.length, 3);

        await json(
          await f.patch(`/api/admin/messages/${b.message.id}`, { status: 'hidden' }, ADMIN),
          200,
        );
        assert.equal(
          (await f.delete(`/api/messages/${c.message.id}`, bearer(c.editToken))).status,
          204,
        );
        for (const feed of [await threadFeed(), await siteFeed()]) {
          assert.deepEqual(
            feed.entries.map((e) => e.id),
            [pageAnchor(KEY, a.message.id)],
          );
          assert.ok(!JSON.stringify(feed).includes('betamarker'));
          assert.ok(!JSON.stringify(feed).includes('gammamarker'));
        }
        // Restored by a moderator: back in place.
        await json(
          await f.patch(`/api/admin/messages/${b.message.id}`, { status: 'published' }, ADMIN),
          200,
        );
        assert.deepEqual(
          (await threadFeed()).entries.map((e) => e.id),
          [pageAnchor(KEY, b.message.id), pageAnchor(KEY, a.message.id)],
        );
      });
    });

    describe('hostile text', () => {
      it('carries names, titles and keys as text that round-trips, never as markup', async () => {
        f = await appFixture(dialect);
        const key = `/blog/<script>alert(1)</script>&amp;"']]>`;
        const title = `</title><script>alert(1)</script> Q&amp;A ]]> & ]]> "quoted" 'single'`;
        const author = `<img src=x onerror=alert(1)> &amp; ]]>]]> & Co`;
        const body = '<script>alert(1)</script> and <b onclick="x()">bold</b> ]]> ]]>';
        const sent = await post(key, body, {
          author,
          thread: { title, url: `${BLOG_ORIGIN}/blog/hostile?a=1&b=2` },
        });
        const [stored] = await f.publicMessages(key);
        for (const feed of [await threadFeed(key), await siteFeed()]) {
          const [entry] = feed.entries;
          assert.equal(entry?.authors[0], author);
          assert.equal(entry?.title, `${author} on ${title}`);
          assert.equal(entry?.content, stored?.html);
          assert.equal(entry?.id, pageAnchor(key, sent.message.id));
          assert.equal(
            entry?.link,
            `${BLOG_ORIGIN}/blog/hostile?a=1&b=2#parley-${sent.message.id}`,
          );
        }
        const feed = await threadFeed(key);
        assert.equal(feed.title, title);
        assert.equal(feed.links.self, `${BASE}threads/${encodeURIComponent(key)}/feed.atom`);
        // The stored HTML was sanitized when written (the markup typed is
        // text in it): the feed adds nothing live to it.
        const content = feed.entries[0]?.content ?? '';
        assert.doesNotMatch(content, /<(script|b|img)\b/i);
        assert.doesNotMatch(content, /<[^>]*\son\w+=/i);
      });
    });

    describe('URLs', () => {
      it('puts every URL under PARLEY_PUBLIC_URL, path included', async () => {
        f = await appFixture(dialect, { publicUrl: 'https://comments.example/parley/' });
        const sent = await post('k', 'hello');
        const base = 'https://comments.example/parley/';
        const feed = await threadFeed('k');
        assert.equal(feed.id, `${base}threads/k/feed.atom`);
        assert.equal(feed.entries[0]?.id, pageAnchor('k', sent.message.id, base));
        const site = await siteFeed();
        assert.equal(site.id, `${base}feed.atom`);
        assert.equal(site.links.alternate, undefined);
        assert.equal(site.title, 'Discussions on comments.example');
      });

      it('serves no feed when no base URL is known, rather than ids that are not absolute', async () => {
        f = await appFixture(dialect, { listenUrl: undefined });
        await post('k', 'hello');
        await assertError(await f.get('/feed.atom'), 404, 'not_found');
        await assertError(await f.get(threadFeedPath('k')), 404, 'not_found');
      });
    });
  });
}
