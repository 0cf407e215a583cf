/**
 * The standalone document around the discussion (`GET /threads/:key`): head
 * (title, description, canonical link, feeds, the inline style), the
 * discussion (its JSON-LD inside it, as in the fragment), and the way to the thread on the blog. Also the small
 * error pages these routes answer people with. Everything it says comes
 * escaped from `thread-markup.ts` and `json-ld.ts`.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../http/html.ts';
import { pageStrings as t } from './page-strings.ts';

/**
 * The page's only style: readable from a 320 px phone column to a wide
 * screen, light and dark from the reader's setting, system fonts (nothing
 * to fetch). Allowed by its hash in the CSP, so no other style can apply.
 */
const PAGE_STYLE = [
  ':root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0969da;--mark:#fff8c5}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--accent:#4493f8;--mark:#3b3000}}',
  'body{margin:0;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:Canvas}',
  'main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem}',
  'h1{font-size:1.6rem;line-height:1.25;margin:0 0 .5rem}',
  'a{color:var(--accent)}',
  // A long URL in a title or summary wraps rather than widening a phone's page.
  '.parley-title,.parley-summary{overflow-wrap:anywhere}',
  '.parley-summary{margin:.25rem 0 .5rem}',
  '.parley-summary-source{color:var(--muted);font-size:.85rem}',
  '.parley-stats,.parley-status,.parley-meta,.parley-pages{color:var(--muted);font-size:.9rem}',
  '.parley-stats,.parley-status{margin:.25rem 0}',
  '.parley-status::before{content:"";display:inline-block;width:.5rem;height:.5rem;border-radius:50%;background:#1a7f37;margin-right:.4rem;vertical-align:middle}',
  '.parley-closed::before{background:var(--muted)}',
  '.parley-replies,.parley-replies ol{list-style:none;margin:0;padding:0}',
  '.parley-replies ol{margin-left:clamp(.5rem,3vw,1.5rem);padding-left:clamp(.5rem,2vw,1rem);border-left:2px solid var(--line)}',
  '.parley-message{padding:.75rem 0;border-top:1px solid var(--line);overflow-wrap:anywhere}',
  '.parley-opening{border-top:0;padding-bottom:1rem}',
  '.parley-highlighted{background:var(--mark);padding-left:.5rem;padding-right:.5rem}',
  '.parley-meta{display:flex;flex-wrap:wrap;gap:.25rem .5rem;align-items:baseline}',
  '.parley-author{font-size:1rem;margin:0;color:var(--fg)}',
  '.parley-badge{border:1px solid currentColor;border-radius:1rem;padding:0 .45rem;font-size:.8rem}',
  '.parley-time{color:inherit}',
  '.parley-body>:first-child{margin-top:.25rem}.parley-body>:last-child{margin-bottom:0}',
  // Wrapped, not scrolled: a scrolling block would need a tab stop of its own
  // for keyboard readers (axe scrollable-region-focusable), and this page has no script.
  '.parley-body pre{white-space:pre-wrap;overflow-wrap:anywhere;padding:.5rem;border:1px solid var(--line)}',
  '.parley-body blockquote{margin-left:0;padding-left:.75rem;border-left:3px solid var(--line);color:var(--muted)}',
  '.parley-deleted p{color:var(--muted);font-style:italic;margin:0}',
  '.parley-pages{display:flex;flex-wrap:wrap;gap:1rem;margin:1.5rem 0}',
  '.parley-join{margin-top:2rem;font-weight:600}',
  'a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}',
].join('');

export const STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

/**
 * The page's CSP. It runs nothing (`script-src 'none'`; the JSON-LD block is
 * data, which browsers never run), loads nothing but its own hashed style
 * (message HTML has no images: the renderer makes them links), cannot have
 * its links re-based or submit anywhere, and may be framed only by this
 * server and the origins allowed to embed Parley (`PARLEY_ORIGINS`; `*`:
 * any), so a blog can `<iframe>` it for readers without JavaScript.
 */
export function pageCsp(frameAncestors: string): string {
  return `default-src 'none'; script-src 'none'; style-src ${STYLE_HASH}; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors}`;
}

/** What the page's head says besides the discussion. */
export interface PageHead {
  title: string;
  description: string | null;
  canonical: string;
  prev: string | undefined;
  next: string | undefined;
  threadFeed: string;
  siteFeed: string;
  /** Where to join the discussion (the thread's page on the blog), if known. */
  joinUrl: string | null;
}

/** The whole document around `discussion` (the markup of `renderDiscussion(…, 1)`). */
export function renderPage(head: PageHead, discussion: string): string {
  const link = (rel: string, href: string | undefined) =>
    href ? `<link rel="${rel}" href="${escapeHtml(href)}">\n` : '';
  return `<!DOCTYPE html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(head.title)}</title>
${head.description ? `<meta name="description" content="${escapeHtml(head.description)}">\n` : ''}${link('canonical', head.canonical)}${link('prev', head.prev)}${link('next', head.next)}<link rel="alternate" type="application/atom+xml" title="${escapeHtml(t.threadFeed)}" href="${escapeHtml(head.threadFeed)}">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(t.siteFeed)}" href="${escapeHtml(head.siteFeed)}">
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${discussion}
${head.joinUrl ? `<p class="parley-join"><a href="${escapeHtml(head.joinUrl)}">${escapeHtml(t.join)}</a></p>\n` : ''}</main>
</body>
</html>
`;
}

/** A small page for a person who followed a link that leads nowhere (404) or was malformed (400). */
export function renderErrorPage(title: string, text: string): string {
  return `<!DOCTYPE html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
</main>
</body>
</html>
`;
}
