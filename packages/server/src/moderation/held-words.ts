import { comparableText } from './comparable-text.ts';

/**
 * Held words (`PARLEY_HELD_WORDS`): a message whose body or author name
 * contains one waits for a moderator, whatever the moderation mode.
 *
 * Matching is case-insensitive and on whole words: `ass` holds "Ass!" but not
 * "class" or "passage". A phrase matches across any run of whitespace, so
 * "buy now" holds "Buy   now". Letters, digits and `_` of any script count as
 * word characters, so the rule works for names and bodies in any language.
 * Text and words are compared in their {@link comparableText} form, so
 * `CA\u200bSINO`, `C\u00adASINO` and fullwidth `ＣＡＳＩＮＯ` all hold "casino".
 */
export type HeldWordsMatcher = (text: string) => boolean;

const WORD = '[\\p{L}\\p{N}\\p{M}_]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A matcher for `words`; with no words it never matches. */
export function heldWordsMatcher(words: readonly string[]): HeldWordsMatcher {
  const alternatives = words
    .map((w) => comparableText(w))
    .filter((w) => w !== '')
    .map((w) => w.split(/\s+/u).map(escapeRegExp).join('\\s+'));
  if (alternatives.length === 0) return () => false;
  // One regex for the whole list: linear in the text, no backtracking between
  // alternatives beyond their literal prefixes.
  const pattern = new RegExp(`(?<!${WORD})(?:${alternatives.join('|')})(?!${WORD})`, 'iu');
  return (text) => pattern.test(comparableText(text));
}
