/**
 * The moderation page's words in its current locale: `strings` is what every
 * part renders, made from one catalog (`locales/*.ts`; English built in, each
 * other locale a lazy chunk of `/admin.js`, loaded with the seam's
 * `lazyCatalogs`). The page has one `<parley-admin>`, so the locale is the
 * page's: `use()` switches it, and `strings` (a live binding) follows.
 */
import type { Plural } from '../i18n/en.js';
import { fill, num, plural } from '../i18n/format.js';
import { lazyCatalogs } from '../i18n/lazy-catalogs.js';
import type { Locale } from '../i18n/locales.js';
import { type AdminCatalog, en } from './locales/en.js';

/** The words of `c`, with the counted and filled-in ones as functions, in `locale`. */
function words(c: AdminCatalog, locale: Locale) {
  const n = (count: number, more = false) => num(locale, count) + (more ? '+' : '');
  /** `forms` for `count` (`{n}`, with + when there are `more`), other placeholders from `values`. */
  const counted = (forms: Plural, count: number, more = false, values = {}) =>
    plural(locale, forms, count, { ...values, n: n(count, more) });
  return {
    ...c,
    status: c.status as Record<string, string>,
    channels: c.channels as Record<string, string>,
    threadNotPublic: [c.threadNotPublicBefore, c.threadNotPublicAfter] as const,
    tooMany: (seconds: number) => counted(c.tooMany, seconds),
    tabByReports: (count: number, more: boolean) => counted(c.tabByReports, count, more),
    hiddenNotice: (count: number, more: boolean) =>
      more ? fill(c.hiddenNoticeMore, { n: n(count) }) : counted(c.hiddenNotice, count),
    moreLoaded: (count: number) => counted(c.moreLoaded, count),
    moreThreads: (count: number) => counted(c.moreThreads, count),
    moreDeliveries: (count: number) => counted(c.moreDeliveries, count),
    /** The empty state of a list narrowed by a search (`q`) or to a thread (`thread`, its name). */
    noMatch: (q: string, thread: string) =>
      fill(q ? (thread ? c.noMatchIn : c.noMatch) : c.noneIn, { q, thread }),
    found: (count: number, more: boolean) =>
      count === 0 ? c.foundNone : counted(c.found, count, more),
    count: (count: number, more: boolean) => fill(c.count, { n: n(count, more) }),
    reportReasons: (shown: number, all: number) =>
      shown < all ? fill(c.reportReasonsLatest, { shown: n(shown), all: n(all) }) : c.reportReasons,
    reports: (count: number) => counted(c.reports, count),
    selectAll: (count: number) => counted(c.selectAll, count),
    selected: (count: number) => counted(c.selected, count),
    /** Bulk button names: the visible verb first, then how many. */
    bulkAct: (verb: string, count: number) => counted(c.bulkAct, count, false, { verb }),
    bulkConfirm: (count: number) => counted(c.bulkConfirm, count),
    bulkDone: (count: number, action: keyof AdminCatalog['bulkDone']) =>
      counted(c.bulkDone[action], count),
    bulkMissing: (count: number) => counted(c.bulkMissing, count),
    actionsFor: (id: number, name: string) => fill(c.actionsFor, { id, name }),
    act: (action: string, id: number, name: string) => fill(c.act, { action, id, name }),
    threadCounts: (thread: {
      messageCount: number;
      highlightCount: number;
      pendingCount: number;
      reportedCount: number;
    }) =>
      [
        counted(c.threadMessages, thread.messageCount),
        counted(c.threadHighlights, thread.highlightCount),
        counted(c.threadPending, thread.pendingCount),
        counted(c.threadReported, thread.reportedCount),
      ].join(' · '),
    exportSaved: (filename: string) => fill(c.exportSaved, { filename }),
    exportFailed: (why: string) => fill(c.exportFailed, { why }),
    threadAct: (action: string, name: string) => fill(c.threadAct, { action, name }),
    editTitle: (name: string) => fill(c.editTitle, { name }),
    ownerLinkTitle: (label: string) => fill(c.ownerLinkTitle, { label }),
    revokeAct: (action: string, label: string) => fill(c.revokeAct, { action, label }),
    /** Who a delivery goes to: never an address, only the webhook's origin or whose mail it is. */
    deliveryTarget: (target: string) =>
      target === 'owner' ? c.deliveryOwner : target === 'reader' ? c.deliveryReader : target,
    retryAct: (action: string, id: number, channel: string, type: string) =>
      fill(c.retryAct, { action, id, channel, type }),
  };
}

/** The words the moderation page renders, in {@link locale}. Default: English. */
export let strings = words(en, 'en');
/** The locale `strings` are in. Default `en`. */
export let locale: Locale = 'en';
let current: AdminCatalog = en;

const catalogFor = lazyCatalogs<AdminCatalog>(en, {
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
  es: () => import('./locales/es.js'),
  'pt-BR': () => import('./locales/pt-BR.js'),
  ja: () => import('./locales/ja.js'),
  'zh-Hans': () => import('./locales/zh-Hans.js'),
  ar: () => import('./locales/ar.js'),
  he: () => import('./locales/he.js'),
});

/**
 * Makes `next` the page's locale: true when its words are in `strings` now,
 * false while its chunk loads (`ready` runs once it is in; call again then).
 */
export function use(next: Locale, ready: () => void): boolean {
  const c = catalogFor(next, ready);
  if (!c) return false;
  if (next !== locale || c !== current) strings = words(c, next);
  current = c;
  locale = next;
  return true;
}
