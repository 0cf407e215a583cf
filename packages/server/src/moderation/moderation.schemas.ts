import { z } from 'zod';
import { cursorParam, httpUrl, limitParam, lineText, threadKey } from '../http/fields.ts';
import { MAX_TITLE } from '../messages/messages.schemas.ts';
import { threadStatus } from '../wire.ts';

/** Longest thread summary, in code points. */
const MAX_SUMMARY = 1000;

/** `GET /api/admin/messages` query. */
export const adminMessagesQuery = z.object({
  status: z
    .enum(['pending', 'published', 'hidden', 'spam', 'reported'], {
      error: 'must be pending, published, hidden, spam or reported',
    })
    .optional(),
  thread: threadKey.optional(),
  cursor: cursorParam,
  limit: limitParam(50),
});

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
 * other control characters are refused like in any shown text.
 */
const summaryText = z
  .string({ error: 'must be a string or null' })
  .transform((s) => s.replace(/[\r\n\t]+/g, ' '))
  .pipe(lineText(MAX_SUMMARY));

/** `PATCH /api/admin/threads/:key` body. */
export const adminThreadPatch = z
  .object({
    title: lineText(MAX_TITLE).nullable().optional(),
    summary: summaryText.nullable().optional(),
    url: httpUrl.nullable().optional(),
    status: z.enum(threadStatus.options, { error: 'must be open or closed' }).optional(),
  })
  .refine(atLeastOne(['title', 'summary', 'url', 'status']), 'give title, summary, url or status');
