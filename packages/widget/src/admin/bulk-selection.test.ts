import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { AdminBulkRequest } from '@parley/server/wire';
import { sendKeys } from '@web/test-runner-commands';
import {
  apiError,
  calls,
  deferred,
  json,
  lastCall as last,
  route,
  useFakeServer,
} from '../testing/fake-server.js';
import {
  $,
  $$,
  announced,
  button,
  focused,
  makeMessage,
  openTab,
  row,
  serveStore,
  signedIn,
  text,
} from './admin-fixtures.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

/** The checkbox of message `id` in list `list`. */
const pick = (el: ParleyAdmin, list: string, id: number) =>
  $<HTMLInputElement>(row(el, list, id), 'input[type=checkbox]');
const selectAll = (el: ParleyAdmin) => $<HTMLInputElement>(el, '#select-all');

function tick(box: HTMLInputElement) {
  box.click();
}

const bulkCalls = () => calls.filter((c) => c.url.endsWith('/api/admin/messages/bulk'));

function pending(...ids: number[]) {
  return ids.map((id) => makeMessage(id, { status: 'pending' }));
}

describe('<parley-admin> bulk actions', () => {
  it('selects messages by checkboxes named with their author, or all shown at once', async () => {
    serveStore(pending(1, 2, 3));
    const el = await signedIn();
    const box = pick(el, 'pending', 2);
    expect(box.getAttribute('aria-label')).to.equal('Select, message 2 by Reader 2');
    expect(text($(el, 'label[for=select-all]'))).to.equal('Select all 3 shown');
    expect($(el, '.bulk .actions')).to.equal(null);

    tick(box);
    await el.updateComplete;
    expect(text($(el, '.bulk .selected'))).to.equal('1 selected');
    expect(selectAll(el).indeterminate).to.equal(true);
    expect(button(el, 'Approve, 1 selected message')).to.exist;
    await expect(el).to.be.accessible();

    tick(selectAll(el));
    await el.updateComplete;
    expect([1, 2, 3].map((id) => pick(el, 'pending', id).checked)).to.deep.equal([
      true,
      true,
      true,
    ]);
    expect(selectAll(el).checked).to.equal(true);
    expect(text($(el, '.bulk .selected'))).to.equal('3 selected');

    tick(selectAll(el));
    await el.updateComplete;
    expect([1, 2, 3].some((id) => pick(el, 'pending', id).checked)).to.equal(false);
    expect($(el, '.bulk .selected')).to.equal(null);
  });

  it('hides the selected messages at once, says how many, updates their cards and keeps the focus on the bar', async () => {
    const store = serveStore(pending(1, 2, 3));
    const el = await signedIn();
    tick(pick(el, 'pending', 1));
    tick(pick(el, 'pending', 3));
    await el.updateComplete;
    const answer = deferred();
    route('POST', '/api/admin/messages/bulk', () => answer.promise);
    const hide = button(el, 'Hide, 2 selected messages');
    hide.focus();
    hide.click();
    await el.updateComplete;
    expect(hide.disabled).to.equal(true);
    expect(text($(el, '.bulk .selected'))).to.equal('2 selected · Working…');
    const req = last('POST');
    expect(req.headers.get('Content-Type')).to.equal('application/json');
    expect(req.headers.get('Authorization')).to.equal('Bearer admin-secret-token');
    expect(await req.json()).to.deep.equal({ ids: [1, 3], action: 'hide' });

    const events: string[] = [];
    el.addEventListener('parley-message-moderated', (e) =>
      events.push(`${e.detail.action} ${e.detail.message.id}`),
    );
    const hidden = [1, 3].map((id) => ({ ...store.get(id)!, status: 'hidden' as const }));
    answer.resolve(json({ messages: hidden, deleted: [], missing: [] }));
    await waitUntil(() => announced(el) === '2 messages hidden');
    expect(events).to.deep.equal(['hide 1', 'hide 3']);
    // Decided: out of the queue, which counts what is left.
    expect(!!$(el, '#a-pending-1') || !!$(el, '#a-pending-3')).to.equal(false);
    expect(text(row(el, 'pending', 2).querySelector('.status-pending'))).to.equal('Pending');
    expect(text($(el, '#h-pending'))).to.equal('Waiting for approval (1)');
    // The selection is done with; the focus is on "Select all shown", not lost.
    expect(pick(el, 'pending', 2).checked).to.equal(false);
    await waitUntil(() => focused(el)?.id === 'select-all');
  });

  it('approves in the queue and restores in Hidden, by the same publish action', async () => {
    serveStore([
      ...pending(1),
      makeMessage(2, { status: 'hidden', hiddenReason: 'moderator' }),
      makeMessage(3, { status: 'hidden', hiddenReason: 'moderator' }),
    ]);
    const el = await signedIn();
    tick(pick(el, 'pending', 1));
    await el.updateComplete;
    button(el, 'Approve, 1 selected message').click();
    await waitUntil(() => announced(el) === '1 message approved');
    expect(await last('POST').json()).to.deep.equal({ ids: [1], action: 'publish' });

    await openTab(el, 'Hidden');
    expect($$(el, '#panel-hidden .bulk button').map(text)).to.deep.equal([]);
    tick(selectAll(el));
    await el.updateComplete;
    expect($$(el, '#panel-hidden .bulk .actions button').map(text)).to.deep.equal([
      'Restore',
      'Delete',
      'Clear selection',
    ]);
    button(el, 'Restore, 2 selected messages').click();
    await waitUntil(() => announced(el) === '2 messages restored');
    expect(await last('POST').json()).to.deep.equal({ ids: [2, 3], action: 'publish' });
  });

  it('asks before deleting, then deletes: deleted cards leave the list, missing ones are said', async () => {
    const store = serveStore(pending(1, 2, 3, 4));
    const el = await signedIn();
    for (const id of [1, 2, 4]) tick(pick(el, 'pending', id));
    await el.updateComplete;
    const del = button(el, 'Delete, 3 selected messages');
    expect(del.classList.contains('danger')).to.equal(true);
    del.focus();
    del.click();
    await el.updateComplete;
    expect(bulkCalls()).to.have.length(0);
    // The same button asks to confirm, described by the warning; the focus stays on it.
    expect(text(del)).to.equal('Confirm delete');
    expect(del.getAttribute('aria-label')).to.equal('Confirm delete, 3 selected messages');
    expect(del.getAttribute('aria-describedby')).to.equal('bulk-confirm');
    expect(text($(el, '#bulk-confirm'))).to.equal(
      'Delete these 3 messages for good? This cannot be undone.',
    );
    await expect(el).to.be.accessible();

    // Escape steps back.
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(text(del)).to.equal('Delete');
    expect($(el, '#bulk-confirm')).to.equal(null);

    // Message 4 was deleted elsewhere meanwhile.
    store.delete(4);
    del.click();
    await el.updateComplete;
    const done = oneEvent(el, 'parley-message-moderated');
    button(el, 'Confirm delete, 3 selected messages').click();
    expect((await done).detail.action).to.equal('delete');
    await waitUntil(
      () => announced(el) === '2 messages deleted. 1 message no longer exists.',
      `announced: ${announced(el)}`,
    );
    expect((await last('POST').json()) as AdminBulkRequest).to.deep.equal({
      ids: [1, 2, 4],
      action: 'delete',
    });
    expect($$(el, '#panel-queue [part~=author]').map(text)).to.deep.equal(['Reader 3']);
    await waitUntil(() => focused(el)?.id === 'select-all');
  });

  it('keeps the selection and says why when the bulk request fails', async () => {
    serveStore(pending(1, 2));
    route('POST', '/api/admin/messages/bulk', () =>
      apiError(400, 'invalid_request', { message: 'Too many ids.' }),
    );
    const el = await signedIn();
    tick(selectAll(el));
    await el.updateComplete;
    button(el, 'Hide, 2 selected messages').click();
    await waitUntil(() => $(el, '.bulk [role=alert]'));
    expect(text($(el, '.bulk [role=alert]'))).to.equal('Too many ids.');
    expect(pick(el, 'pending', 1).checked).to.equal(true);
    expect(text(row(el, 'pending', 1).querySelector('.status-pending'))).to.equal('Pending');
  });

  it('acts on at most 100 messages per request, and only on what the open tab shows', async () => {
    serveStore([...pending(...Array.from({ length: 120 }, (_, i) => i + 1))]);
    const el = await signedIn();
    tick(selectAll(el));
    await el.updateComplete;
    tick(pick(el, 'pending', 5));
    await el.updateComplete;
    button(el, 'Hide, 119 selected messages').click();
    await waitUntil(() => announced(el) === '119 messages hidden');
    const sent = await Promise.all(bulkCalls().map((c) => c.json() as Promise<AdminBulkRequest>));
    expect(sent.map((body) => body.ids.length)).to.deep.equal([100, 19]);

    // A selection does not follow the moderator to another tab.
    tick(pick(el, 'pending', 5));
    await el.updateComplete;
    await openTab(el, 'Hidden');
    await openTab(el, 'Queue');
    expect(pick(el, 'pending', 5).checked).to.equal(false);
  });
});
