/**
 * The pages a reader reaches from a mail: confirming reply mail, and ending
 * it. Plain HTML, outside `/api`, so none of the JSON API's guards apply:
 * RFC 8058's one-click unsubscribe is a POST from a mail client or provider
 * with a form body (or none) and no Origin of ours, and must work as sent.
 * The token in the link is the only key (see `subscription-tokens.ts`).
 *
 * - `GET /notifications/confirm?token=`: confirms the address (the link was
 *   mailed to it, so following it proves the reader reads that mailbox).
 * - `GET /notifications/unsubscribe?token=`: a page with a button, never an
 *   unsubscribe by itself: mail scanners follow links in mail.
 * - `POST /notifications/unsubscribe?token=`: deletes the address at once;
 *   its pending mail goes with it, its messages keep nothing of it.
 *
 * No page shows the address: a link forwarded or seen over a shoulder tells
 * no one whose it is.
 */
import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { escapeHtml } from './mail-render.ts';
import { confirmAddress, deleteAddress, findAddress } from './reader-addresses.repository.ts';
import {
  CONFIRM_TOKEN_DAYS,
  checkConfirmToken,
  checkUnsubscribeToken,
  parseConfirmToken,
  parseUnsubscribeToken,
} from './subscription-tokens.ts';

const STYLE =
  'body{font:1rem/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.4rem 1rem}';

/**
 * Why these headers: the pages run nothing and load nothing (the one style
 * sheet is inline, allowed by its hash), cannot be framed (a framed
 * "unsubscribe" button is a clickjacking target), post only to this server,
 * are never cached (the answer depends on the row's state) and send no
 * Referer, which would carry the token in the URL.
 */
const HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** A page: a heading, paragraphs of text, and optionally the unsubscribe button. */
function page(
  c: Context,
  status: 200 | 400 | 410,
  heading: string,
  paragraphs: string[],
  button?: string,
) {
  for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
  const form = button
    ? // No action: the form posts to this page's own URL, token included.
      `<form method="post"><button type="submit">${escapeHtml(button)}</button></form>\n`
    : '';
  return c.body(
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(heading)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${form}</body>
</html>
`,
    status,
  );
}

const INVALID_LINK = [
  'This link is not valid: it may have been copied incompletely, or the address it was for is no longer kept here.',
];

const UNSUBSCRIBED = [
  'This address gets no more mail from here, and is no longer kept: the messages that asked for reply mail keep nothing of it.',
];

const GONE = [
  'The reply mail this link was for has ended already: the address was unsubscribed, or the messages that asked for it were deleted.',
];

/** The reader pages, mounted under `/notifications`. */
export function subscriptionRoutes(
  deps: Pick<AppDeps, 'store'>,
  services: Pick<AppServices, 'clock' | 'secret'>,
) {
  const { store } = deps;
  const { clock, secret } = services;

  return new Hono()
    .get('/confirm', async (c) => {
      const token = parseConfirmToken(c.req.query('token'));
      const address = token ? await findAddress(store.db, token.id) : undefined;
      if (!token || !address) return page(c, 400, 'Link not valid', INVALID_LINK);
      const now = clock();
      const verdict = checkConfirmToken(secret, token, address, now);
      if (verdict === 'invalid') return page(c, 400, 'Link not valid', INVALID_LINK);
      // An old link to an address confirmed since (by a newer link) has nothing left to do.
      if (verdict === 'expired' && !address.confirmed_at) {
        return page(c, 410, 'Link expired', [
          `Confirmation links work for ${CONFIRM_TOKEN_DAYS} days. Post again with reply mail asked for, and a new link will come (at most one a day).`,
        ]);
      }
      if (!address.confirmed_at) {
        await store.write((trx) => confirmAddress(trx, address.id, now.toISOString()));
      }
      return page(c, 200, 'Reply mail confirmed', [
        'When someone replies to your messages, you will get a mail with the reply and a link to it.',
        'Every such mail has a link to stop them.',
      ]);
    })
    .get('/unsubscribe', async (c) => {
      const token = parseUnsubscribeToken(c.req.query('token'));
      if (!token) return page(c, 400, 'Link not valid', INVALID_LINK);
      const address = await findAddress(store.db, token.id);
      // Gone already: unsubscribed before, or its last message deleted.
      if (!address) return page(c, 200, 'Nothing to stop', GONE);
      if (!checkUnsubscribeToken(secret, token, address)) {
        return page(c, 400, 'Link not valid', INVALID_LINK);
      }
      return page(
        c,
        200,
        'Stop reply mail?',
        ['This address will get no more mail from here, and will no longer be kept.'],
        'Stop reply mail',
      );
    })
    .post('/unsubscribe', async (c) => {
      // The body (`List-Unsubscribe=One-Click`, or the button's empty form) is
      // never read: the token in the URL is the whole request.
      const token = parseUnsubscribeToken(c.req.query('token'));
      if (!token) return page(c, 400, 'Link not valid', INVALID_LINK);
      const outcome = await store.write(async (trx) => {
        const address = await findAddress(trx, token.id);
        if (!address) return 'gone';
        if (!checkUnsubscribeToken(secret, token, address)) return 'invalid';
        await deleteAddress(trx, address.id);
        return 'unsubscribed';
      });
      if (outcome === 'invalid') return page(c, 400, 'Link not valid', INVALID_LINK);
      // Said again on a second POST (mail clients retry): it has ended either way.
      return outcome === 'gone'
        ? page(c, 200, 'Nothing to stop', GONE)
        : page(c, 200, 'Unsubscribed', UNSUBSCRIBED);
    });
}
