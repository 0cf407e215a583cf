import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { serveDeliveries, useFakeServer } from '../testing/fake-server.js';
import {
  $,
  $$,
  ago,
  button,
  makeDelivery,
  makeMessage,
  makeThread,
  openTab,
  roots,
  row,
  serve,
  signedIn,
  TOKEN,
} from './admin-fixtures.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

const WORD = 'Supercalifragilisticexpialidocious'.repeat(4);
const URL_TEXT = `https://blog.example/${'very-long-path-segment/'.repeat(8)}?q=${'x'.repeat(60)}`;
const TITLE = `A thread title that goes on and on ${WORD}`;
const KEY = `/blog/${'a-very-long-slug-'.repeat(6)}`;

/** A message with everything long that a phone must fit: name, thread, words, URLs, reasons. */
const long = (id: number, over: Parameters<typeof makeMessage>[1] = {}) =>
  makeMessage(id, {
    author: { name: 'N'.repeat(80) },
    threadKey: KEY,
    threadTitle: TITLE,
    threadUrl: `https://blog.example${KEY}`,
    html: `<p>${WORD} <a href="${URL_TEXT}">${URL_TEXT}</a></p><pre><code>${'const x = 1; '.repeat(20)}</code></pre>`,
    body: `${WORD} ${URL_TEXT}`,
    reportCount: 2,
    reports: [
      { reason: `Spam ${WORD}`, createdAt: ago(1) },
      { reason: null, createdAt: ago(2) },
    ],
    ...over,
  });

function serveLong() {
  serve(
    {
      pending: [
        long(1, { status: 'pending', threadPublic: false }),
        long(2, { status: 'pending' }),
      ],
      reported: [long(3)],
      hidden: [long(4, { status: 'hidden', hiddenReason: 'reports' })],
      spam: [long(5, { status: 'spam' })],
      published: [long(6, { highlighted: true }), long(7)],
    },
    [
      makeThread(KEY, { title: TITLE, url: `https://blog.example${KEY}`, summary: WORD }),
      makeThread('/blog/post-2', { title: null }),
    ],
  );
  // Deliveries with a long receiver origin and a long error, one of them failed (its Retry).
  const origin = `https://${'hooks-'.repeat(12)}receiver.example`;
  serveDeliveries(
    [
      makeDelivery(1, {
        target: origin,
        attempts: 12,
        lastAttemptAt: ago(1),
        lastError: `HTTP 502 from ${origin}: ${WORD} ${URL_TEXT}`,
        nextAttemptAt: null,
        failedAt: ago(1),
      }),
      makeDelivery(2, { channel: 'mail', type: 'message.reported', target: 'owner' }),
      makeDelivery(3, { target: origin, attempts: 1, deliveredAt: ago(3), nextAttemptAt: null }),
    ],
    TOKEN,
  );
}

/** How far the page and the element reach past the viewport's right edge, in px (0: none). */
const overflow = (el: ParleyAdmin) =>
  Math.max(document.documentElement.scrollWidth, el.scrollWidth) - window.innerWidth;

/** Every control of the open tab, cards included, that is on screen. */
const controls = (el: ParleyAdmin) =>
  roots(el.shadowRoot!)
    .flatMap((root) => [
      ...root.querySelectorAll<HTMLElement>(
        'button, select, input:not([type=checkbox]), summary, .pick, a.target',
      ),
    ])
    .filter((node) => node.getClientRects().length > 0);

const TABS = ['Queue', 'Hidden', 'Spam', 'Published', 'Threads', 'Owner', 'Deliveries'];
/** Tabs without message lists, so without "Select all". */
const UNLISTED = ['Threads', 'Owner', 'Deliveries'];

