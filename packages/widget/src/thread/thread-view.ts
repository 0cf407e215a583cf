/**
 * The markup of `<parley-thread>`'s thread, as functions of what the element
 * decides (its state stays in the element): the font probe of its loading
 * state, the header, and the list of messages (the opening post and nested
 * replies, or the highlights). They read the element's `ThreadHost`.
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { fill, num, relative } from '../i18n/format.js';
import type * as LongThread from './long-thread.js';
import type { MessageTree, ReplyNode } from './message-tree.js';
import type { ReplyState } from './reply-list.js';
import { statsLine } from './stats-line.js';
import type { ThreadActions } from './thread-actions.js';
import type { ThreadHost } from './thread-host.js';

/** What the element decided to show (made afresh by each `willUpdate`), for the views. */
export interface ThreadView {
  /** What relative times count from. */
  now: number;
  /** The replies as listed, within the batch. */
  tree: MessageTree;
  /** In the highlights view, the messages it lists; null in the full view. */
  highlighted: Message[] | null;
  /** The actions chunk, once in (the sort control is its). */
  actions: ThreadActions | undefined;
  /** The first `withActions` messages in reading order have their actions, once that chunk is in. */
  withActions: number;
  state: ReplyState;
  /** `long-thread.ts`, once in: it renders what only its reads bring (gaps within the list, notices). */
  long: typeof LongThread | undefined;
  /** Switches between all messages and the highlights. */
  show: (highlightsOnly: boolean) => void;
  /** Runs a part of `long-thread.ts` on `state`: a gap's page (`i`), a linked message, highlights, the skip link, keeping a linked message in view. */
  read: <K extends 'loadGap' | 'loadAt' | 'loadHighlights' | 'skip' | 'keepInView'>(
    name: K,
    arg?: Parameters<(typeof LongThread)[K]>[2],
  ) => void;
}

/**
 * Back link, title, summary (with a note when the server wrote it), stats,
 * status (with the live note and a missing message's notice under it) and
 * the "All" / "Highlights" toggle.
 */
function renderHeader(
  { el, t, locale, thread, page, liveNote }: ThreadHost,
  { now, highlighted, show, state, long, actions }: ThreadView,
) {
  const { backHref, backLabel } = el;
  const title = thread?.title || page.title;
  const viewButton = (on: boolean, label: string) =>
    html`<button part="button" aria-pressed=${!highlighted === !on} @click=${() => show(on)}>${label}</button>`;
  return html`<header part="header">
        ${backHref ? html`<a part="back-link" class="back" href=${backHref}>${backLabel || t.back}</a>` : nothing}
        ${title ? html`<h2 part="title" dir="auto">${title}</h2>` : nothing}
        ${
          // Whether a moderator wrote the summary or the server made it: the reader is told the latter.
          thread?.summary
            ? html`<p part="summary" dir="auto">${thread.summary}${
                thread.summarySource === 'automatic'
                  ? html` <span part="summary-source">${t.summarizedAutomatically}</span>`
                  : nothing
              }</p>`
            : nothing
        }
        ${thread ? statsLine(t, locale, thread, now, 'narrow') : nothing}
        ${long?.notes(t, state, liveNote)}
        ${
          thread
            ? html`<div part="view" role="group" aria-label=${t.view}>
                ${viewButton(false, t.all)}${viewButton(true, fill(t.highlightsTab, { n: num(locale, thread.highlightCount) }))}
                ${actions?.sortControl()}
              </div>`
            : nothing
        }
      </header>`;
}

/*
 * What readers wrote (titles, names, bodies) takes its own direction
 * (`dir="auto"`): an English reply in a Hebrew thread reads left to right,
 * and the other way round, whatever the thread's language.
 */

/**
 * The opening post and the nested replies, with a button in the place of each
 * gap ("N earlier replies"; the last one, "Load more replies", after the
 * list), or the highlighted messages in the highlights view (with "Load more
 * highlights" when the server has more); an empty state when there are none.
 */
