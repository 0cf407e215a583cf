/**
 * Test support: a server-sent-events client over `fetch` for the server and
 * end-to-end tests: the response body, decoded, through the one frame parser
 * (`sse-parser.ts`). It never reconnects: a test sees exactly what one
 * connection got. Tests wait on conditions, each bounded by a deadline.
 */
import assert from 'node:assert/strict';
import { type SseEvent, SseParser } from './sse-parser.ts';

export type { SseEvent };

export interface SseClient {
  /** The response head (any status: a refused stream is a result too). */
  response: Response;
  /** Events received so far, in order. */
  events: SseEvent[];
  /** Comment lines received so far (without the leading colon and space). */
  comments: string[];
  /** The last `retry` value received. */
  retry: number | undefined;
  /** True once the server ended the stream (or it failed). */
  ended: boolean;
  /** Resolves when `condition()` holds; rejects after `timeoutMs` (default 10 s). */
  until(what: string, condition: () => boolean, timeoutMs?: number): Promise<void>;
  /** Waits until at least `n` events arrived and returns the first `n`. */
  take(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Cuts the connection; safe to call twice. */
  close(): void;
}

/** `data` of an event, parsed. */
export function dataOf<T = Record<string, unknown>>(event: SseEvent): T {
  return JSON.parse(event.data) as T;
}

/** Bound for the response head: generous, it only stops a hung test. */
const HEAD_DEADLINE_MS = 10_000;

/** Opens a stream; resolves once the response head arrived (any status). */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const headDeadline = setTimeout(() => abort.abort(), HEAD_DEADLINE_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
  } catch (error) {
    throw new Error(`could not open the event stream ${url}: ${(error as Error).message}`);
  } finally {
    clearTimeout(headDeadline);
  }
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const client: SseClient = {
    response,
    events: [],
    comments: [],
    retry: undefined,
    ended: false,
    until(what, condition, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (condition()) {
            waiters.delete(check);
            clearTimeout(deadline);
            resolve();
          } else if (client.ended) {
            waiters.delete(check);
            clearTimeout(deadline);
            reject(
              new Error(`stream ended before ${what}; events: ${JSON.stringify(client.events)}`),
            );
          }
        };
        const deadline = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no ${what} within ${timeoutMs} ms; events: ${JSON.stringify(client.events)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async take(n, timeoutMs) {
      await client.until(`${n} events`, () => client.events.length >= n, timeoutMs);
      return client.events.slice(0, n);
    },
    close() {
      abort.abort();
    },
  };
  const { body } = response;
  if (!response.ok || !body) {
    client.ended = true;
    return client;
  }
  const parser = new SseParser({
    event: (event) => client.events.push(event),
    comment: (text) => client.comments.push(text),
    retry: (ms) => {
      client.retry = ms;
    },
  });
  void (async () => {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
        changed();
      }
    } catch {
      // Cut by close(), or by the server: either way the stream is over.
    } finally {
      client.ended = true;
      changed();
    }
  })();
  return client;
}

/**
 * Posts to `key` on the server at `baseUrl` over real HTTP, and asserts that
 * the open stream `reader` then receives the new message as its next event.
 */
export async function assertPostArrives(
  baseUrl: string,
  key: string,
  reader: SseClient,
): Promise<void> {
  const posted = await fetch(`${baseUrl}/api/threads/${encodeURIComponent(key)}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ author: 'Ada', body: 'still there?' }),
  });
  assert.equal(posted.status, 201);
  const [created] = await reader.take(1);
  assert.equal(created?.event, 'message.created');
}
