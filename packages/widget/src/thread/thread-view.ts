/**
 * The markup of `<parley-thread>`'s thread, as functions of what the element
 * decides (its state stays in the element): the font probe of its loading
 * state, the header, and the list of messages (the opening post and nested
 * replies, or the highlights). They read the element's `ThreadHost`.
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { fill, num, plural, relative } from '../i18n/format.js';
import type { MessageTree, ReplyNode } from './message-tree.js';
import type { ThreadActions } from './thread-actions.js';
import type { ThreadHost } from './thread-host.js';

/**
 * Text in each face and size the thread uses, laid out (unseen) while the
 * thread is on the network. The first layout of a face, a size or a character
 * the page's font lacks (the stats line's icons) asks the browser for the font,
 * a synchronous round trip per lookup in Chromium: a dozen of them made the
 * thread's first layout one of its longest tasks. Made here, they overlap the
 * request instead. The probe reuses the thread's own selectors, so it follows
 * the styles (and the page's ::part rules) it stands in for.
 */
export const fontProbe = html`<div class="vh" aria-hidden="true">
  <h2>A</h2><p part="stats">💬⭐🕐·</p>
  <div class="meta"><h3 part="author">A</h3><span class="badge">A</span><span class="star">★</span><span>A</span></div>
  <div part="body"><p>A<em>A</em><strong>A</strong><code>A</code></p><pre><code>A</code></pre></div>
</div>`;

/**
 * Back link, title, summary, stats, status and the "All" / "Highlights"
 * toggle, with the actions chunk's sort control; `now` is what relative times count from.
 */
export function renderHeader(
  { el, t, locale, thread, page }: ThreadHost,
  now: number,
  highlightsOnly: boolean,
  showHighlightsOnly: (on: boolean) => void,
  actions?: ThreadActions,
) {
  const { backHref, backLabel } = el;
  const title = thread?.title || page.title;
  const closed = thread?.status === 'closed';
  const viewButton = (on: boolean, label: string) =>
    html`<button part="button" aria-pressed=${highlightsOnly === on} @click=${() => showHighlightsOnly(on)}>${label}</button>`;
  return html`<header part="header">
        ${backHref ? html`<a part="back-link" class="back" href=${backHref}>${backLabel || t.back}</a>` : nothing}
        ${title ? html`<h2 part="title">${title}</h2>` : nothing}
        ${thread?.summary ? html`<p part="summary">${thread.summary}</p>` : nothing}
        ${
          thread
            ? html`<p part="stats"><span role="img" aria-label=${t.messagesIcon}>💬</span> ${plural(locale, t.messages, thread.messageCount)} <span aria-hidden="true">·</span> <span role="img" aria-label=${t.highlightsIcon}>⭐</span> ${plural(locale, t.highlights, thread.highlightCount)} <span aria-hidden="true">·</span> <span role="img" aria-label=${t.activityIcon}>🕐</span> <time datetime=${thread.lastActivityAt}>${relative(locale, thread.lastActivityAt, now, 'narrow')}</time></p>
              <p part="status" class=${closed ? 'closed' : ''}><span class="dot"></span>${closed ? t.closed : t.open}</p>
              <div part="view" role="group" aria-label=${t.view}>
                ${viewButton(false, t.all)}${viewButton(true, fill(t.highlightsTab, { n: num(locale, thread.highlightCount) }))}
                ${actions?.sortControl()}
              </div>`
            : nothing
        }
      </header>`;
}

/**
 * The opening post and the nested replies of `tree`, or the `highlighted`
 * messages in the highlights view; an empty state when there are none.
 * `target` is the id the page's hash names, and the first `withActions` messages in reading order
 * have their `actions`, once that chunk is in.
 */
export function renderMessages(
  { t, locale, pending }: ThreadHost,
  now: number,
  tree: MessageTree,
  highlighted: Message[] | null,
  target: number | null,
  actions: ThreadActions | undefined,
  withActions: number,
) {
  /** A message; `order` is its place in reading order, which decides whether its actions are in yet. */
  const message = (m: Message, order: number, replyTo?: string) => {
    const opening = m === tree.opening;
    return html`<article
      id="parley-${m.id}"
      part="message${opening ? ' message-opening' : ''}${target === m.id ? ' target' : ''}"
      class=${m.highlighted ? 'highlighted' : ''}
      aria-labelledby=${m.deleted ? nothing : `parley-a-${m.id}`}
    >
      ${
        // A placeholder keeps its replies in place; nothing of the deleted message remains.
        m.deleted
          ? html`<p class="gone">${t.deleted}</p>`
          : html`<div class="meta">
                <h3 id="parley-a-${m.id}" part="author">${m.author.name}</h3>
                ${m.author.role === 'owner' ? html`<span class="badge">${t.owner}</span>` : nothing}
                ${m.highlighted ? html`<span class="star" role="img" aria-label=${t.highlighted}>★</span>` : nothing}
                ${replyTo ? html`<span>${fill(t.inReplyTo, { name: replyTo })}</span>` : nothing}
                <a part="time" href="#parley-${m.id}"
                  ><time datetime=${m.createdAt}
                    >${relative(locale, m.createdAt, now, 'long')}</time
                  ></a
                >
                ${m.editedAt ? html`<span>· ${t.edited}</span>` : nothing}
                ${pending.has(m.id) ? html`<span class="pending">${t.pending}</span>` : nothing}
              </div>
              ${actions?.editing === m.id ? nothing : html`<div part="body" class="body" .innerHTML=${m.html}></div>`}
              ${
                // An empty row holds the actions' place while their code loads.
                actions && order < withActions
                  ? actions.actions(m, opening)
                  : html`<div class="actions"></div>`
              }`
      }
    </article>`;
  };
  const replies = (nodes: ReplyNode[]): unknown =>
    nodes.map(
      (node) =>
        html`<li>${message(node.message, node.order, node.replyTo)}${
          node.replies.length ? html`<ol>${replies(node.replies)}</ol>` : nothing
        }</li>`,
    );
  if (highlighted)
    return highlighted.length
      ? html`<ol part="messages" aria-label=${t.highlightsList}>${highlighted.map((m, i) => html`<li>${message(m, i)}</li>`)}</ol>`
      : html`<p class="empty">${t.noHighlights}</p>`;
  const { opening } = tree;
  return html`${opening ? message(opening, 0) : nothing}${
    tree.replies.length
      ? html`<ol part="messages" aria-label=${t.repliesLabel}>${replies(tree.replies)}</ol>`
      : opening
        ? nothing
        : html`<p class="empty">${t.empty}</p>`
  }`;
}
