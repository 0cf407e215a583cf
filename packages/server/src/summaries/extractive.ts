/**
 * The built-in automatic summary: extractive, offline and deterministic. It
 * picks the two or three sentences most central to the discussion, written
 * by different people where it can, and quotes them in discussion order.
 *
 * 1. Text: each published message's readable text (`plain-text.ts`: no code
 *    blocks, no quotes), split into sentences in the thread's language
 *    (`language.ts`, `sentences.ts`).
 * 2. Ranking: TextRank. Sentences are nodes; an edge's weight is the cosine
 *    similarity of the two sentences' TF-IDF vectors over their content words
 *    (lower-cased, function words left out). PageRank (damping 0.85, run to
 *    convergence) scores each sentence by how much of the discussion is
 *    similar to it.
 * 3. Selection: greedy by score under a budget of 400 code points and three
 *    sentences, skipping near-duplicates of a chosen sentence and preferring
 *    an author not yet quoted. A thread with an opening post (a forum
 *    thread) leads with that post's best sentence: the opening post says
 *    what the thread is about, the replies what came of it.
 *
 * Bounded: it reads at most 3,000 code points of a message and 60,000 of a
 * thread (the opening post, then messages spread over the discussion), and
 * {@link extractiveSummary} hands the event loop back every few
 * milliseconds, so no thread, however big or hostile, holds up the server.
 *
 * Pure: no database, no clock, no network, no randomness; the same input
 * gives the same summary on any machine.
 */
import { detectLanguage } from './language.ts';
import { textBlocks } from './plain-text.ts';
import { contentWords, isTooShort, splitSentences, words } from './sentences.ts';
import type { Summarize, SummaryInput, SummaryMessage } from './summarizer.ts';

/**
 * The most of one message's text read, in code points: a long post says
 * what it is about well before this, and the work grows with the text.
 */
const MAX_MESSAGE_TEXT = 3_000;
/** The most of a thread's text read, in code points (see `readMessages`). */
const MAX_THREAD_TEXT = 60_000;
/** The longest stretch {@link extractiveSummary} works before it lets the event loop run, in ms. */
const SLICE_MS = 5;

/** The most a summary holds, in code points (a hard cap). */
export const SUMMARY_MAX_LENGTH = 400;
/** The most sentences a summary quotes. */
const MAX_SENTENCES = 3;
/** Two sentences this long already make a full summary: no third. */
const LONG_PAIR = 260;
/**
 * The most sentences the graph ranks. The similarity matrix grows with the
 * square of this; a bigger thread is sampled (see `sample`).
 */
const MAX_GRAPH_SENTENCES = 300;
/** Of those, the most taken from the opening post, which says what the thread is about. */
const MAX_OPENING_SENTENCES = 40;
/** PageRank's damping factor, as in the TextRank paper. */
const DAMPING = 0.85;
/** Two sentences whose content words overlap this much (Jaccard) say the same thing. */
const NEAR_DUPLICATE = 0.5;
/** Two sentences this similar (cosine) are copies of each other. */
const COPY = 0.95;
/** A sentence by an author already quoted keeps this share of its score. */
const SAME_AUTHOR_PENALTY = 0.5;
/**
 * A sentence that opens with a reply word ("But", "Yes,", "@anna") leans
 * on the one it answers, and reads badly alone: it keeps this share.
 */
const CONNECTIVE_PENALTY = 0.7;
/** A further sentence must score at least this share of the best one to be worth quoting. */
const MIN_RELATIVE_SCORE = 0.3;

const CONNECTIVE =
  /^(?:@|(?:thanks|thank you|danke|merci|and|but|so|also|yes|yeah|no|nope|agreed|exactly|same|indeed|well|ok|okay|aber|und|also|ja|nein|genau|doch|mais|et|oui|non|pero|y|sí|sim|não)\b)/iu;

/** One sentence of the discussion. */
interface Sentence {
  /** Its place in the discussion (messages oldest first, then in the message). */
  position: number;
  messageId: number;
  author: string;
  text: string;
  /** Its content words, as a set (near-duplicate check). */
  terms: ReadonlySet<string>;
  /** Its content words with their counts. */
  counts: ReadonlyMap<string, number>;
  /** Its place in the opening post (0: the first sentence), or -1 outside it. */
  inOpening: number;
}