describe('<parley-admin> on a phone', function (this: { timeout(ms: number): void }) {
  // Long content, every tab, axe: seconds when the machine is busy.
  this.timeout(20_000);
  afterEach(() => setViewport({ width: 390, height: 844 }));

  for (const width of [390, 320]) {
    it(`fits ${width} px in every tab, long titles, words, URLs and reports included`, async () => {
      await setViewport({ width, height: 800 });
      serveLong();
      const el = await signedIn();
      for (const tab of TABS) {
        await openTab(el, tab);
        if (!UNLISTED.includes(tab)) {
          // With the bulk bar showing a selection, too.
          $<HTMLInputElement>(el, '#select-all').click();
          await el.updateComplete;
        }
        expect(overflow(el), `${tab} overflows at ${width} px`).to.be.at.most(0);
        // Every tab in sight: the row wraps, it does not scroll sideways.
        for (const t of $$(el, '[role=tab]'))
          expect(t.getBoundingClientRect().right, `tab ${t.id}`).to.be.at.most(innerWidth);
        const tablist = $(el, '[role=tablist]');
        expect(tablist.scrollWidth).to.be.at.most(tablist.clientWidth);
        for (const name of ['Refresh', 'Sign out']) {
          const rect = button(el, name).getBoundingClientRect();
          expect(rect.left, name).to.be.at.least(0);
          expect(rect.right, name).to.be.at.most(innerWidth);
        }
      }
    });
  }

  it('wraps a long thread title where it shows, so all of it can be read', async () => {
    await setViewport({ width: 320, height: 800 });
    serveLong();
    const el = await signedIn();
    const where = row(el, 'pending', 2).querySelector<HTMLElement>('.thread-name')!;
    expect(where.textContent).to.equal(TITLE);
    expect(where.getBoundingClientRect().right).to.be.at.most(innerWidth);
    await openTab(el, 'Threads');
    const heading = $(el, '#panel-threads h3');
    expect(heading.textContent).to.equal(TITLE);
    expect(heading.getClientRects().length).to.be.at.least(1);
    expect(heading.getBoundingClientRect().height).to.be.above(40);
    expect(heading.getBoundingClientRect().right).to.be.at.most(innerWidth);
  });

  it('gives every control a touch target of at least 44 px, in every tab', async () => {
    expect(matchMedia('(pointer: coarse)').matches).to.equal(true);
    serveLong();
    const el = await signedIn();
    for (const tab of TABS) {
      await openTab(el, tab);
      if (!UNLISTED.includes(tab)) {
        $<HTMLInputElement>(el, '#select-all').click();
        await el.updateComplete;
      }
      for (const node of controls(el)) {
        const rect = node.getBoundingClientRect();
        const name = `${tab}: ${node.localName}.${node.className} ${node.textContent?.trim().slice(0, 30)}`;
        expect(rect.height, name).to.be.at.least(44);
        if (node.localName === 'button' || node.classList.contains('pick'))
          expect(rect.width, name).to.be.at.least(44);
      }
    }
  });

  it('shows Delete as a danger, not as a disabled button', async () => {
    serveLong();
    const el = await signedIn();
    const del = button(row(el, 'pending', 2), 'Delete');
    const approve = button(row(el, 'pending', 2), 'Approve');
    const style = getComputedStyle(del);
    expect(del.disabled).to.equal(false);
    expect(style.opacity).to.equal('1');
    // The danger colour, as the page's --parley-danger gives it, on text and border.
    const probe = document.createElement('span');
    probe.style.color = getComputedStyle(el).getPropertyValue('--parley-danger');
    document.body.append(probe);
    const danger = getComputedStyle(probe).color;
    probe.remove();
    expect(style.color).to.equal(danger);
    expect(style.borderTopColor).to.equal(danger);
    expect(style.color).not.to.equal(getComputedStyle(approve).color);
  });

  it('passes an accessibility audit in the phone layout, with a selection and the delete confirmation', async () => {
    serveLong();
    const el = await signedIn();
    await expect(el).to.be.accessible();
    $<HTMLInputElement>(el, '#select-all').click();
    await el.updateComplete;
    button(el, 'Delete, 3 selected').click();
    await waitUntil(() => $(el, '#bulk-confirm'));
    await expect(el).to.be.accessible();
  });
});
