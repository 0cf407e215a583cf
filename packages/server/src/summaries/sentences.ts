/**
 * Sentences and words, by the thread's language, with `Intl.Segmenter`
 * (Unicode's segmentation rules and ICU's dictionaries, so Japanese and
 * Chinese, which put no spaces between words, split too).
 */
import { isStopWord } from './language.ts';

/**
 * Abbreviations (lower-cased, without their final dot) that never end a
 * sentence, English and German: Unicode's rules split "z. B. Das" and
 * "Mr. Smith" after the dot because a capital follows. Ones that often do
 * end a sentence ("etc.", "usw.") are not listed.
 */
const ABBREVIATIONS = new Set([
  // English
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'jr',
  'sr',
  'vs',
  'e.g',
  'i.e',
  'cf',
  'approx',
  'no',
  'nos',
  'fig',
  'vol',
  'pp',
  'ca',
  // German
  'bzw',
  'ggf',
  'evtl',
  'bspw',
  'inkl',
  'vgl',
  'nr',
  'hr',
  'fr',
  'sog',
  'z.b',
  'u.a',
  'd.h',
  'z.t',
  'o.ä',
  'u.ä',
  's.o',
  's.u',
]);

/** German months: "am 3. März" is one sentence. */
const GERMAN_MONTHS =
  /^(januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\b/i;

const segmenters = new Map<string, { sentence: Intl.Segmenter; word: Intl.Segmenter }>();

/** One pair of segmenters per language, reused: building one costs more than using it. */
function segmentersFor(language: string) {
  let pair = segmenters.get(language);
  if (!pair) {
    pair = {
      sentence: new Intl.Segmenter(language, { granularity: 'sentence' }),
      word: new Intl.Segmenter(language, { granularity: 'word' }),
    };
    segmenters.set(language, pair);
  }
  return pair;
}

/**
 * How far back from a sentence's end {@link endsWithAbbreviation} looks, in
 * UTF-16 units: the longest abbreviation is a few letters, so a longer last
 * word is not one, and reading only the tail keeps a run of "A. A. A. …"
 * linear instead of rescanning the whole growing sentence at every dot.
 */
const ABBREVIATION_TAIL = 32;

/**
 * The longest sentence merged across abbreviations, in UTF-16 units: past
 * it, the next break is taken whatever precedes it. Real sentences are far
 * shorter; a run of "Mr. Mr. Mr. …" must not become one huge sentence.
 */
const MAX_MERGED_SENTENCE = 600;

const LAST_WORD = /(?:^|[\s(„"“'‘[])([^\s(„"“'‘[]+)\.$/u;
const WORD_START = /[\s(„"“'‘[]/u;

/** Whether `text` (which may end in white space) ends with an abbreviation that cannot end a sentence. */
function endsWithAbbreviation(text: string, next: string, language: string): boolean {
  let end = text.length;
  while (end > 0 && /\s/u.test(text[end - 1]!)) end--;
  const from = Math.max(0, end - ABBREVIATION_TAIL);
  const match = LAST_WORD.exec(text.slice(from, end));
  if (!match) return false;
  // Matched at the start of the tail: the word may go on before it, and is then too long to count.
  if (match.index === 0 && from > 0 && !WORD_START.test(text[from - 1]!)) return false;
  const word = match[1]!.toLowerCase();
  if (ABBREVIATIONS.has(word)) return true;
  // An initial ("J. R. R. Tolkien") or half of "z. B." / "d. h.".
  if (/^\p{L}$/u.test(word)) return true;
  // A German ordinal date: "am 3. März".
  return language === 'de' && /^\d{1,2}$/.test(word) && GERMAN_MONTHS.test(next);
}

/**
 * The sentences of one block of text (a paragraph: a sentence never spans
 * two), trimmed, empty ones dropped. A block without a final stop is a
 * sentence all the same. Linear in the text's length: a sentence is never
 * merged across abbreviations beyond 600 UTF-16 units.
 */
export function splitSentences(text: string, language: string): string[] {
  const sentences: string[] = [];
  let pending = '';
  const parts = [...segmentersFor(language).sentence.segment(text)].map((part) => part.segment);
  parts.forEach((part, index) => {
    pending += part;
    const next = parts[index + 1];
    if (
      next !== undefined &&
      pending.length < MAX_MERGED_SENTENCE &&
      endsWithAbbreviation(pending, next, language)
    ) {
      return;
    }
    const sentence = pending.trim();
    if (sentence !== '') sentences.push(sentence);
    pending = '';
  });
  return sentences;
}

/** Words of a sentence as the segmenter sees them, lower-cased (NFKC, so full-width Latin is Latin). */
export function words(sentence: string, language: string): string[] {
  const found: string[] = [];
  for (const part of segmentersFor(language).word.segment(sentence.normalize('NFKC'))) {
    if (part.isWordLike) found.push(part.segment.toLowerCase());
  }
  return found;
}

/**
 * Words of thanks and applause: they say how someone felt, never what the
 * discussion is about, so two "Great post, thanks!" are not a topic.
 */
const SOCIAL_WORDS = new Set(
  `thanks thank thx ty great nice awesome cool wow love lol sharing helpful appreciate appreciated
  agree agreed write post article danke dank vielen super toll klasse merci bravo génial gracias
  genial obrigado obrigada ありがとう ありがとうございます なるほど すごい 谢谢 感谢 加油 不错`.split(
    /\s+/,
  ),
);

/** French and Italian elision ("l'arrosage", "d'eau"): the word is what follows. */
const ELISION = /^(?:l|d|qu|s|m|n|j|c|t)['’](?=\p{L}{2})/u;

const ALL_HIRAGANA = /^\p{Script=Hiragana}+$/u;
const SINGLE_LATIN = /^[\p{Script=Latin}]$/u;

/**
 * Of a sentence's {@link words}, those that say what it is about: no
 * function words, no thanks or applause, no single Latin letters, and no
 * short all-hiragana words (Japanese particles and verb endings, which the
 * segmenter cuts off as words of their own).
 */
export function contentWords(found: readonly string[], language: string): string[] {
  return found
    .map((word) => word.replace(ELISION, ''))
    .filter(
      (word) =>
        !isStopWord(word, language) &&
        !SOCIAL_WORDS.has(word) &&
        !SINGLE_LATIN.test(word) &&
        !(ALL_HIRAGANA.test(word) && word.length <= 2),
    );
}

const CJK_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;

/**
 * Whether a sentence is too short to say anything ("Thanks!", "+1", "Same
 * here."), given its {@link words}: under 4 words, or, when it is mostly Japanese or Chinese (which
 * pack a word into a character or two), under 12 characters.
 */
export function isTooShort(sentence: string, found: readonly string[]): boolean {
  const cjk = sentence.match(CJK_CHARACTER)?.length ?? 0;
  const latin = sentence.match(LATIN_LETTER)?.length ?? 0;
  if (cjk > latin) return cjk < 12;
  return found.length < 4;
}
