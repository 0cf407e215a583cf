/**
 * Notifications, end to end: the example blog and the real Parley server
 * (temporary SQLite file, proof of work on) with mail going to a real SMTP
 * server and webhooks to a real receiver that verifies their signatures,
 * both started here. A reader on a phone asks for reply mail, confirms it
 * from the mail, gets a mail when another reader answers in Chromium,
 * follows its link back to the answer on the blog, and unsubscribes with
 * the mail's one-click link; the owner hears of each message by webhook and
 * by mail. Nothing sleeps: each step waits for what it expects.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type MailServer,
  type ReceivedMail,
  startMailServer,
} from '@parley/server/testing/mail-server';
import { type WebhookReceiver, webhookReceiver } from '@parley/server/testing/webhook-receiver';
import type { Browser } from 'playwright-core';
import {
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
  watchProblems,
} from './support/example.ts';

const READER = 'Ada.Lovelace@Example.org';
const TOKEN = `e2e-${randomBytes(18).toString('base64url')}`;

describe('notifications from the example blog', () => {
  let browser: Browser;
  let example: RunningExample;
  let smtp: MailServer;
  let hooks: WebhookReceiver;

  before(async () => {
    smtp = await startMailServer();
    hooks = await webhookReceiver();
    const options = await exampleOptions();
    example = await startExample({
      ...options,
      env: {
        PARLEY_ADMIN_TOKEN: TOKEN,
        PARLEY_PUBLIC_URL: `http://127.0.0.1:${options.port}`,
        PARLEY_SMTP_URL: smtp.url,
        PARLEY_MAIL_FROM: 'Blog comments <parley@blog.example>',
        PARLEY_OWNER_EMAIL: 'owner@blog.example',
        PARLEY_WEBHOOK_URL: hooks.url,
        PARLEY_WEBHOOK_SECRET: hooks.secret,
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
    await hooks?.close();
    await smtp?.close();
  });

  /** The first mail to `to` whose subject matches, once it has arrived (the worker polls each second). */
  async function mailTo(to: string, subject: RegExp, after = 0): Promise<ReceivedMail> {
    for (let i = 0; i < 300; i++) {
      const found = smtp.mails
        .slice(after)
        .find(
          (m) =>
            m.to.some((t) => t.toLowerCase() === to.toLowerCase()) &&
            subject.test(m.parsed.subject ?? ''),
        );
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(
      `no mail to ${to} matching ${subject}; got: ${smtp.mails.map((m) => `${m.to} "${m.parsed.subject}"`).join(', ')}`,
    );
  }

  /** The first webhook whose body holds `text`, once it has arrived. */
  async function hookWith(text: string) {
    for (let i = 0; i < 300; i++) {
      const found = hooks.requests.find((r) => r.body.includes(text));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`no webhook holding ${JSON.stringify(text)}`);
  }

  /** A header's value as sent, unfolded (mailparser turns List-* headers into objects). */
  function header(mail: ReceivedMail, name: string): string {
    const line = mail.parsed.headerLines.find((h) => h.key === name)?.line ?? '';
    return line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }

  /** The one link in the mail's text that starts with `prefix`. */
  function linkIn(mail: ReceivedMail, prefix: string): string {
    const links = (mail.parsed.text ?? '').match(/https?:\/\/\S+/g) ?? [];
    const link = links.find((l) => l.startsWith(prefix));
    assert.ok(link, `a link to ${prefix} in:\n${mail.parsed.text}`);
    return link;
  }

  it('confirms a reader from the mail, mails them a reply that links to it, and stops after one click', async () => {
    // The reader, on a phone.
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await phone.newPage();
    const problems = watchProblems(page);
    await page.goto(example.articleUrl);
    const thread = page.locator('parley-thread [part~="thread"]');
    await thread.getByRole('heading', { name: /The Efficiency Wars/ }).waitFor();
    await thread.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
    const body = thread.getByLabel('Message', { exact: true });
    await body.fill('Will anyone answer me by mail?');
    // Offered once the server says it sends reply mail.
    await thread.getByRole('checkbox', { name: 'Mail me replies' }).check();
    await thread.getByRole('textbox', { name: 'Email' }).fill(READER);
    await thread.getByRole('button', { name: 'Post reply' }).click();
    await thread
      .getByText('Your reply was posted. Look for a confirmation mail to turn on reply mail.')
      .first()
      .waitFor();
    const mine = thread.locator('article', { hasText: 'Will anyone answer me by mail?' });
    const myId = Number((await mine.getAttribute('id'))?.replace('parley-', ''));
    assert.ok(myId > 0);

    // The owner hears of it by webhook, verified, without the reader's address.
    const created = await hookWith('Will anyone answer me by mail?');
    assert.equal(created.verifyError, null, 'its signature verifies');
    assert.equal(JSON.parse(created.body).type, 'message.created');
    assert.doesNotMatch(created.body, /lovelace@/i);

    // The confirmation mail; until it is followed, nothing else goes to the address.
    const confirmation = await mailTo(READER, /confirm/i);
    assert.equal(header(confirmation, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    // Opening the link confirms nothing (mail scanners open links): the reader presses Confirm.
    await page.goto(linkIn(confirmation, `${example.serverUrl}/notifications/confirm?token=`));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Reply mail confirmed' }).waitFor();
    // It links back to the message on the blog, and the link takes the keyboard focus.
    const back = page.getByRole('link', { name: /^Back to your message on / });
    assert.equal(
      await back.getAttribute('href'),
      `${example.articleUrl.split('#')[0]}#parley-${myId}`,
    );
    await back.focus();
    assert.equal(await back.evaluate((a) => a === document.activeElement), true);

    // Another reader answers in place, on a desktop.
    const other = await browser.newPage();
    const otherProblems = watchProblems(other);
    await other.goto(example.articleUrl);
    const otherThread = other.locator('parley-thread [part~="thread"]');
    const target = otherThread.locator(`#parley-${myId}`);
    await target.getByRole('button', { name: 'Reply to Ada Lovelace' }).click();
    const box = target.getByRole('form', { name: 'Reply to Ada Lovelace' });
    await box.getByRole('textbox', { name: 'Name' }).fill('Charles Babbage');
    await box.getByRole('textbox', { name: 'Message' }).fill('I will, *by engine*.');
    await box.getByRole('button', { name: 'Post reply' }).click();
    await otherThread.getByText('Your reply was posted.').first().waitFor();

    // The reply mail: the answer, a link to it on the blog, and a one-click unsubscribe.
    const reply = await mailTo(READER, /Charles Babbage replied/);
    assert.match(reply.parsed.text ?? '', /I will, \*by engine\*\./);
    const unsubscribe = /^<([^>]+)>$/.exec(header(reply, 'list-unsubscribe'))?.[1] ?? '';
    assert.equal(header(reply, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.ok(
      unsubscribe.startsWith(`${example.serverUrl}/notifications/unsubscribe?token=`),
      `List-Unsubscribe names the page: ${unsubscribe}`,
    );
    assert.doesNotMatch(reply.parsed.html || '', /<img|src=/i, 'the HTML part loads nothing');
    const answer = linkIn(reply, example.blogUrl);
    const answerId = Number(/#parley-(\d+)$/.exec(answer)?.[1]);
    assert.ok(answerId > myId, `the link names the answer: ${answer}`);

    // Following it shows the answer, marked as the target, on the phone.
    await page.goto(answer);
    const shown = page.locator('parley-thread [part~="thread"]').locator(`#parley-${answerId}`);
    await shown.getByText('by engine').waitFor();
    await page.waitForFunction(
      (id) =>
        document
          .querySelector('parley-thread')
          ?.shadowRoot?.querySelector(`#parley-${id}`)
          ?.matches('[part~=target]'),
      answerId,
    );

    // One click (RFC 8058: a POST with that body, as mail clients send it) ends it.
    const clicked = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(clicked.status, 200);
    const before = smtp.mails.length;
    await target.getByRole('button', { name: 'Reply to Ada Lovelace' }).click();
    await box.getByRole('textbox', { name: 'Message' }).fill('And once more, unheard.');
    await box.getByRole('button', { name: 'Post reply' }).click();
    await otherThread.getByText('And once more, unheard.').waitFor();
    // The owner's mail for that reply arrives; once nothing waits, none went to the reader.
    const owner = await mailTo('owner@blog.example', /Charles Babbage/, before);
    assert.match(owner.parsed.text ?? '', /And once more, unheard\./);
    await hookWith('And once more, unheard.');
    for (let i = 0; ; i++) {
      const res = await fetch(`${example.serverUrl}/api/admin/deliveries?state=pending`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      const { deliveries } = (await res.json()) as { deliveries: unknown[] };
      if (deliveries.length === 0) break;
      assert.ok(i < 300, `deliveries still waiting: ${JSON.stringify(deliveries)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      smtp.mails
        .slice(before)
        .filter((m) => m.to.some((t) => t.toLowerCase() === READER.toLowerCase())),
      [],
      'no mail to the reader after unsubscribing',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(otherProblems, []);
    await phone.close();
  });
});
