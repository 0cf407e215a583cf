/**
 * A small server-sent-events reader for tests: fetch, the response body as a
 * stream, and a frame parser that follows the WHATWG event-stream rules the
 * browser's EventSource uses (fields `id`, `event`, `data`; comments start
 * with `:`; a blank line ends a frame; `\r\n`, `\r` or `\n` end a line).
 * Abortable, and it never reconnects: a test sees exactly what one connection got.
 */

/** One dispatched frame. `type` defaults to `message`, as in EventSource. */
export interface SseEvent {
  id: string | undefined;
  type: string;
  data: string;
}

/** An open stream: what arrived so far, and ways to wait for more. */
export interface SseStream {
  /** The response status and headers. */
  status: number;
  headers: Headers;
  /** Every event dispatched so far, in order. */
  readonly events: readonly SseEvent[];
  /** Comment lines seen so far (heartbeats), without the leading `:`. */
  readonly comments: readonly string[];
  /**
   * Resolves with the first event (already received or still to come) that
   * `match` accepts; rejects after `timeoutMs` (default 10 s), or when the stream ends first.
   */
  waitFor(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves once `count` events that `match` accepts have arrived; same rejections. */
  waitForCount(
    match: (event: SseEvent) => boolean,
    count: number,
    timeoutMs?: number,
  ): Promise<SseEvent[]>;
  /** Whether the server closed the stream (or it failed). */
  readonly ended: boolean;
  /** Closes the connection; safe to call twice. */
  close(): void;
}

/** Options for {@link openEventStream}. */
export interface OpenOptions {
  headers?: Record<string, string>;
  /** How long to wait for the response headers (default 10 s). */
  timeoutMs?: number;
}

/** Incremental parser: feed it decoded text, it calls back per event and comment. */
export class SseParser {
  #buffer = '';
  #id: string | undefined;
  #lastId: string | undefined;
  #type = '';
  #data: string[] = [];
  #hasData = false;

  readonly #onEvent: (event: SseEvent) => void;
  readonly #onComment: (text: string) => void;

  constructor(onEvent: (event: SseEvent) => void, onComment: (text: string) => void = () => {}) {
    this.#onEvent = onEvent;
    this.#onComment = onComment;
  }

  /** Parses `chunk`; a partial last line waits for the next chunk. */
  push(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) return;
      // A lone `\r` at the end may be the first half of `\r\n`: wait for more.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) return;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#hasData) {
        this.#lastId = this.#id ?? this.#lastId;
        this.#onEvent({
          id: this.#lastId,
          type: this.#type || 'message',
          data: this.#data.join('\n'),
        });
      }
      this.#id = undefined;
      this.#type = '';
      this.#data = [];
      this.#hasData = false;
      return;
    }
    if (line.startsWith(':')) {
      this.#onComment(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.#data.push(value);
      this.#hasData = true;
    } else if (field === 'event') this.#type = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}

/**
 * Opens `url` as an event stream and resolves once the response headers are
 * in (rejecting on a non-2xx status or a content type other than
 * `text/event-stream`). The body is then read in the background.
 */
export async function openEventStream(url: string, options: OpenOptions = {}): Promise<SseStream> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...options.headers },
      signal: controller.signal,
    });
  } catch (error) {
    throw new Error(`could not open the event stream ${url}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!response.ok || !contentType.startsWith('text/event-stream') || !response.body) {
    const text = await response.text().catch(() => '');
    controller.abort();
    throw new Error(
      `${url} answered ${response.status} ${contentType}, not an event stream: ${text.slice(0, 300)}`,
    );
  }

  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const parser = new SseParser(
    (event) => {
      events.push(event);
      wake();
    },
    (text) => comments.push(text),
  );

  const body = response.body;
  void (async () => {
    const decoder = new TextDecoder();
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // Aborted by close(), or the connection broke: either way the stream has ended.
    } finally {
      ended = true;
      wake();
    }
  })();

  function waitForCount(
    match: (event: SseEvent) => boolean,
    count: number,
    timeoutMs = 10_000,
  ): Promise<SseEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = events.filter(match);
        if (found.length >= count) {
          done();
          resolve(found);
        } else if (ended) {
          done();
          reject(new Error(`the stream ended after ${found.length} of ${count} expected events`));
        }
      };
      const timeout = setTimeout(() => {
        done();
        reject(
          new Error(
            `${events.filter(match).length} of ${count} expected events within ${timeoutMs} ms; ` +
              `received: ${events.map((e) => `${e.id}:${e.type}`).join(' ') || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timeout);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    get ended() {
      return ended;
    },
    waitForCount,
    async waitFor(match, timeoutMs) {
      const [first] = await waitForCount(match, 1, timeoutMs);
      return first!;
    },
    close() {
      controller.abort();
    },
  };
}
