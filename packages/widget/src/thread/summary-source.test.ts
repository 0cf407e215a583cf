/**
 * The reader is told when the thread's summary was written by the server
 * (`summarySource: 'automatic'`), not when a moderator wrote it, and the note
 * follows a live `thread.updated` that changes who wrote it.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { $, makeThread, mount, openStreams, serveThread, text, uniqueKey } from './test-support.js';

const SUMMARY = 'How DeepSeek R1 challenges Western AI dominance.';

describe('<parley-thread> summary source', () => {
  it('says "Summarized automatically" after an automatic summary, as part summary-source', async () => {
    const k = uniqueKey();
    serveThread(k, { summary: SUMMARY, summarySource: 'automatic' });
    const el = await mount({ thread: k });
    const note = $(el, '[part~=summary-source]');
    expect(text(note)).to.equal('Summarized automatically');
    // Inside the summary's paragraph, read with it, in the muted note style.
    expect(note.closest('[part~=summary]')).to.equal($(el, '[part~=summary]'));
    expect(text($(el, '[part~=summary]'))).to.equal(`${SUMMARY} Summarized automatically`);
    expect(getComputedStyle(note).fontSize).to.not.equal(
      getComputedStyle($(el, '[part~=summary]')).fontSize,
    );
    await expect(el).to.be.accessible();
  });

  for (const summarySource of ['manual', null] as const) {
    it(`says nothing of the source of a ${summarySource ?? 'legacy (null)'} summary`, async () => {
      const k = uniqueKey();
      serveThread(k, { summary: SUMMARY, summarySource });
      const el = await mount({ thread: k });
      expect(text($(el, '[part~=summary]'))).to.equal(SUMMARY);
      expect($(el, '[part~=summary-source]')).to.equal(null);
    });
  }

  it('shows no note while the automatic summary is still being written (summary null)', async () => {
    const k = uniqueKey();
    serveThread(k, { summary: null, summarySource: null });
    const el = await mount({ thread: k });
    expect($(el, '[part~=summary]')).to.equal(null);
    expect($(el, '[part~=summary-source]')).to.equal(null);
  });

  it('follows live thread.updated events that change the source', async () => {
    const k = uniqueKey();
    serveThread(k, { summary: SUMMARY, summarySource: 'manual' }, undefined, null, 40);
    const el = await mount({ thread: k });
    await waitUntil(() => openStreams().length === 1, 'one open stream');
    const es = openStreams()[0]!.open();
    expect($(el, '[part~=summary-source]')).to.equal(null);

    // A moderator cleared theirs: no summary until the server has written one.
    es.push(41, {
      type: 'thread.updated',
      thread: makeThread({ key: k, summary: null, summarySource: null }),
    });
    await waitUntil(() => !$(el, '[part~=summary]'), 'the summary goes');
    const automatic = 'An automatic summary of the thread.';
    es.push(42, {
      type: 'thread.updated',
      thread: makeThread({ key: k, summary: automatic, summarySource: 'automatic' }),
    });
    await waitUntil(() => $(el, '[part~=summary-source]'), 'the note shows');
    expect(text($(el, '[part~=summary]'))).to.equal(`${automatic} Summarized automatically`);

    es.push(43, {
      type: 'thread.updated',
      thread: makeThread({ key: k, summary: 'Written by hand.', summarySource: 'manual' }),
    });
    await waitUntil(() => text($(el, '[part~=summary]')) === 'Written by hand.', 'manual again');
    expect($(el, '[part~=summary-source]')).to.equal(null);
  });
});
