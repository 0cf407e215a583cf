import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown for comments: CommonMark with raw HTML off, autolinks on, single
 * newlines kept as line breaks (people type comments, not documents).
 * Headings, tables and images are disabled: a comment has no use for an `<h1>`,
 * and an image is a tracking pixel in a reader's browser.
 */
const md = new MarkdownIt('default', {
  html: false,
  linkify: true,
  breaks: true,
  typographer: false,
  // Bounds the parser's recursion on pathological input such as deep quotes.
  maxNesting: 20,
}).disable(['heading', 'lheading', 'table', 'image']);

/** The attribute every rendered link carries: no endorsement, no opener access. */
export const LINK_REL = 'nofollow ugc noopener noreferrer';

// Defence in depth: markdown-it with html off already escapes raw HTML and
// refuses `javascript:` links, but the sanitizer is what the stored HTML is
// guaranteed against, whatever the renderer does in a future version.
const sanitizeOptions: sanitizeHtml.IOptions = {
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
   * autolinks and bare URLs it linkifies (links it refuses, such as
   * `javascript:`, are not links and do not count).
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
    for (const token of block.children ?? []) if (token.type === 'link_open') links++;
  }
  const html = sanitizeHtml(md.renderer.render(tokens, md.options, env), sanitizeOptions).trim();
  return { html, links };
}
