/**
 * A long thread, end to end, on a phone: the real server answers "the page
 * that holds message N" for a link past the first page, and a reader replies
 * in place there and sees the reply land under the message it answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import {
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
  watchProblems,
} from './support/example.ts';

const KEY = '/2026/11/the-efficiency-wars/';

/** Whether `locator`'s box is (at least partly) on screen. */
async function onScreen(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const height = await locator.page().evaluate(() => innerHeight);
  return box !== null && box.y + box.height > 0 && box.y < height;
}

describe('a long thread on a phone', () => {
  let browser: Browser;
  let example: RunningExample;
  /** Ids of the replies posted here, oldest first. */
  const ids: number[] = [];

  before(async () => {
    example = await startExample({
      ...(await exampleOptions()),
      env: { PARLEY_PROOF_OF_WORK: 'off', PARLEY_RATE_LIMIT: '0' },
    });
    browser = await launchChromium();
    // 45 replies after the demo's four: more than two pages of 20.
    for (let i = 1; i <= 45; i++) {
      const response = await fetch(
        `${example.serverUrl}/api/threads/${encodeURIComponent(KEY)}/messages`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ author: `Reader ${i}`, body: `Long thread reply number ${i}.` }),
        },
      );
      const answer = await response.text();
      assert.equal(response.status, 201, answer);
      ids.push(JSON.parse(answer).message.id);
    }
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  it('opens a link to a message past the first page there, and a reply lands under it', async () => {
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    // Proof of work is off here, and /api/features says so: the widget asks for no
    // challenge, so the blog's console shows no failed request at all.
    const problems = watchProblems(page);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const target = ids[39]!;
    await page.goto(`${example.articleUrl}#parley-${target}`);
    const thread = page.locator('parley-thread [part~="thread"]');
    const message = thread.locator(`#parley-${target}`);
    await message.getByText('Long thread reply number 40.').waitFor();
    await page.waitForFunction(
      (id) =>
        document
          .querySelector('parley-thread')
          ?.shadowRoot?.querySelector(`#parley-${id}`)
          ?.matches('[part~=target]'),
      target,
    );
    // Scrolled to, with what lies between the first page and it shown as a gap.
    await page.waitForFunction((id) => {
      const el = document
        .querySelector('parley-thread')
        ?.shadowRoot?.querySelector(`#parley-${id}`);
      const box = el?.getBoundingClientRect();
      return box && box.bottom > 0 && box.top < innerHeight;
    }, target);
    await thread
      .getByRole('button', { name: /\d+ earlier repl/ })
      .first()
      .waitFor();

    // Replying in place: the box opens under the message, and the reply lands in view under it.
    await message.getByRole('button', { name: 'Reply to Reader 40' }).click();
    const box = message.getByRole('form', { name: 'Reply to Reader 40' });
    await box.getByRole('textbox', { name: 'Message' }).fill('Answering reply forty in place.');
    await box.getByRole('textbox', { name: 'Name' }).fill('Phone Reader');
    await box.getByRole('button', { name: 'Post reply' }).click();
    const posted = thread.getByText('Answering reply forty in place.');
    await posted.waitFor();
    await thread.getByText('Your reply was posted.').first().waitFor();
    assert.ok(await onScreen(posted), 'the new reply is on screen');
    const parentOf = await posted.evaluate(
      (el) => el.closest('li')?.parentElement?.closest('li')?.querySelector('article')?.id,
    );
    assert.equal(parentOf, `parley-${target}`, 'nested under the message it answers');
    assert.deepEqual(problems, []);
    assert.ok(asked.includes('/api/features'), 'the widget asked what the server offers');
    assert.ok(!asked.includes('/api/challenge'), 'and then no challenge');
    await page.close();
  });
});
