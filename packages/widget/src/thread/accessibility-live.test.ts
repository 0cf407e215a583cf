/**
 * What a screen reader hears and where the focus stays while the thread
 * changes under the reader: new live messages are announced once, politely
 * (one status region, its text changed once per batch, never again by a
 * re-render), and the focus stays where the reader put it while live
 * messages arrive, a page of replies loads, or the actions chunk arrives.
 */
import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { liveSettings } from './live.js';
import type { ParleyThread } from './parley-thread.js';
import { lazy } from './parley-thread.js';
import {
  $,
  $$,
  deferred,
  json,
  makeMessage,
  mount,
  openStreams,
  route,
  SERVER,
  seedMessages,
  serveThread,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const defaults = structuredClone(liveSettings);
const active = (el: ParleyThread) => el.shadowRoot!.activeElement as HTMLElement | null;
const created = (id: number) => ({ type: 'message.created', message: makeMessage(id) });

/**
 * The element's own announcements region (the last status region; the live
 * note is one too) and every text it has said since: each change of its text
 * is one announcement to a screen reader.
 */
function listen(el: ParleyThread) {
  const regions = $$(el, '[role=status]');
  const region = regions.at(-1)!;
  const said: string[] = [];
  new MutationObserver(() => {
    if (text(region)) said.push(text(region));
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return { region, said };
}

/** Mounts a live thread read after event 40 and opens its stream. */
async function live(nextCursor: string | null = null) {
  const k = uniqueKey();
  serveThread(k, {}, seedMessages, nextCursor, 40);
  const el = await mount({ thread: k });
  await waitUntil(() => openStreams().length === 1, 'one open stream');
  return { k, el, es: openStreams()[0]!.open() };
}

describe('<parley-thread> announcements and focus', function (this: { timeout(ms: number): void }) {
  // A window wide enough that three tasks fall in one even on a busy machine.
  this.timeout(15_000);
  beforeEach(() => {
    liveSettings.announceMs = 300;
  });
  afterEach(() => {
    Object.assign(liveSettings, structuredClone(defaults));
  });

  it('announces new live messages once per batch, politely, and never again on a re-render', async () => {
    const { el, es } = await live();
    const { region, said } = listen(el);
    // Polite: a status region (implicitly aria-live="polite"), never an alert or assertive.
    expect(region.getAttribute('role')).to.equal('status');
    expect(region.getAttribute('aria-live')).to.not.equal('assertive');
    expect(region.textContent!.trim(), 'silent until something happens').to.equal('');

    // Three messages in three tasks, within one announcement window: one announcement.
    es.push(41, created(6));
    await new Promise((r) => setTimeout(r));
    es.push(42, created(7));
    await new Promise((r) => setTimeout(r));
    es.push(43, created(8));
    await waitUntil(() => said.length > 0, 'announced');
    expect(said).to.deep.equal(['3 new replies']);

    // Re-renders (the clock's tick, a view switch and back) say nothing again.
    el.requestUpdate();
    await el.updateComplete;
    $$(el, '[part~=view] > button')[1]!.click();
    await waitUntil(() => $(el, '[part~=view] > button[aria-pressed=true]') !== null);
    $$(el, '[part~=view] > button')[0]!.click();
    await el.updateComplete;
    // A re-render's change of the region is seen by now (the observer runs before updateComplete settles).
    expect(said).to.deep.equal(['3 new replies']);

    // The next batch is one announcement of its own; a message sent twice counts once.
    es.push(44, created(9));
    es.push(44, created(9));
    await waitUntil(() => said.length >= 2, 'the second batch');
    // No sleep to show nothing more is said: one more batch is the barrier. Anything
    // said late for an earlier batch (a second window, a re-render) comes before its words.
    es.push(45, created(10));
    await waitUntil(() => said.length >= 3, 'the third batch');
    expect(said).to.deep.equal(['3 new replies', '1 new reply', '1 new reply']);
  });

  it('keeps the focus and the caret in the form while live messages arrive', async () => {
    const { el, es } = await live();
    const { said } = listen(el);
    const body = $<HTMLTextAreaElement>(el, '#parley-body');
    body.focus();
    type(el, '#parley-body', 'I was saying');
    body.setSelectionRange(3, 3);
    for (let id = 6; id < 16; id++) {
      es.push(35 + id, created(id));
      await new Promise((r) => setTimeout(r));
    }
    await waitUntil(() => $(el, '#parley-15') && said.length > 0, 'in and announced');
    expect(active(el)).to.equal(body);
    expect(document.activeElement).to.equal(el);
    expect(body.selectionStart).to.equal(3);
  });

  it('leaves the focus where the reader took it while a page of replies loads', async () => {
    const k = uniqueKey();
    serveThread(k, {}, seedMessages, 'c1');
    const answer = deferred();
    route('GET', `${threadPath(k)}/messages`, () => answer.promise);
    const el = await mount({ thread: k });
    const more = $<HTMLButtonElement>(el, '[part~=load-more]');
    more.focus();
    more.click();
    await waitUntil(() => more.getAttribute('aria-disabled') === 'true', 'busy');
    // The reader moves on to the form while the page is on the network.
    const body = $<HTMLTextAreaElement>(el, '#parley-body');
    body.focus();
    answer.resolve(json({ messages: [makeMessage(6), makeMessage(7)], nextCursor: null }));
    await waitUntil(() => $(el, '#parley-7'), 'the page is in');
    await el.updateComplete;
    expect(active(el)).to.equal(body);
  });

  it('leaves the focus on what the reader focused while the actions chunk arrives', async () => {
    const realActions = lazy.actions;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    lazy.actions = async () => {
      await gate;
      return realActions();
    };
    try {
      const k = uniqueKey();
      serveThread(k);
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', k);
      const loaded = oneEvent(el, 'parley-thread-loaded');
      await fixture(el);
      await loaded;
      await waitUntil(() => $(el, '#parley-3 [part~=time]'), 'the thread is read');
      expect($(el, '#parley-body'), 'the form is not in yet').to.equal(null);
      const time = $<HTMLAnchorElement>(el, '#parley-3 [part~=time]');
      time.focus();
      release();
      await el.updateComplete;
      await waitUntil(() => $(el, '#parley-body'), 'the form is in');
      await waitUntil(() => $(el, '#parley-3 [part~=actions] button'), 'the actions are in');
      expect(active(el)).to.equal(time);
    } finally {
      lazy.actions = realActions;
    }
  });
});
