/**
 * The readable text of a message's sanitized HTML, as the summarizers read
 * it: one string per block (paragraph, list item, line), entities decoded,
 * whitespace collapsed.
 *
 * Left out, with everything inside them: `<pre>` (a code block is not prose
 * and would read as noise in a summary) and `<blockquote>` (quoted text is
 * someone else's words, already counted where they were written). Inline
 * `<code>` keeps its text: it is part of a sentence ("set `PORT` to 80").
 *
 * The HTML is parsed by sanitize-html's parser (htmlparser2), the one that
 * produced it, never by regexes: a summary must not show a tag or an
 * entity, whatever the markup holds.
 */
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';

/** Elements that start a new block of text (a sentence never spans two). */
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'td',
  'th',
  'tr',
  'ul',
]);

/** Elements whose whole content is left out (see the file comment). */
const SKIPPED_TAGS = [
  'pre',
  'blockquote',
  // sanitize-html's own defaults, kept: never text a reader sees.
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
];

/**
 * The blocks of readable text in `html`, in document order; empty blocks
 * are dropped, so a deleted message's empty html gives `[]`.
 */
export function textBlocks(html: string): string[] {
  const blocks: string[] = [];
  let current = '';
  let topLevel = false;
  const endBlock = () => {
    const text = current.replace(/\s+/g, ' ').trim();
    if (text !== '') blocks.push(text);
    current = '';
  };
  sanitizeHtml(html, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: SKIPPED_TAGS,
    transformTags: {
      '*': (tagName, attribs) => {
        if (BLOCK_TAGS.has(tagName)) endBlock();
        topLevel = false;
        return { tagName, attribs };
      },
    },
    // sanitize-html hands over text escaped for HTML; it is decoded back here
    // and nothing is returned: this pass only reads.
    textFilter: (escaped, tagName) => {
      // Text outside any element after a block (`</ul>tail`) is a block of its own.
      const outside = tagName === undefined || tagName === '';
      if (outside && !topLevel) endBlock();
      topLevel = outside;
      current += decodeHTML(escaped);
      return '';
    },
  });
  endBlock();
  return blocks;
}
