import type { Context } from 'hono';

/**
 * The moderation page: a small document that loads `/admin.js`, whose
 * `<parley-admin>` element asks for the admin token and then uses the admin
 * API. The page itself holds no secret, so it needs no token. Its `<html>`
 * carries the language the browser prefers among those the page ships (from
 * `Accept-Language`) and its direction; the element reads its words from
 * there. The element draws the landmarks (a banner, then `<main>`).
 */

/**
 * The locales `/admin` ships, as the widget names them
 * (`packages/widget/src/i18n/locales.ts`; the server never imports the
 * widget, and a test checks the two lists agree), with the words of the page
 * itself in each.
 */
const PAGES = {
  en: ['Parley moderation', 'The Parley moderation page needs JavaScript.'],
  de: ['Parley-Moderation', 'Die Parley-Moderation braucht JavaScript.'],
  fr: ['Modération Parley', 'La page de modération Parley nécessite JavaScript.'],
  es: ['Moderación de Parley', 'La página de moderación de Parley necesita JavaScript.'],
  'pt-BR': ['Moderação do Parley', 'A página de moderação do Parley precisa de JavaScript.'],
  ja: ['Parley モデレーション', 'Parley のモデレーションページには JavaScript が必要です。'],
  'zh-Hans': ['Parley 审核', 'Parley 审核页面需要 JavaScript。'],
  ar: ['إشراف Parley', 'تحتاج صفحة إشراف Parley إلى JavaScript.'],
  he: ['ניהול התגובות ב־Parley', 'דף הניהול של Parley דורש JavaScript.'],
} as const;

/** A locale `/admin` ships. */
type AdminLocale = keyof typeof PAGES;
const SHIPPED = Object.keys(PAGES) as AdminLocale[];

/** A language range of RFC 9110 (`de`, `pt-BR`, `*`) and its optional weight. */
const RANGE = /^([a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)(?:\s*;\s*q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?$/i;

/**
 * The shipped locale a browser's `Accept-Language` prefers (RFC 9110 §12.5.4):
 * ranges by weight, highest first (ties in the header's order, `q=0` never),
 * each matched by its language alone, as the element matches a `lang`
 * (`de-AT` reads German, `pt-PT` Brazilian Portuguese, `zh-TW` Simplified
 * Chinese). Malformed ranges are skipped; no match, or no header, reads
 * English. Only the first 4 KB are read: a header is a browser's short list.
 */
export function pickLocale(header: string | null | undefined): AdminLocale {
  const ranges: { language: string; q: number; at: number }[] = [];
  (header ?? '')
    .slice(0, 4096)
    .split(',')
    .forEach((part, at) => {
      const m = RANGE.exec(part.trim());
      const q = m ? Number(m[2] ?? 1) : 0;
      if (m && q > 0) ranges.push({ language: m[1]!.split('-')[0]!.toLowerCase(), q, at });
    });
  ranges.sort((a, b) => b.q - a.q || a.at - b.at);
  for (const { language } of ranges) {
    const found = SHIPPED.find((l) => l.split('-')[0] === language);
    if (found) return found;
  }
  return 'en';
}

/** The page in `locale`: its language and direction on `<html>`, its title and fallback. */
function page(locale: AdminLocale) {
  const [title, noscript] = PAGES[locale];
  const dir = locale === 'ar' || locale === 'he' ? 'rtl' : 'ltr';
  return `<!doctype html>
<html lang="${locale}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<link rel="icon" href="data:,">
<script type="module" src="/admin.js"></script>
</head>
<body>
<parley-admin></parley-admin>
<noscript>${noscript}</noscript>
</body>
</html>
`;
}

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
  // The page's language follows Accept-Language.
  Vary: 'Accept-Language',
};

/** Serves `GET /admin`. */
export function adminPage(c: Context) {
  for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
  return c.body(page(pickLocale(c.req.header('Accept-Language'))));
}
