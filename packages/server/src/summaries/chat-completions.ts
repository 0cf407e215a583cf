/**
 * Automatic summaries written by an OpenAI-compatible chat-completions
 * endpoint (`PARLEY_SUMMARY_URL`, `PARLEY_SUMMARY_MODEL`,
 * `PARLEY_SUMMARY_KEY`), with the extractive summary as the net under it.
 *
 * The endpoint is someone else's server: it may be slow, down, rate
 * limited, or answer nonsense. Every such fault ends in one log line and
 * the fallback's summary, as a stand-in: the worker asks again after a
 * minute, longer while the faults go on; none throws. What is sent is only what the
 * summarizer is given: the title and the published messages' readable
 * text, never an address, a hash or anything held or hidden.
 */
import { z } from 'zod';
import type { Logger, SummaryConfig } from '../app-deps.ts';
import { SUMMARY_MAX_LENGTH } from './extractive.ts';
import { textBlocks } from './plain-text.ts';
import { type Summarize, type SummaryInput, summaryText } from './summarizer.ts';

/** How long the endpoint may take, answer included (default of `timeoutMs`). */
const DEFAULT_TIMEOUT_MS = 20_000;
/** The most of an answer read: a summary is a paragraph, not a download. */
const MAX_ANSWER_BYTES = 256 * 1024;
/** The most thread text sent, in code points: a huge thread must not make a huge request. */
const MAX_THREAD_TEXT = 12_000;
/** The most of the opening post (or first message) sent, so the latest replies fit too. */
const MAX_FIRST_MESSAGE = 4_000;

/** What the model is told to do. */
const INSTRUCTIONS = [
  'You summarise a discussion thread from a website for its readers.',
  `Write one short paragraph of two or three sentences, at most ${SUMMARY_MAX_LENGTH} characters, saying what the discussion is about and what came of it.`,
  'Write in the language the discussion is written in.',
  'Plain text only: no markdown, no lists, no quotes around it, no preamble such as "Summary:".',
].join(' ');

/** The wait before the endpoint is asked again for a thread after a fault. */
const RETRY_MS = 60_000;
/** The most that wait grows to while the faults go on (doubling each time). */
const MAX_RETRY_MS = 15 * 60_000;
/** How much of an error answer's body is logged. */
const ERROR_BODY_LOGGED = 200;

/** The parts of the answer used; anything else in it is ignored. */
const answerSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

