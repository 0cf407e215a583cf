/**
 * Test support: the one server-sent-events frame parser, fed by every event
 * stream reader of the server tests, the end-to-end tests and the benchmarks.
 * It follows the WHATWG event-stream rules EventSource uses: a line ends at
 * `\r\n`, `\r` or `\n` (even split across chunks); fields are `event`, `data`,
 * `id` and `retry`; a line starting with `:` is a comment; a blank line ends
 * a frame, which is dispatched only if it had a `data` field.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `event` field, `message` when the frame had none (as in EventSource). */
  event: string;
  /**
   * The frame's own `id` field. Unlike EventSource's `lastEventId` it is not
   * carried over from an earlier frame: a test sees what this frame said.
   */
  id: string | undefined;
  /** The `data` lines, joined with `\n`. */
  data: string;
}

/** What the parser reports, as it finds it. */
export interface SseHandlers {
  event(event: SseEvent): void;
  /** A comment line, without the colon and the spaces after it. */
  comment?(text: string): void;
  /** A valid `retry` field, in milliseconds. */
  retry?(ms: number): void;
}

/** Incremental parser: feed it decoded text in any chunks; it calls `handlers` per item. */
export class SseParser {
  #buffer = '';
  #event = '';
  #id: string | undefined;
  #data: string[] = [];
  #hasData = false;
  readonly #handlers: SseHandlers;

  constructor(handlers: SseHandlers) {
    this.#handlers = handlers;
  }

  /** Parses `chunk`; a partial last line waits for the next chunk. */
  push(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const end = /\r\n|\r|\n/.exec(this.#buffer);
      if (!end) return;
      // A `\r` at the very end may be the first half of a `\r\n`: wait for more.
      if (end[0] === '\r' && end.index === this.#buffer.length - 1) return;
      const line = this.#buffer.slice(0, end.index);
      this.#buffer = this.#buffer.slice(end.index + end[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#hasData) {
        this.#handlers.event({
          event: this.#event || 'message',
          id: this.#id,
          data: this.#data.join('\n'),
        });
      }
      this.#event = '';
      this.#id = undefined;
      this.#data = [];
      this.#hasData = false;
      return;
    }
    if (line.startsWith(':')) {
      this.#handlers.comment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.#data.push(value);
      this.#hasData = true;
    } else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.#handlers.retry?.(Number(value));
  }
}
