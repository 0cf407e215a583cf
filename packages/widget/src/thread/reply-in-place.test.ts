import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { actionSettings } from './action-settings.js';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  ago,
  calls,
  deferred,
  json,
  makeMessage,
  mount,
  route,
  serveThread,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const active = (el: ParleyThread) => el.shadowRoot!.activeElement as HTMLElement | null;
const button = (el: ParleyThread, scope: string, label: string) =>
  $$(el, `${scope} button`).find((b) => text(b) === label)!;
const key = (target: Element, k: string) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
const storage = (k: string) => JSON.parse(localStorage.getItem(k) ?? 'null');

/** Answers posts with message `id`, a reply to the parent the post names, once `gate` resolves. */
function answerPosts(k: string, id: number, gate?: Promise<unknown>, status = 'published') {
  route('POST', `${threadPath(k)}/messages`, async (req) => {
    const body = await req.json();
    await gate;
    return json(
      {
        message: makeMessage(id, {
          parentId: body.parentId ?? null,
          author: { name: body.author },
          html: `<p>${body.body}</p>`,
          createdAt: ago(0),
        }),
        editToken: `token-${id}`,
        status,
      },
      201,
    );
  });
}

describe('<parley-thread> reply in place', () => {
  const confirmationMs = actionSettings.confirmationMs;
  afterEach(() => {
    actionSettings.confirmationMs = confirmationMs;
  });

  it('opens a box labelled "Reply to X" under the message, focus in it, the main form staying at the end', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    const reply = button(el, '#parley-3', 'Reply');
    expect(reply.getAttribute('aria-label')).to.equal('Reply to Reader 3');

    reply.click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body', 'focus in the box');
    const box = $(el, '#parley-3 form[part~=reply]');
    expect(box.closest('article')!.id).to.equal('parley-3');
    expect(text(el.shadowRoot!.getElementById(box.getAttribute('aria-labelledby')!))).to.equal(
      'Reply to Reader 3',
    );
    // The box is right under the message's actions, above any further message.
    expect(box.previousElementSibling!.matches('[part~=actions]')).to.equal(true);
    expect($(el, '#parley-form #parley-body')).to.exist;
    await expect(el).to.be.accessible();

    // One box at a time.
    button(el, '#parley-4', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r4-body');
    expect($$(el, 'form[part~=reply]')).to.have.length(1);
    expect($(el, '#parley-3 form[part~=reply]')).to.equal(null);
  });

  it('closes on Cancel, and on Escape at once while empty, focus back on its Reply button', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    key(active(el)!, 'Escape');
    await waitUntil(() => active(el) === button(el, '#parley-3', 'Reply'), 'focus on Reply');
    expect($(el, 'form[part~=reply]')).to.equal(null);

    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    button(el, '#parley-3 form', 'Cancel').click();
    await waitUntil(() => active(el) === button(el, '#parley-3', 'Reply'), 'focus on Reply');
    expect($(el, 'form[part~=reply]')).to.equal(null);
    expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);
  });

  it('asks before Escape discards what the box holds: Keep editing keeps it, Discard throws it away', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    type(el, '#parley-r3-body', 'Half a thought');
    key(active(el)!, 'Escape');
    await waitUntil(() => active(el)?.id === 'parley-r3-keep', 'focus on Keep editing');
    const group = $(el, '#parley-3 .discard');
    expect(group.getAttribute('role')).to.equal('group');
    expect(text(el.shadowRoot!.getElementById(group.getAttribute('aria-labelledby')!))).to.equal(
      'Discard your changes?',
    );
    expect($$(el, '#parley-3 .discard button').map(text)).to.deep.equal([
      'Discard',
      'Keep editing',
    ]);
    await expect(el).to.be.accessible();

    active(el)!.click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body', 'back in the box');
    expect($<HTMLTextAreaElement>(el, '#parley-r3-body').value).to.equal('Half a thought');
    expect($(el, '#parley-3 .discard')).to.equal(null);

    key(active(el)!, 'Escape');
    await waitUntil(() => $(el, '#parley-3 .discard'));
    button(el, '#parley-3 .discard', 'Discard').click();
    await waitUntil(() => active(el) === button(el, '#parley-3', 'Reply'), 'focus on Reply');
    expect($(el, 'form[part~=reply]')).to.equal(null);
    expect(storage('parley:drafts') ?? {}).to.deep.equal({});
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    expect($<HTMLTextAreaElement>(el, '#parley-r3-body').value).to.equal('');
  });

  it('posts the reply under its parent, reveals it with a visible confirmation, and focuses it', async () => {
    actionSettings.confirmationMs = 60_000;
    const k = uniqueKey();
    serveThread(k);
    const gate = deferred();
    answerPosts(k, 9, gate.promise);
    const el = await mount({ thread: k });
    const posted = oneEvent(el, 'parley-message-posted');
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    type(el, '#parley-r3-author', 'Linus');
    type(el, '#parley-r3-body', 'Agreed.');
    button(el, '#parley-3 form', 'Post reply').click();
    await el.updateComplete;

    const post = button(el, '#parley-3 form', 'Posting…') as HTMLButtonElement;
    expect(post.disabled).to.equal(true);
    await waitUntil(() => calls.some((c) => c.method === 'POST'));
    expect(
      (
        await calls
          .find((c) => c.method === 'POST')!
          .clone()
          .json()
      ).parentId,
    ).to.equal(3);
    gate.resolve(new Response());
    await posted;
    await el.updateComplete;

    expect($(el, '#parley-3').parentElement!.querySelector(':scope > ol > li > #parley-9')).to
      .exist;
    expect($(el, 'form[part~=reply]')).to.equal(null);
    expect($(el, '#parley-9').getAttribute('part')).to.match(/\b(target|fresh)\b/);
    const note = $(el, '#parley-9 [part~=confirmation]');
    expect(text(note)).to.equal('Your reply was posted.');
    expect(note.checkVisibility()).to.equal(true);
    expect(text($(el, 'section > [role=status]'))).to.equal('Your reply was posted.');
    await waitUntil(() => active(el)?.id === 'parley-9', 'focus on the new message');
    expect(storage('parley:drafts') ?? {}).to.deep.equal({});
    await expect(el).to.be.accessible();

    // The confirmation goes on the reader's next action.
    button(el, '#parley-4', 'Reply').click();
    await el.updateComplete;
    expect($(el, '[part~=confirmation]')).to.equal(null);
  });

  it('leaves the box the reader opened while a reply was on its way open, focus in it', async () => {
    const k = uniqueKey();
    serveThread(k);
    const gate = deferred();
    answerPosts(k, 9, gate.promise);
    const el = await mount({ thread: k });
    const posted = oneEvent(el, 'parley-message-posted');
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    type(el, '#parley-r3-author', 'Linus');
    type(el, '#parley-r3-body', 'Agreed.');
    button(el, '#parley-3 form', 'Post reply').click();
    await waitUntil(() => calls.some((c) => c.method === 'POST'));
    button(el, '#parley-4', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r4-body');
    type(el, '#parley-r4-body', 'Meanwhile');
    gate.resolve(new Response());
    await posted;
    await el.updateComplete;
    expect($(el, '#parley-9')).to.exist;
    expect($<HTMLTextAreaElement>(el, '#parley-r4-body')?.value).to.equal('Meanwhile');
    expect(active(el)?.id).to.equal('parley-r4-body');
    // And Reply under message 3 opens empty: its draft was posted.
    button(el, '#parley-3', 'Reply').click();
    await waitUntil(() => active(el)?.id === 'parley-r3-body');
    expect($<HTMLTextAreaElement>(el, '#parley-r3-body').value).to.equal('');
  });

  it('says a held reply awaits moderation, and the confirmation goes after a while', async () => {
    actionSettings.confirmationMs = 50;
    const k = uniqueKey();
    serveThread(k);
    answerPosts(k, 9, undefined, 'pending');
    const el = await mount({ thread: k });
    button(el, '#parley-2', 'Reply').click();
    await waitUntil(() => $(el, '#parley-r2-body'));
    type(el, '#parley-r2-author', 'Linus');
    type(el, '#parley-r2-body', 'Hmm.');
    button(el, '#parley-2 form', 'Post reply').click();
    await waitUntil(() => $(el, '#parley-9 [part~=confirmation]'));
    expect(text($(el, '#parley-9 [part~=confirmation]'))).to.equal(
      'Your reply was received and awaits moderation.',
    );
    await waitUntil(() => !$(el, '[part~=confirmation]'), 'the confirmation goes');
    expect($(el, '#parley-9 .pending')).to.exist;
  });

  it('reveals a top-level reply from the main form with the same confirmation, focus staying in the form', async () => {
    actionSettings.confirmationMs = 60_000;
    const k = uniqueKey();
    serveThread(k);
    answerPosts(k, 7);
    const el = await mount({ thread: k });
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Top level.');
    $(el, '#parley-form button.primary').click();
    await waitUntil(() => $(el, '#parley-7 [part~=confirmation]'));
    expect(text($(el, '#parley-7 [part~=confirmation]'))).to.equal('Your reply was posted.');
    await waitUntil(() => active(el)?.id === 'parley-body');
  });

  it('offers no reply box in a closed thread, and no main form either', async () => {
    const k = uniqueKey();
    serveThread(k, { status: 'closed' });
    const el = await mount({ thread: k });
    expect(button(el, '#parley-3', 'Reply')).to.equal(undefined);
    expect($(el, '#parley-form')).to.equal(null);
    expect($(el, 'form')).to.equal(null);
  });
});
