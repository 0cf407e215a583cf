/**
 * The reader's display settings: forced colours (Windows high contrast), where
 * the browser paints every background as Canvas, so what a background alone
 * showed must show by a system colour, a border or an outline; and reduced
 * motion, where the skeleton and the fade of a revealed message stand still.
 */
import { expect, fixture, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  hang,
  makeMessage,
  mount,
  opening,
  route,
  SERVER,
  serveThread,
  text,
  threadPath,
  uniqueKey,
} from './test-support.js';

/** What `colour` (a system colour) computes to on this page, for comparison. */
function system(colour: string) {
  const probe = document.createElement('i');
  probe.style.color = colour;
  document.body.append(probe);
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value;
}
const style = (node: Element) => getComputedStyle(node);
/** A computed colour as RGBA (alpha 0..1), whatever form the browser writes it in. */
const pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
function rgba(color: string): number[] {
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = color;
  pixel.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = pixel.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!, Math.round((a! / 255) * 100) / 100];
}
const active = (el: ParleyThread) => el.shadowRoot!.activeElement as HTMLElement | null;

const messages = [
  opening,
  makeMessage(2, { highlighted: true }),
  makeMessage(3),
  makeMessage(4, { highlighted: true }),
];

describe('<parley-thread> in forced colours', () => {
  beforeEach(() => emulateMedia({ forcedColors: 'active' }));
  afterEach(async () => {
    history.replaceState(null, '', location.pathname + location.search);
    await emulateMedia({ forcedColors: 'none' });
  });

  it('keeps the status dot, highlights, the target, the pressed toggle and the owner badge visible', async () => {
    history.replaceState(null, '', `${location.pathname}${location.search}#parley-3`);
    const k = uniqueKey();
    serveThread(k, { highlightCount: 2 }, messages);
    const el = await mount({ thread: k });
    const canvas = system('Canvas');

    // The dot is a background only: it keeps the text's system colour.
    expect(style($(el, '.dot')).backgroundColor).to.equal(system('CanvasText'));
    expect(style($(el, '.dot')).backgroundColor).to.not.equal(canvas);

    // A highlight was a faint background: now an outline.
    const highlighted = style($(el, '#parley-2'));
    expect(highlighted.outlineStyle).to.equal('dashed');
    expect(highlighted.outlineColor).to.equal(system('CanvasText'));
    expect(style($(el, '#parley-3')).outlineColor, 'the target').to.equal(system('Highlight'));

    // The pressed toggle stands out from the one beside it.
    const [all, highlights] = $$(el, '[part~=view] > button');
    expect(all!.getAttribute('aria-pressed')).to.equal('true');
    expect(style(all!).backgroundColor).to.equal(system('Highlight'));
    expect(style(all!).color).to.equal(system('HighlightText'));
    expect(style(highlights!).backgroundColor).to.not.equal(system('Highlight'));

    // The badge was white on the accent: it keeps a border round its text.
    const badge = style($(el, '#parley-1 .badge'));
    expect(text($(el, '#parley-1 .badge'))).to.equal('Author');
    expect([badge.borderTopStyle, badge.borderTopWidth]).to.deep.equal(['solid', '1px']);
  });

  it('shows a closed thread’s dot in the text’s colour, muted', async () => {
    const k = uniqueKey();
    serveThread(k, { status: 'closed' }, messages);
    const el = await mount({ thread: k });
    const dot = rgba(style($(el, '.dot')).backgroundColor);
    const ink = rgba(system('CanvasText'));
    expect(dot.slice(0, 3)).to.deep.equal(ink.slice(0, 3));
    expect(dot[3]).to.be.within(0.6, 0.7);
  });

  it('rings the focused control in Highlight, 2 px solid', async () => {
    const k = uniqueKey();
    serveThread(k, {}, messages);
    const el = await mount({ thread: k });
    // From the keyboard, so the ring is the one :focus-visible draws: the skip link first.
    const before = document.createElement('button');
    before.textContent = 'Before';
    el.before(before);
    before.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await waitUntil(() => active(el)?.matches('[part~=view] > button'), 'on the view toggle');
    const ring = style(active(el)!);
    expect([ring.outlineStyle, ring.outlineWidth]).to.deep.equal(['solid', '2px']);
    expect(ring.outlineColor).to.equal(system('Highlight'));
    before.remove();
  });
});

describe('<parley-thread> with reduced motion', () => {
  afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

  for (const reducedMotion of ['no-preference', 'reduce'] as const)
    it(`${reducedMotion === 'reduce' ? 'stills' : 'animates'} the skeleton and the fade of a marked message (${reducedMotion})`, async () => {
      await emulateMedia({ reducedMotion });
      const k = uniqueKey();
      route('GET', threadPath(k), hang);
      const loading = document.createElement('parley-thread');
      loading.setAttribute('server', SERVER);
      loading.setAttribute('thread', k);
      await fixture(loading);
      await waitUntil(() => $(loading, '.skeleton i'), 'the skeleton');
      const pulse = style($(loading, '.skeleton i'));
      const k2 = uniqueKey();
      serveThread(k2, {}, messages);
      const el = await mount({ thread: k2 });
      const fade = style($(el, '#parley-2'));
      if (reducedMotion === 'reduce') {
        expect(pulse.animationName).to.equal('none');
        expect(fade.transitionDuration).to.equal('0s');
      } else {
        expect(pulse.animationName).to.equal('pulse');
        expect(fade.transitionProperty).to.equal('background-color');
        expect(fade.transitionDuration).to.equal('0.6s');
      }
      loading.remove();
    });
});
