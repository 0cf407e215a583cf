/**
 * A bare Node server holding event streams, no Parley in it (forked by
 * bench/transport.ts): `h1` is node:http, `h2` is node:http2 in cleartext
 * (h2c, as a reverse proxy speaking HTTP/2 to its upstream would use). Each
 * request gets a 200 `text/event-stream` head and one comment, and is held.
 * On `broadcast` it queues one event on every stream and says how long that
 * took; on `rss` it reports its resident memory.
 */
import http from 'node:http';
import http2 from 'node:http2';

export type TransportMode = 'h1' | 'h2';
export type ToTransport = 'rss' | 'broadcast';
export type FromTransport =
  | { type: 'listening'; port: number }
  | { type: 'rss'; rss: number; streams: number }
  | { type: 'broadcast'; ms: number; streams: number };

const mode = process.argv[2] as TransportMode;
const streams: Held[] = [];
const event = Buffer.from(
  `event: message.created\nid: 2\ndata: ${JSON.stringify({ type: 'message.created', message: { id: 2, html: `<p>${'x'.repeat(300)}</p>` } })}\n\n`,
);

/** What both kinds of response have that this needs. */
interface Held {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string | Buffer): unknown;
}

function hold(_req: unknown, res: Held) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(': connected\n\n');
  streams.push(res);
}

const server =
  mode === 'h2'
    ? http2.createServer({ settings: { maxConcurrentStreams: 1_000_000 } }, hold)
    : http.createServer(hold);

const reply = (message: FromTransport) => process.send?.(message);
process.on('message', (message: ToTransport) => {
  if (message === 'rss') {
    reply({ type: 'rss', rss: process.memoryUsage().rss, streams: streams.length });
  } else {
    const start = process.hrtime.bigint();
    for (const stream of streams) stream.write(event);
    reply({
      type: 'broadcast',
      ms: Number(process.hrtime.bigint() - start) / 1e6,
      streams: streams.length,
    });
  }
});
// The parent gone, so is this server.
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  reply({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});
