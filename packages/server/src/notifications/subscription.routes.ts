/**
 * The pages a reader reaches from a mail: confirming reply mail, and ending
 * it. Plain HTML, outside `/api`, so none of the JSON API's guards apply:
 * RFC 8058's one-click unsubscribe is a POST from a mail client or provider
 * with a form body (or none) and no Origin of ours, and must work as sent.
 * The token in the link is the only key (see `subscription-tokens.ts`).
 *
 * - `GET /notifications/confirm?token=`: a page with a "Confirm" button,
 *   never a confirmation by itself (nor `HEAD`): mail scanners open links,
 *   and a scanner must not consent for the reader.
 * - `POST /notifications/confirm?token=`: confirms the one reader key
 *   (browser) the link was mailed for, and links back to the message on the
 *   blog.
 * - `GET /notifications/unsubscribe?token=`: a page with a button, never an
 *   unsubscribe by itself, for the same reason.
 * - `POST /notifications/unsubscribe?token=`: deletes the address at once;
 *   its keys and pending mail go with it, its messages keep nothing of it.
 *
 * No page shows the address: a link forwarded or seen over a shoulder tells
 * no one whose it is.
 */
import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import type { ReaderKeyRow } from '../db/schema.ts';
import { escapeHtml } from '../http/html.ts';
import {
  confirmReaderKey,
  deleteAddress,
  findAddress,
  findReaderKey,
  latestMessageOfKey,
} from './reader-addresses.repository.ts';
import {
  CONFIRM_TOKEN_DAYS,
  checkConfirmToken,
  isTokenRow,
  parseConfirmToken,
  verifyUnsubscribeToken,
} from './subscription-tokens.ts';

const STYLE =
  'body{font:1rem/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.4rem 1rem}a:focus-visible,button:focus-visible{outline:2px solid;outline-offset:2px}';

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

/** What a page holds below its heading. */
interface PageParts {
  paragraphs: string[];
  /** A button that POSTs to the page's own URL (token included). */
  button?: string;
  /** A link after the text (back to the blog). */
  link?: { href: string; text: string };
}

