import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { HtmlValidate } from 'html-validate';
import jsonld from 'jsonld';
import type { AppConfig } from '../app-deps.ts';
import { ADMIN, ADMIN_TOKEN, type AppFixture, appFixture, bearer } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { PAGE_SIZE } from './page-plan.ts';

const BLOG = 'https://blog.example/posts/hello';
const HOSTILE = '</script><script>alert(1)</script>"\'><b onmouseover=x>';

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

/** html-validate's recommended rules on a whole page; the report's messages on failure. */
async function assertValidPage(html: string, v = validator) {
  const report = await v.validateString(html);
  const problems = report.results.flatMap((r) =>
    r.messages.map((m) => `${m.ruleId} (${m.line}:${m.column}): ${m.message}`),
  );
  assert.deepEqual(problems, [], problems.join('\n'));
}

/** The same rules on the fragment, which sits under an article's own `<h1>`. */
async function assertValidFragment(html: string) {
  const fragmentValidator = new HtmlValidate({
    extends: ['html-validate:recommended'],
    rules: { 'heading-level': ['error', { minInitialRank: 'h2' }] },
  });
  const report = await fragmentValidator.validateString(html);
  const problems = report.results.flatMap((r) =>
    r.messages.map((m) => `${m.ruleId} (${m.line}:${m.column}): ${m.message}`),
  );
  assert.deepEqual(problems, [], problems.join('\n'));
}

/** The page's JSON-LD, parsed as JSON. */
function jsonLdOf(html: string): Record<string, unknown> {
  const blocks = [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)];
  assert.equal(blocks.length, 1, 'one JSON-LD block');
  return JSON.parse(blocks[0]![1]!) as Record<string, unknown>;
}

/** `jsonld.expand` offline: schema.org's context is its vocabulary. */
async function expand(doc: unknown): Promise<jsonld.JsonLdDocument> {
  const documentLoader = async (url: string) => {
    assert.match(url, /^https?:\/\/schema\.org\/?$/);
    return {
      contextUrl: undefined,
      documentUrl: url,
      document: { '@context': { '@vocab': 'https://schema.org/' } },
    };
  };
  return jsonld.expand(doc as jsonld.JsonLdDocument, { documentLoader });
}

const S = 'https://schema.org/';
type Expanded = Record<string, { '@value'?: unknown; '@id'?: string }[] | string[]> & {
  '@type'?: string[];
};
/** The single value of an expanded property. */
function value(node: Expanded, name: string): unknown {
  const values = node[`${S}${name}`] as { '@value'?: unknown; '@id'?: string }[] | undefined;
  assert.ok(values, `${name} present`);
  const [first] = values;
  return first?.['@value'] ?? first?.['@id'] ?? first;
}
function children(node: Expanded, name: string): Expanded[] {
  return (node[`${S}${name}`] ?? []) as unknown as Expanded[];
}

/** The path of a thread's page. */
const pagePath = (key: string, sub = '') => `/threads/${encodeURIComponent(key)}${sub}`;

