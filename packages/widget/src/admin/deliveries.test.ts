import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { Delivery } from '@parley/server/wire';
import {
  apiError,
  calls,
  deferred,
  route,
  serveDeliveries,
  useFakeServer,
} from '../testing/fake-server.js';
import {
  $,
  $$,
  ago,
  announced,
  button,
  focused,
  makeDelivery,
  openTab,
  serve,
  signedIn,
  signIn,
  TOKEN,
  text,
} from './admin-fixtures.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

const section = (el: ParleyAdmin, state: string) =>
  $(el, `[aria-labelledby=h-deliveries-${state}]`);
const rowsOf = (el: ParleyAdmin, state: string) =>
  $$(el, `[aria-labelledby=h-deliveries-${state}] li[data-delivery]`);
const idsOf = (el: ParleyAdmin, state: string) =>
  rowsOf(el, state).map((row) => Number(row.dataset.delivery));
/** A row's facts, `term: value` each. */
const facts = (row: Element) =>
  [...row.querySelectorAll('dl > div')].map(
    (pair) => `${text(pair.querySelector('dt'))}: ${text(pair.querySelector('dd'))}`,
  );
const deliveryCalls = (state: string) =>
  calls.filter(
    (c) =>
      new URL(c.url).pathname === '/api/admin/deliveries' &&
      new URL(c.url).searchParams.get('state') === state,
  );

const failedWebhook = makeDelivery(1, {
  attempts: 12,
  lastAttemptAt: ago(1),
  lastError: 'HTTP 500 from https://hooks.example: receiver crashed',
  nextAttemptAt: null,
  failedAt: ago(1),
});
const failedMail = makeDelivery(2, {
  channel: 'mail',
  type: 'reply',
  target: 'reader',
  attempts: 9,
  lastAttemptAt: ago(2),
  lastError: '550 5.1.1 mailbox unavailable',
  nextAttemptAt: null,
  failedAt: ago(2),
});
const waiting = makeDelivery(3, {
  channel: 'mail',
  type: 'message.pending',
  target: 'owner',
  attempts: 1,
  lastAttemptAt: ago(3),
  lastError: 'connect ECONNREFUSED 127.0.0.1:587',
  nextAttemptAt: ago(-5),
});
const delivered = makeDelivery(4, {
  type: 'thread.closed',
  attempts: 1,
  lastAttemptAt: ago(4),
  nextAttemptAt: null,
  deliveredAt: ago(4),
});

async function onDeliveries(deliveries: Delivery[]) {
  serve();
  const outbox = serveDeliveries(deliveries, TOKEN);
  const el = await signedIn();
  await openTab(el, 'Deliveries');
  return { el, outbox };
}

