/**
 * English, the moderation page's built-in catalog (in `/admin.js` itself);
 * every other locale is a lazy chunk of the same shape ({@link AdminCatalog}),
 * so a missing or misspelt key fails the type check. `{name}` placeholders are
 * filled by `fill()`; plural entries are keyed by `Intl.PluralRules`
 * categories, `{n}` being the formatted number, and must have `other`.
 * `admin-strings.ts` turns a catalog into the words the page renders.
 */
import type { Plural } from '../../i18n/en.js';

export const en = {
  title: 'Parley moderation',
  signInTitle: 'Sign in',
  signInHelp:
    'Enter the admin token: the value of PARLEY_ADMIN_TOKEN on your Parley server. This tab keeps it until you sign out or close the tab; it is never put in an address.',
  token: 'Admin token',
  tokenRequired: 'Enter the admin token.',
  tokenInvalid: 'A token has no spaces or special characters; check what you pasted.',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signedIn: 'Signed in',
  signedOut: 'Signed out',
  sessionEnded: 'Your session ended: sign in again.',
  tooMany: { other: 'Too many failed attempts, try again in {n} s' } as Plural,
  offline: 'The Parley server could not be reached. Check your connection and try again.',
  failed: 'That did not work. Try again.',
  /**
   * The server's errors by code, for other locales (English shows the
   * server's own words, which can be more precise).
   */
  errors: {
    unauthorized: 'Wrong admin token.',
    forbidden: 'This is not allowed.',
    not_found: 'It no longer exists.',
    invalid_request: 'Something in the form is not valid.',
    payload_too_large: 'That is too long.',
    unavailable: 'The server is busy. Try again in a moment.',
  },
  sections: 'Sections',
  refresh: 'Refresh',
  refreshed: 'Lists refreshed',
  tabs: {
    queue: 'Queue',
    hidden: 'Hidden',
    spam: 'Spam',
    recent: 'Published',
    threads: 'Threads',
    owner: 'Owner',
    deliveries: 'Deliveries',
  },
  /** After the Hidden tab's name: how many of its messages readers' reports hid (`{n}` may end in +). */
  tabByReports: { other: '{n} hidden by reports' } as Plural,

  pendingTitle: 'Waiting for approval',
  reportedTitle: 'Reported by readers',
  recentTitle: 'Published messages',
  hiddenTitle: 'Hidden messages',
  spamTitle: 'Kept as spam',
  noHidden: 'No hidden messages.',
  noSpam: 'Nothing was kept as spam.',
  spamHelp:
    'Posts that filled the hidden form field only robots see. Their senders were told they were published; nobody else sees them.',
  hiddenNotice: {
    one: 'Readers’ reports hid {n} message. Review them: restore what is fine, delete the rest.',
    other: 'Readers’ reports hid {n} messages. Review them: restore what is fine, delete the rest.',
  } as Plural,
  hiddenNoticeMore:
    'Readers’ reports hid {n} or more messages. Review them: restore what is fine, delete the rest.',
  reviewHidden: 'Review hidden messages',
  threadsTitle: 'Threads',
  noPending: 'Nothing is waiting for approval.',
  noReported: 'No reported messages.',
  noRecent: 'No published messages yet.',
  noThreads: 'No threads yet: the first message posted from a page creates its thread.',
  loading: 'Loading…',
  retry: 'Retry',
  loadMore: 'Load more',
  moreLoaded: { one: '{n} more message', other: '{n} more messages' } as Plural,
  moreThreads: { one: '{n} more thread', other: '{n} more threads' } as Plural,
  filter: 'Thread',
  allThreads: 'All threads',
  search: 'Search',
  searchHelp: 'Text or author',
  searchFor: 'Search messages',
  filtersLabel: 'Find messages',
  clearFilters: 'Show all',
  /** The empty state of a list narrowed by a search (`{q}`), to a thread (`{thread}`, its name), or both. */
  noMatch: 'Nothing here matches “{q}”.',
  noMatchIn: 'Nothing here matches “{q}” in {thread}.',
  noneIn: 'Nothing here in {thread}.',
  found: { one: '{n} message found', other: '{n} messages found' } as Plural,
  foundNone: 'No messages found',
  /** After a list's title: how many it holds (`{n}` may end in +). */
  count: ' ({n})',

  status: {
    pending: 'Pending',
    published: 'Published',
    hidden: 'Hidden',
    deleted: 'Deleted',
    spam: 'Spam',
  },
  hiddenByReports: 'Hidden by readers’ reports',
  hiddenByModerator: 'Hidden by a moderator',
  reportReasons: 'Readers’ reasons',
  reportReasonsLatest: 'Readers’ reasons (latest {shown} of {all})',
  noReason: 'No reason given',
  /** The words around a not-yet-public thread's title (isolated between them: a reader wrote it). */
  threadNotPublicBefore:
    'This message started a thread readers cannot see yet. Approving it makes the thread public with the title “',
  threadNotPublicAfter: '”.',
  threadNotPublicUntitled:
    'This message started a thread readers cannot see yet. Approving it makes the thread public (it has no title).',
  reports: { one: '{n} report', other: '{n} reports' } as Plural,
  highlighted: 'Highlighted',
  owner: 'Author',
  edited: 'edited',
  inThread: 'in',
  deletedAuthor: '(deleted)',
  source: 'Markdown source',
  onBlog: 'View on the blog',
  select: 'Select',
  selectAll: { one: 'Select the {n} shown', other: 'Select all {n} shown' } as Plural,
  selected: { other: '{n} selected' } as Plural,
  bulkLabel: 'Selected messages',
  clearSelection: 'Clear selection',
  bulkVerb: { publish: 'Approve', restore: 'Restore', hide: 'Hide', delete: 'Delete' },
  /** Bulk button names: the visible verb first, then how many. */
  bulkAct: {
    one: '{verb}, {n} selected message',
    other: '{verb}, {n} selected messages',
  } as Plural,
  deleteConfirm: 'Delete this message for good? This cannot be undone.',
  bulkConfirm: {
    one: 'Delete this message for good? This cannot be undone.',
    other: 'Delete these {n} messages for good? This cannot be undone.',
  } as Plural,
  bulkWorking: 'Working…',
  bulkDone: {
    publish: { one: '{n} message approved', other: '{n} messages approved' } as Plural,
    restore: { one: '{n} message restored', other: '{n} messages restored' } as Plural,
    hide: { one: '{n} message hidden', other: '{n} messages hidden' } as Plural,
    delete: { one: '{n} message deleted', other: '{n} messages deleted' } as Plural,
  },
  bulkMissing: {
    one: '{n} message no longer exists.',
    other: '{n} messages no longer exist.',
  } as Plural,
  actionsFor: 'Message {id} by {name}',
  /** Button names: the visible text first, so speech input can use it ("click Approve"). */
  act: '{action}, message {id} by {name}',
  approve: 'Approve',
  keep: 'Keep',
  hide: 'Hide',
  restore: 'Restore',
  highlight: 'Highlight',
  delete: 'Delete',
  confirmDelete: 'Confirm delete',
  cancel: 'Cancel',
  done: {
    approve: 'Message approved',
    keep: 'Message kept, reports cleared',
    hide: 'Message hidden',
    restore: 'Message restored',
    highlight: 'Message highlighted',
    unhighlight: 'Highlight removed',
    delete: 'Message deleted',
  },

  /** A thread card's counts, joined by " · ". */
  threadMessages: { one: '{n} message', other: '{n} messages' } as Plural,
  threadHighlights: { one: '{n} highlight', other: '{n} highlights' } as Plural,
  threadPending: { other: '{n} pending' } as Plural,
  threadReported: { other: '{n} reported' } as Plural,
  lastActivity: 'last activity',
  open: 'Open',
  closed: 'Closed',
  close: 'Close',
  reopen: 'Reopen',
  edit: 'Edit details',
  showMessages: 'Show messages',
  exportThread: 'Export',
  exportAll: 'Export all threads',
  exporting: 'Exporting…',
  exportStarted: 'Export started',
  exportSaved: 'Export saved as {filename}',
  exportFailed: 'The export failed: {why}',
  threadAct: '{action}, thread {name}',
  threadClosed: 'Thread closed',
  threadReopened: 'Thread reopened',
  threadSaved: 'Thread saved',
  editTitle: 'Edit thread {name}',
  fieldTitle: 'Title',
  fieldSummary: 'Summary',
  fieldUrl: 'Page URL',
  /** Under a thread card's summary: who wrote it. */
  summaryAutomatic: 'Summarized automatically',
  summaryManual: 'Written by a moderator',
  /** On a card whose moderator's summary was just cleared, until the automatic one is read. */
  summaryDue: 'An automatic summary is on its way…',
  /** Announced as it arrives. */
  summaryArrived: 'Automatic summary added',
  /** Under the summary field, what saving it as it is does. */
  summaryAutoHint:
    'The automatic summary is shown. Write your own to replace it, or leave it empty to keep it.',
  summaryEmptyHint: 'Leave empty for an automatic summary.',
  summaryOwnHint: 'Your summary replaces the automatic one.',
  summaryBackHint: 'Saving with this field empty goes back to an automatic summary.',
  useAutomatic: 'Use the automatic summary',
  save: 'Save',
  saving: 'Saving…',
  badUrl: 'Enter a full address starting with https:// or http://.',

  ownerTitle: 'Post as the site owner',
  ownerAbout:
    'Messages you post as the owner carry an “Author” badge beside your name, so readers can tell the site owner from anyone using the same name.',
  ownerHow:
    'Create a posting link, then open it in each browser you comment from. The comments on your blog keep its key for this Parley server and remove it from the address bar; from then on your comments there are posted as the owner. The key can post as you and do nothing else: it does not open this page.',
  ownerWarn:
    'Never put the admin token in a blog link: any script on the blog can read what the comments store. If a browser or device is lost, revoke its key below.',
  ownerCreateTitle: 'New posting link',
  ownerLabel: 'Label (optional)',
  ownerLabelHelp: 'Where you will use it, such as “Laptop” or “Phone”.',
  ownerUrl: 'A page of your blog with comments',
  ownerUrlHelp: 'For example https://blog.example/posts/hello',
  ownerCreate: 'Create posting link',
  ownerCreating: 'Creating…',
  ownerCreated: 'Posting link created: copy it now, it is shown only once',
  ownerLinkTitle: 'Posting link “{label}”',
  ownerLink: 'Posting link',
  ownerLinkHelp:
    'Open this link in the browser you comment from. It is shown only now: copy it before you leave this page. Anyone who has it can post as you until you revoke it.',
  ownerKeyOnly: 'The key alone (for API clients: Authorization: Bearer <key>)',
  copy: 'Copy',
  copyLink: 'Copy, posting link',
  copyKey: 'Copy, key',
  copied: 'Copied',
  copyFailed: 'Could not copy: select the text and copy it yourself.',
  openLink: 'Open it now',
  ownerDone: 'Done, hide the link',
  ownerKeysTitle: 'Posting keys in use',
  noOwnerKeys: 'No posting keys yet.',
  ownerKeyCreated: 'created',
  ownerKeyUsed: 'last used',
  ownerKeyNeverUsed: 'never used',
  revoke: 'Revoke',
  confirmRevoke: 'Confirm revoke',
  revokeAct: '{action}, key {label}',
  revoked: 'Key revoked: it can no longer post',

  deliveriesTitle: 'Deliveries',
  deliveriesAbout:
    'The webhook calls and mail this server sends. Each is tried again, waiting longer each time, for at least a day before it counts as failed; Retry schedules a failed one again at once.',
  deliveriesMissing:
    'Notifications are not available: this Parley server is older than webhooks and mail. Upgrade it to see its deliveries here.',
  deliveryLists: {
    failed: 'Failed deliveries',
    pending: 'Waiting to be sent',
    delivered: 'Delivered',
  },
  noDeliveries: {
    failed: 'No failed deliveries.',
    pending: 'Nothing is waiting to be sent.',
    delivered: 'Nothing delivered yet.',
  },
  moreDeliveries: { one: '{n} more delivery', other: '{n} more deliveries' } as Plural,
  channels: { webhook: 'Webhook', mail: 'Mail' },
  /** Who a delivery goes to: never an address, only the webhook's origin or whose mail it is. */
  deliveryOwner: 'you (owner mail)',
  deliveryReader: 'a reader',
  deliveryTo: 'To',
  deliveryAttempts: 'Attempts',
  deliveryLastAttempt: 'Last attempt',
  deliveryNotYet: 'not yet',
  deliveryNext: 'Next attempt',
  deliveredAt: 'Delivered',
  failedAt: 'Failed',
  deliveryLastError: 'Last error',
  retrying: 'Retrying…',
  retryAct: '{action}, delivery {id} ({channel} {type})',
  retried: 'Delivery scheduled to be sent again now',
  /** A waiting delivery, brought forward (its receiver or mail server fixed). */
  sendNow: 'Send now',
  sending: 'Sending…',
  sentNow: 'Delivery scheduled to be sent now',
};

type Widen<T> = {
  [K in keyof T]: T[K] extends Plural ? Plural : T[K] extends string ? string : Widen<T[K]>;
};

/** The shape of every locale's moderation catalog: English's, with any words. */
export type AdminCatalog = Widen<typeof en>;
