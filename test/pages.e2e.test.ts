/**
 * Discussions the web can read, end to end: the example blog includes the
 * thread's HTML fragment inside `<parley-thread>` on its own server, so a
 * reader without JavaScript sees the discussion and the element takes over
 * when it runs; the thread's standalone page works with JavaScript off and
 * carries JSON-LD and feed links that resolve; and a new thread gets an
 * automatic summary from the real server within seconds, which the widget
 * shows as automatic. Nothing sleeps: each step waits for what it expects.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Browser } from 'playwright-core';
import {
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
  watchProblems,
} from './support/example.ts';

const TOKEN = `e2e-${randomBytes(18).toString('base64url')}`;
const DEMO_KEY = '/2026/11/the-efficiency-wars/';
const DEMO_TITLE = 'The Efficiency Wars: How DeepSeek R1 Challenges Western AI Dominance';

describe('the thread as HTML, feeds and automatic summaries from the example blog', () => {
  let browser: Browser;
  let example: RunningExample;

  before(async () => {
    const options = await exampleOptions();
    example = await startExample({
      ...options,
      env: {
        PARLEY_ADMIN_TOKEN: TOKEN,
        PARLEY_PROOF_OF_WORK: 'off',
        PARLEY_PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  it('shows the discussion to a reader without JavaScript, inside the article', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(example.articleUrl);
    const included = page.locator('parley-thread > section.parley-thread');
    await included.waitFor();
    assert.equal(await included.getByRole('heading', { level: 2 }).textContent(), DEMO_TITLE);
    // The seeded opening post and a reply, as readers see them.
    assert.ok(await included.getByText('MoE cuts latency via sparse activation.').isVisible());
    assert.ok((await included.locator('article').count()) >= 5);
    assert.equal(await page.locator('h1').count(), 1, 'the article keeps its one h1');
    await context.close();
  });

  it('takes over from the included markup once the script runs', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(example.articleUrl);
    const shadowTitle = page.locator('parley-thread').getByRole('heading', { name: DEMO_TITLE });
    // The element's own view (in its shadow root) shows the thread ...
    await page.locator('parley-thread [part~="title"]').waitFor();
    assert.ok(await shadowTitle.first().isVisible());
    // ... and the server's markup, no longer slotted, takes no room.
    const box = await page.locator('parley-thread > section.parley-thread').boundingBox();
    assert.equal(box, null, 'the included markup is not rendered once the element runs');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('serves the standalone page with JavaScript off, with JSON-LD and feeds that resolve', async () => {
    const url = `${example.serverUrl}/threads/${encodeURIComponent(DEMO_KEY)}`;
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(url);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('h1').textContent(), DEMO_TITLE);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    const thread = (await (
      await fetch(`${example.serverUrl}/api/threads/${encodeURIComponent(DEMO_KEY)}`)
    ).json()) as { thread: { messageCount: number; url: string } };
    assert.equal(await page.locator('article.parley-message').count(), thread.thread.messageCount);
    assert.equal(
      await page.locator('link[rel="canonical"]').getAttribute('href'),
      thread.thread.url,
    );
    const ld = JSON.parse(
      (await page.locator('script[type="application/ld+json"]').textContent()) ?? '',
    ) as { '@type': string; headline: string; comment: unknown[] };
    assert.equal(ld['@type'], 'DiscussionForumPosting');
    assert.equal(ld.headline, DEMO_TITLE);
    assert.ok(ld.comment.length > 0);
    // Both feeds the page names answer with Atom that parses.
    const feeds = await page
      .locator('link[rel="alternate"][type="application/atom+xml"]')
      .evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
    assert.equal(feeds.length, 2, feeds.join(', '));
    for (const feedUrl of feeds) {
      const feed = await fetch(feedUrl);
      assert.equal(feed.status, 200, feedUrl);
      assert.match(feed.headers.get('Content-Type') ?? '', /^application\/atom\+xml/);
      const xml = await feed.text();
      assert.equal(XMLValidator.validate(xml), true, feedUrl);
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
        feed: { entry: unknown[] };
      };
      assert.ok(parsed.feed.entry.length >= 5, feedUrl);
    }
    await context.close();
  });

  it('gives a new thread an automatic summary within seconds, and the widget says so', async () => {
    const key = '/about/';
    const post = async (author: string, body: string) => {
      const response = await fetch(
        `${example.serverUrl}/api/threads/${encodeURIComponent(key)}/messages`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: example.blogUrl },
          body: JSON.stringify({
            author,
            body,
            thread: { title: 'About Field Notes', url: `${example.blogUrl}${key}` },
          }),
        },
      );
      assert.equal(response.status, 201, await response.text());
    };
    await post(
      'Ines',
      'I found this blog through the piece on model efficiency. How often do you publish new essays?',
    );
    await post(
      'Field Notes',
      'We publish a long essay about once a month, and shorter notes whenever something interesting happens in between.',
    );
    await post('Tomás', 'Thanks!');
    // The first post may be summarised alone at once; a thread is summarised
    // again at most every few seconds, so the three posts show within ~10 s.
    let thread: { summary: string | null; summarySource: string | null } | undefined;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      const read = await fetch(`${example.serverUrl}/api/threads/${encodeURIComponent(key)}`);
      thread = ((await read.json()) as { thread: typeof thread }).thread;
      if (thread?.summarySource === 'automatic' && /once a month/.test(thread.summary ?? '')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(thread?.summarySource, 'automatic', JSON.stringify(thread));
    assert.match(thread?.summary ?? '', /long essay about once a month/);
    assert.doesNotMatch(thread?.summary ?? '', /Thanks!/);

    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${example.blogUrl}${key}`);
    const summary = page.locator('parley-thread [part~="summary"]');
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? '', /long essay about once a month/);
    assert.equal(
      await page.locator('parley-thread [part~="summary-source"]').textContent(),
      'Summarized automatically',
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
