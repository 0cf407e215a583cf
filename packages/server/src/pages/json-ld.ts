/**
 * The thread as schema.org JSON-LD, as search engines document discussion
 * markup (Google Search Central, "Discussion forum (DiscussionForumPosting)
 * structured data"): one `DiscussionForumPosting` (the thread: its title,
 * opening post, author, dates and reply count) with the page's replies as
 * nested `Comment`s, each with `author`, `datePublished`, `text`, `url` and
 * its own reply count. Later pages repeat the posting with the url of the
 * thread's main page and carry their own comments, as the same docs advise
 * for multi-page threads.
 *
 * Only what the page shows: a deleted placeholder has no comment of its own
 * (its replies join its nearest shown ancestor, or the posting), and held,
 * hidden and spam messages never reach here at all. Highlights are a
 * moderator's pick, not readers' likes, so there is no `LikeAction` count.
 */
import type { Message, Thread } from '../wire.ts';
import type { ShownMessage } from './thread-markup.ts';

const COMMENT_ACTION = 'https://schema.org/CommentAction';

/** What the posting is built from. */
export interface PostingInput {
  thread: Thread;
  /** The thread's main URL: the blog page when it has one, else page 1 here. */
  url: string;
  /** The opening post, on whichever page this is (deleted: a placeholder), if the thread has one. */
  opening: Message | undefined;
  /** This page's replies in reading order (no opening post). */
  replies: readonly ShownMessage[];
  /** Published replies nested under each message, over the whole thread (see `PagePlan`). */
  replyCount: ReadonlyMap<number, number>;
  /** The text of a message's HTML ({@link htmlToText}), computed once per render by the caller. */
  textOf: (message: Message) => string;
  /** The absolute URL of a message (`…#parley-<id>`). */
  messageUrl: (id: number) => string;
}

type Node = Record<string, unknown>;

/** An `InteractionCounter` of comments (replies). */
function comments(count: number): Node {
  return {
    '@type': 'InteractionCounter',
    interactionType: COMMENT_ACTION,
    userInteractionCount: count,
  };
}

/**
 * Who the posting is by when there is no opening post to name a person: the
 * site the discussion is on, as an `Organization` named by its host (the
 * blog's when the thread has a url). Google accepts a Person or an
 * Organization as author; naming a person who did not write it would be false.
 */
function siteAuthor(url: string): Node {
  const site = URL.parse(url);
  return site
    ? { '@type': 'Organization', name: site.host, url: site.origin }
    : { '@type': 'Organization', name: 'Parley' };
}

/** The `DiscussionForumPosting` of one page. */
export function discussionPosting(input: PostingInput): Node {
  const { thread, opening, replyCount } = input;
  const shownOpening = opening && !opening.deleted ? opening : undefined;
  const posting: Node = {
    '@context': 'https://schema.org',
    '@type': 'DiscussionForumPosting',
    headline: thread.title || thread.key,
    url: input.url,
    datePublished: opening?.createdAt ?? thread.createdAt,
    ...(shownOpening?.editedAt ? { dateModified: shownOpening.editedAt } : {}),
    text:
      (shownOpening && input.textOf(shownOpening)) || thread.summary || thread.title || thread.key,
    author: shownOpening
      ? { '@type': 'Person', name: shownOpening.author.name }
      : siteAuthor(input.url),
    interactionStatistic: comments(thread.messageCount - (shownOpening ? 1 : 0)),
  };
  const top: Node[] = [];
  // Where a message's replies go: its own `comment` list, or for a deleted
  // placeholder the list it would have been in.
  const repliesOf = new Map<number, Node[]>();
  for (const { message: m, placed } of input.replies) {
    // Nested under the message it answers when that is on this page (the
    // page lists replies past MAX_DEPTH flat; here they nest truly), so each
    // count says how many comments are nested; a continuation goes on top.
    const parent = placed.under === null ? null : (placed.answers ?? placed.under);
    const into = parent === null ? top : (repliesOf.get(parent) ?? top);
    if (m.deleted) {
      repliesOf.set(m.id, into);
      continue;
    }
    const below: Node[] = [];
    repliesOf.set(m.id, below);
    const comment: Node = {
      '@type': 'Comment',
      author: { '@type': 'Person', name: m.author.name },
      datePublished: m.createdAt,
      ...(m.editedAt ? { dateModified: m.editedAt } : {}),
      text: input.textOf(m),
      url: input.messageUrl(m.id),
      interactionStatistic: comments(replyCount.get(m.id) ?? 0),
      comment: below,
    };
    into.push(comment);
  }
  // Empty lists say nothing: drop them (after the walk, which filled them in place).
  const prune = (nodes: Node[]) => {
    for (const node of nodes) {
      const below = node.comment as Node[];
      if (below.length === 0) delete node.comment;
    }
  };
  for (const list of new Set([top, ...repliesOf.values()])) prune(list);
  if (top.length > 0) posting.comment = top;
  return posting;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text of a message's sanitized HTML, for `text`: tags dropped, block
 * ends and line breaks as line breaks, entities decoded. The sanitizer's
 * output is regular (markdown-it's, then sanitize-html's), so no parser is
 * needed; what comes out is data inside JSON, never markup.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|blockquote|pre|ul|ol)>|<hr\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity;
      const code =
        name[1] === 'x' || name[1] === 'X'
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    });
  return tidyLines(text);
}

/** Whether `c` is a space or a tab (what {@link tidyLines} trims from lines). */
const isBlank = (c: number) => c === 0x20 || c === 0x09;

/**
 * `text` with each line's spaces and tabs trimmed, runs of blank lines
 * cut to one and the ends trimmed. By hand, in one pass: a regex such as
 * `[ \t]*\n` retries at every space of a long run without a newline, which
 * made a page of 100 such messages take seconds (the server waited for it).
 */
function tidyLines(text: string): string {
  const out: string[] = [];
  let blanks = 0;
  for (const line of text.split('\n')) {
    let from = 0;
    let to = line.length;
    while (from < to && isBlank(line.charCodeAt(from))) from++;
    while (to > from && isBlank(line.charCodeAt(to - 1))) to--;
    if (from === to) {
      blanks++;
      continue;
    }
    // Between two lines: a line break, or a paragraph break for any blank lines.
    if (out.length > 0) out.push(blanks > 0 ? '\n\n' : '\n');
    out.push(line.slice(from, to));
    blanks = 0;
  }
  return out.join('').trim();
}

/**
 * The JSON-LD as a `<script type="application/ld+json">` element. JSON may
 * hold `</script>` in any string (a title, a name); with `<`, `>` and `&`
 * written as `\u003c`-style escapes no string can end the element or open a
 * comment, and the JSON means exactly the same. A data block: browsers never
 * run it, so the page's `script-src 'none'` does not stop it.
 */
export function jsonLdScript(data: unknown): string {
  const json = JSON.stringify(data).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<script type="application/ld+json">${json}</script>`;
}
