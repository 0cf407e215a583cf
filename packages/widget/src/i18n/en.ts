/**
 * English, the built-in catalog: every string a reader sees. Other locales
 * copy its shape ({@link Catalog}) and load lazily (see `catalog.ts`).
 * `{name}`-style placeholders are filled by `fill()`; plural entries are keyed
 * by `Intl.PluralRules` categories and must have `other`.
 */
export const en = {
  back: '← Back',
  messages: { one: '{n} msg', other: '{n} msgs' },
  highlights: { one: '{n} highlight', other: '{n} highlights' },
  replies: { one: '{n} reply', other: '{n} replies' },
  messagesIcon: 'Messages:',
  highlightsIcon: 'Highlights:',
  activityIcon: 'Last activity:',
  open: 'Discussion in progress',
  closed: 'Discussion closed',
  loading: 'Loading comments…',
  unavailable: 'Comments are unavailable right now.',
  retry: 'Retry',
  empty: 'No replies yet. Be the first to start the discussion.',
  repliesLabel: 'Replies',
  loadMore: 'Load more replies',
  highlighted: 'Highlighted',
  owner: 'Author',
  edited: 'edited',
  inReplyTo: 'in reply to {name}',
  reply: 'Reply',
  replyTo: 'Reply to {name}',
  replyingTo: 'Replying to {name}',
  cancelReply: 'Cancel reply',
  formTitle: 'Join the discussion',
  name: 'Name',
  message: 'Message',
  hint: 'Markdown: **bold**, _italic_, `code`, [links](https://…)',
  counter: '{n} / {max}',
  post: 'Post reply',
  posting: 'Posting…',
  posted: 'Your reply was posted.',
  nameRequired: 'Please enter your name.',
  bodyRequired: 'Please write a message.',
  bodyTooLong: 'Please shorten your message to {max} characters.',
  postFailed: 'Your reply could not be posted. It is kept here; please try again.',
  offline: 'Could not reach the comments server. Your reply is kept here; please try again.',
  /** Post failures by API error code; other codes get `postFailed` or `offline`. */
  errors: {
    thread_closed: 'This discussion is closed.',
    rate_limited: 'You are posting too quickly. Please wait a moment and try again.',
    forbidden: 'This site is not allowed to post to this comments server.',
    payload_too_large: 'Your message is too long.',
  } as Record<string, string>,
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every locale's catalog has. */
export type Catalog = Widen<typeof en>;

/** Plural forms keyed by `Intl.PluralRules` category; `other` is the fallback. */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