/** Options of {@link chatCompletionsSummary}. */
export interface ChatCompletionsOptions {
  /** The most the endpoint may take, in milliseconds (default 20 000). */
  timeoutMs?: number;
  /** Where a failed call is logged (one line; default: nowhere). */
  logger?: Logger;
  /** The fetch to call (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * The endpoint to POST to: `url` itself when its path already ends with
 * `/chat/completions`, else `url` with that appended (a base such as
 * `https://api.example.com/v1`).
 */
export function completionsUrl(url: string): URL {
  const target = new URL(url);
  if (!/\/chat\/completions\/?$/.test(target.pathname)) {
    target.pathname = `${target.pathname.replace(/\/+$/, '')}/chat/completions`;
  }
  return target;
}

/**
 * A {@link Summarize} that asks the endpoint in `config`, and returns
 * `fallback`'s summary as a stand-in (`retryAfterMs`) whenever the endpoint
 * fails, times out or answers something unusable. The wait is a minute
 * after one fault, doubling with each fault in a row (the endpoint is down
 * for every thread at once) up to 15 minutes, or what the endpoint's
 * `Retry-After` asks when longer; an answer that works starts it over.
 * Only an abort through the caller's own `signal` (the server stopping)
 * rejects.
 */
export function chatCompletionsSummary(
  config: SummaryConfig,
  fallback: Summarize,
  options: ChatCompletionsOptions = {},
): Summarize {
  const endpoint = completionsUrl(config.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  const logger = options.logger;
  // Faults in a row, whichever thread: how long a stand-in waits.
  let faults = 0;

  return async function summarizeWithEndpoint(input, signal) {
    signal?.throwIfAborted();
    const thread = threadText(input);
    if (thread === null) return fallback(input, signal);
    let askAfterMs = 0;
    try {
      const summary = await ask(thread, signal);
      if (summary !== null) {
        faults = 0;
        return summary;
      }
      logger?.error({
        msg: 'summary endpoint gave an empty summary; the extractive one stands',
        endpoint: endpoint.origin,
      });
    } catch (error) {
      // The caller gave up (the server is stopping): not the endpoint's fault, and no summary is wanted.
      if (signal?.aborted) throw signal.reason;
      // Neither the key nor the thread's text is logged: only what went wrong, and where.
      logger?.error({
        msg: 'summary endpoint failed; the extractive summary stands',
        endpoint: endpoint.origin,
        reason: reasonOf(error),
        ...(error instanceof EndpointError && error.body !== undefined ? { body: error.body } : {}),
      });
      if (error instanceof EndpointError) askAfterMs = error.retryAfterMs ?? 0;
    }
    faults++;
    const backoff = Math.min(RETRY_MS * 2 ** Math.min(faults - 1, 10), MAX_RETRY_MS);
    const retryAfterMs = Math.min(Math.max(backoff, askAfterMs), 4 * MAX_RETRY_MS);
    return { summary: summaryText(await fallback(input, signal)), retryAfterMs };
  };

  async function ask(thread: string, signal: AbortSignal | undefined): Promise<string | null> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (config.key) headers.authorization = `Bearer ${config.key}`;
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: config.model,
        messages: [
          { role: 'system', content: INSTRUCTIONS },
          { role: 'user', content: thread },
        ],
        // No max_tokens (current OpenAI models refuse it): the instructions
        // and cleanSummary's 400-character cap bound the answer.
        temperature: 0,
      }),
      // A redirect is not followed: it could carry the key to another host.
      redirect: 'manual',
      signal: abort,
    });
    if (!response.ok) {
      // What the endpoint says is wrong (a model name, a quota), for the log;
      // the start only, and not if it repeats the key or the thread back.
      const body = await readCapped(response, MAX_ANSWER_BYTES).catch(() => '');
      const error = new EndpointError(`HTTP ${response.status}`);
      error.body = loggableBody(body, thread, config.key);
      error.retryAfterMs = retryAfter(response.headers.get('retry-after'));
      throw error;
    }
    const body = await readCapped(response, MAX_ANSWER_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new EndpointError('the answer is not JSON');
    }
    const parsed = answerSchema.safeParse(json);
    if (!parsed.success) throw new EndpointError('the answer has no choices[0].message.content');
    const choice = parsed.data.choices[0]!;
    // Cut off at the model's token limit: its last sentence is unfinished.
    const content =
      choice.finish_reason === 'length'
        ? completeSentences(choice.message.content)
        : choice.message.content;
    return cleanSummary(content);
  }
}

