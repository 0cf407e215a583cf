/**
 * What a thread's first render needs ready, made while the thread is still
 * on the network: its formatters, and its fonts (`fontProbe`).
 *
 * The formatters are built one per task. A page's first Intl formatter pays for
 * ICU's set-up, 15-50 ms measured in Chromium here, in one call; that set-up
 * splits in two (the locale data, then the set of available locales) and the
 * formatters after it cost a few ms each. So no step is a long task of its
 * own, and none piles onto the render's task.
 *
 * A chunk of its own, fetched beside the thread, so its bytes stay out of the
 * 12 KB `/widget.js`; the thread's first render waits for it (it is small and
 * from the same server as the thread; without the wait, the render would pay
 * for ICU and the fonts in one long task whenever the thread came in first,
 * measured in `bench/first-render.ts`), half a second at most. Should it fail
 * to load or stall, the render builds what it needs itself.
 */
import { html } from 'lit';
import { num, plural, relative } from './format.js';

/** Each locale's warm-up on this page: once, however many threads or loads. */
const warmed = new Map<string, Promise<void>>();

/**
 * Builds `locale`'s formatters, one per task (see the module's doc); settles
 * once all are built. The first step runs in a task after this call.
 */
export function warmUp(locale: string): Promise<void> {
  let done = warmed.get(locale);
  if (!done) {
    const steps = [
      () => new Intl.Locale(locale).maximize(),
      () => Intl.NumberFormat.supportedLocalesOf(locale),
      () => num(locale, 0),
      () => plural(locale, { other: '' }, 0),
      () => relative(locale, '', 0, 'narrow'),
      () => relative(locale, '', 0, 'long'),
    ];
    // Each step is a task of its own, queued by a message rather than a timer:
    // browsers throttle timers in a background tab to about one a second,
    // which would hold a thread opened in one back for six seconds.
    done = new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        steps.shift()!();
        if (steps.length) channel.port2.postMessage(0);
        else {
          channel.port1.close();
          resolve();
        }
      };
      channel.port2.postMessage(0);
    });
    warmed.set(locale, done);
  }
  return done;
}

/**
 * Text in each face and size the thread uses, laid out (unseen) while the
 * thread is on the network. The first layout of a face, a size or a character
 * the page's font lacks asks the browser for the font, a synchronous round
 * trip per lookup in Chromium: a dozen of them made the thread's first layout
 * one of its longest tasks. Made here, they overlap the request instead. The
 * probe reuses the thread's own selectors, so it follows the styles (and the
 * page's ::part rules) it stands in for. The stats line's icons are SVG, so
 * they need no font.
 */
export const fontProbe = html`<div class="vh" aria-hidden="true">
  <h2>A</h2><p part="stats">A·</p>
  <div class="meta"><h3 part="author">A</h3><span class="badge">A</span><span class="star">★</span><span>A</span></div>
  <div part="body" class="body"><p>A<em>A</em><strong>A</strong><code>A</code></p><pre><code>A</code></pre></div>
</div>`;