/** A summary and the sentences it quotes. */
export interface ExtractiveSummary {
  /** The summary: at most {@link SUMMARY_MAX_LENGTH} code points. */
  text: string;
  /** The language it was read in (BCP 47, from {@link detectLanguage}). */
  language: string;
  /** The sentences quoted, in discussion order, as they stand in their message's text. */
  sentences: { messageId: number; author: string; text: string }[];
}

const codePoints = (text: string) => [...text].length;

/**
 * Work done in steps: the generator yields wherever it may pause (between
 * messages, between rows of the graph, between PageRank iterations), and
 * its caller decides whether to run straight through or let the event
 * loop in. One algorithm, so both callers get the same summary.
 */
type Steps<T> = Generator<void, T, void>;

/**
 * The extractive summary of `input`, or null when no message has a
 * sentence worth quoting (all of them short, empty or deleted).
 * Synchronous: for tests and tools. The server uses
 * {@link extractiveSummary}, which gives the same text without blocking.
 */
export function summarizeExtractive(input: SummaryInput): ExtractiveSummary | null {
  const steps = summarize(input);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * The built-in {@link Summarize}: {@link summarizeExtractive}'s text,
 * worked out in slices of about 5 ms with the event loop let in between
 * (`setImmediate`), so requests keep being served while a big thread is
 * read. `signal` is checked before it starts and after every pause.
 */
export const extractiveSummary = async (
  input: SummaryInput,
  signal?: AbortSignal,
): Promise<string | null> => {
  signal?.throwIfAborted();
  const steps = summarize(input);
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value?.text ?? null;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
};

function* summarize(input: SummaryInput): Steps<ExtractiveSummary | null> {
  const read = yield* readMessages(input.messages);
  const language = detectLanguage(
    [input.title ?? '', ...read.map(({ blocks }) => blocks.join('\n'))].join('\n'),
  );
  const all: Sentence[] = [];
  for (const { message, blocks, cut } of read) {
    let inOpening = 0;
    const said: string[] = [];
    for (const [blockIndex, block] of blocks.entries()) {
      const texts = splitSentences(block, language);
      // The message was cut inside its last sentence: that sentence is not the author's.
      if (cut && blockIndex === blocks.length - 1) texts.pop();
      said.push(...texts);
      yield;
    }
    // A reply that links out or names a host anywhere lends the summary none
    // of its sentences: spam puts its advert in one sentence and the title's
    // words in the next. The opening post, which says what the thread is
    // about, loses only such sentences themselves.
    const opening = message.kind === 'opening';
    if (!opening && (LINKS_OUT.test(message.html) || said.some(addressesOrAdvertises))) {
      continue;
    }
    for (const text of said) {
      // A message holds hundreds of sentences: a pause may be due between two of them.
      yield;
      if (addressesOrAdvertises(text)) continue;
      const everyWord = words(text, language);
      if (isTooShort(text, everyWord)) continue;
      const found = contentWords(everyWord, language);
      // One word of substance is not a sentence worth quoting ("Great write-up!").
      if (found.length < 2) continue;
      all.push({
        position: all.length,
        messageId: message.id,
        author: message.author,
        text,
        terms: new Set(found),
        counts: countWords(found),
        inOpening: opening ? inOpening++ : -1,
      });
    }
    yield;
  }
  if (all.length === 0) return null;
  const sentences = sample(all);
  const scores = yield* rank(
    sentences,
    input.title ? contentWords(words(input.title, language), language) : [],
  );
  const chosen = yield* select(sentences, scores, language);
  return {
    text: assemble(chosen.map((sentence) => sentence.text)),
    language,
    sentences: chosen.map(({ messageId, author, text }) => ({ messageId, author, text })),
  };
}

/** A message's text as read: its blocks, and whether the last one was cut short. */
interface ReadMessage {
  message: SummaryMessage;
  blocks: string[];
  cut: boolean;
}

/**
 * The text of the messages read, in discussion order: each message's
 * first {@link MAX_MESSAGE_TEXT} code points, and no more than
 * {@link MAX_THREAD_TEXT} in all. When the thread holds more, the opening
 * post is read first, then the replies in an order that spreads them over
 * the discussion (the first, the middle, the quarters, …), like `sample`:
 * so a huge thread costs no more than a big one, and its start, middle and
 * end are all heard. A message's HTML is parsed only once it is chosen.
 */
function* readMessages(messages: readonly SummaryMessage[]): Steps<ReadMessage[]> {
  const read: (ReadMessage & { index: number })[] = [];
  let room = MAX_THREAD_TEXT;
  for (const index of readingOrder(messages)) {
    if (room <= 0) break;
    const message = messages[index]!;
    const { blocks, cut, size } = capped(
      textBlocks(message.html),
      Math.min(room, MAX_MESSAGE_TEXT),
    );
    room -= size;
    read.push({ index, message, blocks, cut });
    yield;
  }
  return read.sort((a, b) => a.index - b.index);
}

/** Indices of `messages`: the opening post (when there is one), then the rest spread out. */
function readingOrder(messages: readonly SummaryMessage[]): number[] {
  const first = messages[0]?.kind === 'opening' ? 1 : 0;
  const count = messages.length - first;
  const order: number[] = first === 1 ? [0] : [];
  const taken = new Uint8Array(count);
  let step = 1;
  while (step < count) step *= 2;
  for (; step >= 1; step /= 2) {
    for (let offset = 0; offset < count; offset += step) {
      if (taken[offset]) continue;
      taken[offset] = 1;
      order.push(first + offset);
    }
  }
  return order;
}

/** The first `limit` code points of `blocks`, with their size and whether anything was left out. */
function capped(
  blocks: readonly string[],
  limit: number,
): { blocks: string[]; cut: boolean; size: number } {
  const kept: string[] = [];
  let size = 0;
  for (const block of blocks) {
    let length = 0;
    for (const _ of block) length++;
    if (size + length <= limit) {
      kept.push(block);
      size += length;
      continue;
    }
    const part = [...block].slice(0, limit - size).join('');
    if (part !== '') kept.push(part);
    return { blocks: kept, cut: true, size: limit };
  }
  return { blocks: kept, cut: false, size };
}

const URL_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/iu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u;
/**
 * A host name written bare ("heatpump-deals.example", "shop.example.com"):
 * lower-case labels ending in a label of two letters or more. Not "e.g."
 * or "z. B." (one-letter labels), not 3.5, not "Node.js" (a name
 * starts with a capital), and not a file name (see FILE_EXTENSIONS).
 */
const BARE_HOST =
  /(?<![\p{L}\p{N}_.@/-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+)([a-z]{2,24})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/giu;
/**
 * Endings a capitalised host name is known by ("Cheap-Deals.COM",
 * "Amazon.de"): a capital may start a product's name ("Node.js"), so a
 * capitalised name counts as a host only when it ends in one of these.
 */
const COMMON_TLDS = new Set(
  `com net org info biz io co ai app dev shop store online site xyz top club example eu de uk fr es
  it nl be ch at pl se no dk fi ru ua cn jp kr in br mx ar ca us au nz za tr ir`.split(/\s+/),
);
/** Endings of file names a technical discussion names ("package.json", "main.rs"). */
const FILE_EXTENSIONS = new Set(
  `js mjs cjs ts mts cts jsx tsx json jsonc md mdx txt yaml yml toml ini cfg conf env lock log
  py rb rs go java kt c h cc cpp hpp cs php sh bash zsh ps1 bat sql csv tsv xml html htm css scss
  vue svelte png jpg jpeg gif svg webp pdf zip gz tgz tar iso img exe dll so dylib deb rpm apk
  wasm map bak tmp db sqlite service timer socket`.split(/\s+/),
);

/**
 * Whether a sentence links somewhere, names a host or an e-mail address, or
 * opens by addressing someone ("@anna"): a summary says what the
 * discussion is about, and must never carry a link, an address or a
 * greeting (spam stuffed with the title's words would otherwise rank well).
 */
function addressesOrAdvertises(text: string): boolean {
  if (text.startsWith('@') || URL_LIKE.test(text) || EMAIL.test(text)) return true;
  for (const [host, , last] of text.matchAll(BARE_HOST)) {
    const ending = last!.toLowerCase();
    if (host === host.toLowerCase() ? !FILE_EXTENSIONS.has(ending) : COMMON_TLDS.has(ending)) {
      return true;
    }
  }
  return false;
}

/** Whether a message's HTML links out (the sanitizer keeps only http(s) and mailto links). */
const LINKS_OUT = /<a\s[^>]*href="(?:https?|mailto):/i;

function countWords(list: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of list) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/**
 * At most {@link MAX_GRAPH_SENTENCES} sentences of a big thread: the
 * opening post's first ones, then the rest evenly spaced over the whole
 * discussion (every k-th sentence), so its start, middle and end are all
 * heard. Deterministic: no randomness.
 */
function sample(all: Sentence[]): Sentence[] {
  if (all.length <= MAX_GRAPH_SENTENCES) return all;
  const opening = all.filter((sentence) => sentence.inOpening >= 0).slice(0, MAX_OPENING_SENTENCES);
  const rest = all.filter((sentence) => sentence.inOpening < 0);
  const room = MAX_GRAPH_SENTENCES - opening.length;
  const picked: Sentence[] = [];
  for (let slot = 0; slot < room && rest.length > 0; slot++) {
    picked.push(rest[Math.floor((slot * rest.length) / room)]!);
  }
  return [...opening, ...picked];
}

/** A sparse TF-IDF vector, L2-normalised, terms sorted (for a merge-style dot product). */
interface Vector {
  terms: string[];
  weights: Float64Array;
}

function vectorOf(counts: ReadonlyMap<string, number>, idf: (term: string) => number): Vector {
  const terms = [...counts.keys()].sort();
  const weights = new Float64Array(terms.length);
  let norm = 0;
  terms.forEach((term, index) => {
    const weight = counts.get(term)! * idf(term);
    weights[index] = weight;
    norm += weight * weight;
  });
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < weights.length; index++) weights[index]! /= norm;
  return { terms, weights };
}

function cosine(a: Vector, b: Vector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.terms.length && j < b.terms.length) {
    const x = a.terms[i]!;
    const y = b.terms[j]!;
    if (x === y) sum += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/**
 * TextRank scores, one per sentence.
 *
 * Two choices beyond the paper, both about a discussion rather than an
 * article: an edge between two sentences by the same author counts half
 * (someone repeating themselves is not the discussion agreeing), and the
 * random surfer's jump is biased, weakly, towards sentences like the title
 * and those of the opening post (its first ones most), which say what the
 * thread is about.
 */
function* rank(sentences: readonly Sentence[], title: readonly string[]): Steps<Float64Array> {
  const n = sentences.length;
  const df = new Map<string, number>();
  for (const sentence of sentences) {
    for (const term of sentence.terms) df.set(term, (df.get(term) ?? 0) + 1);
  }
  // Smoothed IDF: a term in every sentence still weighs something.
  const idf = (term: string) => Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1;
  const vectors = sentences.map((sentence) => vectorOf(sentence.counts, idf));
  const titleVector = vectorOf(countWords(title), idf);

  const weights = new Float64Array(n * n);
  const outSums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let weight = cosine(vectors[i]!, vectors[j]!);
      // A copy (the same boilerplate twice) is not agreement: no edge.
      if (weight === 0 || weight >= COPY) continue;
      if (sentences[i]!.author === sentences[j]!.author) weight /= 2;
      weights[i * n + j] = weight;
      weights[j * n + i] = weight;
      outSums[i]! += weight;
      outSums[j]! += weight;
    }
    yield;
  }

  const prior = new Float64Array(n);
  let priorSum = 0;
  for (let i = 0; i < n; i++) {
    const { inOpening } = sentences[i]!;
    // The opening post states the topic, its first sentences most of all.
    const opening = inOpening >= 0 ? 1.5 / (1 + inOpening) : 0;
    const value = 1 + 3 * cosine(vectors[i]!, titleVector) + opening;
    prior[i] = value;
    priorSum += value;
  }
  for (let i = 0; i < n; i++) prior[i]! /= priorSum;

  let scores = Float64Array.from(prior);
  for (let iteration = 0; iteration < 200; iteration++) {
    // A sentence like no other has no edges: its score jumps by the prior.
    let dangling = 0;
    for (let j = 0; j < n; j++) if (outSums[j] === 0) dangling += scores[j]!;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const weight = weights[j * n + i]!;
        if (weight !== 0) sum += (weight / outSums[j]!) * scores[j]!;
      }
      next[i] = (1 - DAMPING) * prior[i]! + DAMPING * (sum + dangling * prior[i]!);
    }
    let change = 0;
    for (let i = 0; i < n; i++) change += Math.abs(next[i]! - scores[i]!);
    scores = next;
    if (change < 1e-12) break;
    yield;
  }
  return scores;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Scores that differ by less than this are equal: the earlier sentence
 * wins, whatever the last bits of floating point arithmetic say.
 */
