/**
 * A thread's stats and status lines, as `<parley-thread>`'s header and the index
 * elements' cards draw it: messages, highlights and last activity, each after
 * its icon. One function, so the two cannot drift; the cards' chunks import
 * it from `/widget.js`, where the thread's header needs it anyway.
 */
import type { Thread } from '@parley/server/wire';
import { html } from 'lit';
import type { ReadCatalog } from '../i18n/en.js';
import { plural, relative } from '../i18n/format.js';

/**
 * An icon of the stats line: inline SVG in the text colour, one text high,
 * named by `label` (emoji would need a font the reader may not have), drawn
 * by `d`, one outline path (the message bubble, the star, the clock).
 */
const icon = (label: string, d: string) =>
  html`<svg role="img" aria-label=${label} viewBox="0 0 16 16"><path d=${d} /></svg>`;

/**
 * The `<p part="stats">` of `thread` in `t`'s words, numbers in `locale`, its
 * last activity relative to `now` in `style` (`narrow` in the thread's
 * header, "1h ago"; `long` on a card, "1 hour ago"), then its
 * `<p part="status">` (in progress or closed, after the status dot).
 */
export const statsLine = (
  t: ReadCatalog,
  locale: string,
  thread: Thread,
  now: number,
  style: Intl.RelativeTimeFormatStyle,
) => {
  const closed = thread.status === 'closed';
  return html`<p part="stats">${icon(t.messagesIcon, 'M2 3h12v8H7l-4 3v-3H2z')} ${plural(locale, t.messages, thread.messageCount)} <span aria-hidden="true">·</span> ${icon(t.highlightsIcon, 'M8 1l2 4.5 5 .5-3.8 3.4 1.1 4.9L8 11.8l-4.3 2.5 1.1-4.9L1 6l5-.5z')} ${plural(locale, t.highlights, thread.highlightCount)} <span aria-hidden="true">·</span> ${icon(t.activityIcon, 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 1 0 0-13M8 4v4l3 2')} <time datetime=${thread.lastActivityAt}>${relative(locale, thread.lastActivityAt, now, style)}</time></p>
  <p part="status" class=${closed ? 'closed' : ''}><span class="dot"></span>${closed ? t.closed : t.open}</p>`;
};
