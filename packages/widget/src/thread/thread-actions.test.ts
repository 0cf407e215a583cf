import { aTimeout, expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { ParleyThread } from './parley-thread.js';
import { lazy } from './parley-thread.js';
import {
  $,
  $$,
  ago,
  apiError,
  calls,
  hang,
  json,
  makeMessage,
  mount,
  opening,
  route,
  SERVER,
  seedMessages,
  serveThread,
  submit,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const active = (el: ParleyThread) => el.shadowRoot!.activeElement as HTMLElement | null;
const status = (el: ParleyThread) => text($(el, '[role=status]'));
const buttons = (el: ParleyThread, selector: string) =>
  $$(el, `${selector} [part~=actions] button`).map(text);
/** The button of `message` whose text is `label`. */
const button = (el: ParleyThread, message: string, label: string) =>
  $$(el, `${message} button`).find((b) => text(b) === label)!;
const key = (target: Element, k: string, init: KeyboardEventInit = {}) =>
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, ...init }),
  );
const lastWrite = () => calls.filter((c) => c.method !== 'GET').at(-1)!;
const storage = (k: string) => JSON.parse(localStorage.getItem(k) ?? 'null');

/** A canvas pixel: turns any CSS colour the browser computes (`color(srgb …)` too) into RGBA. */
const pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
const rgba = (color: string): number[] => {
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = color;
  pixel.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = pixel.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!, a! / 255];
};
/** `top` (RGBA, alpha 0..1) painted over the opaque `bottom`. */
const over = (top: number[], bottom: number[]) =>
  bottom.map((c, i) => (i < 3 ? top[i]! * top[3]! + c * (1 - top[3]!) : 1));
