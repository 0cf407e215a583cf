/**
 * What writes a thread's automatic summary, and what it is given. The
 * pipeline (`summary-worker.ts`) reads the thread's published messages and
 * asks a {@link Summarize}; the built-in one is extractive and offline
 * (`extractive.ts`), an OpenAI-compatible endpoint may stand in front of it
 * (`chat-completions.ts`).
 */

/** One published message, as readers see it. */
export interface SummaryMessage {
  id: number;
  kind: 'opening' | 'reply';
  /** The author's display name; the owner's posts too. */
  author: string;
  /** The sanitized HTML readers see (`messages.html`). */
  html: string;
  createdAt: string;
}

/** A thread to summarise: its title and its published messages, oldest first. */
export interface SummaryInput {
  title: string | null;
  messages: readonly SummaryMessage[];
}

/**
 * A summary that stands in for a better one: the endpoint failed and the
 * fallback wrote `summary`; the worker stores it and asks again after
 * `retryAfterMs`.
 */
export interface StandInSummary {
  summary: string | null;
  retryAfterMs: number;
}

/** What a {@link Summarize} gives: the summary (null: nothing to say), or a stand-in. */
export type SummaryResult = string | null | StandInSummary;

/**
 * Writes a summary of `input`: plain text, at most about 400 characters, or
 * null when there is nothing to say (no message has a sentence in it).
 * `signal` aborts the work (the server stops).
 */
export type Summarize = (input: SummaryInput, signal?: AbortSignal) => Promise<SummaryResult>;

/** The text of a {@link SummaryResult}, stand-in or not. */
export function summaryText(result: SummaryResult): string | null {
  return result !== null && typeof result === 'object' ? result.summary : result;
}
