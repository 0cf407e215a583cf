import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown for comments: CommonMark with raw HTML off, autolinks on, single
 * newlines kept as line breaks (people type comments, not documents).
 * Tables are disabled. Headings and images are parsed (left unparsed, `# x`
 * stayed literal and `![alt](url)` left a stray "!") but rendered as what a
 * comment may hold: see the `heading_*` and `image` rules below.
 */
const md = new MarkdownIt('default', {
  html: false,
  linkify: true,
  breaks: true,
  typographer: false,
  // Bounds the parser's recursion on pathological input such as deep quotes.
  maxNesting: 20,
}).disable(['table']);

/** The attribute every rendered link carries: no endorsement, no opener access. */
export const LINK_REL = 'nofollow ugc noopener noreferrer';

const { escapeHtml } = md.utils;

/** An image url a comment may link to: http(s), or a path on the page's own site. */
function isImageLinkable(href: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1]?.toLowerCase();
  if (scheme !== undefined) return scheme === 'http' || scheme === 'https';
  return !/^[/\\]{2}/.test(href);
}

// A heading of any level is a strong paragraph: a comment has no use for an
// `<h1>` that would outrank the page's own headings (and its outline). What
// is inside it (emphasis, links, code) renders as anywhere else. An empty
// heading (`#` alone) renders nothing rather than an empty strong paragraph.
const isEmptyHeading = (tokens: { content: string }[], inline: number) =>
  (tokens[inline]?.content ?? '').trim() === '';
md.renderer.rules.heading_open = (tokens, idx) =>
  isEmptyHeading(tokens, idx + 1) ? '' : '<p><strong>';
md.renderer.rules.heading_close = (tokens, idx) =>
  isEmptyHeading(tokens, idx - 1) ? '' : '</strong></p>\n';

// An image becomes a link to it, never an `<img>`: loading it would be a
// tracking pixel in every reader's browser (and a way to show anything at any
// size). The parser has already refused a destination its link check refuses
// (`javascript:` and the like stay literal text), and the sanitizer checks the
// href again. The alt text is text (its markup dropped, escaped); an empty
// alt shows the url. An image inside a link's text renders as its text alone:
// a link inside a link is not valid HTML, and browsers split it unpredictably.
// markdown-it's link check lets `data:image/...` through for images, and the
// sanitizer would leave an `<a>` without href for it (or for `//other.host`):
// such an image is its text, no link.
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const href = String(token.attrGet('src') ?? '');
  const alt = self.renderInlineAsText(token.children ?? [], options, env).trim();
  const text = alt === '' ? escapeHtml(href) : escapeHtml(alt);
  if (token.meta?.insideLink || !isImageLinkable(href)) return text;
  return `<a href="${escapeHtml(href)}" rel="${LINK_REL}">${text}</a>`;
};

// Defence in depth: markdown-it with html off already escapes raw HTML and
// refuses `javascript:` links, but the sanitizer is what the stored HTML is
// guaranteed against, whatever the renderer does in a future version.
/**
 * The sanitizer's allowlist for a comment's HTML: what rendered HTML is
 * guaranteed against. Also the first step of turning an imported comment's
 * HTML into markdown (`data/import/html-to-markdown.ts`), so an import keeps
 * nothing a comment could not hold.
 */
export const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    's',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'hr',
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
  },
};

/** Renders a comment's markdown to sanitized HTML. Runs once, at write time. */
export function renderMarkdown(source: string): string {
  return renderComment(source).html;
}

/** A rendered comment: its sanitized HTML and how many links it holds. */
export interface RenderedComment {
  html: string;
  /**
   * Links as markdown-it sees them: explicit `[text](url)` links, `<url>`
   * autolinks, bare URLs it linkifies, and images (rendered as links; links it
   * refuses, such as `javascript:`, are not links and do not count).
   */
  links: number;
}

/**
 * Renders a comment and counts its links from the same parse: the link limit
 * (`PARLEY_MAX_LINKS`) costs no second pass over the text.
 */
export function renderComment(source: string): RenderedComment {
  const env = {};
  const tokens = md.parse(source, env);
  let links = 0;
  for (const block of tokens) {
    let insideLink = 0;
    for (const token of block.children ?? []) {
      if (token.type === 'link_open') {
        links++;
        insideLink++;
      } else if (token.type === 'link_close') insideLink--;
      else if (token.type === 'image') {
        // Rendered as a link of its own, unless it is already inside one.
        if (insideLink > 0) token.meta = { ...token.meta, insideLink: true };
        else if (isImageLinkable(String(token.attrGet('src') ?? ''))) links++;
      }
    }
  }
  const html = sanitizeHtml(md.renderer.render(tokens, md.options, env), sanitizeOptions).trim();
  return { html, links };
}
