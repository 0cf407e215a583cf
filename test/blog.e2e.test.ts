/**
 * The reader's journey, end to end: the example blog on one origin, the real
 * Parley server (temporary SQLite file) on another, the built widget bundle,
 * and Chromium driven by labels and roles as a reader would use the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { proofOfWork } from '../examples/blog/proof-of-work.ts';
import {
  type ExampleOptions,
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
  watchProblems,
} from './support/example.ts';

describe('the example blog with a Parley thread', () => {
  let browser: Browser;
  let options: ExampleOptions;
  let example: RunningExample;

  before(async () => {
    options = await exampleOptions();
    example = await startExample(options);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  /** Opens the article and collects anything that went wrong on the page. */
  async function openArticle(url = example.articleUrl, page?: Page) {
    page ??= await browser.newPage();
    // The one expected 404: a thread no one has posted to yet.
    const problems = watchProblems(
      page,
      (response) =>
        response.status() === 404 &&
        /\/api\/threads\/[^/]+$/.test(new URL(response.url()).pathname),
    );
    await page.goto(url);
    return { page, problems };
  }

  async function waitForReply(page: Page, text: string) {
    await page
      .locator('parley-thread [part~="thread"]')
      .getByText(text)
      .waitFor({ timeout: 15_000 });
  }

  it('shows the seeded thread: title, summary, stats, status, opening post and replies', async () => {
    const { page, problems } = await openArticle();
    const thread = page.locator('parley-thread [part~="thread"]');
    await thread.getByRole('heading', { name: /The Efficiency Wars/ }).waitFor();
    await thread.getByText('This thread explores DeepSeek’s R1 breakthrough').waitFor();
    await thread.getByText('5 msgs').waitFor();
    await thread.getByText('0 highlights').waitFor();
    await thread.getByText('Discussion in progress').waitFor();
    await thread.getByText('The recent release of DeepSeek-R1 has sent shockwaves').waitFor();
    await thread.getByText('MoE cuts latency via sparse activation.').waitFor();
    assert.equal(await thread.getByRole('link', { name: '← Back to Forum' }).count(), 1);
    // The blog sends a strict CSP (no inline script or style): nothing may break.
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('posts a reply through the form, which survives a reload and a server restart', async () => {
    const page = await browser.newPage();
    // The example runs with proof of work on, and the blog's CSP allows only
    // `worker-src blob:`: the widget must still solve it in its worker.
    // Everything the worker's constructor sees, and every message and error
    // it sends back, goes into `window.parleyWorkers`.
    await page.addInitScript(`{
      const Real = window.Worker;
      const seen = (window.parleyWorkers = []);
      window.Worker = class extends Real {
        constructor(url, options) {
          super(url, options);
          const worker = { url: String(url), messages: [], errors: [] };
          seen.push(worker);
          this.addEventListener('message', (e) => worker.messages.push(e.data));
          this.addEventListener('error', (e) => worker.errors.push(e.message || 'error'));
        }
      };
    }`);
    const failed: string[] = [];
    page.on('requestfailed', (request) =>
      failed.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    const { problems } = await openArticle(example.articleUrl, page);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.postData() ?? '');
    });
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel('Message', { exact: true }).fill('Efficiency *is* the **frontier**.');
    await page
      .locator('parley-thread [part~="thread"]')
      .getByRole('button', { name: 'Post reply' })
      .click();
    // Shown under the new reply, and said through the thread's status line.
    await page
      .locator('parley-thread [part~="thread"]')
      .getByText('Your reply was posted.')
      .first()
      .waitFor();
    await waitForReply(page, 'Grace Hopper');
    await page.locator('parley-thread [part~="thread"]').getByText('6 msgs').waitFor();
    assert.equal(await page.locator('parley-thread strong', { hasText: 'frontier' }).count(), 1);
    // The message field is cleared, the name is remembered.
    assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), '');
    assert.equal(posts.length, 1);
    assert.equal(
      typeof JSON.parse(posts[0]!).altcha,
      'string',
      'the post carries its proof of work',
    );
    // Solved in the worker: it answered with the solution the post carries, and nothing it
    // needed was refused.
    assert.deepEqual(failed, [], 'no request failed');
    const workers = (await page.evaluate('window.parleyWorkers')) as {
      url: string;
      messages: unknown[];
      errors: string[];
    }[];
    const sent = (JSON.parse(atob(JSON.parse(posts[0]!).altcha)) as { solution: unknown }).solution;
    assert.equal(workers.length, 1, JSON.stringify(workers));
    assert.match(workers[0]!.url, /^blob:/);
    assert.deepEqual(workers[0]!.errors, []);
    assert.deepEqual(workers[0]!.messages, [sent], 'the worker posted the solution');

    await page.reload();
    await waitForReply(page, 'Grace Hopper');
    await page.locator('parley-thread [part~="thread"]').getByText('6 msgs').waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Grace Hopper');

    const code = await example.stop();
    assert.equal(code, 0, `the example stopped uncleanly:\n${example.output()}`);
    example = await startExample(options);
    assert.ok(!example.output().includes('Seeded'), 'a database with content is never re-seeded');
    await page.reload();
    await waitForReply(page, 'Grace Hopper');
    await page.locator('parley-thread [part~="thread"]').getByText('6 msgs').waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows a page nobody has commented on as an empty thread with a form', async () => {
    const { page, problems } = await openArticle(`${example.blogUrl}/about/`);
    await page
      .locator('parley-thread [part~="thread"]')
      .getByText('Be the first to start the discussion.')
      .waitFor();
    await page.getByLabel('Name', { exact: true }).fill('First Reader');
    await page.getByLabel('Message', { exact: true }).fill('First!');
    await page
      .locator('parley-thread [part~="thread"]')
      .getByRole('button', { name: 'Post reply' })
      .click();
    await waitForReply(page, 'First Reader');
    await page
      .locator('parley-thread [part~="thread"]')
      .getByText(/\b1 msg\b/)
      .waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows a reply another reader posts, live, without a reload', async () => {
    // Listening before the page loads: the widget may open its stream before goto() returns.
    const reads: string[] = [];
    const fresh = await browser.newPage();
    fresh.on('request', (request) => reads.push(new URL(request.url()).pathname));
    const { page, problems } = await openArticle(example.articleUrl, fresh);
    await waitForReply(page, 'MoE cuts latency via sparse activation.');
    const loaded = reads.length;
    const key = encodeURIComponent(new URL(example.articleUrl).pathname);
    const response = await fetch(`${example.serverUrl}/api/threads/${key}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: example.blogUrl },
      // The example runs with proof of work on: this client solves one as the widget does.
      body: JSON.stringify({
        author: 'Live Reader',
        body: 'This one arrived live.',
        altcha: await proofOfWork(example.serverUrl),
      }),
    });
    assert.equal(response.status, 201);
    // The stream resumes from the page's lastEventId, so the reply arrives
    // whether the stream opened before or after the post.
    await waitForReply(page, 'This one arrived live.');
    assert.equal(
      await page.locator('parley-thread [part~="thread"]').getByText('Live Reader').count(),
      1,
    );
    // It came over the event stream, not from reading the thread again.
    assert.ok(
      reads.some((path) => path.endsWith('/events')),
      reads.join(', '),
    );
    const later = reads.slice(loaded);
    assert.ok(!later.some((path) => /\/api\/threads\/[^/]+$/.test(path)), later.join(', '));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('serves the widget to another origin with CORS and caching headers', async () => {
    const response = await fetch(`${example.serverUrl}/widget.js`, {
      headers: { Origin: example.blogUrl },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/);
    const etag = response.headers.get('etag');
    assert.ok(etag);
    assert.match(response.headers.get('cache-control') ?? '', /max-age=/);
    const again = await fetch(`${example.serverUrl}/widget.js`, {
      headers: { 'If-None-Match': etag },
    });
    assert.equal(again.status, 304);
  });
});