for (const dialect of dialects) {
  describe(`thread pages on ${dialect.name}`, () => {
    let f: AppFixture;
    const open = async (config: Partial<AppConfig> = {}) => {
      f = await appFixture(dialect, {
        adminToken: ADMIN_TOKEN,
        publicUrl: 'https://comments.example',
        ...config,
      });
    };
    afterEach(async () => {
      await f.close();
    });

    /** A thread with an opening post, replies (one nested two deep), an owner's reply, an edit and a highlight. */
    async function richThread(key = '/posts/hello') {
      const opening = await f.postMessage(key, 'The **opening** post & its <text>.', {
        kind: 'opening',
        author: 'Olive',
        thread: { title: 'Hello world', url: BLOG },
      });
      const a = await f.postMessage(key, 'First reply', { author: 'Ann' });
      const b = await f.postMessage(key, 'Reply to Ann', { author: 'Bob', parentId: a.message.id });
      const c = await f.postMessage(key, 'Reply to Bob', { author: 'Cy', parentId: b.message.id });
      const owner = await f.postMessage(key, 'Thanks all', { author: 'Site owner' });
      return { opening, a, b, c, owner };
    }

    describe('GET /threads/:key', () => {
      it('serves a valid standalone page: one h1, lang, canonical, feeds, stats, status and nested articles', async () => {
        await open();
        const { opening, a, b, c } = await richThread();
        const res = await f.get(pagePath('/posts/hello'));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
        const html = await res.text();
        await assertValidPage(html);
        assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
        assert.equal(html.match(/<h1[ >]/g)?.length, 1);
        assert.match(html, /<h1 id="parley-title" class="parley-title">Hello world<\/h1>/);
        assert.match(html, /<meta charset="utf-8">/);
        assert.match(html, /<meta name="viewport"/);
        assert.match(html, /<title>Hello world<\/title>/);
        assert.ok(html.includes(`<link rel="canonical" href="${BLOG}">`));
        assert.ok(
          html.includes('href="https://comments.example/threads/%2Fposts%2Fhello/feed.atom"'),
          'links the thread feed',
        );
        assert.ok(
          html.includes('href="https://comments.example/feed.atom"'),
          'links the site feed',
        );
        assert.match(
          html,
          /<meta name="description" content="The opening post &amp; its &lt;text&gt;\.">/,
        );
        assert.match(html, /5 msgs <span aria-hidden="true">·<\/span>/);
        assert.match(html, /0 highlights/);
        assert.match(html, /aria-label="Messages:">💬<\/span>/);
        assert.match(
          html,
          /<time datetime="2026-03-01T12:00:05.000Z">2026-03-01 12:00 UTC<\/time><\/p>/,
        );
        assert.match(html, /<p class="parley-status">Discussion in progress<\/p>/);
        // The opening post first, outside the replies; C nested in B nested in A.
        const at = (id: number) => html.indexOf(`id="parley-${id}"`);
        assert.ok(at(opening.message.id) < html.indexOf('<ol class="parley-replies"'));
        const nested = new RegExp(
          `id="parley-${a.message.id}"[\\s\\S]*?</article><ol><li><article id="parley-${b.message.id}"[\\s\\S]*?</article><ol><li><article id="parley-${c.message.id}"`,
        );
        assert.match(html, nested);
        assert.match(
          html,
          /<div class="parley-body"><p>The <strong>opening<\/strong> post &amp; its &lt;text&gt;.<\/p>/,
        );
        assert.ok(
          html.includes(`<p class="parley-join"><a href="${BLOG}">Join the discussion</a></p>`),
        );
        // Works with JavaScript off: no script runs, none is loaded.
        assert.doesNotMatch(html, /<script(?![^>]*type="application\/ld\+json")/);
        assert.doesNotMatch(html, /<script[^>]*src=/);
      });

      it('marks the owner, highlighted and edited messages, and keeps a deleted placeholder with its replies', async () => {
        await open();
        const { a, b, owner } = await richThread();
        const ownerPost = await f.post(
          '/api/threads/%2Fposts%2Fhello/messages',
          { author: 'Me', body: 'From the owner' },
          ADMIN,
        );
        assert.equal(ownerPost.status, 201);
        const ownerId = ((await ownerPost.json()) as { message: { id: number } }).message.id;
        assert.equal(
          (await f.patch(`/api/admin/messages/${owner.message.id}`, { highlighted: true }, ADMIN))
            .status,
          200,
        );
        assert.equal(
          (
            await f.patch(
              `/api/messages/${b.message.id}`,
              { body: 'Reply to Ann, edited' },
              bearer(b.editToken),
            )
          ).status,
          200,
        );
        assert.equal(
          (await f.delete(`/api/messages/${a.message.id}`, bearer(a.editToken))).status,
          204,
        );
        const html = await (await f.get(pagePath('/posts/hello'))).text();
        await assertValidPage(html);
        assert.match(
          html,
          new RegExp(
            `<article id="parley-${ownerId}" class="parley-message parley-by-owner"[\\s\\S]*?<span class="parley-badge">Author</span>`,
          ),
        );
        assert.match(
          html,
          new RegExp(
            `<article id="parley-${owner.message.id}" class="parley-message parley-highlighted"[\\s\\S]*?aria-label="Highlighted">★`,
          ),
        );
        assert.match(
          html,
          new RegExp(
            `id="parley-${b.message.id}"[\\s\\S]*?<span class="parley-edited">· <time datetime="[^"]+">edited</time>`,
          ),
        );
        // A's placeholder keeps its place, B stays nested under it, nothing of A remains.
        assert.match(
          html,
          new RegExp(
            `<article id="parley-${a.message.id}" class="parley-message parley-deleted"><p>This message was deleted.</p></article><ol><li><article id="parley-${b.message.id}"`,
          ),
        );
        assert.ok(!html.includes('First reply'));
        assert.ok(!html.includes('>Ann<'));
        assert.match(html, /1 highlight </);
      });

      it('carries DiscussionForumPosting JSON-LD that expands with nested Comments, authors, dates, urls and counts', async () => {
        await open();
        const { opening, a, b, c, owner } = await richThread();
        await f.delete(`/api/messages/${a.message.id}`, bearer(a.editToken));
        const html = await (await f.get(pagePath('/posts/hello'))).text();
        const doc = jsonLdOf(html);
        assert.equal(doc['@context'], 'https://schema.org');
        const [posting] = (await expand(doc)) as Expanded[];
        assert.ok(posting);
        assert.deepEqual(posting['@type'], [`${S}DiscussionForumPosting`]);
        assert.equal(value(posting, 'headline'), 'Hello world');
        assert.equal(value(posting, 'url'), BLOG);
        assert.equal(value(posting, 'datePublished'), opening.message.createdAt);
        assert.equal(value(posting, 'text'), 'The opening post & its <text>.');
        const [author] = children(posting, 'author');
        assert.deepEqual(author!['@type'], [`${S}Person`]);
        assert.equal(value(author!, 'name'), 'Olive');
        const [stat] = children(posting, 'interactionStatistic');
        assert.deepEqual(stat!['@type'], [`${S}InteractionCounter`]);
        assert.equal(value(stat!, 'interactionType'), `${S}CommentAction`);
        // Published replies: B, C and the owner's (A is deleted).
        assert.equal(value(stat!, 'userInteractionCount'), 3);
        // A's placeholder is omitted; B, its reply, joins the posting; C stays under B.
        const top = children(posting, 'comment');
        assert.deepEqual(
          top.map((n) => value(n, 'url')),
          [`${BLOG}#parley-${b.message.id}`, `${BLOG}#parley-${owner.message.id}`],
        );
        const [bNode] = top;
        assert.deepEqual(bNode!['@type'], [`${S}Comment`]);
        assert.equal(value(children(bNode!, 'author')[0]!, 'name'), 'Bob');
        assert.equal(value(bNode!, 'datePublished'), b.message.createdAt);
        assert.equal(value(bNode!, 'text'), 'Reply to Ann');
        assert.equal(
          value(children(bNode!, 'interactionStatistic')[0]!, 'userInteractionCount'),
          1,
        );
        const [cNode] = children(bNode!, 'comment');
        assert.equal(value(cNode!, 'url'), `${BLOG}#parley-${c.message.id}`);
        assert.equal(
          value(children(cNode!, 'interactionStatistic')[0]!, 'userInteractionCount'),
          0,
        );
        assert.equal(children(cNode!, 'comment').length, 0);
        assert.ok(!JSON.stringify(doc).includes('First reply'));
      });

      it('counts in JSON-LD exactly the comments nested, past deleted placeholders and flat-listed depths', async () => {
        await open();
        await f.postMessage('/deep', 'Opening', { kind: 'opening', thread: { url: BLOG } });
        const a = await f.postMessage('/deep', 'A', { author: 'Ann' });
        const b = await f.postMessage('/deep', 'B', { parentId: a.message.id });
        const c = await f.postMessage('/deep', 'C', { parentId: b.message.id });
        const d = await f.postMessage('/deep', 'D', { parentId: c.message.id });
        await f.postMessage('/deep', 'E', { parentId: d.message.id });
        await f.postMessage('/deep', 'A2', { parentId: a.message.id });
        await f.delete(`/api/messages/${b.message.id}`, bearer(b.editToken));
        const doc = jsonLdOf(await (await f.get(pagePath('/deep'))).text());
        type Node = {
          text: string;
          comment?: Node[];
          interactionStatistic: { userInteractionCount: number };
        };
        const seen: string[] = [];
        const check = (nodes: Node[]) => {
          for (const node of nodes) {
            seen.push(node.text);
            assert.equal(
              node.interactionStatistic.userInteractionCount,
              node.comment?.length ?? 0,
              `${node.text}: the count says what is nested`,
            );
            check(node.comment ?? []);
          }
        };
        check(doc.comment as Node[]);
        assert.deepEqual(seen, ['A', 'C', 'D', 'E', 'A2']);
        const [aNode] = doc.comment as Node[];
        // B's placeholder is gone: C (its reply) and A2 answer A.
        assert.deepEqual(
          aNode!.comment!.map((n) => n.text),
          ['C', 'A2'],
        );
      });

      it("says an automatic summary is automatic, as the widget does; a moderator's says nothing", async () => {
        await open();
        await richThread();
        await f.db.store.db
          .updateTable('threads')
          .set((eb) => ({
            summary: 'AUTOSUMMARY',
            summary_source: 'automatic',
            event_seq: eb('event_seq', '+', 1),
          }))
          .where('key', '=', '/posts/hello')
          .execute();
        for (const sub of ['', '/fragment']) {
          const html = await (await f.get(pagePath('/posts/hello', sub))).text();
          assert.match(
            html,
            /<p class="parley-summary">AUTOSUMMARY <span class="parley-summary-source">Summarized automatically<\/span><\/p>/,
          );
        }
        await f.patch('/api/admin/threads/%2Fposts%2Fhello', { summary: 'MANUAL' }, ADMIN);
        const html = await (await f.get(pagePath('/posts/hello'))).text();
        assert.match(html, /<p class="parley-summary">MANUAL<\/p>/);
        assert.ok(!html.includes('Summarized automatically'));
      });

      it("marks what people wrote with the discussion's language when it is not English", async () => {
        await open();
        await f.postMessage(
          '/de',
          'Ich habe das nicht gewusst, aber es ist sehr gut und wir werden es wieder tun.',
          {
            kind: 'opening',
            thread: { title: 'Über die Sache' },
          },
        );
        await f.postMessage(
          '/de',
          'Das ist auch für mich nicht so einfach, aber ich will es noch einmal versuchen.',
        );
        const html = await (await f.get(pagePath('/de'))).text();
        await assertValidPage(html);
        assert.match(html, /<html lang="en">/, "the page's own words stay English");
        assert.match(html, /<h1 id="parley-title" class="parley-title" lang="de">/);
        assert.equal(html.match(/<div class="parley-body" lang="de">/g)?.length, 2);
        assert.match(html, /<p class="parley-status">Discussion in progress<\/p>/);
        await richThread();
        assert.doesNotMatch(await (await f.get(pagePath('/posts/hello'))).text(), / lang="(?!en")/);
      });

      it('names the site, not an invented person, as author when there is no opening post', async () => {
        await open();
        await f.postMessage('/no-opening', 'Just a reply', { thread: { url: BLOG } });
        const [posting] = (await expand(
          jsonLdOf(await (await f.get(pagePath('/no-opening'))).text()),
        )) as Expanded[];
        const [author] = children(posting!, 'author');
        assert.deepEqual(author!['@type'], [`${S}Organization`]);
        assert.equal(value(author!, 'name'), 'blog.example');
        // No title: the key is the headline, and the text falls back to it.
        assert.equal(value(posting!, 'headline'), '/no-opening');
        assert.equal(
          value(children(posting!, 'interactionStatistic')[0]!, 'userInteractionCount'),
          1,
        );
      });

      it('never shows held, hidden, spam or deleted content anywhere: page, fragment, JSON-LD', async () => {
        await open({ heldWords: ['heldword'] });
        await richThread();
        await f.postMessage('/posts/hello', 'HELDMARKER heldword', { author: 'HeldAuthor' });
        const hidden = await f.postMessage('/posts/hello', 'HIDDENMARKER', {
          author: 'HiddenAuthor',
        });
        // A reply to the message hidden next stays published and shown, without its parent.
        const orphan = await f.postMessage('/posts/hello', 'reply to the hidden one', {
          parentId: hidden.message.id,
        });
        await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN);
        await f.postMessage('/posts/hello', 'SPAMMARKER', { author: 'SpamAuthor', website: 'x' });
        const gone = await f.postMessage('/posts/hello', 'DELETEDMARKER', {
          author: 'DeletedAuthor',
        });
        await f.postMessage('/posts/hello', 'reply to the deleted one', {
          parentId: gone.message.id,
        });
        await f.delete(`/api/messages/${gone.message.id}`, bearer(gone.editToken));
        const page = await (await f.get(pagePath('/posts/hello'))).text();
        const fragment = await (await f.get(pagePath('/posts/hello', '/fragment'))).text();
        for (const marker of [
          'HELDMARKER',
          'HeldAuthor',
          'HIDDENMARKER',
          'HiddenAuthor',
          'SPAMMARKER',
          'SpamAuthor',
          'DELETEDMARKER',
          'DeletedAuthor',
        ]) {
          assert.ok(!page.includes(marker), `${marker} not in the page`);
          assert.ok(!fragment.includes(marker), `${marker} not in the fragment`);
        }
        assert.ok(page.includes(`id="parley-${orphan.message.id}"`));
        assert.ok(!page.includes(`id="parley-${hidden.message.id}"`));
        await assertValidPage(page);
      });

      it('answers 304 to a matching If-None-Match and changes its ETag when the thread changes', async () => {
        await open();
        await richThread();
        const first = await f.get(pagePath('/posts/hello'));
        assert.equal(first.status, 200);
        const etag = first.headers.get('etag');
        assert.match(etag ?? '', /^W\/".+"$/);
        assert.equal(first.headers.get('cache-control'), 'no-cache');
        const again = await f.get(pagePath('/posts/hello'), { 'If-None-Match': etag! });
        assert.equal(again.status, 304);
        assert.equal(await again.text(), '');
        await f.postMessage('/posts/hello', 'one more NEWMARKER');
        const changed = await f.get(pagePath('/posts/hello'), { 'If-None-Match': etag! });
        assert.equal(changed.status, 200);
        assert.notEqual(changed.headers.get('etag'), etag);
        assert.ok((await changed.text()).includes('NEWMARKER'));
        // A moderator's summary shows at once too.
        const summarised = await f.patch(
          '/api/admin/threads/%2Fposts%2Fhello',
          { summary: 'SUMMARYMARKER' },
          ADMIN,
        );
        assert.equal(summarised.status, 200);
        const withSummary = await (await f.get(pagePath('/posts/hello'))).text();
        assert.match(withSummary, /<p class="parley-summary">SUMMARYMARKER<\/p>/);
        assert.match(withSummary, /<meta name="description" content="SUMMARYMARKER">/);
      });

      it('changes its ETag with the public URL, which is in every link', async () => {
        const etags: string[] = [];
        for (const publicUrl of ['https://comments.example', 'https://talk.example']) {
          await open({ publicUrl });
          await richThread();
          for (const sub of ['', '/fragment']) {
            etags.push((await f.get(pagePath('/posts/hello', sub))).headers.get('etag')!);
          }
          await f.close();
        }
        const [page1, fragment1, page2] = etags;
        assert.equal(page1, fragment1);
        assert.notEqual(page1, page2);
        // Only the variant differs: the same thread at the same version.
        const version = (etag: string) => etag.replace(/^W\/"[^.]+\./, '');
        assert.equal(version(page1!), version(page2!));
        await open();
      });

      it('shows an auto-closed thread as closed, and changes its ETag when it closes', async () => {
        await open({ autoCloseDays: 1 });
        await richThread();
        const before = await f.get(pagePath('/posts/hello'));
        assert.match(await before.text(), /Discussion in progress/);
        f.now = new Date(f.now.getTime() + 2 * 86_400_000);
        const after = await f.get(pagePath('/posts/hello'), {
          'If-None-Match': before.headers.get('etag')!,
        });
        assert.equal(after.status, 200);
        assert.match(
          await after.text(),
          /<p class="parley-status parley-closed">Discussion closed<\/p>/,
        );
      });

      it('sends a CSP that runs no script and allows framing by the allowed origins only', async () => {
        await open();
        await richThread();
        const res = await f.get(pagePath('/posts/hello'));
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /script-src 'none'/);
        assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
        assert.match(csp, /base-uri 'none'/);
        assert.match(csp, /form-action 'none'/);
        assert.match(csp, /frame-ancestors 'self' https:\/\/blog\.example$/);
        assert.equal(res.headers.get('x-frame-options'), null);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        // The hash is of the style the page carries.
        const style = (await res.text()).match(/<style>(.*?)<\/style>/s)![1]!;
        const { createHash } = await import('node:crypto');
        assert.ok(csp.includes(createHash('sha256').update(style).digest('base64')));
      });

      it('escapes a hostile title, author and key everywhere: text, attributes and JSON-LD', async () => {
        await open();
        const key = `/x${HOSTILE}`;
        await f.postMessage(key, 'body', {
          kind: 'opening',
          author: HOSTILE.slice(0, 70),
          thread: { title: HOSTILE },
        });
        const res = await f.get(pagePath(key));
        assert.equal(res.status, 200);
        const html = await res.text();
        // long-title counts the escaped source (`&lt;` as four characters); the
        // title's text is under 70 characters.
        await assertValidPage(
          html,
          new HtmlValidate({
            extends: ['html-validate:recommended'],
            rules: { 'long-title': 'off' },
          }),
        );
        assert.ok(
          html.includes('<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;'),
        );
        assert.doesNotMatch(html, /<script>/);
        assert.doesNotMatch(html, /<b onmouseover/);
        assert.equal(html.match(/<script/g)?.length, 1, 'only the JSON-LD block');
        const doc = jsonLdOf(html);
        assert.equal(doc.headline, HOSTILE);
        assert.equal((doc.author as { name: string }).name, HOSTILE.slice(0, 70));
        const fragment = await (await f.get(pagePath(key, '/fragment'))).text();
        assert.doesNotMatch(fragment, /<script>|<b onmouseover/);
        assert.equal(fragment.match(/<script/g)?.length, 1, 'only the JSON-LD block');
        assert.deepEqual(jsonLdOf(fragment), doc, 'the same JSON-LD as the page');
        assert.ok(
          fragment.includes(
            `data-parley-thread="/x&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;b onmouseover=x&gt;"`,
          ),
        );
      });

      it('returns 404 as an HTML page for an unknown thread and for one whose only message is held', async () => {
        await open({ moderation: 'all' });
        const unknown = await f.get(pagePath('/nobody'));
        assert.equal(unknown.status, 404);
        assert.equal(unknown.headers.get('content-type'), 'text/html; charset=utf-8');
        await assertValidPage(await unknown.text());
        const held = await f.post('/api/threads/%2Fheld/messages', {
          author: 'A',
          body: 'HELDTITLE body',
          thread: { title: 'HELDTITLE' },
        });
        assert.equal(held.status, 201);
        const res = await f.get(pagePath('/held'));
        assert.equal(res.status, 404);
        assert.ok(!(await res.text()).includes('HELDTITLE'));
      });

      it('returns 400 for a key with a bidi override and for a page that is not a number', async () => {
        await open();
        await richThread();
        const bidi = await f.get(pagePath('/a\u202eb'));
        assert.equal(bidi.status, 400);
        assert.match(await bidi.text(), /<h1>Not a discussion address<\/h1>/);
        for (const page of ['0', 'x', '-1', '1.5', '9999999']) {
          assert.equal((await f.get(`${pagePath('/posts/hello')}?page=${page}`)).status, 400, page);
        }
        assert.equal((await f.get(`${pagePath('/posts/hello')}?page=2`)).status, 404);
      });
    });

    describe('GET /threads/:key/fragment', () => {
      it('serves the same discussion without the page, readable by any origin, with the same ETag', async () => {
        await open();
        const { c } = await richThread();
        const page = await f.get(pagePath('/posts/hello'));
        const res = await f.get(pagePath('/posts/hello', '/fragment'));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal(res.headers.get('etag'), page.headers.get('etag'));
        const html = await res.text();
        await assertValidFragment(html);
        assert.match(
          html,
          /^<section class="parley-thread" lang="en" dir="ltr" aria-labelledby="parley-title" data-parley-thread="\/posts\/hello">/,
        );
        assert.doesNotMatch(html, /<html|<head[ >]|<body|<style|<h1/);
        // The JSON-LD, last in the section: search engines index the blog's
        // page, which includes the fragment, not the standalone page.
        assert.match(html, /<script type="application\/ld\+json">[^<]*<\/script>\n<\/section>\n$/);
        assert.deepEqual(
          jsonLdOf(html),
          jsonLdOf(await (await f.get(pagePath('/posts/hello'))).text()),
        );
        assert.match(html, /<h2 id="parley-title" class="parley-title">Hello world<\/h2>/);
        assert.match(html, /<h3 id="parley-a-\d+" class="parley-author">Olive<\/h3>/);
        assert.ok(html.includes(`id="parley-${c.message.id}"`));
        const pageHtml = await page.text();
        assert.ok(
          pageHtml.includes(
            html
              .trim()
              .replace(
                '<h2 id="parley-title" class="parley-title">Hello world</h2>',
                '<h1 id="parley-title" class="parley-title">Hello world</h1>',
              )
              .replaceAll('<h3 ', '<h2 ')
              .replaceAll('</h3>', '</h2>'),
          ),
          'the page holds the same markup',
        );
        const again = await f.get(pagePath('/posts/hello', '/fragment'), {
          'If-None-Match': res.headers.get('etag')!,
        });
        assert.equal(again.status, 304);
      });

      it('answers errors with only an HTML comment (what an include pastes shows nothing), same statuses, CORS included', async () => {
        await open();
        await richThread();
        const res = await f.get(pagePath('/nobody', '/fragment'));
        assert.equal(res.status, 404);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.equal(await res.text(), '<!-- Parley: no discussion at this address yet -->\n');
        const bad = await f.get(pagePath('/a\u202eb', '/fragment'));
        assert.equal(bad.status, 400);
        assert.match(await bad.text(), /^<!-- Parley: not a discussion address: key [^<>]* -->\n$/);
        const past = await f.get(`${pagePath('/posts/hello', '/fragment')}?page=2`);
        assert.equal(past.status, 404);
        assert.equal(
          await past.text(),
          '<!-- Parley: this discussion has no page 2; it has 1 -->\n',
        );
        for (const body of [await (await f.get(pagePath('/nobody', '/fragment'))).text()]) {
          // Nothing inside can end the comment early.
          assert.equal(body.indexOf('-->'), body.length - 4);
        }
      });
    });

    describe('compression', () => {
      /** The body of `res` as sent (app.request decodes nothing), decoded by its Content-Encoding. */
      async function decoded(res: Response): Promise<{ sent: number; html: string }> {
        const raw = Buffer.from(await res.arrayBuffer());
        const encoding = res.headers.get('content-encoding');
        const plain =
          encoding === 'br'
            ? brotliDecompressSync(raw)
            : encoding === 'gzip'
              ? gunzipSync(raw)
              : raw;
        return { sent: raw.byteLength, html: plain.toString('utf8') };
      }

      for (const sub of ['', '/fragment']) {
        it(`serves ${sub || 'the page'} in br, gzip or identity as Accept-Encoding asks, each decoding to the same HTML`, async () => {
          await open();
          await richThread();
          const path = pagePath('/posts/hello', sub);
          const plain = await f.get(path);
          assert.equal(plain.status, 200);
          assert.equal(plain.headers.get('content-encoding'), null, 'no Accept-Encoding: identity');
          assert.equal(plain.headers.get('vary'), 'Accept-Encoding');
          const etag = plain.headers.get('etag');
          const page = await decoded(plain);
          assert.equal(plain.headers.get('content-length'), String(page.sent));
          assert.ok(page.html.includes('Reply to Bob'));
          for (const [accept, encoding] of [
            ['gzip, deflate, br', 'br'],
            ['br', 'br'],
            ['gzip', 'gzip'],
            ['br;q=0, gzip', 'gzip'],
            ['gzip;q=1, br;q=0.5', 'gzip'],
            ['*', 'br'],
            ['identity', null],
            ['deflate', null],
            ['br;q=0, gzip;q=0', null],
          ] as const) {
            const res = await f.get(path, { 'Accept-Encoding': accept });
            assert.equal(res.status, 200, accept);
            assert.equal(res.headers.get('content-encoding'), encoding, accept);
            assert.equal(res.headers.get('vary'), 'Accept-Encoding', accept);
            assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', accept);
            assert.equal(
              res.headers.get('etag'),
              etag,
              `${accept}: a weak ETag holds in every encoding`,
            );
            const body = await decoded(res);
            assert.equal(res.headers.get('content-length'), String(body.sent), accept);
            assert.equal(body.html, page.html, accept);
            if (encoding)
              assert.ok(body.sent < page.sent / 3, `${accept}: ${body.sent} bytes sent`);
          }
        });
      }

      it('revalidates across encodings: a 304 for any encoding, with Vary', async () => {
        await open();
        await richThread();
        const path = pagePath('/posts/hello');
        const br = await f.get(path, { 'Accept-Encoding': 'br' });
        const again = await f.get(path, {
          'Accept-Encoding': 'gzip',
          'If-None-Match': br.headers.get('etag')!,
        });
        assert.equal(again.status, 304);
        assert.equal(again.headers.get('vary'), 'Accept-Encoding');
        assert.equal(again.headers.get('etag'), br.headers.get('etag'));
        assert.equal(again.headers.get('content-encoding'), null);
        assert.equal(await again.text(), '');
      });

      it('answers HEAD as GET without the body, in the encoding asked for', async () => {
        await open();
        await richThread();
        for (const sub of ['', '/fragment']) {
          const path = pagePath('/posts/hello', sub);
          for (const accept of ['br', 'gzip', '']) {
            const headers: Record<string, string> = accept ? { 'Accept-Encoding': accept } : {};
            const get = await f.get(path, headers);
            const head = await f.app.request(path, { method: 'HEAD', headers });
            assert.equal(head.status, 200, `${sub} ${accept}`);
            for (const name of [
              'content-type',
              'content-encoding',
              'content-length',
              'etag',
              'vary',
            ]) {
              assert.equal(
                head.headers.get(name),
                get.headers.get(name),
                `${sub} ${accept} ${name}`,
              );
            }
            assert.equal((await head.arrayBuffer()).byteLength, 0);
          }
        }
        const missing = await f.app.request(pagePath('/nobody'), { method: 'HEAD' });
        assert.equal(missing.status, 404);
      });

      it('gives concurrent first requests in different encodings the same rendering', async () => {
        await open();
        await richThread();
        const path = pagePath('/posts/hello');
        const accepts = ['br', 'gzip', '', 'br', 'gzip', ''];
        const answers = await Promise.all(
          accepts.map((accept) => f.get(path, accept ? { 'Accept-Encoding': accept } : {})),
        );
        const pages = await Promise.all(answers.map(async (res) => (await decoded(res)).html));
        assert.ok(pages.every((html) => html === pages[0]));
        assert.equal(new Set(answers.map((res) => res.headers.get('etag'))).size, 1);
      });
    });

    describe('pagination', () => {
      it(`cuts a thread of more than ${PAGE_SIZE} messages into pages linked by rel=prev/next, replies with their root`, async () => {
        await open();
        const opening = await f.postMessage('/long', 'opening', {
          kind: 'opening',
          thread: { url: BLOG },
        });
        const ids: number[] = [];
        // Root 0 with 9 replies, then single replies until the thread has PAGE_SIZE + 5 messages.
        const root = await f.postMessage('/long', 'root zero');
        ids.push(root.message.id);
        for (let i = 0; i < 9; i++)
          ids.push(
            (await f.postMessage('/long', `under root ${i}`, { parentId: root.message.id })).message
              .id,
          );
        while (ids.length + 1 < PAGE_SIZE - 3)
          ids.push((await f.postMessage('/long', `single ${ids.length}`)).message.id);
        // A branch of 10 that does not fit on page 1 moves to page 2 whole.
        const late = await f.postMessage('/long', 'late root');
        for (let i = 0; i < 9; i++)
          await f.postMessage('/long', `late reply ${i}`, { parentId: late.message.id });
        const first = await (await f.get(pagePath('/long'))).text();
        await assertValidPage(first);
        assert.ok(first.includes(`id="parley-${opening.message.id}"`));
        assert.ok(!first.includes(`id="parley-${late.message.id}"`));
        assert.ok(
          first.includes(
            '<link rel="next" href="https://comments.example/threads/%2Flong?page=2">',
          ),
        );
        assert.match(
          first,
          /<a rel="next" href="https:\/\/comments.example\/threads\/%2Flong\?page=2">/,
        );
        assert.ok(first.includes(`<link rel="canonical" href="${BLOG}">`));
        const secondRes = await f.get(`${pagePath('/long')}?page=2`);
        assert.equal(secondRes.status, 200);
        const second = await secondRes.text();
        await assertValidPage(second);
        assert.ok(second.includes(`id="parley-${late.message.id}"`));
        assert.equal(second.match(/<article /g)?.length, 10);
        assert.ok(
          second.includes('<link rel="prev" href="https://comments.example/threads/%2Flong">'),
        );
        assert.ok(
          second.includes(
            '<link rel="canonical" href="https://comments.example/threads/%2Flong?page=2">',
          ),
        );
        assert.match(second, /Page 2 of 2/);
        // The posting is repeated with the thread's main url and its own page's comments.
        const doc = jsonLdOf(second);
        assert.equal(doc.url, BLOG);
        assert.equal((doc.comment as unknown[]).length, 1);
        assert.equal((await f.get(`${pagePath('/long')}?page=3`)).status, 404);
      });
    });
  });
}
