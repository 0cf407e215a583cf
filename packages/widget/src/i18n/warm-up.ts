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
 * A chunk of its own, fetched beside the thread: an optimisation, not a need,
 * so its bytes stay out of the 12 KB `/widget.js`. Should the thread be in
 * first, its render builds the formatters and looks the fonts up itself.
 */
import { html } from 'lit';
import { num, plural, relative } from './format.js';

/** Locales warmed up on this page: once each, however many threads or loads. */
const warmed = new Set<string>();

/** Builds `locale`'s formatters, one per task (see the module's doc). */
export function warmUp(locale: string) {
  if (warmed.has(locale)) return;
  warmed.add(locale);
  const steps = [
    () => new Intl.Locale(locale).maximize(),
    () => Intl.NumberFormat.supportedLocalesOf(locale),
    () => num(locale, 0),
    () => plural(locale, { other: '' }, 0),
    () => relative(locale, '', 0, 'narrow'),
    () => relative(locale, '', 0, 'long'),
  ];
  const next = () => {
    steps.shift()!();
    if (steps.length) setTimeout(next);
  };
  next();
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