const EPSILON = 1e-12;

/** Greedy selection under the budget; see the file comment. */
function* select(
  sentences: readonly Sentence[],
  scores: Float64Array,
  language: string,
): Steps<Sentence[]> {
  const authors = new Set(sentences.map((sentence) => sentence.author));
  const hasOpening = sentences.some((sentence) => sentence.inOpening >= 0);
  const chosen: Sentence[] = [];
  let best = 0;
  while (chosen.length < MAX_SENTENCES) {
    const length = codePoints(assemble(inOrder(chosen).map((sentence) => sentence.text)));
    if (chosen.length === 2 && length > LONG_PAIR) break;
    let pick: Sentence | undefined;
    let pickScore = -1;
    sentences.forEach((sentence, index) => {
      if (chosen.includes(sentence)) return;
      if (chosen.length === 0 && hasOpening && sentence.inOpening < 0) return;
      if (chosen.some((other) => jaccard(other.terms, sentence.terms) >= NEAR_DUPLICATE)) return;
      const texts = inOrder([...chosen, sentence]).map((each) => each.text);
      if (codePoints(assemble(texts)) > SUMMARY_MAX_LENGTH) return;
      let score = scores[index]!;
      if (authors.size > 1 && chosen.some((other) => other.author === sentence.author)) {
        score *= SAME_AUTHOR_PENALTY;
      }
      if (CONNECTIVE.test(sentence.text)) score *= CONNECTIVE_PENALTY;
      if (score > pickScore + EPSILON) {
        pick = sentence;
        pickScore = score;
      }
    });
    if (!pick || (chosen.length > 0 && pickScore < best * MIN_RELATIVE_SCORE)) break;
    if (chosen.length === 0) best = pickScore;
    chosen.push(pick);
    yield;
  }
  if (chosen.length > 0) return inOrder(chosen);
  // Every sentence is over the budget alone: the best one, cut.
  let top = 0;
  for (let index = 1; index < sentences.length; index++) {
    if (scores[index]! > scores[top]! + EPSILON) top = index;
  }
  const sentence = sentences[top]!;
  return [{ ...sentence, text: cut(sentence.text, language) }];
}

