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
  tooMany: (s: number) => `Too many failed attempts, try again in ${s} s`,
  offline: 'The Parley server could not be reached. Check your connection and try again.',
  failed: 'That did not work. Try again.',
  sections: 'Sections',
  refresh: 'Refresh',
  refreshed: 'Lists refreshed',
  tabs: { queue: 'Queue', recent: 'Recent', threads: 'Threads', owner: 'Owner' },

  pendingTitle: 'Waiting for approval',
  reportedTitle: 'Reported by readers',
  recentTitle: 'Published messages',
  threadsTitle: 'Threads',
  noPending: 'Nothing is waiting for approval.',
  noReported: 'No reported messages.',
  noRecent: 'No published messages yet.',
  noThreads: 'No threads yet: the first message posted from a page creates its thread.',
  loading: 'Loading…',
  retry: 'Retry',
  loadMore: 'Load more',
  filter: 'Thread',
  allThreads: 'All threads',
  count: (n: number, more: boolean) => ` (${n}${more ? '+' : ''})`,

  status: {
    pending: 'Pending',
    published: 'Published',
    hidden: 'Hidden',
    deleted: 'Deleted',
  } as Record<string, string>,
  reports: (n: number) => (n === 1 ? '1 report' : `${n} reports`),
  highlighted: 'Highlighted',
  owner: 'Author',
  edited: 'edited',
  inThread: 'in',
  deletedAuthor: '(deleted)',
  source: 'Markdown source',
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

  threadCounts: (t: {
    messageCount: number;
    highlightCount: number;
    pendingCount: number;
    reportedCount: number;
  }) =>
    [
      t.messageCount === 1 ? '1 message' : `${t.messageCount} messages`,
      t.highlightCount === 1 ? '1 highlight' : `${t.highlightCount} highlights`,
      `${t.pendingCount} pending`,
      `${t.reportedCount} reported`,
    ].join(' · '),
  lastActivity: 'last activity',
  open: 'Open',
  closed: 'Closed',
  close: 'Close',
  reopen: 'Reopen',
  edit: 'Edit details',
  showMessages: 'Show messages',
  threadAct: (action: string, name: string) => `${action}, thread ${name}`,
  threadClosed: 'Thread closed',
  threadReopened: 'Thread reopened',
  threadSaved: 'Thread saved',
  editTitle: (name: string) => `Edit thread ${name}`,
  fieldTitle: 'Title',
  fieldSummary: 'Summary',
  fieldUrl: 'Page URL',
  save: 'Save',
  saving: 'Saving…',
  badUrl: 'Enter a full address starting with https:// or http://.',

  ownerTitle: 'Post as the site owner',
  ownerAbout:
    'Messages you post with the admin token carry an “Author” badge beside your name, so readers can tell the site owner from anyone using the same name.',
  ownerHow:
    'Open a page of your blog from here and the comments on it treat you as the owner: the reader widget takes the token from the link, stores the admin token in this browser’s storage for the blog’s origin, and removes it from the address bar. The token travels in the part of the link after “#”, which browsers never send to servers or in the Referer header.',
  ownerWarn:
    'Only open pages of your own blog, in a browser only you use: scripts on that page can read the stored token.',
  ownerUrl: 'Your blog page URL',
  ownerUrlHelp: 'For example https://blog.example/posts/hello',
  ownerOpen: 'Open it as the owner',
  ownerOpened: 'Your blog page opened in a new tab',
};