describe('<parley-admin> deliveries', () => {
  it('lists failed deliveries first, then those waiting, then those delivered, with every fact of each', async () => {
    const { el } = await onDeliveries([delivered, waiting, failedMail, failedWebhook]);
    const headings = $$(el, '#panel-deliveries h2').map(text);
    expect(headings).to.deep.equal(['Failed deliveries (2)', 'Waiting to be sent', 'Delivered']);
    for (const state of ['failed', 'pending', 'delivered']) {
      const asked = deliveryCalls(state);
      expect(asked, state).to.have.length(1);
      expect(asked[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
    }
    expect(idsOf(el, 'failed')).to.deep.equal([1, 2]);
    expect(idsOf(el, 'pending')).to.deep.equal([3]);
    expect(idsOf(el, 'delivered')).to.deep.equal([4]);

    const [webhook, mail] = rowsOf(el, 'failed');
    expect(text(webhook!.querySelector('h3'))).to.equal('Webhook message.created');
    expect(facts(webhook!)).to.deep.equal([
      'To: https://hooks.example',
      'Attempts: 12',
      'Last attempt: Jun 1, 2025, 11:59 AM',
      'Failed: Jun 1, 2025, 11:59 AM',
    ]);
    expect(text(webhook!.querySelector('.last-error'))).to.equal(
      'Last error HTTP 500 from https://hooks.example: receiver crashed',
    );
    expect(webhook!.querySelector('time')!.getAttribute('datetime')).to.equal(ago(1));
    // A reader's mail says whose it is, never the address.
    expect(text(mail!.querySelector('h3'))).to.equal('Mail reply');
    expect(facts(mail!)[0]).to.equal('To: a reader');

    const [next] = rowsOf(el, 'pending');
    expect(facts(next!)).to.deep.equal([
      'To: you (owner mail)',
      'Attempts: 1',
      'Last attempt: Jun 1, 2025, 11:57 AM',
      'Next attempt: Jun 1, 2025, 12:05 PM',
    ]);
    expect(button(next!, 'Send now').getAttribute('aria-label')).to.equal(
      'Send now, delivery 3 (Mail message.pending)',
    );
    const [done] = rowsOf(el, 'delivered');
    expect(facts(done!)).to.deep.equal([
      'To: https://hooks.example',
      'Attempts: 1',
      'Last attempt: Jun 1, 2025, 11:56 AM',
      'Delivered: Jun 1, 2025, 11:56 AM',
    ]);
    expect($$(done!, 'button')).to.have.length(0);
    expect(button(webhook!, 'Retry').getAttribute('aria-label')).to.equal(
      'Retry, delivery 1 (Webhook message.created)',
    );
    await expect(el).to.be.accessible();
  });

  it('says so when a list is empty, and that a delivery not attempted yet was not', async () => {
    const { el } = await onDeliveries([makeDelivery(5)]);
    expect(text(section(el, 'failed').querySelector('.empty'))).to.equal('No failed deliveries.');
    expect(text(section(el, 'delivered').querySelector('.empty'))).to.equal(
      'Nothing delivered yet.',
    );
    expect(facts(rowsOf(el, 'pending')[0]!)).to.include('Last attempt: not yet');
  });

  it('retries a failed delivery: POSTed with the token, moved to the waiting list, announced, focus on the next Retry', async () => {
    const { el, outbox } = await onDeliveries([failedWebhook, failedMail, delivered]);
    const retry = button(rowsOf(el, 'failed')[0]!, 'Retry');
    retry.focus();
    retry.click();
    await waitUntil(() => idsOf(el, 'pending').includes(1), 'it waits to be sent again');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(new URL(post.url).pathname).to.equal('/api/admin/deliveries/1/retry');
    expect(post.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
    expect(post.headers.get('Content-Type')).to.equal('application/json');
    expect(idsOf(el, 'failed')).to.deep.equal([2]);
    expect(outbox.find((d) => d.id === 1)!.failedAt).to.equal(null);
    expect(text($(el, '#h-deliveries-failed'))).to.equal('Failed deliveries (1)');
    await waitUntil(() => announced(el) === 'Delivery scheduled to be sent again now');
    await waitUntil(() => focused(el) === button(rowsOf(el, 'failed')[0]!, 'Retry'));

    // The last one: focus goes to the list's heading.
    button(rowsOf(el, 'failed')[0]!, 'Retry').click();
    await waitUntil(() => idsOf(el, 'failed').length === 0);
    await waitUntil(() => focused(el)?.id === 'h-deliveries-failed');
    expect(text(section(el, 'failed').querySelector('.empty'))).to.equal('No failed deliveries.');
  });

  it('sends a waiting delivery now: POSTed, kept in the waiting list with its new time, announced, focus kept', async () => {
    const { el, outbox } = await onDeliveries([waiting, delivered]);
    expect($$(rowsOf(el, 'delivered')[0]!, 'button')).to.have.length(0);
    const send = button(rowsOf(el, 'pending')[0]!, 'Send now');
    const before = outbox.find((d) => d.id === 3)!.nextAttemptAt!;
    send.focus();
    send.click();
    await waitUntil(() => announced(el) === 'Delivery scheduled to be sent now');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(new URL(post.url).pathname).to.equal('/api/admin/deliveries/3/retry');
    expect(idsOf(el, 'pending')).to.deep.equal([3]);
    const after = outbox.find((d) => d.id === 3)!.nextAttemptAt!;
    expect(Date.parse(after)).to.be.below(Date.parse(before));
    await waitUntil(() => focused(el) === button(rowsOf(el, 'pending')[0]!, 'Send now'));
  });

  it('keeps a row whose retry failed, with the server’s words and the focus on its button', async () => {
    const { el } = await onDeliveries([failedWebhook]);
    const answer = deferred();
    route('POST', '/api/admin/deliveries/1/retry', () => answer.promise);
    const retry = button(rowsOf(el, 'failed')[0]!, 'Retry');
    retry.focus();
    retry.click();
    await el.updateComplete;
    expect(retry.disabled).to.equal(true);
    expect(text(retry)).to.equal('Retrying…');
    expect(rowsOf(el, 'failed')[0]!.getAttribute('aria-busy')).to.equal('true');
    const failed = oneEvent(el, 'parley-admin-error');
    answer.resolve(apiError(404, 'not_found', { message: 'Delivery 1 does not exist.' }));
    expect((await failed).detail).to.deep.equal({
      code: 'not_found',
      message: 'Delivery 1 does not exist.',
    });
    const row = rowsOf(el, 'failed')[0]!;
    await waitUntil(() => row.querySelector('[role=alert]'), 'the row says why');
    expect(text(row.querySelector('[role=alert]'))).to.equal('Delivery 1 does not exist.');
    await waitUntil(() => focused(el) === button(row, 'Retry'));
    expect(button(row, 'Retry').disabled).to.equal(false);
  });

  it('pages each list with nextCursor: "Load more" brings the next page and focuses its first row', async () => {
    const many = Array.from({ length: 5 }, (_, i) =>
      makeDelivery(i + 1, {
        attempts: 10,
        lastAttemptAt: ago(i + 1),
        lastError: 'timeout',
        nextAttemptAt: null,
        failedAt: ago(i + 1),
      }),
    );
    serve();
    serveDeliveries(many, TOKEN, 2);
    const el = await signedIn();
    await openTab(el, 'Deliveries');
    expect(idsOf(el, 'failed')).to.deep.equal([1, 2]);
    expect(text($(el, '#h-deliveries-failed'))).to.equal('Failed deliveries (2+)');
    const more = button(section(el, 'failed'), 'Load more');
    expect(more.getAttribute('aria-label')).to.equal('Load more, Failed deliveries');
    more.focus();
    more.click();
    await waitUntil(() => idsOf(el, 'failed').length === 4);
    expect(new URL(deliveryCalls('failed').at(-1)!.url).searchParams.get('cursor')).to.equal('2');
    await waitUntil(() => announced(el) === '2 more deliveries');
    await waitUntil(() => focused(el) === rowsOf(el, 'failed')[2]);
    button(section(el, 'failed'), 'Load more').click();
    await waitUntil(() => idsOf(el, 'failed').length === 5);
    expect(idsOf(el, 'failed')).to.deep.equal([1, 2, 3, 4, 5]);
    expect(
      $$(section(el, 'failed'), 'button').filter((b) => text(b) === 'Load more'),
    ).to.have.length(0);
    await waitUntil(() => announced(el) === '1 more delivery');
  });

  it('says notifications are not available when the server is older (404), reporting no error', async () => {
    serve();
    const el = await signedIn();
    let errors = 0;
    el.addEventListener('parley-admin-error', () => errors++);
    await openTab(el, 'Deliveries');
    expect(text($(el, '#panel-deliveries h2'))).to.equal('Deliveries');
    expect(text($(el, '#panel-deliveries .empty'))).to.equal(
      'Notifications are not available: this Parley server is older than webhooks and mail. Upgrade it to see its deliveries here.',
    );
    expect($$(el, '#panel-deliveries li')).to.have.length(0);
    expect(errors).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('shows a failed load with Retry, and Refresh loads every list again', async () => {
    serve();
    const outbox = serveDeliveries([failedWebhook], TOKEN);
    route('GET', '/api/admin/deliveries', () => apiError(500, 'internal', { message: 'Boom' }));
    const el = await signedIn();
    await openTab(el, 'Deliveries');
    expect(text(section(el, 'failed').querySelector('[role=alert]'))).to.equal('Boom');

    serveDeliveries(outbox, TOKEN);
    button(el, 'Refresh').click();
    await waitUntil(() => idsOf(el, 'failed').length === 1);
    expect(idsOf(el, 'failed')).to.deep.equal([1]);
    expect(deliveryCalls('delivered')).to.have.length(2);
  });

  it('forgets the deliveries on sign-out, and lists them afresh in the next session', async () => {
    const { el, outbox } = await onDeliveries([failedWebhook]);
    expect(idsOf(el, 'failed')).to.deep.equal([1]);
    button(el, 'Sign out').click();
    await el.updateComplete;
    outbox.splice(0, 1, makeDelivery(7, { failedAt: ago(0), nextAttemptAt: null }));
    await signIn(el);
    await openTab(el, 'Deliveries');
    expect(idsOf(el, 'failed')).to.deep.equal([7]);
    expect(deliveryCalls('failed')).to.have.length(2);
  });
});
