/**
 * axe on `<parley-thread>` laid out for a phone (the "phone" group of
 * web-test-runner.config.mjs: 390x844, touch), where its controls grow to
 * 44 px and its lines wrap: reading a long thread, and replying under a
 * message, on a light page and on a dark one, under a light and a dark OS.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { expectAccessible, inBothSchemes } from '../testing/axe.js';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  makeMessage,
  mount,
  opening,
  serveThread,
  text,
  uniqueKey,
} from './test-support.js';

/** axe on `el` on a light page (no `color-scheme`) and a dark one (`color-scheme` said), in each OS scheme. */
async function expectAccessibleEverywhere(el: ParleyThread, state: string) {
  const root = document.documentElement.style;
  try {
    await inBothSchemes(async (os) => {
      for (const page of ['light', 'dark'] as const) {
        root.colorScheme = page === 'light' ? '' : os === 'dark' ? 'light dark' : 'dark';
        root.background = page === 'light' ? '' : '#121212';
        root.color = page === 'light' ? '' : '#e6e6e6';
        await new Promise(requestAnimationFrame);
        await expectAccessible(el, { label: `${state}: ${page} page, ${os} OS` });
      }
    });
  } finally {
    root.colorScheme = root.background = root.color = '';
  }
}

describe('<parley-thread> accessibility on a phone', function (this: {
  timeout(ms: number): void;
}) {
  this.timeout(30_000);

  it('reading a long thread, then replying under a message', async () => {
    expect(matchMedia('(pointer: coarse)').matches, 'a touch screen').to.equal(true);
    const key = uniqueKey();
    serveThread(
      key,
      { messageCount: 30, highlightCount: 1 },
      [
        opening,
        makeMessage(2, {
          highlighted: true,
          html: '<p>See <a href="https://example.com/a/very/long/path/that/wraps/on/a/phone">this</a>.</p><pre><code>const x = 1;</code></pre>',
        }),
        makeMessage(3, { parentId: 2 }),
      ],
      'c2',
    );
    const el = await mount({ thread: key, 'back-href': '/forum' });
    await expectAccessibleEverywhere(el, 'reading');
    $$(el, '#parley-3 button')
      .find((b) => text(b) === 'Reply')!
      .click();
    await waitUntil(() => $(el, '#parley-3 [part~=reply] textarea'), 'the reply box');
    await expectAccessibleEverywhere(el, 'replying');
  });
});
