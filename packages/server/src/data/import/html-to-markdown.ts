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
 *    as markdown, so a `*`, `_`, `#` or `<` the author typed stays literal;
 *    but a bare http(s) URL, which the renderer links, is written as an
 *    autolink, unescaped, so the link goes where the author's text said.
 *
 * Entities are decoded exactly once, as a browser showing the old HTML
 * would: `&amp;#39;` in the HTML was shown as `&#39;` and stays that text.
 *
 * Images are kept as markdown images, which the renderer turns into a link to
 * the image (never an `<img>`, see `markdown/render.ts`): the reader can still
 * follow what the author showed, and no tracking pixel loads in anyone's
 * browser. Their `src` passes the same scheme check as a link's `href`.
 * Both addresses are percent-encoded where markdown would end them early.
 */
import MarkdownIt from 'markdown-it';
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

/**
 * What turndown's own escaping leaves that the server's renderer would still
 * read as markup: `&` starts an entity (`&copy;` would show ©), `<` an
 * autolink, `~~` strikethrough, `1)` an ordered list, and `://` a link the
 * renderer's linkify would take from the scheme before it, escapes and all
 * (`glued_https://x` is no URL to linkify-it below, but `glued\_https://x`
 * would be linked, with a backslash in its address).
 */
const EXTRA_ESCAPES: [RegExp, string][] = [
  [/&(?=#?[a-z0-9]+;)/gi, '\\&'],
  [/</g, '\\<'],
  [/~/g, '\\~'],
  [/^(\d+)\) /g, '$1\\) '],
  [/:(?=\/\/)/g, '\\:'],
];

/**
 * A link's or image's address as a markdown destination that ends where the
 * address ends: `(`, `)`, `<`, `>`, `\` and white space percent-encoded
 * (`encodeURIComponent` leaves parentheses as they are), so an address
 * holding `)](javascript:…)` can neither close the link early nor leave text
 * behind it. The renderer encodes these the same way in the href it writes,
 * so the link goes where the old one went.
 */
function destination(url: string): string {
  return url.replace(/[()<>\\\s]/g, (c) =>
    c.charCodeAt(0) < 0x80
      ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
      : encodeURIComponent(c),
  );
}

// The linkify-it the renderer's markdown-it links bare URLs with, with the
// same (default) settings as `markdown/render.ts`: the spans it takes.
const { linkify } = new MarkdownIt('default', { linkify: true });

/**
 * `text` escaped, except that each http(s) URL the renderer's linkify would
 * find is written as a `<url>` autolink: escaping it would put backslashes
 * into the link's address and text (`Hello\_World` in a Wikipedia link), and
 * leaving it bare would let a `*a*` in its query become emphasis before
 * linkify sees it. An autolink renders as linkify would render the URL: the
 * same href, the same text.
 */
function escapeWithAutolinks(text: string, escapeText: (text: string) => string): string {
  if (!text.includes('://')) return escapeText(text);
  const parts: string[] = [];
  let at = 0;
  for (const match of linkify.match(text) ?? []) {
    // The renderer's linkify leaves trailing `*`s out of the address.
    const url = match.raw.replace(/\*+$/, '');
    // Only what the sanitizer keeps as a link, and what an autolink can hold.
    if (!/^https?:\/\//i.test(url) || /[\s<>]/.test(url)) continue;
    parts.push(escapeText(text.slice(at, match.index)), `<${url}>`);
    at = match.index + url.length;
  }
  parts.push(escapeText(text.slice(at)));
  return parts.join('');
}

/**
 * A turndown writing Parley's markdown. `urls`: `autolink` for a comment's
 * text, `text` for the text inside a link, where a URL is only text (the
 * renderer links nothing inside a link, so there it is escaped like any).
 */
function converter(urls: 'autolink' | 'text'): TurndownService {
  const service = new TurndownService({
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

  const turndownEscape = service.escape.bind(service);
  const escapeText = (text: string) =>
    EXTRA_ESCAPES.reduce(
      (escaped, [pattern, replacement]) => escaped.replace(pattern, replacement),
      turndownEscape(text),
    );
  service.escape =
    urls === 'autolink' ? (text) => escapeWithAutolinks(text, escapeText) : escapeText;

  service.addRule('strikethrough', {
    filter: ['del', 's'],
    replacement: (content) => (content.trim() === '' ? content : `~~${content}~~`),
  });

  // Turndown fences only `<pre><code>`; a bare `<pre>` would otherwise come out
  // as an escaped paragraph and lose its monospace block.
  service.addRule('bare-pre', {
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
  // alt text alone is kept. The alt is a link's text: no autolink in it.
  service.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const element = dom(node);
      const src = element.getAttribute('src') ?? '';
      const alt = escapeText((element.getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim());
      if (!/^https?:\/\//i.test(src)) return alt;
      return `![${alt}](${destination(src)})`;
    },
  });

  // A link's text is written by the `text` converter, whose escaping makes
  // no autolink inside it (a link inside a link is not valid HTML). Its
  // destination is encoded as an image's (turndown's own rule only
  // backslash-escapes parentheses, and wraps a spaced address in `<>`).
  if (urls === 'autolink') {
    service.addRule('link', {
      filter: (node) => dom(node).nodeName === 'A' && !!dom(node).getAttribute('href'),
      replacement: (_content, node) => {
        const href = destination(dom(node).getAttribute('href')!);
        const text = linkText.turndown(node as TurndownService.Node);
        return `[${text}](${href})`;
      },
    });
  }
  return service;
}

const linkText = converter('text');
const turndown = converter('autolink');

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
