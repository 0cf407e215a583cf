import { expect, waitUntil } from '@open-wc/testing';
import { actionSettings } from './action-settings.js';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  ago,
  apiError,
  calls,
  json,
  makeMessage,
  mount,
  NOW,
  route,
  serveThread,
  submit,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const post = (el: ParleyThread) => $<HTMLButtonElement>(el, '#parley-form button.primary');
const status = (el: ParleyThread) => text($(el, 'section > [role=status]'));

describe('<parley-thread> rate limits', () => {
  const tickMs = actionSettings.tickMs;
  const realNow = Date.now;
  let now = NOW;
  beforeEach(() => {
    actionSettings.tickMs = 20;
    now = NOW;
    Date.now = () => now;
  });
  afterEach(() => {
    actionSettings.tickMs = tickMs;
    Date.now = realNow;
  });

  /** Mounts a thread whose posts answer 429 with `retryAfter`, and posts once. */
  async function limited(retryAfter: string) {
    const k = uniqueKey();
    serveThread(k);
    let answer = () =>
      apiError(429, 'rate_limited', { headers: { 'Retry-After': retryAfter } }) as Response;
    route('POST', `${threadPath(k)}/messages`, () => answer());
    const el = await mount({ thread: k });
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Again');
    await submit(el);
    await waitUntil(() => $(el, '#parley-wait'), 'the wait is shown');
    return {
      el,
      k,
      succeed: () => {
        answer = () =>
          json({ message: makeMessage(6, { createdAt: ago(0) }), editToken: 't' }, 201);
      },
    };
  }

  it('says how long to wait (Retry-After in seconds), counts down, and enables Post again once it has passed', async () => {
    const { el, succeed } = await limited('42');
    expect(text($(el, '#parley-wait'))).to.equal(
      'You are posting too quickly. Please wait 42 seconds.',
    );
    expect(post(el).disabled).to.equal(true);
    expect(post(el).getAttribute('aria-describedby')).to.equal('parley-wait');
    // Said once, politely; the countdown itself is no live region.
    expect(status(el)).to.equal('You are posting too quickly. Please wait 42 seconds.');
    expect($(el, '#parley-wait').closest('[role=alert],[role=status],[aria-live]')).to.equal(null);
    expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Again');
    await expect(el).to.be.accessible();

    now = NOW + 41_000;
    await waitUntil(() => text($(el, '#parley-wait')).endsWith('Please wait 1 second.'));
    expect(post(el).disabled).to.equal(true);
    expect(status(el)).to.equal('You are posting too quickly. Please wait 42 seconds.');
    // Ctrl+Enter does not get round it.
    $(el, '#parley-body').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true }),
    );
    await el.updateComplete;
    expect(calls.filter((c) => c.method === 'POST')).to.have.length(1);

    now = NOW + 42_000;
    await waitUntil(() => !post(el).disabled, 'Post is enabled again');
    expect($(el, '#parley-wait')).to.equal(null);
    expect(status(el)).to.equal('You can post again.');

    succeed();
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
  });

  it('reads an HTTP-date in Retry-After too', async () => {
    const { el } = await limited(new Date(NOW + 90_000).toUTCString());
    expect(text($(el, '#parley-wait'))).to.equal(
      'You are posting too quickly. Please wait 90 seconds.',
    );
  });

  it('says "a moment" when the server gives no usable Retry-After', async () => {
    const k = uniqueKey();
    serveThread(k);
    route('POST', `${threadPath(k)}/messages`, () =>
      apiError(429, 'rate_limited', { headers: { 'Retry-After': 'soon' } }),
    );
    const el = await mount({ thread: k });
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Again');
    await submit(el);
    await waitUntil(() => $(el, 'form [role=alert]'));
    expect(text($(el, 'form [role=alert]'))).to.contain('Please wait a moment');
    expect(post(el).disabled).to.equal(false);
  });

  it('holds every reply box to the same wait, and counts a report’s wait apart', async () => {
    const { el } = await limited('30');
    $$(el, '#parley-3 button')
      .find((b) => text(b) === 'Reply')!
      .click();
    await waitUntil(() => $(el, '#parley-r3-wait'));
    expect($<HTMLButtonElement>(el, '#parley-3 form button.primary').disabled).to.equal(true);

    route('POST', '/api/messages/2/report', () =>
      apiError(429, 'rate_limited', { headers: { 'Retry-After': '5' } }),
    );
    $$(el, '#parley-2 button')
      .find((b) => text(b) === 'Report')!
      .click();
    await waitUntil(() => $(el, '#parley-reason-2'));
    const send = () => $$(el, '#parley-2 form button').find((b) => text(b) === 'Send report')!;
    expect((send() as HTMLButtonElement).disabled).to.equal(false);
    send().click();
    await waitUntil(() => $(el, '#parley-reason-2-wait'));
    expect(text($(el, '#parley-reason-2-wait'))).to.equal(
      'You are sending reports too quickly. Please wait 5 seconds.',
    );
    expect((send() as HTMLButtonElement).disabled).to.equal(true);
    now = NOW + 5_000;
    await waitUntil(() => !(send() as HTMLButtonElement).disabled, 'Send report is enabled again');
    expect(post(el).disabled).to.equal(true);
  });
});