function renderMessages({ t, locale }: ThreadHost, view: ThreadView) {
  const { now, tree, highlighted, actions, withActions, state, read, long } = view;
  const { runs } = state.list;
  /** A message; `order` is its place in reading order, which decides whether its actions are in yet. */
  const message = (m: Message, order: number, replyTo?: string, away?: number) => {
    const opening = m === tree.opening;
    return html`<article id="parley-${m.id}" part="message${opening ? ' message-opening' : ''}${state.target === m.id ? ' target' : ''}${state.fresh === m.id ? ' fresh' : ''}" class=${m.highlighted ? 'highlighted' : ''} aria-labelledby=${m.deleted ? nothing : `parley-a-${m.id}`}>
      ${
        // A placeholder keeps its replies in place; nothing of the deleted message remains.
        m.deleted
          ? html`<p class="gone">${t.deleted}</p>`
          : html`<div class="meta">
                <h3 id="parley-a-${m.id}" part="author" dir="auto">${m.author.name}</h3>
                ${m.author.role === 'owner' ? html`<span class="badge">${t.owner}</span>` : nothing}
                ${m.highlighted ? html`<span class="star" role="img" aria-label=${t.highlighted}>★</span>` : nothing}
                ${replyTo ? html`<span>${fill(t.inReplyTo, { name: replyTo })}</span>` : nothing}
                ${away && long ? long.earlier(t, away) : nothing}
                <a part="time" href="#parley-${m.id}"><time datetime=${m.createdAt}>${relative(locale, m.createdAt, now, 'long')}</time></a>
                ${m.editedAt ? html`<span>· ${t.edited}</span>` : nothing}
                ${actions?.pendingMark(m)}
              </div>
              ${actions?.editing === m.id ? nothing : html`<div part="body" class="body" dir="auto" .innerHTML=${m.html}></div>`}
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
        html`<li>${message(node.message, node.order, node.replyTo, node.away)}${
          node.replies.length ? html`<ol>${replies(node.replies)}</ol>` : nothing
        }</li>`,
    );
  const { opening } = tree;
  const last = runs.length - 1;
  const gap = runs[last]!.gap;
  // The highlights view shows once long-thread.ts is in (the toggle loads it).
  if (highlighted) return long?.highlightList(t, highlighted, state, read, message);
  return html`${opening ? message(opening, 0) : nothing}${
    tree.replies.length
      ? html`<ol part="messages" aria-label=${t.repliesLabel}>${
          // Gaps within the list come only from long-thread.ts, which renders them.
          last && long ? long.withGaps(locale, t, view, replies) : replies(tree.replies)
        }</ol>`
      : opening || gap
        ? nothing
        : html`<p class="empty">${t.empty}</p>`
  }${
    // Busy while it loads: aria-disabled, not disabled, so it keeps the focus.
    gap
      ? html`<button part="button load-more" aria-disabled=${state.busy?.cursor === gap.cursor} @click=${() => read('loadGap', last)}>${t.loadMore}</button>`
      : nothing
  }`;
}

/**
 * The thread once read: the skip link (not on a closed thread, which has no
 * form to skip to), the header, the messages, then the form, or where it would
 * be, the closed notice. Before the actions chunk is in, a placeholder of the
 * form's size holds its place, so nothing below it moves.
 */
export function renderThread(host: ThreadHost, view: ThreadView) {
  const { t, thread } = host;
  const { actions, read } = view;
  const closed = thread?.status === 'closed';
  return html`${
    closed
      ? nothing
      : html`<a part="skip-link" class="skip" href="#parley-form" @click=${(e: Event) => {
          e.preventDefault();
          read('skip');
        }}>${t.skip}</a>`
  }
      ${renderHeader(host, view)}
      ${renderMessages(host, view)}
      ${closed ? html`<p part="closed-notice" class="empty">${t.closedNotice}</p>` : nothing}
      ${
        actions
          ? actions.form(closed)
          : closed
            ? nothing
            : html`<form id="parley-form" part="form" class="shell" aria-busy="true"><h3>${t.formTitle}</h3></form>`
      }`;
}
