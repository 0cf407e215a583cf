/**
 * The discussion as HTML, shared by the page (`GET /threads/:key`) and the
 * fragment (`GET /threads/:key/fragment`): title, summary, stats line,
 * status, the opening post, the replies nested under their parents, and the
 * links between pages. Built as a string with one escape function: every
 * name, title, summary, key and URL goes through {@link escapeHtml}; the only
 * markup not built here is a message's stored HTML, sanitized when it was
 * written (markdown/render.ts). Nothing in it runs or loads anything.
 *
 * Its classes (`parley-*`) and ids (`parley-<message id>`, the anchors mail
 * and the widget link to) are what a blog may style and link; they are
 * documented in docs/pages.md.
 */
import { escapeHtml } from '../http/html.ts';
import type { Message, Thread } from '../wire.ts';
import { MAX_DEPTH, type PlacedMessage } from './page-plan.ts';
import { absoluteTime, fill, plural, pageStrings as t } from './page-strings.ts';

/** A message of the page with where it is shown. */
export interface ShownMessage {
  placed: PlacedMessage;
  message: Message;
}

/** What one page of the discussion shows. */
export interface DiscussionView {
  thread: Thread;
  /** The page's messages in reading order, the opening post (page 1 only) first. */
  messages: readonly ShownMessage[];
  /** Messages answered by a reply not nested under them (flat, or on another page): name and link. */
  answered: ReadonlyMap<number, { name: string | null; href: string }>;
  /** This page (1-based) and how many there are. */
  page: number;
  pages: number;
  /** The absolute URL of page `n` of this thread. */
  pageUrl: (n: number) => string;
  /**
   * The discussion's language when it is not the page's (`en`), for `lang`
   * on what people wrote (title, summary, message bodies); the words around
   * them stay in the page's language.
   */
  lang: string | undefined;
  /** Put last inside the section, if any: the JSON-LD `<script>` data block. */
  jsonLd?: string;
}

/** An icon of the stats line: the seed's emoji, named for screen readers. */
const icon = (emoji: string, label: string) =>
  `<span class="parley-icon" role="img" aria-label="${escapeHtml(label)}">${emoji}</span>`;

const DOT = '<span aria-hidden="true">·</span>';

function timeElement(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(absoluteTime(iso))}</time>`;
}

/** ` lang="…"` when the discussion's language differs from the page's. */
const langAttr = (lang: string | undefined) => (lang ? ` lang="${escapeHtml(lang)}"` : '');

/** The summary, with the widget's note after an automatic one (the server wrote it, not a moderator). */
function renderSummary(thread: Thread, lang: string | undefined): string {
  if (!thread.summary) return '';
  const note =
    thread.summarySource === 'automatic'
      ? ` <span class="parley-summary-source">${escapeHtml(t.summarizedAutomatically)}</span>`
      : '';
  const summary = escapeHtml(thread.summary);
  return `<p class="parley-summary">${lang ? `<span${langAttr(lang)}>${summary}</span>` : summary}${note}</p>\n`;
}

/** The header: title, summary, stats line and status. */
function renderHeader(thread: Thread, level: 1 | 2, lang: string | undefined): string {
  const title = thread.title || thread.key;
  const closed = thread.status === 'closed';
  return `<header class="parley-header">
<h${level} id="parley-title" class="parley-title"${thread.title ? langAttr(lang) : ''}>${escapeHtml(title)}</h${level}>
${renderSummary(thread, lang)}<p class="parley-stats">${icon('💬', t.messagesIcon)} ${escapeHtml(plural(t.messages, thread.messageCount))} ${DOT} ${icon('⭐', t.highlightsIcon)} ${escapeHtml(plural(t.highlights, thread.highlightCount))} ${DOT} ${icon('🕐', t.activityIcon)} ${timeElement(thread.lastActivityAt)}</p>
<p class="parley-status${closed ? ' parley-closed' : ''}">${escapeHtml(closed ? t.closed : t.open)}</p>
</header>`;
}

/** One message as an `<article>`; a deleted placeholder shows nothing of it. */
function renderMessage(view: DiscussionView, shown: ShownMessage, authorLevel: number): string {
  const { message: m, placed } = shown;
  const id = `parley-${m.id}`;
  const opening = placed.depth === 0;
  if (m.deleted) {
    return `<article id="${id}" class="parley-message parley-deleted${opening ? ' parley-opening' : ''}"><p>${escapeHtml(t.deleted)}</p></article>`;
  }
  const classes = [
    'parley-message',
    opening ? 'parley-opening' : '',
    m.highlighted ? 'parley-highlighted' : '',
    m.author.role === 'owner' ? 'parley-by-owner' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const answered = placed.answers === undefined ? undefined : view.answered.get(placed.answers);
  const replyTo = answered
    ? ` <span class="parley-reply-to">${
        answered.name === null
          ? `<a href="${escapeHtml(answered.href)}">${escapeHtml(t.inReplyToDeleted)}</a>`
          : fill(escapeHtml(t.inReplyTo), {
              name: `<a href="${escapeHtml(answered.href)}">${escapeHtml(answered.name)}</a>`,
            })
      }</span>`
    : '';
  return `<article id="${id}" class="${classes}" aria-labelledby="parley-a-${m.id}">
