/**
 * `<parley-thread>` on a phone: a 390x844 touch screen (the "phone" group of
 * web-test-runner.config.mjs), where `(pointer: coarse)` matches.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { $, $$, makeMessage, mount, opening, serveThread, uniqueKey } from './test-support.js';

describe('<parley-thread> on a phone', () => {
  it('gives every button and link-like control a touch target of at least 44x44 px', async () => {
    expect(matchMedia('(pointer: coarse)').matches, 'a touch screen').to.equal(true);
    const key = uniqueKey();
    serveThread(
      key,
      { messageCount: 30, highlightCount: 1 },
      [opening, makeMessage(2, { highlighted: true }), makeMessage(3, { parentId: 2 })],
      'c2',
    );
    const el = await mount({ thread: key, 'back-href': '/forum' });
    $<HTMLElement>(el, '[part~=skip-link]').focus();
    const controls = $$(
      el,
      'button, summary, [part~=back-link], [part~=time], [part~=skip-link]',
    ).filter((c) => !c.closest('[hidden]'));
    // The view toggle, load more, each message's actions and the form's button at least.
    expect(controls.length).to.be.greaterThan(8);
    const small = controls
      .map((c) => ({ c, box: c.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 44 || box.height < 44)
      .map(({ c, box }) => `${c.outerHTML.slice(0, 60)}: ${box.width}x${box.height}`);
    expect(small, small.join('\n')).to.deep.equal([]);
    await waitUntil(() => $(el, '[part~=load-more]'));
  });

  it('centres the skip link’s text in its 44 px box', async () => {
    const key = uniqueKey();
    serveThread(key);
    const el = await mount({ thread: key });
    const skip = $<HTMLElement>(el, '[part~=skip-link]');
    skip.focus();
    const box = skip.getBoundingClientRect();
    expect(box.height).to.be.at.least(44);
    const range = document.createRange();
    range.selectNodeContents(skip);
    const words = range.getBoundingClientRect();
    expect(Math.abs(words.top + words.height / 2 - (box.top + box.height / 2))).to.be.below(2);
    await expect(el).to.be.accessible();
  });
});
