/**
 * The markup of a thread's card, shared by `<parley-card>` and the cards of
 * `<parley-threads>`: title (a link to the thread's page when it has a
 * `url`), summary, the thread's stats line (messages, highlights, last
 * activity, relative) and its status.
 */
import type { Thread } from '@parley/server/wire';
import { html, nothing } from 'lit';
import type { IndexStrings } from '../i18n/en-index.js';
import { plural, relative } from '../i18n/format.js';

/**
 * An icon of the stats line, as the thread draws it (`thread-view.ts`): inline
 * SVG in the text colour, one text high, named by `label`. Its own copy: the
 * thread's is in `/widget.js`, and sharing it would cost every page an export.
 */
const icon = (label: string, d: string) =>
  html`<svg role="img" aria-label=${label} viewBox="0 0 16 16"><path d=${d} /></svg>`;

// The stats line's icons, drawn as the thread draws them (thread-view.ts).
const BUBBLE = 'M2 3h12v8H7l-4 3v-3H2z';
const STAR = 'M8 1l2 4.5 5 .5-3.8 3.4 1.1 4.9L8 11.8l-4.3 2.5 1.1-4.9L1 6l5-.5z';
const CLOCK = 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 1 0 0-13M8 4v4l3 2';

/** What a card is rendered with. */
export interface CardContext {
  t: IndexStrings;
  /** BCP 47 locale for `Intl`. */
  locale: string;
  /** What the relative time counts from. */
  now: number;
  dir: 'ltr' | 'rtl';
}

/** A thread's card: an `<article>` named by its title. */
export function renderCard(thread: Thread, { t, locale, now, dir }: CardContext) {
  const closed = thread.status === 'closed';
  const title = thread.title || t.untitled;
  return html`<article part="card" class="card" dir=${dir}>
    <h2 part="title">${thread.url ? html`<a part="link" href=${thread.url}>${title}</a>` : title}</h2>
    ${thread.summary ? html`<p part="summary">${thread.summary}</p>` : nothing}
    <p part="stats">${icon(t.messagesIcon, BUBBLE)} ${plural(locale, t.messages, thread.messageCount)} <span aria-hidden="true">·</span> ${icon(t.highlightsIcon, STAR)} ${plural(locale, t.highlights, thread.highlightCount)} <span aria-hidden="true">·</span> ${icon(t.activityIcon, CLOCK)} <time datetime=${thread.lastActivityAt}>${relative(locale, thread.lastActivityAt, now, 'long')}</time></p>
    <p part="status" class=${closed ? 'closed' : ''}><span class="dot"></span>${closed ? t.closed : t.open}</p>
  </article>`;
}
