import { z } from 'zod';
import {
  bodyText,
  cursorParam,
  httpUrl,
  idNumber,
  idParam,
  limitParam,
  lineText,
  plainMultilineText,
  sortParam,
} from '../http/fields.ts';
import { type MaxReasonLength, messageKind } from '../wire.ts';

/** Longest author name, in code points. */
export const MAX_AUTHOR = 80;
/** Longest thread title, in code points. */
export const MAX_TITLE = 200;

/** Longest honeypot value accepted, in UTF-16 units. */
const MAX_WEBSITE = 2048;
/** Longest proof-of-work payload accepted, in characters. */
const MAX_ALTCHA = 4096;
/** Longest email address accepted, in characters (RFC 5321's limit on a path). */
const MAX_EMAIL = 254;

/** `POST /api/threads/:key/messages` body (unknown fields are ignored). */
export const postMessageBody = z
  .object({
    author: lineText(MAX_AUTHOR),
    body: bodyText,
    parentId: idNumber.nullish(),
    kind: messageKind.optional(),
    thread: z
      .object({
        title: lineText(MAX_TITLE).optional(),
        url: httpUrl.optional(),
      })
      .optional(),
    // The honeypot: any value, bounded so it costs nothing to carry. Filled in
    // (anything but blank) means a bot filled every field it saw.
    website: z.string({ error: 'must be a string' }).max(MAX_WEBSITE).optional(),
    // A solved ALTCHA payload (base64 JSON of a few hundred bytes).
    altcha: z.string({ error: 'must be a string' }).max(MAX_ALTCHA).optional(),
    // Where to mail replies to this message: private, never shown or sent on
    // (see notifications/). Kept only with `notifyReplies: true`.
    email: z
      .string({ error: 'must be a string' })
      .trim()
      .max(MAX_EMAIL, `must be at most ${MAX_EMAIL} characters`)
      .pipe(z.email({ error: 'must be an email address' }))
      .optional(),
    notifyReplies: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .superRefine((post, ctx) => {
    if (post.notifyReplies === true && post.email === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['notifyReplies'],
        message: 'needs an email to mail replies to',
      });
    }
  });
export type PostMessageBody = z.infer<typeof postMessageBody>;

/**
 * `GET /api/threads/:key/messages` query. `at` (the page that holds a reply)
 * starts a listing of its own: it takes no cursor (its answer carries the
 * next one), and the highlights have no "page that holds" (a message that is
 * not highlighted has none), so either beside it is refused, naming it.
 */
export const messagesQuery = z
  .object({
    cursor: cursorParam,
    limit: limitParam(50),
    sort: sortParam,
    at: idParam.optional(),
    highlighted: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
  })
  .superRefine((query, ctx) => {
    if (query.at === undefined) return;
    if (query.cursor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'cannot be combined with at' });
    }
    if (query.highlighted) {
      ctx.addIssue({
        code: 'custom',
        path: ['highlighted'],
        message: 'cannot be combined with at',
      });
    }
  });

/** Longest report reason, in code points; typed by the wire's limit, which the widget repeats. */
export const MAX_REASON: MaxReasonLength = 500;

/** Path parameters of `/api/messages/:id` and `/api/admin/messages/:id`. */
export const messageIdParams = z.object({
  id: idParam,
});

/** `PATCH /api/messages/:id` body: the author's new text. */
export const editMessageBody = z.object({ body: bodyText });

/** `POST /api/messages/:id/report` body; an empty reason is no reason. */
export const reportBody = z.object({
  reason: plainMultilineText(MAX_REASON, { allowEmpty: true })
    .nullish()
    .transform((s) => (s ? s : null)),
});
