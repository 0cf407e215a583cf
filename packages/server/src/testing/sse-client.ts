/**
 * Test support: a small server-sent-events client over `fetch`, reading the
 * body stream and parsing frames as EventSource would (event, id, data,
 * retry, comments). Tests wait on conditions, each bounded by a deadline.
 */
import assert from 'node:assert/strict';

/** One dispatched event. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseClient {
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
  /** Cuts the connection. */
  close(): void;
}

/** `data` of an event, parsed. */
export function dataOf<T = Record<string, unknown>>(event: SseEvent): T {
  return JSON.parse(event.data) as T;
}

/** Opens a stream; resolves once the response head arrived (any status). */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
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
  if (!response.ok || !response.body) {
    client.ended = true;
    return client;
  }
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let fields: { event?: string; id?: string; data: string[] } = { data: [] };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '') {
            if (fields.data.length > 0) {
              client.events.push({
                event: fields.event ?? 'message',
                id: fields.id,
                data: fields.data.join('\n'),
              });
            }
            fields = { data: [] };
            continue;
          }
          const colon = line.indexOf(':');
          if (colon === 0) {
            client.comments.push(line.slice(1).trimStart());
            continue;
          }
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'event') fields.event = value;
          else if (name === 'id') fields.id = value;
          else if (name === 'data') fields.data.push(value);
          else if (name === 'retry' && /^\d+$/.test(value)) client.retry = Number(value);
        }
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
