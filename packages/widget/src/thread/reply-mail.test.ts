import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import type { ParleyThread } from './parley-thread.js';
import { askReplyMail } from './reply-mail.js';
import {
  $,
  $$,
  ago,
  apiError,
  calls,
  deferred,
  json,
  lastCall,
  makeMessage,
  mount,
  route,
  serveFeatures,
  serveThread,
  submit,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

/**
 * A server base of its own per test: the answer of `GET /api/features` is
 * kept per base for the page's life, as a reader's page keeps it.
 */
let servers = 0;
const newServer = () => `https://mail-${++servers}.parley.test/`;

const active = (el: ParleyThread) => el.shadowRoot!.activeElement as HTMLElement | null;
const status = (el: ParleyThread) => text($(el, '[role=status]'));
const featureCalls = () => calls.filter((c) => new URL(c.url).pathname === '/api/features');
const posts = () => calls.filter((c) => c.method === 'POST');
const stored = () => JSON.parse(localStorage.getItem('parley:email') ?? 'null');

/**
 * Answers posts to thread `key` with message `id`, published, like the
 * server; `mail` adds what it answers a post that asked for reply mail.
 */
function servePost(
  key: string,
  id = 6,
  mail: { mailKey?: string; replyMail?: 'on' | 'confirming' } = {},
) {
  route('POST', `${threadPath(key)}/messages`, () =>
    json(
      {
        message: makeMessage(id, { author: { name: 'Grace' }, createdAt: ago(0) }),
        editToken: `token-${id}`,
        status: 'published',
        ...mail,
      },
      201,
    ),
  );
}

/**
 * Mounts a thread on `server`, puts the reader in the form (which asks
 * whether reply mail is on) and waits for the answer and its render.
 */
async function mountInForm(server: string, key = uniqueKey()) {
  serveThread(key);
  const el = await mount({ thread: key, server });
  $(el, '#parley-author').focus();
  await askReplyMail(server);
  await el.updateComplete;
  return el;
}

/** Name and message filled in, as a reader would. */
function write(el: ParleyThread) {
  type(el, '#parley-author', 'Grace');
  type(el, '#parley-body', 'Thanks, this helped.');
}

async function tick(el: ParleyThread, box = '#parley-notify') {
  $<HTMLInputElement>(el, box).click();
  await el.updateComplete;
}

describe('<parley-thread> reply mail', () => {
  it('offers no email field when the server sends no reply mail, and posts no address', async () => {
    const server = newServer();
    serveFeatures({ replyMail: false });
    const k = uniqueKey();
    servePost(k);
    const el = await mountInForm(server, k);
    expect(featureCalls()).to.have.length(1);
    expect(featureCalls()[0]!.url).to.equal(`${server}api/features`);
    expect($(el, '#parley-email')).to.equal(null);
    expect($(el, '#parley-notify')).to.equal(null);

    write(el);
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    const body = await lastCall('POST').json();
    expect(body).not.to.have.any.keys('email', 'notifyReplies');
  });

  it('offers none when the server is older (404), and asks each server once per page', async () => {
    const server = newServer();
    const k = uniqueKey();
    const el = await mountInForm(server, k);
    expect(featureCalls()).to.have.length(1);
    expect($(el, '#parley-email')).to.equal(null);

    // More visits to the form, a reply box, another element on the same server: no more asking.
    $(el, '#parley-body').focus();
    type(el, '#parley-body', 'Hello');
    $$(el, '#parley-3 button')
      .find((b) => text(b) === 'Reply')!
      .click();
    await waitUntil(() => $(el, '#parley-r3-body'));
    const other = await mountInForm(server);
    expect(featureCalls()).to.have.length(1);
    expect($(el, '#parley-r3-email')).to.equal(null);
    expect($(other, '#parley-email')).to.equal(null);
  });

  it('asks nothing until a reader uses a form, then offers the box once the server answers', async () => {
    const server = newServer();
    const features = deferred();
    route('GET', '/api/features', () => features.promise);
    const k = uniqueKey();
    servePost(k);
    serveThread(k);
    const el = await mount({ thread: k, server });
    expect(featureCalls()).to.have.length(0);

    write(el);
    expect(featureCalls()).to.have.length(1);
    // A post sent meanwhile waits for the answer (whether a proof of work is wanted),
    // as it waits for a challenge, and goes without an address: the box was never ticked.
    await submit(el);
    features.resolve(json({ replyMail: true, proofOfWork: false }));
    await waitUntil(() => $(el, '#parley-6'), 'posted once the server answers');
    expect(await lastCall('POST').json()).not.to.have.any.keys('email', 'notifyReplies');
    expect(status(el)).to.equal('Your reply was posted.');
    await waitUntil(() => $(el, '#parley-notify'), 'offered once the server answers');
    expect(featureCalls()).to.have.length(1);
  });

  it('shows the box, unticked, with what it is for, and the labelled email field only once it is ticked', async () => {
    serveFeatures({ replyMail: true });
    const el = await mountInForm(newServer());
    const box = $<HTMLInputElement>(el, '#parley-notify');
    expect(box.type).to.equal('checkbox');
    expect(box.checked).to.equal(false);
    expect(text(box.closest('label'))).to.equal('Mail me replies');
    expect(box.getAttribute('aria-describedby')).to.equal('parley-notify-about');
    expect(text($(el, '#parley-notify-about'))).to.equal(
      'One mail per reply to your messages, each with a one-click unsubscribe.',
    );
    // Unticked, there is no address to type: one on screen is always one that will be sent.
    expect($(el, '#parley-email')).to.equal(null);
    expect($(el, 'label[for=parley-email]')).to.equal(null);
    await expect(el).to.be.accessible();

    // The keyboard: Tab from the message to the box, Space ticks it, Tab to the address it reveals.
    $(el, '#parley-body').focus();
    await sendKeys({ press: 'Tab' });
    expect(active(el)).to.equal(box);
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect(box.checked).to.equal(true);
    const field = $<HTMLInputElement>(el, '#parley-email');
    expect(text($(el, 'label[for=parley-email]'))).to.equal('Email');
    expect(field.type).to.equal('email');
    expect(field.getAttribute('autocomplete')).to.equal('email');
    expect(field.getAttribute('inputmode')).to.equal('email');
    expect(field.maxLength).to.equal(254);
    expect(field.required).to.equal(true);
    expect(field.value).to.equal('');
    expect(field.getAttribute('aria-describedby')).to.equal('parley-email-about');
    // Nothing remembered here, so nothing to forget.
    expect(text($(el, '#parley-email-about'))).to.equal(
      'Only for reply mail, never shown to anyone. A new address gets a confirmation mail first.',
    );
    // Under the message, before the button: the fields above do not move when it appears.
    const order = $$(el, '#parley-form input:not([tabindex="-1"]), #parley-form textarea').map(
      (f) => f.id,
    );
    expect(order).to.deep.equal(['parley-author', 'parley-body', 'parley-notify', 'parley-email']);
    await sendKeys({ press: 'Tab' });
    expect(active(el)).to.equal(field);
    await expect(el).to.be.accessible();

    // Unticked again, the field goes.
    await tick(el);
    expect($(el, '#parley-email')).to.equal(null);
  });

  it('rings the focused box 2 px away from it, ticked or not, in light, dark and forced colors', async () => {
    serveFeatures({ replyMail: true });
    const server = newServer();
    const ring = (el: ParleyThread) => {
      const style = getComputedStyle($(el, '#parley-notify'));
      return [style.outlineStyle, style.outlineWidth, style.outlineOffset];
    };
    try {
      for (const [theme, forcedColors] of [
        ['light', 'none'],
        ['dark', 'none'],
        ['light', 'active'],
      ] as const) {
        await emulateMedia({ forcedColors });
        const k = uniqueKey();
        serveThread(k);
        const el = await mount({ thread: k, server, theme });
        $(el, '#parley-body').focus();
        await askReplyMail(server);
        await waitUntil(() => $(el, '#parley-notify'));
        // From the keyboard, so the ring is the one :focus-visible draws.
        await sendKeys({ press: 'Tab' });
        expect(active(el)?.id).to.equal('parley-notify');
        expect(ring(el), `${theme}, forced colors ${forcedColors}`).to.deep.equal([
          'solid',
          '2px',
          '2px',
        ]);
        await sendKeys({ press: 'Space' });
        await el.updateComplete;
        expect($<HTMLInputElement>(el, '#parley-notify').checked).to.equal(true);
        expect(ring(el), `ticked, ${theme}, forced colors ${forcedColors}`).to.deep.equal([
          'solid',
          '2px',
          '2px',
        ]);
        el.remove();
      }
    } finally {
      await emulateMedia({ forcedColors: 'none' });
    }
  });

  it('needs an address once the box is ticked: said at the field, focused, nothing posted', async () => {
    serveFeatures({ replyMail: true });
    const el = await mountInForm(newServer());
    write(el);
    await tick(el);
    await submit(el);
    const field = $<HTMLInputElement>(el, '#parley-email');
    expect(text($(el, '#parley-email-error'))).to.equal(
      'Please enter your email address to get replies by mail, or untick “Mail me replies”.',
    );
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    expect(field.getAttribute('aria-describedby')).to.equal(
      'parley-email-error parley-email-about',
    );
    await waitUntil(() => active(el) === field, 'focus on the address');

    type(el, '#parley-email', 'grace.example.com');
    await submit(el);
    expect(text($(el, '#parley-email-error'))).to.equal(
      'Please enter a whole email address, like name@example.com.',
    );
    expect(posts()).to.have.length(0);
    await expect(el).to.be.accessible();

    // Unticked, the address is not needed: the field and its error go with the tick.
    await tick(el);
    expect($(el, '#parley-email-error')).to.equal(null);
    expect($(el, '#parley-email')).to.equal(null);
    // Ticked again, what was typed is back, without the old error.
    await tick(el);
    expect($<HTMLInputElement>(el, '#parley-email').value).to.equal('grace.example.com');
    expect($(el, '#parley-email-error')).to.equal(null);
  });

  it('sends email and notifyReplies only when ticked, remembers the address and its key only then, and says to look for a confirmation', async () => {
    const server = newServer();
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    servePost(k);
    const el = await mountInForm(server, k);
    write(el);
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    expect(await lastCall('POST').json()).not.to.have.any.keys('email', 'notifyReplies', 'mailKey');
    expect(stored()).to.equal(null);
    expect(status(el)).to.equal('Your reply was posted.');

    servePost(k, 7, { mailKey: 'mk-grace-1', replyMail: 'confirming' });
    type(el, '#parley-body', 'And one more thing.');
    await tick(el);
    type(el, '#parley-email', ' grace@example.com ');
    await submit(el);
    await waitUntil(() => $(el, '#parley-7'));
    const body = await lastCall('POST').json();
    expect(body.email).to.equal('grace@example.com');
    expect(body.notifyReplies).to.equal(true);
    // No key yet: none was ever given for this address on this device.
    expect(body).not.to.have.any.keys('mailKey');
    expect(stored()).to.deep.equal({
      [server]: { email: 'grace@example.com', mailKey: 'mk-grace-1' },
    });
    const said = 'Your reply was posted. Look for a confirmation mail to turn on reply mail.';
    expect(status(el)).to.equal(said);
    expect(text($(el, '#parley-7 [part~=confirmation]'))).to.equal(said);
  });

  it('sends the remembered key back with the same address, and says replies will be mailed', async () => {
    const server = newServer();
    localStorage.setItem(
      'parley:email',
      JSON.stringify({ [server]: { email: 'grace@example.com', mailKey: 'mk-grace-1' } }),
    );
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    servePost(k, 6, { mailKey: 'mk-grace-2', replyMail: 'on' });
    const el = await mountInForm(server, k);
    write(el);
    await tick(el);
    expect($<HTMLInputElement>(el, '#parley-email').value).to.equal('grace@example.com');
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    expect(await lastCall('POST').json()).to.include({
      email: 'grace@example.com',
      notifyReplies: true,
      mailKey: 'mk-grace-1',
    });
    // The key the server answers with is the one kept.
    expect(stored()).to.deep.equal({
      [server]: { email: 'grace@example.com', mailKey: 'mk-grace-2' },
    });
    const said = 'Your reply was posted. Replies will be mailed to you.';
    expect(status(el)).to.equal(said);
    expect(text($(el, '#parley-6 [part~=confirmation]'))).to.equal(said);
  });

  it('forgets the key when the address changes, and sends none with another address', async () => {
    const server = newServer();
    localStorage.setItem(
      'parley:email',
      JSON.stringify({ [server]: { email: 'grace@example.com', mailKey: 'mk-grace-1' } }),
    );
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    servePost(k, 6, { mailKey: 'mk-hopper-1', replyMail: 'confirming' });
    const el = await mountInForm(server, k);
    write(el);
    await tick(el);
    type(el, '#parley-email', 'hopper@example.com');
    // The address stays remembered until a post asks for mail with another; its key does not.
    expect(stored()).to.deep.equal({ [server]: { email: 'grace@example.com' } });
    // Changing it back does not bring the key back: it is gone from this device.
    type(el, '#parley-email', 'grace@example.com');
    expect(stored()).to.deep.equal({ [server]: { email: 'grace@example.com' } });
    type(el, '#parley-email', 'hopper@example.com');
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    const body = await lastCall('POST').json();
    expect(body.email).to.equal('hopper@example.com');
    expect(body).not.to.have.any.keys('mailKey');
    expect(stored()).to.deep.equal({
      [server]: { email: 'hopper@example.com', mailKey: 'mk-hopper-1' },
    });
  });

  it('says nothing of reply mail after the post when an older server does not say how it stands', async () => {
    const server = newServer();
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    servePost(k);
    const el = await mountInForm(server, k);
    write(el);
    await tick(el);
    type(el, '#parley-email', 'grace@example.com');
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    expect(status(el)).to.equal('Your reply was posted.');
    expect(stored()).to.deep.equal({ [server]: { email: 'grace@example.com' } });
  });

  it('offers the remembered address on this server once ticked, says how to forget it, and forgets it and its key when the field is emptied', async () => {
    const server = newServer();
    localStorage.setItem(
      'parley:email',
      JSON.stringify({
        [server]: { email: 'grace@example.com', mailKey: 'mk-grace-1' },
        'https://other.test/': 'other@example.com',
      }),
    );
    serveFeatures({ replyMail: true });
    const el = await mountInForm(server);
    // Consent is asked each time: only the address is remembered, and it shows once ticked.
    expect($<HTMLInputElement>(el, '#parley-notify').checked).to.equal(false);
    expect($(el, '#parley-email')).to.equal(null);
    await tick(el);
    expect($<HTMLInputElement>(el, '#parley-email').value).to.equal('grace@example.com');
    expect(text($(el, '#parley-email-about'))).to.equal(
      'Only for reply mail, never shown to anyone. A new address gets a confirmation mail first. Empty the field to make this browser forget it.',
    );

    type(el, '#parley-email', '');
    expect(stored()).to.deep.equal({ 'https://other.test/': 'other@example.com' });
    await el.updateComplete;
    // Nothing remembered any more: nothing to forget.
    expect(text($(el, '#parley-email-about'))).to.equal(
      'Only for reply mail, never shown to anyone. A new address gets a confirmation mail first.',
    );
  });

  it('reads an address remembered before keys, and sends it with no key', async () => {
    const server = newServer();
    localStorage.setItem('parley:email', JSON.stringify({ [server]: 'grace@example.com' }));
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    servePost(k, 6, { mailKey: 'mk-grace-1', replyMail: 'on' });
    const el = await mountInForm(server, k);
    write(el);
    await tick(el);
    expect($<HTMLInputElement>(el, '#parley-email').value).to.equal('grace@example.com');
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    expect(await lastCall('POST').json()).not.to.have.any.keys('mailKey');
    expect(stored()).to.deep.equal({
      [server]: { email: 'grace@example.com', mailKey: 'mk-grace-1' },
    });
  });

  it('offers it in a reply box too, with ids of its own, and posts the reply with it', async () => {
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    servePost(k);
    const el = await mountInForm(newServer(), k);
    $$(el, '#parley-3 button')
      .find((b) => text(b) === 'Reply')!
      .click();
    await waitUntil(() => $(el, '#parley-r3-notify'));
    expect($(el, '#parley-r3-email')).to.equal(null);
    expect($(el, '#parley-r3-notify').getAttribute('aria-describedby')).to.equal(
      'parley-r3-notify-about',
    );
    type(el, '#parley-r3-author', 'Grace');
    type(el, '#parley-r3-body', 'Agreed.');
    await tick(el, '#parley-r3-notify');
    expect($(el, '#parley-r3-email').getAttribute('aria-describedby')).to.equal(
      'parley-r3-email-about',
    );
    type(el, '#parley-r3-email', 'grace@example.com');
    $<HTMLButtonElement>(el, '#parley-3 form button.primary').click();
    await waitUntil(() => posts().length === 1);
    const body = await lastCall('POST').json();
    expect(body).to.include({ parentId: 3, email: 'grace@example.com', notifyReplies: true });
    // One address for every form: the main form, once ticked, shows what was typed in the box.
    await waitUntil(() => !$(el, '#parley-r3-body'));
    await tick(el);
    expect($<HTMLInputElement>(el, '#parley-email').value).to.equal('grace@example.com');
  });

  it('shows the server’s refusal of the address at the field in its own words, and keeps nothing', async () => {
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    route('POST', `${threadPath(k)}/messages`, () =>
      apiError(400, 'invalid_request', {
        issues: [{ path: 'email', message: 'must be an email address' }],
      }),
    );
    const el = await mountInForm(newServer(), k);
    write(el);
    await tick(el);
    // The browser takes it; the server does not.
    type(el, '#parley-email', 'grace@localhost');
    await submit(el);
    await waitUntil(() => $(el, '#parley-email-error'));
    expect(text($(el, '#parley-email-error'))).to.equal(
      'Please enter a whole email address, like name@example.com.',
    );
    expect($(el, '#parley-form [role=alert]')).to.equal(null);
    await waitUntil(() => active(el)?.id === 'parley-email');
    expect(stored()).to.equal(null);
    expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Thanks, this helped.');
  });

  it('drops the box when the server refuses notifyReplies (its mail turned off), and posts without it next', async () => {
    const server = newServer();
    serveFeatures({ replyMail: true });
    const k = uniqueKey();
    route('POST', `${threadPath(k)}/messages`, () =>
      apiError(400, 'invalid_request', {
        issues: [{ path: 'notifyReplies', message: 'Reply mail is not configured on this server' }],
      }),
    );
    const el = await mountInForm(server, k);
    write(el);
    await tick(el);
    type(el, '#parley-email', 'grace@example.com');
    await submit(el);
    await waitUntil(() => !$(el, '#parley-notify'), 'the box goes');
    expect($(el, '#parley-email')).to.equal(null);
    expect(text($(el, '#parley-form [role=alert]'))).to.equal(
      'This site no longer sends reply mail, so your reply was not posted yet. Post it again to post it without reply mail.',
    );
    expect(stored()).to.equal(null);

    servePost(k);
    await submit(el);
    await waitUntil(() => $(el, '#parley-6'));
    expect(await lastCall('POST').json()).not.to.have.any.keys('email', 'notifyReplies');
    expect(featureCalls()).to.have.length(1);
  });
});
