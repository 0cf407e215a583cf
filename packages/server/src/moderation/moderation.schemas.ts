import { z } from 'zod';
import {
  cursorParam,
  httpUrl,
  idNumber,
  limitParam,
  lineText,
  searchText,
  threadKey,
} from '../http/fields.ts';
import { MAX_TITLE } from '../messages/messages.schemas.ts';
import { bulkAction, type MaxBulkIds, type MaxSearchLength, threadStatus } from '../wire.ts';

/** Longest thread summary, in code points. */
export const MAX_SUMMARY = 1000;

/** Longest search text; typed by the wire's limit, which the admin page repeats. */
const MAX_SEARCH: MaxSearchLength = 200;

/** `GET /api/admin/messages` query. */
export const adminMessagesQuery = z.object({
  status: z
    .enum(['pending', 'published', 'hidden', 'spam', 'reported'], {
      error: 'must be pending, published, hidden, spam or reported',
    })
    .optional(),
  thread: threadKey.optional(),
  /** Text the body or the author name contains, any case. */
  q: searchText(MAX_SEARCH).optional(),
  cursor: cursorParam,
  limit: limitParam(50),
});

/** Most messages one bulk request may name; typed by the wire's limit, which the admin page repeats. */
const MAX_BULK_IDS: MaxBulkIds = 100;

/** `POST /api/admin/messages/bulk` body. */
export const adminBulkBody = z.object({
  ids: z
    .array(idNumber, { error: 'must be an array of message ids' })
    .min(1, 'give at least one id')
    .max(MAX_BULK_IDS, `at most ${MAX_BULK_IDS} ids per request`)
    // A repeated id is a client's mistake (two rows for one message): say so
    // rather than decide twice, or once, silently.
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id'),
  action: z.enum(bulkAction.options, { error: 'must be publish, hide or delete' }),
});

/** `GET /api/admin/export` query. */
export const adminExportQuery = z.object({ thread: threadKey.optional() });

/** `GET /api/admin/threads` query. */
export const adminThreadsQuery = z.object({
  cursor: cursorParam,
  limit: limitParam(50),
});

const atLeastOne = (fields: string[]) => (value: Record<string, unknown>) =>
  fields.some((f) => value[f] !== undefined);

/** `PATCH /api/admin/messages/:id` body. */
export const adminMessagePatch = z
  .object({
    status: z.enum(['published', 'hidden'], { error: 'must be published or hidden' }).optional(),
    highlighted: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .refine(atLeastOne(['status', 'highlighted']), 'give status or highlighted');

/**
 * A summary: one short paragraph. Line breaks pasted into it become spaces;
 * other control characters are refused like in any shown text. An empty
 * (or blank) one means null: clear the manual summary, back to automatic.
 */
const summaryText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? null : value),
  z
    .string({ error: 'must be a string or null' })
    .transform((s) => s.replace(/[\r\n\t]+/g, ' '))
    .pipe(lineText(MAX_SUMMARY))
    .nullable(),
);

/** `PATCH /api/admin/threads/:key` body. */
export const adminThreadPatch = z
  .object({
    title: lineText(MAX_TITLE).nullable().optional(),
    summary: summaryText.optional(),
    url: httpUrl.nullable().optional(),
    status: z.enum(threadStatus.options, { error: 'must be open or closed' }).optional(),
  })
  .refine(atLeastOne(['title', 'summary', 'url', 'status']), 'give title, summary, url or status');
