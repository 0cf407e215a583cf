import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  ago,
  apiError,
  calls,
  deferred,
  json,
  makeMessage,
  mount,
  route,
  SERVER,
  serveThread,
  submit,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const button = (el: ParleyThread, scope: string, label: string) =>
  $$(el, `${scope} button`).find((b) => text(b) === label)!;
const value = (el: ParleyThread, selector: string) => $<HTMLTextAreaElement>(el, selector).value;

describe('<parley-thread> drafts', () => {
  it('keeps the main form’s draft and the name across a reload, per thread, and clears the draft once posted', async () => {
    const k = uniqueKey();
    const other = uniqueKey();
    serveThread(k);
    serveThread(other);
    route('POST', `${threadPath(k)}/messages`, () =>
      json({ message: makeMessage(6, { createdAt: ago(0) }), editToken: 't6' }, 201),
    );
    const first = await mount({ thread: k });
    type(first, '#parley-author', 'Grace');
    type(first, '#parley-body', 'A draft worth keeping');
    first.remove();

    const again = await mount({ thread: k });
    expect(value(again, '#parley-body')).to.equal('A draft worth keeping');
    expect(value(again, '#parley-author')).to.equal('Grace');
    expect(text($(again, '#parley-count'))).to.equal('21 / 10,000');
    // Another thread has its own (none).
    const elsewhere = await mount({ thread: other });
    expect(value(elsewhere, '#parley-body')).to.equal('');
    elsewhere.remove();

    await submit(again);
    await waitUntil(() => $(again, '#parley-6'));
    expect(value(again, '#parley-body')).to.equal('');
    again.remove();
    const after = await mount({ thread: k });
    expect(value(after, '#parley-body')).to.equal('');
  });

  it('keeps a draft for the server it was written for only', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    type(el, '#parley-body', 'For this server');
    const stored = JSON.parse(localStorage.getItem('parley:drafts')!);
    expect(stored).to.deep.equal({ [SERVER]: { [k]: { 0: 'For this server' } } });
  });

  it('keeps a reply box’s draft per message it answers, restored when it opens again', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => $(el, '#parley-r3-body'));
    type(el, '#parley-r3-body', 'To Reader 3');
    // Cancel with text keeps the draft.
    button(el, '#parley-3 form', 'Cancel').click();
    await el.updateComplete;
    el.remove();

    const again = await mount({ thread: k });
    expect(value(again, '#parley-body')).to.equal('');
    // The kept draft shows before the box opens: its message's Reply says so.
    const resume = $(again, '#parley-3 .reply');
    expect(text(resume)).to.equal('Continue your reply');
    expect(resume.getAttribute('aria-label')).to.equal('Continue your reply to Reader 3');
    await expect(again).to.be.accessible();
    button(again, '#parley-4', 'Reply').click();
    await waitUntil(() => $(again, '#parley-r4-body'));
    expect(value(again, '#parley-r4-body')).to.equal('');
    button(again, '#parley-3', 'Continue your reply').click();
    await waitUntil(() => $(again, '#parley-r3-body'));
    expect(value(again, '#parley-r3-body')).to.equal('To Reader 3');
    // With its box open, the button is plain Reply again: the draft is in front of the reader.
    expect(text($(again, '#parley-3 .reply'))).to.equal('Reply');

    // Emptied and cancelled: the draft goes, and Reply is Reply again.
    type(again, '#parley-r3-body', '');
    button(again, '#parley-3 form', 'Cancel').click();
    await again.updateComplete;
    expect(JSON.parse(localStorage.getItem('parley:drafts') ?? '{}')).to.deep.equal({});
    expect(text($(again, '#parley-3 .reply'))).to.equal('Reply');
  });

  it('does not offer the posted text again when the sort changed while it was on its way', async () => {
    const k = uniqueKey();
    serveThread(k);
    const gate = deferred();
    route('POST', `${threadPath(k)}/messages`, async () => {
      await gate.promise;
      return json({ message: makeMessage(6, { createdAt: ago(0) }), editToken: 't6' }, 201);
    });
    const el = await mount({ thread: k });
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Posted once');
    await submit(el);
    await waitUntil(() => calls.some((c) => c.method === 'POST'));
    const loaded = oneEvent(el, 'parley-thread-loaded');
    button(el, '[part~=sort]', 'Newest').click();
    await loaded;
    await waitUntil(() => $(el, '#parley-body'));
    gate.resolve(new Response());
    await waitUntil(() => localStorage.getItem('parley:drafts') === '{}', 'the draft cleared');
    await el.updateComplete;
    expect(value(el, '#parley-body')).to.equal('');
  });

  it('keeps the draft when a post fails', async () => {
    const k = uniqueKey();
    serveThread(k);
    route('POST', `${threadPath(k)}/messages`, () => apiError(503, 'unavailable'));
    const el = await mount({ thread: k });
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Try again later');
    await submit(el);
    await waitUntil(() => $(el, 'form [role=alert]'));
    el.remove();
    const again = await mount({ thread: k });
    expect(value(again, '#parley-body')).to.equal('Try again later');
  });

  it('saves drafts and tokens over whatever else storage holds (a number, an array, null)', async () => {
    const k = uniqueKey();
    serveThread(k);
    route('POST', `${threadPath(k)}/messages`, () =>
      json({ message: makeMessage(6, { createdAt: ago(0) }), editToken: 't6' }, 201),
    );
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent | PromiseRejectionEvent) => errors.push(e);
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onError);
    try {
      const el = await mount({ thread: k });
      type(el, '#parley-author', 'Grace');
      for (const junk of [
        '5',
        '[1]',
        'null',
        `{"${SERVER}": [1]}`,
        `{"${SERVER}": {"${k}": [2]}}`,
      ]) {
        localStorage.setItem('parley:drafts', junk);
        type(el, '#parley-body', `Over ${junk}`);
        expect(JSON.parse(localStorage.getItem('parley:drafts')!), junk).to.deep.equal({
          [SERVER]: { [k]: { 0: `Over ${junk}` } },
        });
      }
      localStorage.setItem('parley:edit-tokens', '[7]');
      await submit(el);
      await waitUntil(() => $(el, '#parley-6'));
      expect(JSON.parse(localStorage.getItem('parley:edit-tokens')!)).to.deep.equal({
        [SERVER]: { 6: 't6' },
      });
      expect(errors).to.deep.equal([]);
    } finally {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onError);
    }
  });

  it('works on, silently, when storage throws (blocked, private mode)', async () => {
    const k = uniqueKey();
    serveThread(k);
    route('POST', `${threadPath(k)}/messages`, () =>
      json({ message: makeMessage(6, { createdAt: ago(0) }), editToken: 't6' }, 201),
    );
    const proto = Storage.prototype;
    const real = { getItem: proto.getItem, setItem: proto.setItem };
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent | PromiseRejectionEvent) => errors.push(e);
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onError);
    proto.getItem = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    proto.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    try {
      const el = await mount({ thread: k });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'No storage here');
      button(el, '#parley-3', 'Reply').click();
      await waitUntil(() => $(el, '#parley-r3-body'));
      type(el, '#parley-r3-body', 'Nor here');
      await el.updateComplete;
      $(el, '#parley-form button.primary').click();
      await waitUntil(() => $(el, '#parley-6'));
      expect(value(el, '#parley-body')).to.equal('');
      expect(errors).to.deep.equal([]);
    } finally {
      Object.assign(proto, real);
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onError);
    }
    expect(calls.filter((c) => c.method === 'POST')).to.have.length(1);
  });
});
