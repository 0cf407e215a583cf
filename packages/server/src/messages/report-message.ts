import type { Store } from '../db/store.ts';
import { messageNotFound } from '../http/api-error.ts';
import { changeMessage } from './message-state.ts';
import { findMessage, insertReport, updateMessage } from './messages.repository.ts';

/** A reader's report of a message. */
export interface Report {
  id: number;
  /** The reader's keyed client hash; one report per reader and message. */
  reporterHash: string;
  reason: string | null;
  now: Date;
  /** Open reports that hide the message; 0 never hides. */
  threshold: number;
}

/**
 * Records a reader's report of a published message. A reader's second report
 * of the same message is accepted and ignored (the answer must not tell a
 * reader apart from a new one). When the message's open reports reach the
 * threshold it is hidden until a moderator decides: it leaves readers' view
 * and the counts, in the same transaction.
 */
export async function reportMessage(store: Store, report: Report): Promise<void> {
  const now = report.now.toISOString();
  await store.write(async (trx) => {
    const message = await findMessage(trx, report.id);
    // Only what readers can see can be reported; anything else is not theirs to know of.
    if (message?.status !== 'published') throw messageNotFound(report.id);
    const counted = await insertReport(trx, {
      messageId: message.id,
      reporterHash: report.reporterHash,
      reason: report.reason,
      now,
    });
    if (!counted) return;
    const openReports = Number(message.report_count) + 1;
    if (report.threshold > 0 && openReports >= report.threshold) {
      await changeMessage(trx, message, { status: 'hidden', report_count: openReports }, now);
    } else {
      // Invisible to readers: no count and no event id moves.
      await updateMessage(trx, message.id, { report_count: openReports });
    }
  });
}
