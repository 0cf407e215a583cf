/**
 * The moderation page on a phone (coarse pointer): the source disclosure
 * keeps its marker, the place link never leaves a dangling separator, a
 * thread's long page address wraps as one link, the tabs stay put when the
 * reports notice's button goes, the bulk bar stays in reach far down a list,
 * and the search field's hint fits at 320 px.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { useFakeServer } from '../testing/fake-server.js';
import {
  $,
  makeMessage,
  makeThread,
  openTab,
  row,
  serve,
  serveStore,
  signedIn,
} from './admin-fixtures.js';

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

  it('wraps a thread’s long page address in lines as close as the text’s, a 44 px target still', async () => {
    const url = `https://blog.example/${'a-rather-long-slug-'.repeat(5)}end`;
    serve({}, [makeThread('/blog/long', { url })]);
    const el = await signedIn();
    await openTab(el, 'Threads');
    const link = $(el, '#panel-threads a.target');
    expect(link.getBoundingClientRect().height).to.be.at.least(44);
    const range = document.createRange();
    range.selectNodeContents(link);
    const lines = [...new Set([...range.getClientRects()].map((r) => Math.round(r.top)))];
    expect(lines.length).to.be.at.least(2);
    // One line-height apart, not a touch target's height: read as one address, not two items.
    const fontSize = parseFloat(getComputedStyle(link).fontSize);
    expect(lines[1]! - lines[0]!).to.be.below(fontSize * 1.75);
  });

  it('keeps the tabs in place when the reports notice’s Hidden tab is opened', async () => {
    serveStore([makeMessage(1, { status: 'hidden', hiddenReason: 'reports', reportCount: 3 })]);
    const el = await signedIn();
    await waitUntil(() => $(el, '.notice'));
    const tabs = () => $(el, '[role=tablist]').getBoundingClientRect().top;
    const before = tabs();
    await openTab(el, 'Hidden');
    expect(tabs()).to.equal(before);
    // The notice's button to that tab is neither seen nor reached there.
    const review = $(el, '.notice button');
    expect(getComputedStyle(review).visibility).to.equal('hidden');
    review.focus();
    expect(review.matches(':focus')).to.equal(false);
    await expect(el).to.be.accessible();
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
