/**
 * English strings of the interactive part of a thread (the reply form and the
 * per-message actions), loaded with the lazy actions chunk, not with
 * `/widget.js`. Part of the one English {@link Catalog}; see `en.ts`.
 */
import type { Catalog } from './en.js';

export const enActions = {
  reply: 'Reply',
  /** On a message of this reader's (or an edit) that a moderator has yet to approve. */
  pending: 'Awaiting moderation',
  replyTo: 'Reply to {name}',
  /** Reply, when this browser keeps a draft of the reply (written before a reload). */
  continueReply: 'Continue your reply',
  continueReplyTo: 'Continue your reply to {name}',
  name: 'Name',
  message: 'Message',
  hint: 'Markdown: **bold**, _italic_, `code`, [links](https://…)',
  counter: '{n} / {max}',
  post: 'Post reply',
  posting: 'Posting…',
  posted: 'Your reply was posted.',
  postedPending: 'Your reply was received and awaits moderation.',
  nameRequired: 'Please enter your name.',
  bodyRequired: 'Please write a message.',
  bodyTooLong: 'Please shorten your message to {max} characters.',
  /** The server refused the name (too long, or with control or direction characters). */
  nameInvalid: 'Please use a name of at most {max} characters, in plain text.',
  /** The server refused the message's text for a reason the form did not check. */
  bodyInvalid: 'Please check your message: the server did not accept it.',
  postFailed: 'Your reply could not be posted. It is kept here; please try again.',
  offline: 'Could not reach the comments server. Your reply is kept here; please try again.',
  /** Reply mail, offered only when the server sends it (`GET /api/features`). */
  notifyReplies: 'Mail me replies',
  email: 'Email',
  /** What the box is for, under it. */
  notifyAbout: 'One mail per reply to your messages, each with a one-click unsubscribe.',
  /** Under the address, shown only while the box is ticked. */
  emailAbout:
    'Only for reply mail, never shown to anyone. A new address gets a confirmation mail first.',
  /** Added to `emailAbout` when this browser remembers an address for the server. */
  emailForget: 'Empty the field to make this browser forget it.',
  emailRequired:
    'Please enter your email address to get replies by mail, or untick “Mail me replies”.',
  emailInvalid: 'Please enter a whole email address, like name@example.com.',
  emailTooLong: 'Please use an address of at most 254 characters.',
  /** Added to "Your reply was posted." when the post asked for reply mail and the address is confirmed. */
  mailOn: 'Replies will be mailed to you.',
  /** Added to "Your reply was posted." when the address has yet to be confirmed. */
  mailConfirm: 'Look for a confirmation mail to turn on reply mail.',
  /** The server refused `notifyReplies`: its reply mail was turned off meanwhile. */
  mailOff:
    'This site no longer sends reply mail, so your reply was not posted yet. Post it again to post it without reply mail.',
  asOwner: 'Posting as the site owner',
  stopOwner: 'Stop',
  stopOwnerLabel: 'Stop posting as the site owner',
  ownerStopped: 'You now post as a reader.',
  ownerRefused:
    'Your owner posting key was revoked or is no longer valid, so this browser forgot it: you now post as a reader. To post as the owner again, create a new posting link in /admin.',
  ownerLinkRefused:
    'This link holds no owner posting key, so it was ignored. To post as the site owner, create a posting link on your Parley server’s /admin page (Owner tab) and open that link.',
  edit: 'Edit',
  /** The Edit button's name and the editor's label. */
  editLabel: 'Edit your message',
  editPlain: 'Formatting is not kept here: add any Markdown again before saving.',
  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  saved: 'Your changes were saved.',
  savedPending: 'Your changes were saved and await moderation.',
  editExpired: 'The time to edit this message has passed.',
  editFailed: 'Your changes could not be saved. They are kept here; please try again.',
  delete: 'Delete',
  deleteQuestion: 'Delete this message?',
  confirm: 'Confirm',
  deletedDone: 'Your message was deleted.',
  deleteFailed: 'Your message could not be deleted. Please try again.',
  report: 'Report',
  reportLabel: 'Report message by {name}',
  reportQuestion: 'Report this message by {name}?',
  reason: 'Reason (optional)',
  reasonHint: 'What is wrong with it? Only the moderators see this.',
  reasonTooLong: 'Please shorten the reason to {max} characters.',
  sendReport: 'Send report',
  reporting: 'Sending…',
  reported: 'Reported. A moderator will look at it.',
  reportFailed: 'The report could not be sent. Please try again.',
  reportTooQuick: 'You are sending reports too quickly.',
  deleteAction: 'Delete your message',
  discardQuestion: 'Discard your changes?',
  discard: 'Discard',
  keepEditing: 'Keep editing',
  postTooQuick: 'You are posting too quickly.',
  /** Counts down, once a second, after a 429 with `Retry-After`. */
  waitFor: { one: 'Please wait {n} second.', other: 'Please wait {n} seconds.' },
  canPostAgain: 'You can post again.',
  /** The sort control in the header. */
  sortLabel: 'Order of replies',
  oldest: 'Oldest',
  newest: 'Newest',
  /** Said (politely, batched) when replies arrive live. */
  newReplies: { one: '{n} new reply', other: '{n} new replies' },
  /** Shown quietly under the status line while live updates have been down a few seconds. */
  reconnecting: 'Reconnecting…',
  /** Said politely, once, when live updates are back after that note. */
  liveResumed: 'Live updates resumed.',
  /** Post and edit failures by API error code; other codes get `postFailed` or `offline`. */
  errors: {
    thread_closed: 'This discussion is closed.',
    rate_limited: 'You are posting too quickly. Please wait a moment and try again.',
    duplicate_message: 'You already posted this message a few minutes ago.',
    forbidden: 'This site is not allowed to post to this comments server.',
    payload_too_large: 'Your message is too long.',
  },
};

const merged = new WeakMap<object, Catalog>();

/**
 * The whole catalog from the one the element holds: English's reading part
 * completed with {@link enActions}, or another locale's whole catalog as is.
 * Memoized per catalog, since it is asked for on every render.
 */
export function withActions(t: object): Catalog {
  let all = merged.get(t);
  if (!all) {
    all = { ...enActions, ...t } as Catalog;
    merged.set(t, all);
  }
  return all;
}
