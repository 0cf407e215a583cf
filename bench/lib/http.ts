/**
 * A minimal keep-alive HTTP client for the sequential and writer loops.
 * node:http rather than fetch: less client-side overhead per request, so the
 * figures say more about the server than about undici.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One keep-alive agent for the whole run: connections are reused like a browser's. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** A response with its body read in full, and how long the round trip took. */
export interface Reply<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: T;
  /** Request start to last body byte, in ms. */
  ms: number;
}

/** Sends one request; rejects only on network errors or after `timeoutMs` (default 30 s). */
export function send<T = unknown>(
  method: 'GET' | 'POST',
  url: string,
  options: {
    json?: unknown;
    headers?: Record<string, string>;
    timeoutMs?: number;
    /** A connection of its own, closed after the answer, instead of the keep-alive pool. */
    fresh?: boolean;
  } = {},
): Promise<Reply<T>> {
  const payload =
    options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
  const headers: Record<string, string> = { ...options.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = httpRequest(
      url,
      { method, headers, agent: options.fresh ? false : agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parseJson(text) as T,
            ms,
          });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(new Error(`${method} ${url} timed out`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** GETs JSON and insists on `expected` status (default 200). */
export async function getJson<T>(url: string, expected = 200): Promise<T> {
  const reply = await send<T>('GET', url);
  if (reply.status !== expected) {
    throw new Error(
      `GET ${url}: expected ${expected}, got ${reply.status} ${JSON.stringify(reply.body)}`,
    );
  }
  return reply.body;
}

/** The API path of a thread: keys travel percent-encoded, slashes included. */
export function threadPath(key: string, suffix = ''): string {
  return `/api/threads/${encodeURIComponent(key)}${suffix}`;
}

/** Closes idle keep-alive sockets so the process can exit promptly. */
export function closeIdleSockets(): void {
  agent.destroy();
}

/** `text` parsed as JSON, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
