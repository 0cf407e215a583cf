/**
 * The text of every mail Parley sends: the owner's (one per event, or the
 * hourly digest), a reader's confirmation, a reader's reply mail. Each is
 * plain text plus an HTML part.
 *
 * The HTML is stricter than the widget's: it is read in mail clients, where
 * a remote image is a read receipt and a link is a phishing lure.
 * - Everything is built from escaped text: names, titles, reasons and keys
 *   are text, never markup (`<script>` in a name arrives as those letters).
 * - The message itself is its stored HTML (already rendered from markdown
 *   and sanitized at write time) sanitized again to a tiny allowlist: p, br,
 *   em, strong, code, pre, blockquote, ul, ol, li, and a with an absolute
 *   http(s) href and nothing else (a relative, `//`, `\\`, fragment-only,
 *   query-only or obfuscated href is dropped, its text kept: in a mail there
 *   is no page for it to be relative to). No images, no styles, no classes.
 * - No `<img>`, no stylesheet, nothing fetched: the document loads nothing.
 *   The only links Parley adds are the blog's (the thread, the message), the
 *   /admin page, and its own confirm and unsubscribe URLs.
 * - Subjects are one line: control characters (CR and LF above all) and
 *   bidi controls become spaces, so no name or title can add a header.
 */
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../http/html.ts';
import type { HeldReason, NotifiedMessage, Thread, WebhookEventData } from '../wire.ts';

/** A mail's words: subject, plain text and HTML. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** An event the owner hears of, as a mail delivery carries it. */
export type OwnerNotice =
  | { type: 'message.created'; data: WebhookEventData['message.created'] }
  | { type: 'message.pending'; data: WebhookEventData['message.pending'] }
  | { type: 'message.reported'; data: WebhookEventData['message.reported'] };

/** What a reply mail says: the reply, its thread, and the reader's own message it answers. */
export interface ReplyNotice {
  thread: Thread;
  reply: NotifiedMessage;
  /** The start of the message it answers, as its author wrote it (the text part). */
  parentExcerpt: string;
  /** The message it answers as stored (rendered and sanitized), for the HTML part. */
  parentHtml: string;
}

/** Control characters (CR and LF among them), line and paragraph separators, bidi controls. */
const UNSAFE_IN_LINE = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Text made fit for one header line: everything that could end the line or
 * turn it around becomes a space, white space runs become one, and it is cut
 * to `max` code points. Names come from readers: a subject must not be a way
 * to add a `Bcc:`.
 */
export function headerText(text: string, max = 150): string {
  const line = text.replace(UNSAFE_IN_LINE, ' ').replace(/\s+/g, ' ').trim();
  const points = [...line];
  return points.length <= max ? line : `${points.slice(0, max - 1).join('')}…`;
}

/**
 * The href a link in a mail may keep: an absolute `http:` or `https:` URL,
 * written out as the URL parser reads it (so a mail client's parser and
 * ours cannot disagree about where it goes); undefined for anything else.
 * The attribute's entities are decoded already, so `JaVa&#x0a;ScRiPt:` is
 * seen as the `JaVa\nScRiPt:` a browser would read.
 */
