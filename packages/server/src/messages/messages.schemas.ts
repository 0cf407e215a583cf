import { domainToASCII } from 'node:url';
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
/** Longest local part (before the `@`), in characters (RFC 5321). */
const MAX_LOCAL_PART = 64;
/** Longest domain label, in characters (RFC 1035). */
const MAX_LABEL = 63;

/**
 * An address with its domain as mail servers know it: an internationalised
 * domain (`bücher.de`) in its punycode form (`xn--bcher-kva.de`), lower-cased
 * (domains have no case; the local part is kept as typed). Undefined when
 * the domain is not one (`domainToASCII` refuses it).
 */
function asciiDomain(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const domain = domainToASCII(address.slice(at + 1));
  return domain ? `${address.slice(0, at)}@${domain.toLowerCase()}` : undefined;
}

/**
 * A reader's email address for reply mail: trimmed, at most 254 characters
 * (before and after the domain becomes punycode), a local part of at most 64
 * and domain labels of at most 63, a valid address once its domain is ASCII.
 * No message repeats the address.
 */
const emailAddress = z
  .string({ error: 'must be a string' })
  .trim()
  .max(MAX_EMAIL, `must be at most ${MAX_EMAIL} characters`)
  .transform((value, ctx) => {
    const ascii = asciiDomain(value);
    if (ascii === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an email address' });
      return z.NEVER;
    }
    return ascii;
  })
  .refine((s) => s.length <= MAX_EMAIL, `must be at most ${MAX_EMAIL} characters`)
  .refine(
    (s) => s.lastIndexOf('@') <= MAX_LOCAL_PART,
    `must have at most ${MAX_LOCAL_PART} characters before the @`,
  )
  .refine(
    (s) =>
      s
        .slice(s.lastIndexOf('@') + 1)
        .split('.')
        .every((label) => label.length <= MAX_LABEL),
    `must have at most ${MAX_LABEL} characters between the dots of its domain`,
  )
  .pipe(z.email({ error: 'must be an email address' }));

/** Longest reader key accepted (the server makes 32-character ones). */
const MAX_MAIL_KEY = 64;

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
    email: emailAddress.optional(),
    notifyReplies: z.boolean({ error: 'must be true or false' }).optional(),
    // The reader key an earlier post's answer gave this browser (base64url).
    mailKey: z
      .string({ error: 'must be a string' })
      .regex(
        new RegExp(`^[A-Za-z0-9_-]{1,${MAX_MAIL_KEY}}$`),
        `must be 1 to ${MAX_MAIL_KEY} letters, digits, - or _`,
      )
      .optional(),
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
