/**
 * The moderation page on a phone (coarse pointer): the source disclosure
 * keeps its marker, the place link never leaves a dangling separator, the
 * bulk bar stays in reach far down a list, and the search field's hint fits
 * at 320 px.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { useFakeServer } from '../testing/fake-server.js';
import { $, makeMessage, row, serveStore, signedIn } from './admin-fixtures.js';

useFakeServer();

describe('<parley-admin> on a phone', () => {
  afterEach(() => setViewport({ width: 390, height: 844 }));

  it('keeps the source’s disclosure marker, and the "·" on the line of "View on the blog"', async () => {
    await setViewport({ width: 320, height: 700 });
    serveStore([makeMessage(1, { reportCount: 1 })]);
    const el = await signedIn();
    const card = row(el, 'reported', 1);
    const summary = $(card, 'summary');
    expect(getComputedStyle(summary).display).to.equal('list-item');
    expect(summary.getBoundingClientRect().height).to.be.at.least(44);
    const link = $(card, '[part~=link]');
    const place = link.parentElement!;
    const dot = [...place.childNodes].find((node) => node.textContent?.includes('·'))!;
    const range = document.createRange();
    range.selectNodeContents(dot);
    const dotBox = range.getBoundingClientRect();
    const linkBox = link.getBoundingClientRect();
    // On one line: the separator's box lies within the link's height.
    expect(dotBox.top).to.be.at.least(linkBox.top - 1);
    expect(dotBox.bottom).to.be.at.most(linkBox.bottom + 1);
  });

  it('keeps the bulk bar in view while messages are ticked, however far down the list', async () => {
    serveStore(Array.from({ length: 30 }, (_, i) => makeMessage(i + 1, { status: 'pending' })));
    const el = await signedIn();
    const box = $<HTMLInputElement>(row(el, 'pending', 30), 'input[type=checkbox]');
    box.scrollIntoView();
    box.click();
    await el.updateComplete;
    const bar = $(el, '.bulk');
    await waitUntil(() => bar.classList.contains('selecting'));
    const top = bar.getBoundingClientRect().top;
    expect(top).to.be.at.least(0);
    expect(top).to.be.below(innerHeight / 2);
    await expect(el).to.be.accessible();
  });

  it('shows the whole search hint at 320 px', async () => {
    await setViewport({ width: 320, height: 700 });
    serveStore([makeMessage(1, { status: 'pending' })]);
    const el = await signedIn();
    const field = $<HTMLInputElement>(el, '#search');
    const style = getComputedStyle(field);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    expect(context.measureText(field.placeholder).width).to.be.below(room);
  });
});