function inOrder(list: readonly Sentence[]): Sentence[] {
  return [...list].sort((a, b) => a.position - b.position);
}

const CJK_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}。！？、）」』]$/u;
const CJK_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}「『（]/u;
const CJK_STOP = /[。！？][」』）]*$/u;
const FINAL_STOP = /[.!?。！？…][)"'”’」』）]*$/u;

/**
 * The summary's text: sentences joined by a space, or by nothing after a
 * Japanese or Chinese full stop or between two such sentences (those
 * scripts put no space after a stop).
 * A sentence with no final stop (a paragraph that ended without one) gets
 * one, so two of them do not run together.
 */
function assemble(texts: readonly string[]): string {
  let text = '';
  for (const sentence of texts) {
    const stopped = FINAL_STOP.test(sentence)
      ? sentence
      : `${sentence}${CJK_END.test(sentence) ? '。' : '.'}`;
    if (text !== '' && !CJK_STOP.test(text) && !(CJK_END.test(text) && CJK_START.test(stopped))) {
      text += ' ';
    }
    text += stopped;
  }
  return text;
}

/**
 * A sentence over the whole budget, cut at the last word boundary that
 * fits, with "…".
 */
function cut(text: string, language: string): string {
  let kept = '';
  let length = 0;
  for (const part of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    const size = codePoints(part.segment);
    if (length + size > SUMMARY_MAX_LENGTH - 1) break;
    kept += part.segment;
    length += size;
  }
  // One word longer than the budget (a pasted URL): cut inside it.
  if (kept.trim() === '') kept = [...text].slice(0, SUMMARY_MAX_LENGTH - 1).join('');
  return `${kept.trimEnd().replace(/[\s,;:、，]+$/u, '')}…`;
}