/** A page: a heading, paragraphs of text, and optionally a link and a button. */
function page(c: Context, status: 200 | 400 | 410, heading: string, parts: PageParts) {
  for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
  const link = parts.link
    ? `<p><a href="${escapeHtml(parts.link.href)}">${escapeHtml(parts.link.text)}</a></p>\n`
    : '';
  const form = parts.button
    ? // No action: the form posts to this page's own URL, token included.
      `<form method="post"><button type="submit">${escapeHtml(parts.button)}</button></form>\n`
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
${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${link}${form}</body>
</html>
`,
    status,
  );
}

const INVALID_LINK: PageParts = {
  paragraphs: [
    'This link is not valid: it may have been copied incompletely, or the reply mail it was for has ended.',
  ],
};

const UNSUBSCRIBED: PageParts = {
  paragraphs: [
    'This address gets no more mail from here, and is no longer kept: the messages that asked for reply mail keep nothing of it.',
  ],
};

const GONE: PageParts = {
  paragraphs: [
    'The reply mail this link was for has ended already: the address was unsubscribed, or the messages that asked for it were deleted.',
  ],
};

/** The reader pages, mounted under `/notifications`. */
export function subscriptionRoutes(
  deps: Pick<AppDeps, 'store' | 'config'>,
  services: Pick<AppServices, 'clock' | 'secret'>,
) {
  const { store, config } = deps;
  const { clock, secret } = services;
  const fallbackSite = config.publicUrl ? new URL(config.publicUrl).host : undefined;

  /**
   * The blog a key asked for reply mail on (its latest published message's
   * thread url's host), and the link back to that message; the public URL's
   * host when no message says.
   */
  async function whereFrom(key: ReaderKeyRow) {
    const latest = await latestMessageOfKey(store.db, key.id);
    const url = latest?.threadUrl ? URL.parse(latest.threadUrl) : null;
    if (!latest || !url) return { site: fallbackSite ?? 'this site' };
    url.hash = `parley-${latest.id}`;
    return { site: url.host, message: url.href };
  }

  /** The key a confirm link names, when the link is genuine, with the page for any other. */
  async function confirmable(c: Context) {
    const token = parseConfirmToken(c.req.query('token'));
    const key = token ? await findReaderKey(store.db, token.id) : undefined;
    if (!token || !key) return { refusal: page(c, 400, 'Link not valid', INVALID_LINK) };
    const verdict = checkConfirmToken(secret, token, key, clock());
    if (verdict === 'invalid') return { refusal: page(c, 400, 'Link not valid', INVALID_LINK) };
    // An old link to a key confirmed since (by a newer link) has nothing left to do.
    if (verdict === 'expired' && !key.confirmed_at) {
      return {
        refusal: page(c, 410, 'Link expired', {
          paragraphs: [
            `Confirmation links work for ${CONFIRM_TOKEN_DAYS} days. Post again from the same browser with reply mail asked for, and a new link will come (at most one a day).`,
          ],
        }),
      };
    }
    return { key };
  }

  /** The page once the key is confirmed: where the reader was, and the way back. */
  async function confirmedPage(c: Context, key: ReaderKeyRow) {
    const { site, message } = await whereFrom(key);
    return page(c, 200, 'Reply mail confirmed', {
      paragraphs: [
        `When someone replies to your messages on ${site} from this browser, you will get a mail with the reply and a link to it.`,
        'Every such mail has a link to stop them.',
      ],
      ...(message ? { link: { href: message, text: `Back to your message on ${site}` } } : {}),
    });
  }

  /** The address an unsubscribe link names, when the link is genuine and the row still its own. */
  async function unsubscribable(c: Context, db = store.db) {
    // The signature first: a forged link is refused alike whether or not
    // the row it names exists, so links tell nothing of who is subscribed.
    const verified = verifyUnsubscribeToken(secret, c.req.query('token'));
    if (!verified) return 'invalid' as const;
    const address = await findAddress(db, verified.id);
    return address && isTokenRow(verified, address) ? address : ('gone' as const);
  }

  return new Hono()
    .get('/confirm', async (c) => {
      // Also HEAD (Hono answers it from this handler): it changes nothing.
      const found = await confirmable(c);
      if ('refusal' in found) return found.refusal;
      if (found.key.confirmed_at) return confirmedPage(c, found.key);
      const { site } = await whereFrom(found.key);
      return page(c, 200, 'Confirm reply mail?', {
        paragraphs: [
          `Someone, probably you, asked ${site} to mail this address when people reply to their messages there.`,
          'Confirm, and replies to what you post from that browser will be mailed to you.',
        ],
        button: 'Confirm',
      });
    })
    .post('/confirm', async (c) => {
      // The body (the button's empty form) is never read: the token is the request.
      const found = await confirmable(c);
      if ('refusal' in found) return found.refusal;
      if (!found.key.confirmed_at) {
        await store.write((trx) => confirmReaderKey(trx, found.key.id, clock().toISOString()));
      }
      return confirmedPage(c, found.key);
    })
    .get('/unsubscribe', async (c) => {
      const address = await unsubscribable(c);
      if (address === 'invalid') return page(c, 400, 'Link not valid', INVALID_LINK);
      // Gone already: unsubscribed before, or its last message deleted.
      if (address === 'gone') return page(c, 200, 'Nothing to stop', GONE);
      return page(c, 200, 'Stop reply mail?', {
        paragraphs: ['This address will get no more mail from here, and will no longer be kept.'],
        button: 'Stop reply mail',
      });
    })
    .post('/unsubscribe', async (c) => {
      // The body (`List-Unsubscribe=One-Click`, or the button's empty form) is
      // never read: the token in the URL is the whole request.
      const outcome = await store.write(async (trx) => {
        const address = await unsubscribable(c, trx);
        if (typeof address === 'string') return address;
        await deleteAddress(trx, address.id);
        return 'unsubscribed' as const;
      });
      if (outcome === 'invalid') return page(c, 400, 'Link not valid', INVALID_LINK);
      // Said again on a second POST (mail clients retry): it has ended either way.
      return outcome === 'gone'
        ? page(c, 200, 'Nothing to stop', GONE)
        : page(c, 200, 'Unsubscribed', UNSUBSCRIBED);
    });
}
