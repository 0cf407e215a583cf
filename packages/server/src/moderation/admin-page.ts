import type { Context } from 'hono';

/**
 * The moderation page: a small document that loads `/admin.js`, whose
 * `<parley-admin>` element asks for the admin token and then uses the admin
 * API. The page itself holds no secret, so it needs no token.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>Parley moderation</title>
<link rel="icon" href="data:,">
<script type="module" src="/admin.js"></script>
</head>
<body>
<parley-admin></parley-admin>
<noscript>The Parley moderation page needs JavaScript.</noscript>
</body>
</html>
`;

/**
 * Why these headers: the page handles the admin token, so it runs only this
 * server's own script (no inline code, no third-party anything), talks only
 * to this server, cannot be framed (clickjacking a moderator), cannot have
 * its script URLs re-based by an injected `<base>` nor submit a form anywhere,
 * leaks no Referer and is never cached.
 */
const HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** Serves `GET /admin`. */
export function adminPage(c: Context) {
  for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
  return c.body(PAGE);
}
