import type { Store } from '../db/store.ts';
import { messageNotFound } from '../http/api-error.ts';
import { type ClientIdentity, keyedHash } from '../http/client-identity.ts';
import { recordReport } from '../notifications/outbox.ts';
import { checkLimit, spendLimit } from './client-limit.ts';
import { changeMessage } from './message-state.ts';
import {
  findMessage,
  insertReport,
  openReportNetworks,
  updateMessage,
} from './messages.repository.ts';

/** Reports one client may send per hour; the next is refused with 429. */
const MAX_REPORTS_PER_HOUR = 10;
const HOUR = 60 * 60_000;

/** A reader's report of a message. */
export interface Report {
  id: number;
  /** Who sends it, in the clear (never stored, only hashed); null when the address is unknown. */
  reader: ClientIdentity | null;
  /** The server secret that keys the hashes. */
  secret: string;
  reason: string | null;
  now: Date;
  /** Distinct networks among open reports that hide the message; 0 never hides. */
  threshold: number;
}

/**
 * The keys a report is stored under, all HMACs of the server secret and none
 * with the daily salt, so none changes at midnight:
 * - `reporter`: the client for this message. Stable for the message's whole
 *   life (one report per reader and message), and different for every
 *   message, so a reader's reports cannot be linked to each other.
 * - `network`: the client's network for this message, for the threshold.
 * - `limit`: the client alone, for the hourly limit; its rows live an hour.
 * Readers whose address is unknown share one identity rather than get
 * unlimited ones.
 */
function reportKeys(report: Report) {
  const client = report.reader?.client ?? 'unknown';
  const network = report.reader?.network ?? 'unknown';
  return {
    reporter: keyedHash(report.secret, 'report', `${report.id}:${client}`),
    network: keyedHash(report.secret, 'report-network', `${report.id}:${network}`),
    limit: keyedHash(report.secret, 'report-limit', client),
  };
}

/**
 * Records a reader's report of a published message.
 *
 * - A client may send {@link MAX_REPORTS_PER_HOUR} reports an hour, counted in
 *   the database (so every instance shares the count) and checked before
 *   anything else; past that, 429 with Retry-After.
 * - A reader's second report of the same message, today or any later day, is
 *   accepted and ignored (the answer must not tell a reader apart from a new one).
 * - When the open reports come from `threshold` distinct networks (IPv4 /24,
 *   IPv6 /48: a handful of neighbouring addresses weighs as one) the message
 *   is hidden with the reason `reports` until a moderator decides: it leaves
 *   readers' view and the counts, in the same transaction. The site owner's
 *   own messages are never hidden by reports; moderators still see them.
 */
export async function reportMessage(store: Store, report: Report): Promise<void> {
  const now = report.now.toISOString();
  const keys = reportKeys(report);
  const limit = {
    log: 'report_sends' as const,
    clientHash: keys.limit,
    max: MAX_REPORTS_PER_HOUR,
    windowMs: HOUR,
    what: 'Too many reports from this client',
  };
  // A read first: a client past its limit never takes the write lock.
  await checkLimit(store.db, limit, report.now);
  await store.write(async (trx) => {
    await spendLimit(trx, store.dialect, limit, report.now);
    const message = await findMessage(trx, report.id);
    // Only what readers can see can be reported; anything else is not theirs to know of.
    if (message?.status !== 'published') throw messageNotFound(report.id);
    const counted = await insertReport(trx, {
      messageId: message.id,
      reporterHash: keys.reporter,
      networkHash: keys.network,
      reason: report.reason,
      now,
    });
    if (!counted) return;
    const openReports = Number(message.report_count) + 1;
    const hides =
      report.threshold > 0 &&
      message.author_role !== 'owner' &&
      (await openReportNetworks(trx, message.id)) >= report.threshold;
    const after = hides
      ? await changeMessage(
          trx,
          message,
          { status: 'hidden', hidden_reason: 'reports', report_count: openReports },
          now,
        )
      : // Invisible to readers: no count and no event id moves.
        await updateMessage(trx, message.id, { report_count: openReports });
    // The owner hears of every counted report (a repeat by the same reader is not one).
    await recordReport(
      trx,
      after,
      { reason: report.reason, count: openReports, hidden: hides },
      now,
    );
  });
}
