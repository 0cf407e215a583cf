/**
 * Every word the thread pages show, in one table, so another locale can
 * follow as a second table of the same shape. English only for now: the page
 * is cached and shared, so it cannot follow each reader's language; its
 * `<html lang>` says which one it is in. The wording follows the widget's
 * English catalog (`packages/widget/src/i18n/en.ts`), so a reader who sees
 * both sees the same words.
 */
export const pageStrings = {
  lang: 'en',
  messages: { one: '{n} msg', other: '{n} msgs' },
  highlights: { one: '{n} highlight', other: '{n} highlights' },
  messagesIcon: 'Messages:',
  highlightsIcon: 'Highlights:',
  activityIcon: 'Last activity:',
  open: 'Discussion in progress',
  closed: 'Discussion closed',
  summarizedAutomatically: 'Summarized automatically',
  empty: 'No replies yet.',
  owner: 'Author',
  highlighted: 'Highlighted',
  edited: 'edited',
  inReplyTo: 'in reply to {name}',
  inReplyToDeleted: 'in reply to a deleted message',
  deleted: 'This message was deleted.',
  join: 'Join the discussion',
  pagesLabel: 'Pages of this discussion',
  previous: '← Previous page',
  next: 'Next page →',
  pageOf: 'Page {page} of {pages}',
  threadFeed: 'Atom feed of this discussion',
  siteFeed: 'Atom feed of every discussion',
  notFoundTitle: 'Discussion not found',
  notFound:
    'There is no discussion here: nobody has posted to it yet, or it waits for a moderator.',
  pageNotFound: 'This discussion has no page {page}; it has {pages}.',
  badRequestTitle: 'Not a discussion address',
  badRequest: 'This address does not name a discussion: {why}.',
  // The fragment's errors, said in an HTML comment: what a server-side
  // include pastes into the article must show readers nothing.
  fragmentNotFound: 'no discussion at this address yet',
  fragmentPageNotFound: 'this discussion has no page {page}; it has {pages}',
  fragmentBadRequest: 'not a discussion address: {why}',
} as const;

/** The shape a locale's table has. */
export type PageStrings = typeof pageStrings;

const plurals = new Intl.PluralRules(pageStrings.lang);
const numbers = new Intl.NumberFormat(pageStrings.lang);

/** `{name}` placeholders of `template` filled from `values` (as text; the caller escapes). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** The plural form of `forms` for `n`, with the number filled in. */
export function plural(forms: { one: string; other: string }, n: number): string {
  const form = plurals.select(n) === 'one' ? forms.one : forms.other;
  return fill(form, { n: numbers.format(n) });
}

/**
 * `2026-03-01T12:00:05.000Z` as `2026-03-01 12:00 UTC`: an absolute time,
 * since a cached page cannot say "1h ago" truthfully for long.
 */
export function absoluteTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime())
    ? iso
    : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
