/**
 * The moderation page and a thread's summary source: the card says whether
 * the summary is automatic or a moderator's; the edit form holds only a
 * moderator's summary (an automatic one is its placeholder), so saving other
 * fields never turns an automatic summary into a manual one; emptying a
 * moderator's summary, or "Use the automatic summary", sends `summary: null`.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { AdminThread } from '@parley/server/wire';
import { sendKeys } from '@web/test-runner-commands';
import { calls, json, lastCall as last, route, useFakeServer } from '../testing/fake-server.js';
import {
  $,
  $$,
  announced,
  button,
  focused,
  makeThread,
  openTab,
  serve,
  signedIn,
  text,
  type,
} from './admin-fixtures.js';
import { summaryPoll } from './parley-admin-thread.js';

useFakeServer();

const KEY = '/blog/post-1';
const AUTO = 'Readers weigh R1’s efficiency against alignment risks.';
const automatic = makeThread(KEY, { summary: AUTO, summarySource: 'automatic' });
const manual = makeThread(KEY, { summary: 'Written by hand.', summarySource: 'manual' });

/** The threads tab of a signed-in page listing `thread`, whose PATCHes answer `answer(body)`. */
async function page(thread: AdminThread, answer = (body: object) => ({ ...thread, ...body })) {
  serve({}, [thread]);
  route('PATCH', `/api/admin/threads/${encodeURIComponent(KEY)}`, async (req) =>
    json({ thread: answer(await req.json()) }),
  );
  const el = await signedIn();
  await openTab(el, 'Threads');
  return el;
}

const card = (el: HTMLElement) => $$(el as never, '#panel-threads article')[0]!;
const patches = () => calls.filter((c) => c.method === 'PATCH');

async function openForm(el: HTMLElement) {
  button(el as never, `Edit details, thread Thread ${KEY}`).click();
  await (el as never as { updateComplete: Promise<unknown> }).updateComplete;
  return $<HTMLTextAreaElement>(el as never, '#edit-summary');
}

async function save(el: HTMLElement) {
  const saved = oneEvent(el, 'parley-thread-moderated');
  button($(el as never, '.edit-form'), 'Save').click();
  await saved;
  return last('PATCH').json();
}