function absoluteWebHref(href: string): string | undefined {
  if (!/^https?:\/\/[^\s/\\?#]/i.test(href)) return undefined;
  const url = URL.parse(href);
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.href : undefined;
}

/** The sanitizer's allowlist for a message's HTML in a mail (see the file comment). */
const MAIL_BODY: sanitizeHtml.IOptions = {
  // `span` only as what a refused link becomes (below); removed afterwards.
  allowedTags: [
    'p',
    'br',
    'a',
    'em',
    'strong',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'span',
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // sanitize-html lets relative hrefs through (they have no scheme to
  // refuse): a link keeps only an absolute web URL, else it becomes a bare
  // span. Not a disallowed tag: sanitize-html would then close the next
  // link at that depth with `</span>` (a tag renamed and then discarded
  // leaves its rename behind).
  transformTags: {
    a: (_tagName, attribs) => {
      const href = absoluteWebHref(attribs.href ?? '');
      const kept: sanitizeHtml.Attributes = href ? { href } : {};
      return { tagName: href ? 'a' : 'span', attribs: kept };
    },
  },
  // A dropped tag (del, hr, anything unknown) keeps its text; script and style lose theirs.
  disallowedTagsMode: 'discard',
};

/** A message's stored HTML, sanitized to what a mail may carry. */
export function mailBodyHtml(html: string): string {
  // Every `<span>` left is attribute-free (none are allowed) and every `<`
  // in text is escaped: these are exactly the refused links' tags.
  return sanitizeHtml(html, MAIL_BODY)
    .replace(/<\/?span>/g, '')
    .trim();
}

/** Only absolute http(s) URLs become links; anything else is shown as text. */
function link(href: string, text: string = href): string {
  const web = absoluteWebHref(href);
  return web ? `<a href="${escapeHtml(web)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

/** `2026-03-01T12:00:05.000Z` as `2026-03-01 12:00 UTC`. */
function mailTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime())
    ? iso
    : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A thread's name in a mail: its title, else its key. */
function threadName(thread: Thread): string {
  return thread.title ?? thread.key;
}

/** The author as shown: the name, marked when it is the site owner. */
function authorName(message: NotifiedMessage): string {
  const name = message.author.name || '(deleted)';
  return message.author.role === 'owner' ? `${name} (owner)` : name;
}

/** Why a message waits, in words an owner acts on. */
function heldReasonText(reason: HeldReason | null): string {
  switch (reason) {
    case 'links':
      return 'it has more links than PARLEY_MAX_LINKS allows';
    case 'held_words':
      return 'it contains a word from PARLEY_HELD_WORDS';
    case 'spam':
      return 'it was kept as spam: the hidden form field only bots fill in was filled';
    default:
      return 'every new message waits for a moderator (PARLEY_MODERATION=all)';
  }
}

/** Indents each line of `text` (a message, quoted in a plain-text mail). */
function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

/** A whole HTML document around `body`: no head resources, nothing to load. */
function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The message's text in HTML, set apart as a quote. */
function quotedHtml(message: NotifiedMessage): string {
  return `<blockquote>${mailBodyHtml(message.html)}</blockquote>`;
}

/** One line saying what happened to a message, for the owner. */
function ownerHeadline(notice: OwnerNotice): string {
  const { thread, message } = notice.data;
  const who = authorName(message);
  const where = `"${threadName(thread)}"`;
  switch (notice.type) {
    case 'message.created':
      return `New message from ${who} on ${where}`;
    case 'message.pending':
      return message.status === 'spam'
        ? `Kept as spam: ${who} on ${where}`
        : `Waiting for review: ${who} on ${where}`;
    case 'message.reported':
      return notice.data.report.hidden
        ? `Hidden by reports: ${who} on ${where}`
        : `Reported: ${who} on ${where}`;
  }
}

/** The facts under the message: why it waits, or the report. */
function ownerDetails(notice: OwnerNotice): string[] {
  if (notice.type === 'message.pending') {
    return [`Why it waits: ${heldReasonText(notice.data.message.heldReason)}.`];
  }
  if (notice.type === 'message.reported') {
    const { report } = notice.data;
    return [
      `Reason given: ${report.reason ?? '(none)'}`,
      `Open reports: ${report.count}.${report.hidden ? ' The reports hid it until you decide.' : ''}`,
    ];
  }
  return [];
}

/** Where the owner sees the message on the blog: the message once published, else its thread. */
function blogLink(notice: OwnerNotice): { label: string; href: string } | undefined {
  const { thread, message } = notice.data;
  if (message.status === 'published' && message.url)
    return { label: 'On the blog', href: message.url };
  if (thread.url) return { label: 'The thread on the blog', href: thread.url };
  return undefined;
}

/**
 * The owner's mail for one event (`PARLEY_OWNER_MAIL=each`): the message, its
 * thread, why it waits or the report, a link to the moderation page and to
 * the message on the blog.
 */
export function renderOwnerMail(notice: OwnerNotice, adminUrl: string): RenderedMail {
  const { thread, message } = notice.data;
  const headline = ownerHeadline(notice);
  const details = ownerDetails(notice);
  const blog = blogLink(notice);
  const text = [
    `${headline}, ${mailTime(message.createdAt)}:`,
    '',
    quoted(message.body),
    '',
    ...details,
    ...(details.length > 0 ? [''] : []),
    ...(blog ? [`${blog.label}: ${blog.href}`] : []),
    `Moderate: ${adminUrl}`,
    '',
  ].join('\n');
  const html = htmlDocument(
    headline,
    [
      `<p>${escapeHtml(headline)}, ${escapeHtml(mailTime(message.createdAt))}:</p>`,
      quotedHtml(message),
      ...details.map((line) => `<p>${escapeHtml(line)}</p>`),
      `<p>${blog ? `${link(blog.href, blog.label)} · ` : ''}${link(adminUrl, 'Moderate')}</p>`,
    ].join('\n'),
  );
  return { subject: headerText(`${headline} (${thread.key})`), text, html };
}

/** The short label of an event in a digest line. */
function digestLabel(notice: OwnerNotice): string {
  switch (notice.type) {
    case 'message.created':
      return 'New';
    case 'message.pending':
      return notice.data.message.status === 'spam' ? 'Spam' : 'Waiting';
    case 'message.reported':
      return notice.data.report.hidden ? 'Hidden by reports' : 'Reported';
  }
}

/** How many of each kind, for a digest's subject: `2 new, 1 waiting, 1 spam, 1 reported`. */
function digestTally(notices: readonly OwnerNotice[]): string {
  const count = (kept: (n: OwnerNotice) => boolean) => notices.filter(kept).length;
  const spam = (n: OwnerNotice) => n.type === 'message.pending' && n.data.message.status === 'spam';
  const parts = [
    [count((n) => n.type === 'message.created'), 'new'],
    // Spam waits for nobody: it is counted apart, as the digest lists it apart.
    [count((n) => n.type === 'message.pending' && !spam(n)), 'waiting'],
    [count(spam), 'spam'],
    [count((n) => n.type === 'message.reported'), 'reported'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}

/**
 * The owner's hourly digest (`PARLEY_OWNER_MAIL=digest`): every event of the
 * hour, grouped by thread in the order threads first appear, each with its
 * message, why it waits or the report.
 */
export function renderDigest(notices: readonly OwnerNotice[], adminUrl: string): RenderedMail {
  const threads = new Map<string, { thread: Thread; notices: OwnerNotice[] }>();
  for (const notice of notices) {
    const key = notice.data.thread.key;
    const group = threads.get(key) ?? { thread: notice.data.thread, notices: [] };
    group.notices.push(notice);
    threads.set(key, group);
  }
  const headline = `Parley: ${digestTally(notices)}`;
  const text: string[] = [
    `${headline}, in ${threads.size} thread${threads.size === 1 ? '' : 's'}.`,
    '',
  ];
  const html: string[] = [`<p>${escapeHtml(text[0]!)}</p>`];
  for (const { thread, notices: inThread } of threads.values()) {
    text.push(`== ${threadName(thread)} (${thread.key}) ==`);
    html.push(`<h2>${escapeHtml(threadName(thread))}</h2>`);
    if (thread.url) {
      text.push(thread.url);
      html.push(`<p>${link(thread.url)}</p>`);
    }
    text.push('');
    for (const notice of inThread) {
      const { message } = notice.data;
      const line = `${digestLabel(notice)}: ${authorName(message)}, ${mailTime(message.createdAt)}`;
      const details = ownerDetails(notice);
      const blog = blogLink(notice);
      text.push(line, quoted(message.body), ...details);
      if (blog && notice.data.message.status === 'published')
        text.push(`${blog.label}: ${blog.href}`);
      text.push('');
      html.push(
        `<p><strong>${escapeHtml(line)}</strong></p>`,
        quotedHtml(message),
        ...details.map((d) => `<p>${escapeHtml(d)}</p>`),
      );
      if (blog && notice.data.message.status === 'published') {
        html.push(`<p>${link(blog.href, blog.label)}</p>`);
      }
    }
  }
  text.push(`Moderate: ${adminUrl}`, '');
  html.push(`<p>${link(adminUrl, 'Moderate')}</p>`);
  return {
    subject: headerText(headline),
    text: text.join('\n'),
    html: htmlDocument(headline, html.join('\n')),
  };
}

/** The footer of every reader mail: why they get it, and the way out. */
function readerFooter(unsubscribeUrl: string, why: string): { text: string[]; html: string } {
  return {
    text: ['--', why, `To get no more mail from here: ${unsubscribeUrl}`, ''],
    html: `<hr>\n<p>${escapeHtml(why)} ${link(unsubscribeUrl, 'Get no more mail from here')}.</p>`,
  };
}

/**
 * The confirmation a reader's key (browser) gets when its first message
 * asking for reply mail is published (at most one a day per mailbox): the
 * blog it was asked on, the link that confirms it, and the way out. Says
 * nothing about what was posted: the address may not be the poster's own.
 */
export function renderConfirmation(links: {
  site: string;
  confirmUrl: string;
  unsubscribeUrl: string;
  validDays: number;
}): RenderedMail {
  const subject = headerText(`Confirm reply mail from ${links.site}`);
  const intro = `Someone, probably you, asked ${links.site} to mail this address when people reply to their messages there.`;
  const confirm = `To confirm, open this link and press Confirm (it works for ${links.validDays} days):`;
  const ignore = 'If it was not you, ignore this mail: nothing else will be sent.';
  const footer = readerFooter(
    links.unsubscribeUrl,
    `You get this mail because this address was typed into a comment form on ${links.site}.`,
  );
  const text = [intro, '', confirm, links.confirmUrl, '', ignore, '', ...footer.text].join('\n');
  const html = htmlDocument(
    subject,
    [
      `<p>${escapeHtml(intro)}</p>`,
      `<p>${escapeHtml(confirm)}<br>${link(links.confirmUrl, 'Confirm reply mail')}</p>`,
      `<p>${escapeHtml(ignore)}</p>`,
      footer.html,
    ].join('\n'),
  );
  return { subject, text, html };
}

/**
 * A reply mail: who answered which of the reader's messages, the reply's
 * text, the thread, and a link to the reply on the blog; then the way out.
 */
export function renderReplyMail(
  notice: ReplyNotice,
  links: { site: string; unsubscribeUrl: string },
): RenderedMail {
  const { thread, reply, parentExcerpt, parentHtml } = notice;
  const headline = `${authorName(reply)} replied to you on "${threadName(thread)}"`;
  const footer = readerFooter(
    links.unsubscribeUrl,
    `You get this mail because you asked for replies to your messages on ${links.site}.`,
  );
  // A message its author deleted since leaves nothing to quote.
  const quotesParent = parentExcerpt !== '';
  const text = [
    `${headline}, ${mailTime(reply.createdAt)}:`,
    '',
    quoted(reply.body),
    '',
    ...(reply.url ? [`Read it and answer on the blog: ${reply.url}`, ''] : []),
    ...(quotesParent ? ['Your message:', quoted(parentExcerpt), ''] : []),
    ...footer.text,
  ].join('\n');
  const html = htmlDocument(
    headline,
    [
      `<p>${escapeHtml(headline)}, ${escapeHtml(mailTime(reply.createdAt))}:</p>`,
      quotedHtml(reply),
      ...(reply.url ? [`<p>${link(reply.url, 'Read it and answer on the blog')}</p>`] : []),
      ...(quotesParent
        ? [`<p>Your message:</p>\n<blockquote>${mailBodyHtml(parentHtml)}</blockquote>`]
        : []),
      footer.html,
    ].join('\n'),
  );
  return { subject: headerText(`${headline} (${links.site})`), text, html };
}
