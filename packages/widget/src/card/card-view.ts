/**
 * The markup of a thread's card, shared by `<parley-card>` and the cards of
 * `<parley-threads>`: title (a link to the thread's page when it has an
 * http(s) `url`), summary, the thread's stats line (messages, highlights, last
 * activity, relative) and its status.
 */
import type { Thread } from '@parley/server/wire';
import { html, nothing } from 'lit';
import type { IndexStrings } from '../i18n/en-index.js';
import { httpUrl } from '../listing/http-url.js';
import { statsLine } from '../thread/stats-line.js';

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
  const title = thread.title || t.untitled;
  // Lit binds any scheme into href: a thread's url is user input, and could be javascript:.
  const link = httpUrl(thread.url);
  return html`<article part="card" class="card" dir=${dir}>
    <h2 part="title" dir="auto">${link ? html`<a part="link" href=${link.href}>${title}</a>` : title}</h2>
    ${thread.summary ? html`<p part="summary" dir="auto">${thread.summary}</p>` : nothing}
    ${statsLine(t, locale, thread, now, 'long')}
  </article>`;
}
