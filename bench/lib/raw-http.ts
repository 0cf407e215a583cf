/**
 * HTTP as an attacker sends it, for `bench/attack.ts`: any method, any
 * header (`Host` and `X-Forwarded-For` included), event streams held open,
 * and raw sockets that trickle a request byte by byte. Loopback only: every
 * helper refuses a URL whose host is not 127.0.0.1 or ::1.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { parseJson } from './http.ts';

/** Keep-alive for the many small requests of a probe; destroyed by {@link closeRawSockets}. */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** Closes the keep-alive sockets so the process can exit. */
export function closeRawSockets(): void {
  agent.destroy();
}

/** Throws unless `url` points at this machine: the attack script never leaves loopback. */
function assertLoopback(url: string): URL {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== '[::1]') {
    throw new Error(`refusing to send to ${parsed.host}: the attack script stays on loopback`);
  }
  return parsed;
}

/** A response read in full. `status` is 0 when the request failed or timed out. */
export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined. */
  json: unknown;
  text: string;
  ms: number;
  /** The network error, when status is 0. */
  error?: string;
}

/** Options for {@link call}. */
export interface CallOptions {
  json?: unknown;
  /** A raw body (sent as is, with the given headers). */
  body?: string | Buffer;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Another agent, e.g. one socket for a reader measured apart from the load. */
  agent?: Agent;
}

/** Sends one request and never rejects: failures come back as status 0. */
export function call(method: string, url: string, options: CallOptions = {}): Promise<RawReply> {
  assertLoopback(url);
  const payload =
    options.json !== undefined
      ? Buffer.from(JSON.stringify(options.json))
      : options.body === undefined
        ? undefined
        : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] ??= 'application/json';
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
    const failed = (error: Error) =>
      resolve({
        status: 0,
        headers: {},
        json: undefined,
        text: '',
        ms: ms(),
        error: error.message,
      });
    const req = httpRequest(
      url,
      { method, headers, agent: options.agent ?? agent, setHost: headers.host === undefined },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', failed);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = parseJson(text);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text, ms: ms() });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error('timed out')));
    req.on('error', failed);
    req.end(payload);
  });
}

/** An event stream as the server answered it; `close()` ends it. */
export interface HeldStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far (event-stream text, or an error body). */
  received(): string;
  close(): void;
}

/** A GET of event stream `url` on a socket of its own (loopback only); `end()` sends it. */
function streamRequest(url: string, headers: Record<string, string>) {
  assertLoopback(url);
  return httpRequest(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } });
}

/** What {@link replayOf} read of one event stream. */
export interface Replay {
  status: number;
  /** Bytes of the body received. */
  bytes: number;
  /** Whether a `reload` event came (the server stopped replaying). */
  reloaded: boolean;
}

/**
 * Opens `url` as an event stream and reads it until a `reload` event comes,
 * or for `timeoutMs`, counting the bytes it sends; then closes it.
 */
export function replayOf(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 3_000,
): Promise<Replay> {
  const req = streamRequest(url, headers);
  return new Promise((resolve) => {
    let bytes = 0;
    let tail = '';
    let status = 0;
    const done = (reloaded: boolean) => {
      clearTimeout(timer);
      req.destroy();
      resolve({ status, bytes, reloaded });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        tail = (tail + chunk.toString('latin1')).slice(-4_096);
        if (tail.includes('event: reload\n')) done(true);
      });
      res.on('error', () => {});
      res.on('end', () => done(false));
    });
    req.on('error', () => done(false));
    req.end();
  });
}

/**
 * Opens `url` as an event stream on its own socket and resolves once the
 * status and headers are in (or with status 0 after `timeoutMs`). A 200 is
 * held open until `close()`; anything else is read and closed.
 */
export function holdStream(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000,
): Promise<HeldStream> {
  const req = streamRequest(url, headers);
  return new Promise((resolve) => {
    let text = '';
    const failed = () =>
      resolve({ status: 0, headers: {}, received: () => text, close: () => req.destroy() });
    const timer = setTimeout(() => {
      req.destroy();
      failed();
    }, timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text = (text + chunk).slice(-65_536);
      });
      res.on('error', () => {});
      if (res.statusCode !== 200) res.on('end', () => req.destroy());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        received: () => text,
        close: () => req.destroy(),
      });
    });
    req.on('error', () => {
      clearTimeout(timer);
      failed();
    });
    req.end();
  });
}

/** What a trickling client saw. */
export interface TrickleResult {
  /** Seconds from connecting until the server closed the socket, or null if it never did. */
  closedAfterS: number | null;
  /** Bytes the client managed to send. */
  bytesSent: number;
  /** The first line of any answer the server sent before closing (e.g. `HTTP/1.1 408 ...`). */
  answer: string;
}

/**
 * Connects to `url`'s host and port, sends `head`, then one byte of `drip`
 * every `intervalMs`, and reports when the server closed the connection. The
 * client gives up after `boundS` seconds (then `closedAfterS` is null).
 */
export function trickle(
  url: string,
  head: string,
  drip: string,
  options: { intervalMs: number; boundS: number },
): Promise<TrickleResult> {
  const { hostname, port } = assertLoopback(url);
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    let bytesSent = 0;
    let answer = '';
    let next = 0;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(bound);
      socket.destroy();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ closedAfterS: closed ? seconds : null, bytesSent, answer });
    };
    const timer = setInterval(() => {
      if (socket.destroyed || !socket.writable) return;
      socket.write(drip[next % drip.length]!);
      next++;
      bytesSent++;
    }, options.intervalMs);
    const bound = setTimeout(() => finish(false), options.boundS * 1000);
    socket.on('connect', () => {
      socket.write(head);
      bytesSent += Buffer.byteLength(head);
    });
    socket.on('data', (chunk: Buffer) => {
      if (!answer) answer = chunk.toString('latin1').split('\r\n')[0] ?? '';
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}
