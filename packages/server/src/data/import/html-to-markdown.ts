/**
 * An imported comment's HTML (Disqus, WordPress) as the markdown Parley
 * stores: what the server renders from it must show the reader the same text
 * and links the old system showed, and nothing a comment could not hold.
 *
 * Two steps, each by a library that already knows its half:
 * 1. the server's own sanitizer allowlist (`sanitizeOptions` from
 *    `markdown/render.ts`, plus `<img>`, see below) drops every script,
 *    style, event handler, `javascript:` URL, iframe, form and HTML comment,
 *    so nothing hostile reaches step 2 or the stored text;
 * 2. turndown writes what is left as markdown, escaping text that would read
 *    as markdown, so a `*`, `_`, `#` or `<` the author typed stays literal.
 *
 * Entities are decoded exactly once, as a browser showing the old HTML
 * would: `&amp;#39;` in the HTML was shown as `&#39;` and stays that text.
 *
 * Images are kept as markdown images, which the renderer turns into a link to
 * the image (never an `<img>`, see `markdown/render.ts`): the reader can still
 * follow what the author showed, and no tracking pixel loads in anyone's
 * browser. Their `src` passes the same scheme check as a link's `href`.
 */
import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';
import { sanitizeOptions } from '../../markdown/render.ts';

/**
 * The comment allowlist, plus images (kept as links, see above). Blocks a
 * comment cannot hold (`div`, headings) become paragraphs, as the renderer
 * shows a heading: dropped, their text would run into the next block's; the
 * old `<b>`, `<i>`, `<strike>` become what the allowlist calls them.
 */
const importSanitizeOptions: sanitizeHtml.IOptions = {
  ...sanitizeOptions,
  transformTags: {
    ...sanitizeOptions.transformTags,
    ...Object.fromEntries(['div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((tag) => [tag, 'p'])),
    // Disqus and WordPress write the old `<b>` and `<i>` as often as not.
    b: 'strong',
    i: 'em',
    strike: 's',
  },
  allowedTags: [...(sanitizeOptions.allowedTags || []), 'img'],
  allowedAttributes: { ...(sanitizeOptions.allowedAttributes || {}), img: ['src', 'alt'] },
  allowedSchemesAppliedToAttributes: [
    ...(sanitizeOptions.allowedSchemesAppliedToAttributes ?? []),
    'src',
  ],
};

/**
 * The part of turndown's DOM node (domino's, on the server) these rules read:
 * the server compiles without the DOM types turndown's own declare.
 */
interface DomNode {
  nodeName: string;
  firstChild: DomNode | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
const dom = (node: unknown) => node as DomNode;

const turndown = new TurndownService({
  headingStyle: 'atx',
  hr: '---',
  bulletListMarker: '-',
  codeBlockStyle: 'fenced',
  fence: '```',
  // `*`, not `_`: CommonMark ignores `_` inside a word (`foo_bar_baz`).
  emDelimiter: '*',
  strongDelimiter: '**',
  linkStyle: 'inlined',
  // The renderer keeps single newlines as line breaks: no trailing spaces needed.
  br: '',
});

turndown.addRule('strikethrough', {
  filter: ['del', 's'],
  replacement: (content) => (content.trim() === '' ? content : `~~${content}~~`),
});

// Turndown fences only `<pre><code>`; a bare `<pre>` would otherwise come out
// as an escaped paragraph and lose its monospace block.
turndown.addRule('bare-pre', {
  filter: (node) => dom(node).nodeName === 'PRE' && dom(node).firstChild?.nodeName !== 'CODE',
  replacement: (_content, node) => {
    const text = (dom(node).textContent ?? '').replace(/\n$/, '');
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    return `\n\n${fence}\n${text}\n${fence}\n\n`;
  },
});

// An image whose `src` is not an absolute http(s) URL would become a link
// relative to the thread's page, which the old site's path never meant: its
// alt text alone is kept.
turndown.addRule('image', {
  filter: 'img',
  replacement: (_content, node) => {
    const element = dom(node);
    const src = element.getAttribute('src') ?? '';
    const alt = turndown.escape((element.getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim());
    if (!/^https?:\/\//i.test(src)) return alt;
    return `![${alt}](${src.replace(/([<>()\s])/g, (c: string) => encodeURIComponent(c))})`;
  },
});

/**
 * What turndown's own escaping leaves that the server's renderer would still
 * read as markup: `&` starts an entity (`&copy;` would show ©), `<` an
 * autolink, `~~` strikethrough, `1)` an ordered list.
 */
const EXTRA_ESCAPES: [RegExp, string][] = [
  [/&(?=#?[a-z0-9]+;)/gi, '\\&'],
  [/</g, '\\<'],
  [/~/g, '\\~'],
  [/^(\d+)\) /g, '$1\\) '],
];
const escapeText = turndown.escape.bind(turndown);
turndown.escape = (text: string) =>
  EXTRA_ESCAPES.reduce(
    (escaped, [pattern, replacement]) => escaped.replace(pattern, replacement),
    escapeText(text),
  );

/**
 * An imported comment's HTML as markdown that renders to the same visible
 * text and links, hostile markup dropped. Empty when nothing visible is left.
 */
export function htmlToMarkdown(html: string): string {
  const safe = sanitizeHtml(html, importSanitizeOptions);
  return turndown
    .turndown(safe)
    .replace(/[ \t]+$/gm, '')
    .trim();
}

// Content no reader sees: comments and the sanitizer's raw-text elements,
// each up to the first end a parser could take (a parser may end it sooner,
// which only hides more here: the scan errs towards "maybe empty").
const HIDDEN = /<!--[\s\S]*?-->|<(script|style|textarea|option|xmp)\b[\s\S]*?<\/\1\s*>/gi;
// What stops a simple scan: an unclosed comment or hidden element, CDATA, a
// processing instruction.
const NEEDS_PARSE = /<(?:[!?]|(?:script|style|textarea|option|xmp)\b)/i;
// A tag, with quoted attribute values that may hold `>`.
const TAG = /<\/?[a-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/gi;
const ENTITY = /&#?[a-z0-9]+;?/gi;

/**
 * Whether {@link htmlToMarkdown} would give an empty string, without its cost
 * when a quick scan already finds visible text: a reader asks this of every
 * comment before deciding which to keep. The scan only ever answers "not
 * empty" for text outside every tag, comment and hidden element; anything
 * else is converted to find out.
 */
export function visiblyEmpty(html: string): boolean {
  const shown = html.replace(HIDDEN, '');
  if (!NEEDS_PARSE.test(shown)) {
    const text = shown.replace(TAG, '').split('<')[0]!.replace(ENTITY, '');
    if (/\S/.test(text)) return false;
  }
  return htmlToMarkdown(html) === '';
}