/** A fault of the endpoint's, said in words fit for the log. */
class EndpointError extends Error {
  /** The start of an error answer's body, fit for the log. */
  body?: string;
  /** How long the endpoint asked to be left alone (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

/** A `Retry-After` header (seconds, or an HTTP date) in ms; undefined when absent or unreadable. */
function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The least run of characters taken for a quote of the request. */
const QUOTE_RUN = 24;

/**
 * The first {@link ERROR_BODY_LOGGED} characters of an error body on one
 * line, without control characters; the key, if it is in there, replaced;
 * and nothing at all when the body quotes the thread (a validation error
 * may echo the input): an address or a held-back word must not reach the log.
 */
function loggableBody(body: string, thread: string, key: string | undefined): string {
  let text = body.replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ').trim();
  if (key) text = text.split(key).join('[key]');
  text = [...text].slice(0, ERROR_BODY_LOGGED).join('');
  for (let start = 0; start + QUOTE_RUN <= text.length; start++) {
    if (thread.includes(text.slice(start, start + QUOTE_RUN))) {
      return '(not logged: it quotes the thread)';
    }
  }
  return text;
}

/**
 * `text` without its last sentence when that one is unfinished (no sentence
 * end: the answer was cut off at the token limit); '' when no sentence is
 * finished.
 */
function completeSentences(text: string): string {
  const sentences = [
    ...new Intl.Segmenter(undefined, { granularity: 'sentence' }).segment(text.trim()),
  ].map((part) => part.segment);
  const last = sentences.at(-1);
  if (last !== undefined && !/[.!?。！？…‼⁇⁈⁉][\p{Pe}\p{Pf}"'»」』]*\s*$/u.test(last)) {
    sentences.pop();
  }
  return sentences.join('').trim();
}

function reasonOf(error: unknown): string {
  if (error instanceof EndpointError) return error.message;
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'timed out';
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return typeof cause?.code === 'string' ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

/** The response body as text, refused once it passes `limit` bytes. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new EndpointError(`the answer is over ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What the model reads: the title, then each message as "Author: text"
 * (the readable text `plain-text.ts` gives, as the extractive summary
 * reads it). Over {@link MAX_THREAD_TEXT}, the first message (cut to
 * {@link MAX_FIRST_MESSAGE}) and the latest ones that fit, with a line
 * saying how many were left out between them. Null when no message has
 * any text.
 */
export function threadText(input: SummaryInput): string | null {
  const lines = input.messages
    .map((message) => {
      const text = textBlocks(message.html).join('\n');
      return text === '' ? null : `${message.author}: ${text}`;
    })
    .filter((line): line is string => line !== null);
  if (lines.length === 0) return null;
  const title = input.title ? `Title: ${input.title}\n\n` : '';
  const size = (text: string) => [...text].length;
  let budget = MAX_THREAD_TEXT - size(title);
  const first = truncate(lines[0]!, MAX_FIRST_MESSAGE);
  budget -= size(first);
  const latest: string[] = [];
  for (let index = lines.length - 1; index > 0; index--) {
    const line = lines[index]!;
    if (size(line) + 2 > budget) break;
    latest.unshift(line);
    budget -= size(line) + 2;
  }
  const skipped = lines.length - 1 - latest.length;
  const parts = [first];
  if (skipped > 0)
    parts.push(`[${skipped} earlier ${skipped === 1 ? 'message' : 'messages'} left out]`);
  parts.push(...latest);
  return `${title}${parts.join('\n\n')}`;
}

function truncate(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

/**
 * The model's answer as a summary: trimmed, markdown headings and emphasis
 * and surrounding quotes taken off, a "Summary:" preamble dropped,
 * whitespace collapsed, and cut to {@link SUMMARY_MAX_LENGTH} code points
 * at the last sentence end that fits (else the last word, with "…"). Null
 * when nothing is left.
 */
export function cleanSummary(answer: string): string | null {
  let text = answer
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}*_])([*_])(?=\S)([^*_\n]*?\S)\2(?![\p{L}\p{N}])/gu, '$1$3')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(
      /^(?:summary|tl;?dr|zusammenfassung|résumé|resumen|resumo|要約|摘要|总结)\s*[:：]\s*/iu,
      '',
    );
  for (;;) {
    const quoted = /^(["'“„«「『])([\s\S]*)(["'”“»」』])$/u.exec(text);
    if (!quoted) break;
    text = quoted[2]!.trim();
  }
  if (text === '') return null;
  return capped(text);
}

/** `text` cut to {@link SUMMARY_MAX_LENGTH} code points at a sentence end, else a word end. */
function capped(text: string): string {
  const points = [...text];
  if (points.length <= SUMMARY_MAX_LENGTH) return text;
  let kept = '';
  let keptSize = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'sentence' }).segment(
    text,
  )) {
    const size = [...segment].length;
    if (keptSize + size > SUMMARY_MAX_LENGTH) break;
    kept += segment;
    keptSize += size;
  }
  if (kept.trim() !== '') return kept.trim();
  let words = '';
  let wordsSize = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'word' }).segment(text)) {
    const size = [...segment].length;
    if (wordsSize + size > SUMMARY_MAX_LENGTH - 1) break;
    words += segment;
    wordsSize += size;
  }
  if (words.trim() === '') words = points.slice(0, SUMMARY_MAX_LENGTH - 1).join('');
  return `${words.trimEnd().replace(/[\s,;:、，]+$/u, '')}…`;
}