<header class="parley-meta"><h${authorLevel} id="parley-a-${m.id}" class="parley-author">${escapeHtml(m.author.name)}</h${authorLevel}>${
    m.author.role === 'owner' ? ` <span class="parley-badge">${escapeHtml(t.owner)}</span>` : ''
  }${
    m.highlighted ? ` ${icon('★', t.highlighted).replace('parley-icon', 'parley-star')}` : ''
  }${replyTo} <a class="parley-time" href="#${id}">${timeElement(m.createdAt)}</a>${
    m.editedAt
      ? ` <span class="parley-edited">· <time datetime="${escapeHtml(m.editedAt)}">${escapeHtml(t.edited)}</time></span>`
      : ''
  }</header>
<div class="parley-body"${langAttr(view.lang)}>${m.html}</div>
</article>`;
}

/**
 * The replies as nested lists, from their reading order and depths (see
 * `page-plan.ts`): a list opens when the depth grows by one, closes as it
 * falls. A loop, not recursion: depth never exceeds MAX_DEPTH anyway.
 */
function renderReplies(view: DiscussionView, replies: readonly ShownMessage[], level: number) {
  if (replies.length === 0) return '';
  let out = '<ol class="parley-replies">';
  let depth = 0;
  for (const shown of replies) {
    // Never more than one level deeper than the message before (a row deleted
    // between the plan and the read could leave such a gap).
    const d = Math.min(shown.placed.depth, MAX_DEPTH, depth + 1);
    if (depth === 0) out += '<li>';
    else if (d > depth) out += '<ol><li>';
    else out += `</li>${'</ol></li>'.repeat(depth - d)}<li>`;
    out += renderMessage(view, shown, level);
    depth = d;
  }
  return `${out}</li>${'</ol></li>'.repeat(depth - 1)}</ol>`;
}

/** Links to the previous and next page, and where this one is; empty for a one-page thread. */
function renderPager(view: DiscussionView): string {
  if (view.pages <= 1) return '';
  const { page, pages } = view;
  const previous =
    page > 1
      ? `<a rel="prev" href="${escapeHtml(view.pageUrl(page - 1))}">${escapeHtml(t.previous)}</a> `
      : '';
  const next =
    page < pages
      ? ` <a rel="next" href="${escapeHtml(view.pageUrl(page + 1))}">${escapeHtml(t.next)}</a>`
      : '';
  return `<nav class="parley-pages" aria-label="${escapeHtml(t.pagesLabel)}">${previous}<span>${escapeHtml(fill(t.pageOf, { page, pages }))}</span>${next}</nav>`;
}

/**
 * The discussion, with its title at heading level `level` (1 on the page,
 * 2 in the fragment, which sits under the article's own `<h1>`) and each
 * author one level below. One root element, `<section class="parley-thread">`,
 * so the fragment can be placed whole as `<parley-thread>`'s children. It says
 * its own language and direction: its words are English, and it may sit in a
 * page of another (a reader of an Arabic page would otherwise get it laid out
 * right to left and read out with an Arabic voice).
 */
export function renderDiscussion(view: DiscussionView, level: 1 | 2): string {
  const [first] = view.messages;
  const opening = first?.placed.depth === 0 ? first : undefined;
  const replies = opening ? view.messages.slice(1) : view.messages;
  const empty =
    view.messages.length === 0 ? `<p class="parley-empty">${escapeHtml(t.empty)}</p>\n` : '';
  const pager = renderPager(view);
  return `<section class="parley-thread" lang="${t.lang}" dir="ltr" aria-labelledby="parley-title" data-parley-thread="${escapeHtml(view.thread.key)}">
${renderHeader(view.thread, level, view.lang)}
${opening ? `${renderMessage(view, opening, level + 1)}\n` : ''}${renderReplies(view, replies, level + 1)}
${empty}${pager ? `${pager}\n` : ''}${view.jsonLd ? `${view.jsonLd}\n` : ''}</section>`;
}
