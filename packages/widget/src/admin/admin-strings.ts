/**
 * Every English string of the moderation page, in one place. The page is for
 * the site's owner only, so it ships one language and no catalog loading.
 */
export const strings = {
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
  tooMany: (seconds: number) => `Too many failed attempts, try again in ${seconds} s`,
  offline: 'The Parley server could not be reached. Check your connection and try again.',
  failed: 'That did not work. Try again.',
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
  /** After the Hidden tab's name: how many of its messages readers' reports hid. */
  tabByReports: (count: number, more: boolean) => `${count}${more ? '+' : ''} hidden by reports`,

  pendingTitle: 'Waiting for approval',
  reportedTitle: 'Reported by readers',
  recentTitle: 'Published messages',
  hiddenTitle: 'Hidden messages',
  spamTitle: 'Kept as spam',
  noHidden: 'No hidden messages.',
  noSpam: 'Nothing was kept as spam.',
  spamHelp:
    'Posts that filled the hidden form field only robots see. Their senders were told they were published; nobody else sees them.',
  hiddenNotice: (count: number, more: boolean) =>
    `Readers’ reports hid ${count}${more ? ' or more' : ''} ${count === 1 && !more ? 'message' : 'messages'}. Review them: restore what is fine, delete the rest.`,
  reviewHidden: 'Review hidden messages',
  threadsTitle: 'Threads',
  noPending: 'Nothing is waiting for approval.',
  noReported: 'No reported messages.',
  noRecent: 'No published messages yet.',
  noThreads: 'No threads yet: the first message posted from a page creates its thread.',
  loading: 'Loading…',
  retry: 'Retry',
  loadMore: 'Load more',
  moreLoaded: (count: number) => (count === 1 ? '1 more message' : `${count} more messages`),
  moreThreads: (count: number) => (count === 1 ? '1 more thread' : `${count} more threads`),
  filter: 'Thread',
  allThreads: 'All threads',
  search: 'Search',
  searchHelp: 'Text or author',
  searchFor: 'Search messages',
  filtersLabel: 'Find messages',
  clearFilters: 'Show all',
  /** The empty state of a list narrowed by a search (`q`) or to a thread (`thread`, its name). */
  noMatch: (q: string, thread: string) =>
    q
      ? `Nothing here matches “${q}”${thread ? ` in ${thread}` : ''}.`
      : `Nothing here in ${thread}.`,
  found: (count: number, more: boolean) =>
    count === 0
      ? 'No messages found'
      : `${count}${more ? '+' : ''} ${count === 1 && !more ? 'message' : 'messages'} found`,
  count: (count: number, more: boolean) => ` (${count}${more ? '+' : ''})`,

  status: {
    pending: 'Pending',
    published: 'Published',
    hidden: 'Hidden',
    deleted: 'Deleted',
    spam: 'Spam',
  } as Record<string, string>,
  hiddenByReports: 'Hidden by readers’ reports',
  hiddenByModerator: 'Hidden by a moderator',
  reportReasons: (shown: number, all: number) =>
    shown < all ? `Readers’ reasons (latest ${shown} of ${all})` : 'Readers’ reasons',
  noReason: 'No reason given',
  /** The words around a not-yet-public thread's title (isolated between them: a reader wrote it). */
  threadNotPublic: [
    'This message started a thread readers cannot see yet. Approving it makes the thread public with the title “',
    '”.',
  ] as const,
  threadNotPublicUntitled:
    'This message started a thread readers cannot see yet. Approving it makes the thread public (it has no title).',
  reports: (count: number) => (count === 1 ? '1 report' : `${count} reports`),
  highlighted: 'Highlighted',
  owner: 'Author',
  edited: 'edited',
  inThread: 'in',
  deletedAuthor: '(deleted)',
  source: 'Markdown source',
  onBlog: 'View on the blog',
  select: 'Select',
  selectAll: (count: number) => `Select all ${count} shown`,
  selected: (count: number) => (count === 1 ? '1 selected' : `${count} selected`),
  bulkLabel: 'Selected messages',
  clearSelection: 'Clear selection',
  bulkVerb: { publish: 'Approve', restore: 'Restore', hide: 'Hide', delete: 'Delete' },
  /** Bulk button names: the visible verb first, then how many. */
  bulkAct: (verb: string, count: number) =>
    `${verb}, ${count === 1 ? '1 selected message' : `${count} selected messages`}`,
  deleteConfirm: 'Delete this message for good? This cannot be undone.',
  bulkConfirm: (count: number) =>
    `Delete ${count === 1 ? 'this message' : `these ${count} messages`} for good? This cannot be undone.`,
  bulkWorking: 'Working…',
  bulkDone: (count: number, action: 'publish' | 'restore' | 'hide' | 'delete') =>
    `${count === 1 ? '1 message' : `${count} messages`} ${
      { publish: 'approved', restore: 'restored', hide: 'hidden', delete: 'deleted' }[action]
    }`,
  bulkMissing: (count: number) =>
    count === 1 ? '1 message no longer exists.' : `${count} messages no longer exist.`,
  actionsFor: (id: number, name: string) => `Message ${id} by ${name}`,
  /** Button names: the visible text first, so speech input can use it ("click Approve"). */
  act: (action: string, id: number, name: string) => `${action}, message ${id} by ${name}`,
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

  threadCounts: (thread: {
    messageCount: number;
    highlightCount: number;
    pendingCount: number;
    reportedCount: number;
  }) =>
    [
      thread.messageCount === 1 ? '1 message' : `${thread.messageCount} messages`,
      thread.highlightCount === 1 ? '1 highlight' : `${thread.highlightCount} highlights`,
      `${thread.pendingCount} pending`,
      `${thread.reportedCount} reported`,
    ].join(' · '),
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
  exportSaved: (filename: string) => `Export saved as ${filename}`,
  exportFailed: (why: string) => `The export failed: ${why}`,
  threadAct: (action: string, name: string) => `${action}, thread ${name}`,
  threadClosed: 'Thread closed',
  threadReopened: 'Thread reopened',
  threadSaved: 'Thread saved',
  editTitle: (name: string) => `Edit thread ${name}`,
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
  ownerLinkTitle: (label: string) => `Posting link “${label}”`,
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
  revokeAct: (action: string, label: string) => `${action}, key ${label}`,
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
  moreDeliveries: (count: number) => (count === 1 ? '1 more delivery' : `${count} more deliveries`),
  channels: { webhook: 'Webhook', mail: 'Mail' } as Record<string, string>,
  /** Who a delivery goes to: never an address, only the webhook's origin or whose mail it is. */
  deliveryTarget: (target: string) =>
    target === 'owner' ? 'you (owner mail)' : target === 'reader' ? 'a reader' : target,
  deliveryTo: 'To',
  deliveryAttempts: 'Attempts',
  deliveryLastAttempt: 'Last attempt',
  deliveryNotYet: 'not yet',
  deliveryNext: 'Next attempt',
  deliveredAt: 'Delivered',
  failedAt: 'Failed',
  deliveryLastError: 'Last error',
  retrying: 'Retrying…',
  retryAct: (action: string, id: number, channel: string, type: string) =>
    `${action}, delivery ${id} (${channel} ${type})`,
  retried: 'Delivery scheduled to be sent again now',
  /** A waiting delivery, brought forward (its receiver or mail server fixed). */
  sendNow: 'Send now',
  sending: 'Sending…',
  sentNow: 'Delivery scheduled to be sent now',
};