const luminance = (c: number[]) => {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
/** The WCAG contrast of `button`'s text on its background, as painted over `page` (opacity included). */
function contrast(button: HTMLElement, page: string) {
  const style = getComputedStyle(button);
  const ground = rgba(page);
  const fill = over(rgba(style.backgroundColor), ground);
  const ink = over(rgba(style.color), fill);
  const o = Number(style.opacity);
  const [a, b] = [ink, fill].map((c) => luminance(over([...c.slice(0, 3), o], ground)));
  return (Math.max(a!, b!) + 0.05) / (Math.min(a!, b!) + 0.05);
}
const tokens = (byId: Record<number, string>, base = SERVER) =>
  localStorage.setItem('parley:edit-tokens', JSON.stringify({ [base]: byId }));

describe('<parley-thread> interactive part', () => {
  describe('lazy loading', () => {
    const realActions = lazy.actions;
    afterEach(() => {
      lazy.actions = realActions;
    });

    it('holds the form’s and the actions’ place while their chunk loads, then shows them', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      lazy.actions = async () => {
        await held;
        return realActions();
      };
      const k = uniqueKey();
      serveThread(k);
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', k);
      const loaded = oneEvent(el, 'parley-thread-loaded');
      await fixture(el);
      await loaded;
      await waitUntil(() => $(el, 'form.shell'), 'the placeholder');

      const shell = $(el, 'form.shell');
      expect(shell.getAttribute('aria-busy')).to.equal('true');
      expect(text(shell)).to.equal('Join the discussion');
      expect($(el, '#parley-body')).to.equal(null);
      expect($$(el, 'article button')).to.have.length(0);
      const height = (selector: string) => $(el, selector).getBoundingClientRect().height;
      const shellHeight = height('form.shell');
      const rowHeight = height('#parley-3 .actions');

      release();
      await el.updateComplete;
      expect($(el, 'form.shell')).to.equal(null);
      expect($(el, 'form[part~=form] #parley-body')).to.exist;
      expect(text($(el, '#parley-3 button'))).to.equal('Reply');
      // Nothing below moves when they arrive (give or take the help line's wrapping).
      expect(Math.abs(height('form[part~=form]') - shellHeight)).to.be.lessThan(16);
      expect(height('#parley-3 .actions')).to.equal(rowHeight);
    });

    it('adds the actions to a long page a batch per task, and updateComplete waits for them all', async () => {
      const k = uniqueKey();
      const replies = Array.from({ length: 60 }, (_, i) => makeMessage(i + 10));
      serveThread(k, { messageCount: 61 }, [opening, ...replies]);
      // After each render (each its own task), how many messages have their actions.
      const seen: number[] = [];
      const el = await mount({ thread: k }, undefined, (e) =>
        seen.push($$(e, '[part~=actions]').length),
      );
      expect(seen.at(-1)).to.equal(61);
      expect($$(el, '[part~=actions]')).to.have.length(61);
      expect(buttons(el, '#parley-69')).to.include('Reply');
      const partial = seen.filter((n) => n > 0 && n < 61);
      expect(
        partial.length,
        `some renders with only part of the actions: ${seen}`,
      ).to.be.greaterThan(0);
    });

    it('tries the chunk again when the reader reaches the thread, if loading it failed', async () => {
      let failures = 1;
      lazy.actions = () =>
        failures-- > 0 ? Promise.reject(new TypeError('offline')) : realActions();
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      expect($(el, 'form.shell')).to.exist;

      $(el, '#parley-2').dispatchEvent(
        new FocusEvent('focusin', { bubbles: true, composed: true }),
      );
      await el.updateComplete;
      expect($(el, 'form.shell')).to.equal(null);
      expect($(el, '#parley-body')).to.exist;
    });
  });

  describe('pending messages', () => {
    it('shows a post held for moderation in place, marked, uncounted, and says it awaits moderation', async () => {
      const k = uniqueKey();
      serveThread(k);
      const evil = '<img src=x onerror="window.__parleyXss=1">';
      route('POST', `${threadPath(k)}/messages`, () =>
        json(
          {
            message: makeMessage(6, { author: { name: evil }, createdAt: ago(0) }),
            editToken: 'token-6',
            status: 'pending',
          },
          201,
        ),
      );
      const el = await mount({ thread: k });
      const posted = oneEvent(el, 'parley-message-posted');
      type(el, '#parley-author', evil);
      type(el, '#parley-body', 'Held for review');
      await submit(el);
      expect((await posted).detail.status).to.equal('pending');
      await el.updateComplete;

      expect(text($(el, '#parley-6 .pending'))).to.equal('Awaiting moderation');
      expect(text($(el, '#parley-6 [part~=author]'))).to.equal(evil);
      expect($(el, 'img')).to.equal(null);
      expect(text($(el, '[part~=stats]'))).to.equal('5 msgs · 0 highlights · 1h ago');
      expect(status(el)).to.equal('Your reply was received and awaits moderation.');
      expect($(el, '#parley-5 .pending')).to.equal(null);
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('');
      await aTimeout(50);
      expect((window as { __parleyXss?: number }).__parleyXss).to.equal(undefined);
    });
  });

  describe('editing one’s own message', () => {
    it('offers Edit only on messages this browser holds a token for, from this server', async () => {
      localStorage.setItem(
        'parley:edit-tokens',
        JSON.stringify({ [SERVER]: { 3: 'token-3' }, 'https://other.test/': { 4: 'token-4' } }),
      );
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      expect(buttons(el, '#parley-3')).to.deep.equal(['Reply', 'Edit', 'Delete']);
      expect(buttons(el, '#parley-4')).to.deep.equal(['Reply', 'Report']);
      expect(buttons(el, '#parley-1')).to.deep.equal([]);
    });

    it('edits a message posted in this session: prefilled with what was typed, PATCHed with its token, updated in place', async () => {
      const k = uniqueKey();
      serveThread(k);
      route('POST', `${threadPath(k)}/messages`, () =>
        json(
          {
            message: makeMessage(6, {
              author: { name: 'Grace' },
              html: '<p>A <strong>first</strong> try</p>',
              createdAt: ago(0),
            }),
            editToken: 'token-6',
            status: 'published',
          },
          201,
        ),
      );
      route('PATCH', '/api/messages/6', () =>
        json({
          message: makeMessage(6, {
            author: { name: 'Grace' },
            html: '<p>A <em>second</em> try</p>',
            createdAt: ago(0),
            editedAt: ago(0),
          }),
          status: 'published',
        }),
      );
      const el = await mount({ thread: k });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'A **first** try');
      await submit(el);
      await waitUntil(() => $(el, '#parley-6'));

      button(el, '#parley-6', 'Edit').click();
      await waitUntil(() => active(el)?.id === 'parley-edit-6', 'focus in the editor');
      const editor = $<HTMLTextAreaElement>(el, '#parley-edit-6');
      expect(editor.value).to.equal('A **first** try');
      expect(text($(el, 'label[for=parley-edit-6]'))).to.equal('Edit your message');
      expect($(el, '#parley-6 [part~=body]')).to.equal(null);
      expect($(el, '#parley-edit-hint')).to.equal(null);
      await expect(el).to.be.accessible();

      type(el, '#parley-edit-6', '  A _second_ try  ');
      // Ctrl+Enter saves, as in the reply form.
      key(editor, 'Enter', { ctrlKey: true });
      await waitUntil(() => !$(el, '#parley-edit-6'), 'the editor closes');

      const req = lastWrite();
      expect(req.method).to.equal('PATCH');
      expect(new URL(req.url).href).to.equal(`${SERVER}api/messages/6`);
      expect(req.headers.get('Authorization')).to.equal('Bearer token-6');
      expect(req.headers.get('Content-Type')).to.equal('application/json');
      expect(await req.clone().json()).to.deep.equal({ body: 'A _second_ try' });
      expect($(el, '#parley-6 [part~=body] em')?.textContent).to.equal('second');
      expect(text($(el, '#parley-6 .meta'))).to.contain('edited');
      expect(status(el)).to.equal('Your changes were saved.');
      await waitUntil(() => active(el) === button(el, '#parley-6', 'Edit'), 'focus back on Edit');
    });

    it('prefills from the message’s text otherwise, says formatting is not kept, and Escape cancels', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k, {}, [
        opening,
        makeMessage(2),
        makeMessage(3, {
          html: '<p>First <strong>para</strong><br>line</p><ul><li>one</li><li>two</li></ul><p>Last</p>',
        }),
      ]);
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Edit').click();
      await waitUntil(() => active(el)?.id === 'parley-edit-3');
      const editor = $<HTMLTextAreaElement>(el, '#parley-edit-3');
      expect(editor.value).to.equal('First para\nline\n\n- one\n- two\n\nLast');
      expect(text($(el, '#parley-edit-hint'))).to.contain('Formatting is not kept');
      expect(editor.getAttribute('aria-describedby')).to.equal('parley-edit-hint');

      key(editor, 'Escape');
      await waitUntil(() => active(el) === button(el, '#parley-3', 'Edit'));
      expect($(el, '#parley-edit-3')).to.equal(null);
      expect(text($(el, '#parley-3 [part~=body] li'))).to.equal('one');
      expect(calls.filter((c) => c.method !== 'GET')).to.have.length(0);
    });

    it('marks an edit held for moderation', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      route('PATCH', '/api/messages/3', () =>
        json({
          message: makeMessage(3, { html: '<p>Changed</p>', editedAt: ago(0) }),
          status: 'pending',
        }),
      );
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Edit').click();
      await waitUntil(() => $(el, '#parley-edit-3'));
      type(el, '#parley-edit-3', 'Changed');
      button(el, '#parley-3', 'Save').click();
      await waitUntil(() => $(el, '#parley-3 .pending'));
      expect(text($(el, '#parley-3 .pending'))).to.equal('Awaiting moderation');
      expect(text($(el, '#parley-3 [part~=body]'))).to.equal('Changed');
      expect(status(el)).to.equal('Your changes were saved and await moderation.');
    });

    it('says when the time to edit has passed, keeps the draft, and offers Edit no more', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      route('PATCH', '/api/messages/3', () => apiError(403, 'forbidden'));
      const el = await mount({ thread: k });
      const failed = oneEvent(el, 'parley-error');
      button(el, '#parley-3', 'Edit').click();
      await waitUntil(() => $(el, '#parley-edit-3'));
      type(el, '#parley-edit-3', 'Too late?');
      button(el, '#parley-3', 'Save').click();
      expect((await failed).detail.code).to.equal('forbidden');
      await waitUntil(() => $(el, '#parley-edit-error'));

      expect(text($(el, '#parley-edit-error'))).to.equal(
        'The time to edit this message has passed.',
      );
      expect($(el, '#parley-edit-error').getAttribute('role')).to.equal('alert');
      expect($<HTMLTextAreaElement>(el, '#parley-edit-3').value).to.equal('Too late?');
      expect($(el, '#parley-edit-3').getAttribute('aria-invalid')).to.equal('true');
      expect(button(el, '#parley-3', 'Save')).to.equal(undefined);
      await waitUntil(() => active(el)?.id === 'parley-edit-3');

      button(el, '#parley-3', 'Cancel').click();
      await el.updateComplete;
      expect(buttons(el, '#parley-3')).to.deep.equal(['Reply', 'Delete']);
    });

    it('shows a server error on the message beside the field and keeps the draft', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      route('PATCH', '/api/messages/3', () =>
        apiError(400, 'invalid_request', {
          issues: [{ path: 'body', message: 'Message must not be empty' }],
        }),
      );
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Edit').click();
      await waitUntil(() => $(el, '#parley-edit-3'));
      type(el, '#parley-edit-3', 'Draft');
      button(el, '#parley-3', 'Save').click();
      await waitUntil(() => $(el, '#parley-edit-error'));
      expect(text($(el, '#parley-edit-error'))).to.equal(
        'Please check your message: the server did not accept it.',
      );
      expect($<HTMLTextAreaElement>(el, '#parley-edit-3').value).to.equal('Draft');
      expect(button(el, '#parley-3', 'Save')).to.exist;

      type(el, '#parley-edit-3', '   ');
      button(el, '#parley-3', 'Save').click();
      await el.updateComplete;
      expect(text($(el, '#parley-edit-error'))).to.equal('Please write a message.');
      expect(calls.filter((c) => c.method === 'PATCH')).to.have.length(1);
    });

    it('shows the thread closed when an edit finds it closed, keeping the draft', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      route('PATCH', '/api/messages/3', () => apiError(409, 'thread_closed'));
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Edit').click();
      await waitUntil(() => $(el, '#parley-edit-3'));
      type(el, '#parley-edit-3', 'My draft');
      button(el, '#parley-3', 'Save').click();
      await waitUntil(() => $(el, '#parley-edit-error'));
      expect(text($(el, '#parley-edit-error'))).to.equal('This discussion is closed.');
      expect(text($(el, '[part~=status]'))).to.equal('Discussion closed');
      expect($<HTMLTextAreaElement>(el, '#parley-edit-3').value).to.equal('My draft');
      expect($(el, 'form[part~=form]')).to.equal(null);

      button(el, '#parley-3', 'Cancel').click();
      await el.updateComplete;
      expect(buttons(el, '#parley-3')).to.deep.equal(['Delete']);
    });
  });

  describe('deleting one’s own message', () => {
    it('asks first, then DELETEs with the token: the message goes, its token is forgotten, and it is said', async () => {
      tokens({ 5: 'token-5', 9: 'token-9' });
      const k = uniqueKey();
      serveThread(k);
      route('DELETE', '/api/messages/5', () => new Response(null, { status: 204 }));
      const el = await mount({ thread: k });

      button(el, '#parley-5', 'Delete').click();
      await waitUntil(() => active(el) && text(active(el)) === 'Cancel', 'focus on Cancel');
      const group = $(el, '#parley-5 [part~=actions]');
      expect(group.getAttribute('role')).to.equal('group');
      expect(text(el.shadowRoot!.getElementById(group.getAttribute('aria-labelledby')!))).to.equal(
        'Delete this message?',
      );
      expect(buttons(el, '#parley-5')).to.deep.equal(['Confirm', 'Cancel']);
      await expect(el).to.be.accessible();

      // Cancel, by Escape, puts focus back on Delete.
      key(active(el)!, 'Escape');
      await waitUntil(() => active(el) === button(el, '#parley-5', 'Delete'));
      expect(calls.filter((c) => c.method === 'DELETE')).to.have.length(0);

      button(el, '#parley-5', 'Delete').click();
      await waitUntil(() => button(el, '#parley-5', 'Confirm'));
      button(el, '#parley-5', 'Confirm').click();
      await waitUntil(() => !$(el, '#parley-5'), 'the message goes');

      const req = lastWrite();
      expect(req.method).to.equal('DELETE');
      expect(req.url).to.equal(`${SERVER}api/messages/5`);
      expect(req.headers.get('Authorization')).to.equal('Bearer token-5');
      expect(storage('parley:edit-tokens')).to.deep.equal({ [SERVER]: { 9: 'token-9' } });
      expect(text($(el, '[part~=stats]'))).to.contain('4 msgs');
      expect(status(el)).to.equal('Your message was deleted.');
      await waitUntil(() => active(el)?.getAttribute('part') === 'thread', 'focus on the thread');
    });

    it('leaves a placeholder when replies to the message are on screen', async () => {
      tokens({ 2: 'token-2' });
      const k = uniqueKey();
      serveThread(k, {}, [opening, makeMessage(2), makeMessage(3, { parentId: 2 })]);
      route('DELETE', '/api/messages/2', () => new Response(null, { status: 204 }));
      const el = await mount({ thread: k });
      button(el, '#parley-2', 'Delete').click();
      await waitUntil(() => button(el, '#parley-2', 'Confirm'));
      button(el, '#parley-2', 'Confirm').click();
      await waitUntil(() => $(el, '#parley-2 .gone'));

      expect(text($(el, '#parley-2'))).to.equal('This message was deleted.');
      expect($(el, '#parley-2 [part~=author]')).to.equal(null);
      expect($$(el, '#parley-2 button')).to.have.length(0);
      expect($(el, '#parley-2').parentElement!.querySelector(':scope > ol > li > #parley-3')).to
        .exist;
      await waitUntil(() => active(el)?.id === 'parley-2', 'focus on the placeholder');
    });

    it('may delete in a closed thread, where Edit is not offered', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k, { status: 'closed' });
      route('DELETE', '/api/messages/3', () => new Response(null, { status: 204 }));
      const el = await mount({ thread: k });
      expect(buttons(el, '#parley-3')).to.deep.equal(['Delete']);
      button(el, '#parley-3', 'Delete').click();
      await waitUntil(() => button(el, '#parley-3', 'Confirm'));
      button(el, '#parley-3', 'Confirm').click();
      await waitUntil(() => !$(el, '#parley-3'));
    });

    it('says so when the delete fails, and keeps the message', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      route('DELETE', '/api/messages/3', () => apiError(503, 'unavailable'));
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Delete').click();
      await waitUntil(() => button(el, '#parley-3', 'Confirm'));
      button(el, '#parley-3', 'Confirm').click();
      await waitUntil(() => $(el, '#parley-3 [role=alert]'));
      expect(text($(el, '#parley-3 [role=alert]'))).to.equal(
        'Your message could not be deleted. Please try again.',
      );
      expect($(el, '#parley-3 [part~=body]')).to.exist;
      expect(storage('parley:edit-tokens')).to.deep.equal({ [SERVER]: { 3: 'token-3' } });
    });
  });

  describe('reporting', () => {
    it('asks first, with an optional reason for the moderators, then reports once per browser and says so', async () => {
      tokens({ 4: 'token-4' });
      const k = uniqueKey();
      serveThread(k);
      route('POST', '/api/messages/2/report', () => new Response(null, { status: 202 }));
      const el = await mount({ thread: k });
      // Not on the owner's opening post, nor on one's own message.
      expect(buttons(el, '#parley-1')).to.deep.equal([]);
      expect(buttons(el, '#parley-4')).to.not.include('Report');
      const report = button(el, '#parley-2', 'Report');
      expect(report.getAttribute('aria-label')).to.equal('Report message by Reader 2');
      expect(report.getAttribute('aria-expanded')).to.equal('false');

      report.click();
      await waitUntil(() => active(el)?.id === 'parley-reason-2', 'focus in the reason field');
      const step = $(el, '#parley-2 form[part~=report]');
      expect(text(el.shadowRoot!.getElementById(step.getAttribute('aria-labelledby')!))).to.equal(
        'Report this message by Reader 2?',
      );
      expect(text($(el, 'label[for=parley-reason-2]'))).to.equal('Reason (optional)');
      expect(text($(el, '#parley-reason-2-hint'))).to.contain('Only the moderators see this');
      expect(report.getAttribute('aria-expanded')).to.equal('true');
      // Nothing is sent before the reader confirms.
      expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);
      await expect(el).to.be.accessible();

      type(el, '#parley-reason-2', '  Spam link  ');
      button(el, '#parley-2', 'Send report').click();
      await waitUntil(() => $(el, '#parley-2 .done'));
      const req = lastWrite();
      expect(req.method).to.equal('POST');
      expect(req.url).to.equal(`${SERVER}api/messages/2/report`);
      expect(req.headers.get('Content-Type')).to.equal('application/json');
      expect(req.headers.get('Authorization')).to.equal(null);
      expect(await req.clone().json()).to.deep.equal({ reason: 'Spam link' });
      expect(text($(el, '#parley-2 .done'))).to.equal('Reported. A moderator will look at it.');
      expect($(el, '#parley-2 form[part~=report]')).to.equal(null);
      expect(button(el, '#parley-2', 'Report')).to.equal(undefined);
      expect(status(el)).to.equal('Reported. A moderator will look at it.');
      await waitUntil(() => active(el) === $(el, '#parley-2 .done'), 'focus stays by the message');
      expect(storage('parley:reported')).to.deep.equal({ [SERVER]: [2] });
      await expect(el).to.be.accessible();

      const again = await mount({ thread: k });
      expect(text($(again, '#parley-2 .done'))).to.equal('Reported. A moderator will look at it.');
      expect(button(again, '#parley-3', 'Report')).to.exist;
    });

    it('sends no reason when none is given', async () => {
      const k = uniqueKey();
      serveThread(k);
      route('POST', '/api/messages/3/report', () => new Response(null, { status: 202 }));
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Report').click();
      await waitUntil(() => $(el, '#parley-reason-3'));
      button(el, '#parley-3', 'Send report').click();
      await waitUntil(() => $(el, '#parley-3 .done'));
      expect(await lastWrite().clone().json()).to.deep.equal({});
    });

    it('closes on Cancel or Escape without sending, focus back on Report', async () => {
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      button(el, '#parley-2', 'Report').click();
      await waitUntil(() => active(el)?.id === 'parley-reason-2');
      key(active(el)!, 'Escape');
      await waitUntil(() => active(el) === button(el, '#parley-2', 'Report'), 'focus on Report');
      expect($(el, '#parley-2 form[part~=report]')).to.equal(null);

      button(el, '#parley-2', 'Report').click();
      await waitUntil(() => active(el)?.id === 'parley-reason-2');
      button(el, '#parley-2', 'Cancel').click();
      await waitUntil(() => active(el) === button(el, '#parley-2', 'Report'), 'focus on Report');
      expect($(el, '#parley-2 form[part~=report]')).to.equal(null);
      expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);
    });

    it('keeps the reason within what the server takes (500 code points)', async () => {
      const k = uniqueKey();
      serveThread(k);
      route('POST', '/api/messages/2/report', () => new Response(null, { status: 202 }));
      const el = await mount({ thread: k });
      button(el, '#parley-2', 'Report').click();
      await waitUntil(() => $(el, '#parley-reason-2'));
      type(el, '#parley-reason-2', '😀'.repeat(501));
      await el.updateComplete;
      expect(text($(el, '#parley-reason-2-count'))).to.equal('501 / 500');
      expect($(el, '#parley-reason-2-count').classList.contains('over')).to.equal(true);
      button(el, '#parley-2', 'Send report').click();
      await waitUntil(() => $(el, '#parley-reason-2-error'));
      expect(text($(el, '#parley-reason-2-error'))).to.equal(
        'Please shorten the reason to 500 characters.',
      );
      expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);

      // 500 emoji are 1,000 UTF-16 units, and still within the limit.
      type(el, '#parley-reason-2', '😀'.repeat(500));
      button(el, '#parley-2', 'Send report').click();
      await waitUntil(() => $(el, '#parley-2 .done'));
    });

    it('says so when the report could not be sent, and keeps the step and its reason', async () => {
      const k = uniqueKey();
      serveThread(k);
      route('POST', '/api/messages/2/report', () => apiError(404, 'message_not_found'));
      const el = await mount({ thread: k });
      button(el, '#parley-2', 'Report').click();
      await waitUntil(() => $(el, '#parley-reason-2'));
      type(el, '#parley-reason-2', 'Rude');
      button(el, '#parley-2', 'Send report').click();
      await waitUntil(() => $(el, '#parley-2 [role=alert]'));
      expect(text($(el, '#parley-2 [role=alert]'))).to.equal(
        'The report could not be sent. Please try again.',
      );
      expect($<HTMLTextAreaElement>(el, '#parley-reason-2').value).to.equal('Rude');
      expect((button(el, '#parley-2', 'Send report') as HTMLButtonElement).disabled).to.equal(
        false,
      );
      expect(localStorage.getItem('parley:reported')).to.equal(null);
    });
  });

  describe('deleted placeholders', () => {
    it('renders one in place, with no author or actions, and its replies nested under it', async () => {
      const k = uniqueKey();
      const evil = '<img src=x onerror="window.__parleyXss=1">';
      serveThread(k, {}, [
        opening,
        // A server bug must not bring back anything of a deleted message.
        makeMessage(2, { deleted: true, html: evil, author: { name: evil } }),
        makeMessage(3, { parentId: 2 }),
      ]);
      const el = await mount({ thread: k });
      const placeholder = $(el, '#parley-2');
      expect(text(placeholder)).to.equal('This message was deleted.');
      expect(placeholder.hasAttribute('aria-labelledby')).to.equal(false);
      expect($$(el, '#parley-2 button')).to.have.length(0);
      expect(placeholder.parentElement!.querySelector(':scope > ol > li > #parley-3')).to.exist;
      expect($(el, 'img')).to.equal(null);
      await expect(el).to.be.accessible();
    });
  });

  describe('highlights view', () => {
    it('shows only the highlighted messages, flat and in order, behind All / Highlights (N)', async () => {
      const k = uniqueKey();
      serveThread(k, { highlightCount: 2 }, [
        opening,
        makeMessage(2),
        makeMessage(3, { highlighted: true }),
        makeMessage(4, { parentId: 2, highlighted: true }),
        makeMessage(5),
      ]);
      const el = await mount({ thread: k });
      const view = $(el, '[part~=view]');
      expect(view.getAttribute('role')).to.equal('group');
      const [all, highlights] = $$(el, '[part~=view] button');
      expect(text(all)).to.equal('All');
      expect(text(highlights)).to.equal('Highlights (2)');
      expect(all!.getAttribute('aria-pressed')).to.equal('true');
      expect(highlights!.getAttribute('aria-pressed')).to.equal('false');

      highlights!.click();
      await el.updateComplete;
      expect(all!.getAttribute('aria-pressed')).to.equal('false');
      expect(highlights!.getAttribute('aria-pressed')).to.equal('true');
      const list = $(el, 'ol[part~=messages]');
      expect(list.getAttribute('aria-label')).to.equal('Highlights');
      expect([...list.querySelectorAll(':scope > li > article')].map((a) => a.id)).to.deep.equal([
        'parley-3',
        'parley-4',
      ]);
      expect($$(el, 'article')).to.have.length(2);
      expect($(el, '#parley-3 .star').getAttribute('aria-label')).to.equal('Highlighted');
      expect(active(el)).to.equal(null);
      await expect(el).to.be.accessible();

      all!.click();
      await el.updateComplete;
      expect($$(el, 'article')).to.have.length(5);
      expect($(el, '#parley-2').parentElement!.querySelector(':scope > ol > li > #parley-4')).to
        .exist;
    });

    it('says "No highlights yet." when there are none', async () => {
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      expect(text($$(el, '[part~=view] button')[1])).to.equal('Highlights (0)');
      $$(el, '[part~=view] button')[1]!.click();
      await el.updateComplete;
      expect(text($(el, '.empty'))).to.equal('No highlights yet.');
      expect($$(el, 'article')).to.have.length(0);
      expect($(el, 'form[part~=form]')).to.exist;
      await expect(el).to.be.accessible();
    });
  });

  describe('posting as the site owner', () => {
    const path = location.pathname;
    const OWNER = 'pok_Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk_-';
    afterEach(() => history.replaceState(null, '', path));

    it('takes the key from a #parley-owner= link, keeps it for this server, and clears the address', async () => {
      history.replaceState(
        { kept: 1 },
        '',
        `${path}?page=2#parley-owner=${encodeURIComponent(OWNER)}`,
      );
      const k = uniqueKey();
      serveThread(k);
      route('POST', `${threadPath(k)}/messages`, () =>
        json(
          {
            message: makeMessage(6, { author: { name: 'Ada', role: 'owner' }, createdAt: ago(0) }),
            editToken: 'token-6',
            status: 'published',
          },
          201,
        ),
      );
      const el = await mount({ thread: k });
      expect(location.hash).to.equal('');
      expect(location.search).to.equal('?page=2');
      expect(location.pathname).to.equal(path);
      expect(history.state).to.deep.equal({ kept: 1 });
      expect(storage('parley:owner')).to.deep.equal({ [SERVER]: OWNER });
      expect(text($(el, 'form .replying'))).to.contain('Posting as the site owner');
      // The owner moderates in /admin, not with Report.
      expect(button(el, '#parley-2', 'Report')).to.equal(undefined);

      type(el, '#parley-author', 'Ada');
      type(el, '#parley-body', 'Thanks, all.');
      await submit(el);
      await waitUntil(() => $(el, '#parley-6'));
      expect(lastWrite().headers.get('Authorization')).to.equal(`Bearer ${OWNER}`);
      expect(text($(el, '#parley-6 .badge'))).to.equal('Author');

      const stop = $$(el, 'form button').find((b) => text(b) === 'Stop')!;
      expect(stop.getAttribute('aria-label')).to.equal('Stop posting as the site owner');
      stop.click();
      await el.updateComplete;
      expect(storage('parley:owner')).to.deep.equal({});
      expect($(el, 'form .replying')).to.equal(null);
      expect(status(el)).to.equal('You now post as a reader.');
      await waitUntil(() => active(el)?.id === 'parley-body');

      type(el, '#parley-body', 'As a reader now.');
      await submit(el);
      await waitUntil(() => calls.filter((c) => c.method === 'POST').length === 2);
      expect(lastWrite().headers.get('Authorization')).to.equal(null);
    });

    it('forgets a refused (revoked) key and says so, keeping the draft', async () => {
      localStorage.setItem('parley:owner', JSON.stringify({ [SERVER]: OWNER }));
      const k = uniqueKey();
      serveThread(k);
      route('POST', `${threadPath(k)}/messages`, () => apiError(401, 'unauthorized'));
      const el = await mount({ thread: k });
      expect(text($(el, 'form .replying'))).to.contain('Posting as the site owner');
      type(el, '#parley-author', 'Ada');
      type(el, '#parley-body', 'Kept draft');
      await submit(el);
      await waitUntil(() => $(el, 'form [role=alert]'));
      expect(lastWrite().headers.get('Authorization')).to.equal(`Bearer ${OWNER}`);
      expect(text($(el, 'form [role=alert]'))).to.equal(
        'Your owner posting key was revoked or is no longer valid, so this browser forgot it: you now post as a reader. To post as the owner again, create a new posting link in /admin.',
      );
      expect(storage('parley:owner')).to.deep.equal({});
      expect($(el, 'form .replying')).to.equal(null);
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Kept draft');
    });

    for (const [what, value] of [
      ['an admin token', 'my-admin-token-0123456789'],
      ['a key without its pok_ prefix', OWNER.slice(4)],
      ['a pok_ prefix alone', 'pok_'],
    ] as const) {
      it(`refuses ${what} in the link: stored nowhere, wiped from the address, and says what to do`, async () => {
        history.replaceState(null, '', `${path}#parley-owner=${encodeURIComponent(value)}`);
        const k = uniqueKey();
        serveThread(k);
        const el = await mount({ thread: k });
        await waitUntil(() => $(el, 'form [role=alert]'));
        expect(location.hash).to.equal('');
        expect(localStorage.getItem('parley:owner') ?? '').not.to.contain(value);
        expect(Object.values(localStorage).join(' ')).not.to.contain(value);
        expect($(el, 'form .replying')).to.equal(null);
        const message =
          'This link holds no owner posting key, so it was ignored. To post as the site owner, create a posting link on your Parley server’s /admin page (Owner tab) and open that link.';
        expect(text($(el, 'form [role=alert]'))).to.equal(message);
        expect($(el, 'form [role=alert]')).to.exist;
        await expect(el).to.be.accessible();
      });
    }

    it('deletes a stored admin token (from before owner keys) on load, for every server, and keeps owner keys', async () => {
      const other = 'https://other.test/';
      const third = 'https://third.test/';
      localStorage.setItem(
        'parley:owner',
        JSON.stringify({ [SERVER]: 'old-admin-token-0123456789', [other]: OWNER, [third]: 42 }),
      );
      const k = uniqueKey();
      serveThread(k);
      route('POST', `${threadPath(k)}/messages`, () =>
        json(
          { message: makeMessage(6, { createdAt: ago(0) }), editToken: 't6', status: 'published' },
          201,
        ),
      );
      const el = await mount({ thread: k });
      expect(storage('parley:owner')).to.deep.equal({ [other]: OWNER });
      expect($(el, 'form .replying')).to.equal(null);
      type(el, '#parley-author', 'Ada');
      type(el, '#parley-body', 'As a reader.');
      await submit(el);
      await waitUntil(() => calls.some((c) => c.method === 'POST'));
      expect(lastWrite().headers.get('Authorization')).to.equal(null);
    });
  });

  describe('a thread closed meanwhile', () => {
    it('shows the thread closed when a post finds it closed, and keeps the form with its draft', async () => {
      const k = uniqueKey();
      serveThread(k, {}, seedMessages);
      route('POST', `${threadPath(k)}/messages`, () => apiError(409, 'thread_closed'));
      const el = await mount({ thread: k });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'Too late to say this');
      await submit(el);
      await waitUntil(() => $(el, 'form [role=alert]'));
      expect(text($(el, '[part~=status]'))).to.equal('Discussion closed');
      expect(buttons(el, '#parley-3')).to.deep.equal(['Report']);
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Too late to say this');
      expect(text($(el, 'form [role=alert]'))).to.equal('This discussion is closed.');
    });
  });

  describe('every action named with its author', () => {
    it('names Reply, Report, Edit and Delete for what they act on', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      const named = (selector: string) =>
        $$(el, `${selector} [part~=actions] button`).map((b) => b.getAttribute('aria-label'));
      expect(named('#parley-2')).to.deep.equal(['Reply to Reader 2', 'Report message by Reader 2']);
      expect(named('#parley-3')).to.deep.equal([
        'Reply to Reader 3',
        'Edit your message',
        'Delete your message',
      ]);
    });

    it('keeps Report apart from Reply, at the far end of the row', async () => {
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      const reply = button(el, '#parley-2', 'Reply').getBoundingClientRect();
      const report = button(el, '#parley-2', 'Report').getBoundingClientRect();
      const row = $(el, '#parley-2 [part~=actions]').getBoundingClientRect();
      expect(report.left - reply.right).to.be.greaterThan(100);
      expect(Math.round(row.right - report.right)).to.equal(0);
    });
  });

  describe('a post on its way', () => {
    for (const [theme, page, ink] of [
      ['light', '#ffffff', '#1a1a1a'],
      ['dark', '#121212', '#e6e6e6'],
    ] as const)
      it(`says "Posting…" readably (${theme} theme)`, async () => {
        const k = uniqueKey();
        serveThread(k);
        route('POST', `${threadPath(k)}/messages`, hang);
        const blog = document.createElement('div');
        blog.style.cssText = `background: ${page}; color: ${ink}; padding: 1rem`;
        const el = await mount({ thread: k, theme }, blog);
        type(el, '#parley-author', 'Grace');
        type(el, '#parley-body', 'On its way');
        await submit(el);
        const post = $<HTMLButtonElement>(el, '#parley-form button.primary');
        expect(text(post)).to.equal('Posting…');
        expect(post.disabled).to.equal(true);
        expect(contrast(post, page)).to.be.at.least(4.5);
        await expect(el).to.be.accessible();
      });
  });

  describe('Escape in the editor', () => {
    it('asks before discarding a change: Keep editing goes back, Discard closes without saving', async () => {
      tokens({ 3: 'token-3' });
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      button(el, '#parley-3', 'Edit').click();
      await waitUntil(() => active(el)?.id === 'parley-edit-3');
      type(el, '#parley-edit-3', 'Changed my mind');
      key(active(el)!, 'Escape');
      await waitUntil(() => active(el)?.id === 'parley-edit-3-keep', 'focus on Keep editing');
      const group = $(el, '#parley-3 .discard');
      expect(group.getAttribute('role')).to.equal('group');
      expect(text(el.shadowRoot!.getElementById(group.getAttribute('aria-labelledby')!))).to.equal(
        'Discard your changes?',
      );
      await expect(el).to.be.accessible();

      // Escape again answers "keep editing".
      key(active(el)!, 'Escape');
      await waitUntil(() => active(el)?.id === 'parley-edit-3', 'back in the editor');
      expect($<HTMLTextAreaElement>(el, '#parley-edit-3').value).to.equal('Changed my mind');
      expect($(el, '#parley-3 .discard')).to.equal(null);

      key(active(el)!, 'Escape');
      await waitUntil(() => $(el, '#parley-3 .discard'));
      button(el, '#parley-3', 'Discard').click();
      await waitUntil(() => active(el) === button(el, '#parley-3', 'Edit'), 'focus back on Edit');
      expect($(el, '#parley-edit-3')).to.equal(null);
      expect(text($(el, '#parley-3 [part~=body]'))).to.equal('Message number 3');
      expect(calls.filter((c) => c.method === 'PATCH')).to.have.length(0);
    });
  });

  describe('sort control', () => {
    it('offers Oldest / Newest in the header, bound to the sort attribute, keeping the draft and focus', async () => {
      const k = uniqueKey();
      serveThread(k);
      const el = await mount({ thread: k });
      const group = $(el, 'header [part~=sort]');
      expect(group.getAttribute('role')).to.equal('group');
      expect(group.getAttribute('aria-label')).to.equal('Order of replies');
      const pressed = () =>
        $$(el, '[part~=sort] button').map((b) => `${text(b)}:${b.getAttribute('aria-pressed')}`);
      expect(pressed()).to.deep.equal(['Oldest:true', 'Newest:false']);
      await expect(el).to.be.accessible();
      type(el, '#parley-body', 'Kept through the reload');

      const loaded = oneEvent(el, 'parley-thread-loaded');
      $$(el, '[part~=sort] button')[1]!.click();
      expect(el.getAttribute('sort')).to.equal('newest');
      await loaded;
      await el.updateComplete;
      expect(new URL(calls.at(-1)!.url).searchParams.get('sort')).to.equal('newest');
      expect(pressed()).to.deep.equal(['Oldest:false', 'Newest:true']);
      await waitUntil(() => active(el) === $$(el, '[part~=sort] button')[1], 'focus on Newest');
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Kept through the reload');

      // The attribute set from outside shows too.
      el.setAttribute('sort', 'oldest');
      await oneEvent(el, 'parley-thread-loaded');
      await el.updateComplete;
      expect(pressed()).to.deep.equal(['Oldest:true', 'Newest:false']);
    });
  });
});