describe('<parley-admin> summary source', () => {
  for (const [thread, says] of [
    [automatic, 'Summarized automatically'],
    [manual, 'Written by a moderator'],
  ] as const) {
    it(`says on the card that a ${thread.summarySource} summary is "${says}"`, async () => {
      const el = await page(thread);
      expect(text(card(el).querySelector('.summary'))).to.equal(thread.summary);
      expect(text(card(el).querySelector('.summary-source'))).to.equal(says);
    });
  }

  it('says nothing of a source while the thread has no summary', async () => {
    const el = await page(makeThread(KEY, { summary: null, summarySource: null }));
    expect(card(el).querySelector('.summary')).to.equal(null);
    expect(card(el).querySelector('.summary-source')).to.equal(null);
  });

  it('shows an automatic summary as the placeholder; saving the title only sends no summary', async () => {
    const el = await page(automatic);
    const summary = await openForm(el);
    expect(summary.value).to.equal('');
    expect(summary.placeholder).to.equal(AUTO);
    const hint = $(el, '#edit-summary-hint');
    expect(summary.getAttribute('aria-describedby')).to.equal('edit-summary-hint');
    expect(text(hint)).to.contain('automatic summary is shown');
    expect($(el, '.use-automatic')).to.equal(null);

    type(el, '#edit-title', 'A better title');
    expect(await save(el)).to.deep.equal({ title: 'A better title' });
    await waitUntil(() => announced(el) === 'Thread saved');
    expect(text(card(el).querySelector('.summary-source'))).to.equal('Summarized automatically');
  });

  it('sends nothing when the form is saved untouched over an automatic summary', async () => {
    const el = await page(automatic);
    await openForm(el);
    button($(el, '.edit-form'), 'Save').click();
    await waitUntil(() => !$(el, '.edit-form'), 'the form closes');
    expect(patches()).to.have.length(0);
  });

  it('replaces the automatic summary with the moderator’s own text', async () => {
    const el = await page(automatic, (body) => ({
      ...automatic,
      ...body,
      summarySource: 'manual',
    }));
    await openForm(el);
    type(el, '#edit-summary', 'Our own summary.');
    await waitUntil(
      () => text($(el, '#edit-summary-hint')) === 'Your summary replaces the automatic one.',
      'the hint says what saving does',
    );
    expect(await save(el)).to.deep.equal({ summary: 'Our own summary.' });
    await el.updateComplete;
    expect(text(card(el).querySelector('.summary'))).to.equal('Our own summary.');
    expect(text(card(el).querySelector('.summary-source'))).to.equal('Written by a moderator');
  });

  it('holds a moderator’s summary; saving the title only leaves it out', async () => {
    const el = await page(manual);
    const summary = await openForm(el);
    expect(summary.value).to.equal('Written by hand.');
    expect(summary.placeholder).to.equal('');
    type(el, '#edit-title', 'Retitled');
    expect(await save(el)).to.deep.equal({ title: 'Retitled' });
  });

  it('emptying a moderator’s summary sends null: back to automatic', async () => {
    const el = await page(manual, (body) => ({ ...manual, ...body, summarySource: null }));
    await openForm(el);
    type(el, '#edit-summary', '   ');
    await waitUntil(
      () =>
        text($(el, '#edit-summary-hint')) ===
        'Saving with this field empty goes back to an automatic summary.',
      'the hint says what saving does',
    );
    expect(await save(el)).to.deep.equal({ summary: null });
    await el.updateComplete;
    expect(card(el).querySelector('.summary')).to.equal(null);
  });

  it('goes back to automatic by keyboard: "Use the automatic summary", then Enter in the form', async () => {
    const el = await page(manual, (body) => ({ ...manual, ...body, summarySource: null }));
    const summary = await openForm(el);
    summary.focus();
    await sendKeys({ press: 'Tab' });
    expect(text(focused(el))).to.equal('Use the automatic summary');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused(el) === $(el, '#edit-summary'), 'focus back on the field');
    expect($<HTMLTextAreaElement>(el, '#edit-summary').value).to.equal('');
    expect($(el, '.use-automatic')).to.equal(null);
    await sendKeys({ press: 'Tab' });
    expect(focused(el)?.id).to.equal('edit-url');
    const saved = oneEvent(el, 'parley-thread-moderated');
    await sendKeys({ press: 'Enter' });
    await saved;
    expect(await last('PATCH').json()).to.deep.equal({ summary: null });
  });

  describe('after going back to automatic', () => {
    const real = summaryPoll.delaysMs;
    beforeEach(() => {
      summaryPoll.delaysMs = [30, 90];
    });
    afterEach(() => {
      summaryPoll.delaysMs = real;
    });

    /** Serves the public thread: without a summary for the first `without` reads, then with AUTO. */
    function servePublic(without: number) {
      let reads = 0;
      route('GET', `/api/threads/${encodeURIComponent(KEY)}`, () => {
        const ready = ++reads > without;
        return json({
          thread: {
            ...automatic,
            summary: ready ? AUTO : null,
            summarySource: ready ? 'automatic' : null,
          },
          messages: [],
          nextCursor: null,
          lastEventId: 0,
        });
      });
      return () => reads;
    }

    async function clearSummary() {
      const el = await page(manual, (body) => ({ ...manual, ...body, summarySource: null }));
      await openForm(el);
      button($(el, '.edit-form'), 'Use the automatic summary').click();
      expect(await save(el)).to.deep.equal({ summary: null });
      return el;
    }

    it('says one is on its way, then shows it once the server has written it', async () => {
      const reads = servePublic(1);
      const el = await clearSummary();
      await waitUntil(() => card(el).querySelector('.summary-due'), 'the note shows');
      expect(text(card(el).querySelector('.summary-due'))).to.equal(
        'An automatic summary is on its way…',
      );
      expect(card(el).querySelector('.summary')).to.equal(null);
      await waitUntil(() => card(el).querySelector('.summary'), 'the summary arrives');
      expect(text(card(el).querySelector('.summary'))).to.equal(AUTO);
      expect(text(card(el).querySelector('.summary-source'))).to.equal('Summarized automatically');
      expect(card(el).querySelector('.summary-due')).to.equal(null);
      expect(announced(el)).to.equal('Automatic summary added');
      expect(reads()).to.equal(2);
    });

    it('drops the note, reading twice only, when no summary comes', async () => {
      const reads = servePublic(Number.POSITIVE_INFINITY);
      const el = await clearSummary();
      await waitUntil(() => card(el).querySelector('.summary-due'), 'the note shows');
      await waitUntil(() => !card(el).querySelector('.summary-due'), 'the note goes');
      expect(reads()).to.equal(2);
      expect(card(el).querySelector('.summary')).to.equal(null);
    });
  });
});
