/**
 * The form in which two texts are compared for "the same words": the
 * duplicate check and held words. Tricks that change the bytes but not what a
 * reader sees or reads are undone:
 * - Unicode NFKC: fullwidth `ＣＡＳＩＮＯ`, ligatures and other compatibility
 *   forms become their plain letters; a no-break space becomes a space.
 * - Case folded (upper then lower case, so `ß` and `SS` meet too).
 * - Format characters (`\p{Cf}`: zero-width space and joiners, soft hyphen,
 *   bidi marks) removed.
 * - Every run of whitespace one space; no leading or trailing space.
 * Letters of other scripts that look alike (Cyrillic `С` for Latin `C`) stay
 * different: undoing those needs the Unicode confusables table, and no small
 * maintained library does it well enough to hold messages on.
 */
export function comparableText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim();
}
