/**
 * Many cheap event-stream readers for the fan-out benchmark: node:http (no
 * pooling, one socket per stream, as one browser tab per reader would have),
 * the tests' own frame parser, and the arrival time of each event.
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { type SseEvent, SseParser } from '@parley/server/testing/sse-parser';

/** One received event, and when it was parsed (hrtime, ns). */
export interface ReceivedEvent extends SseEvent {
  at: bigint;
}

/** An open stream. */
export interface BenchStream {
  events: ReceivedEvent[];
  /** Set when the connection ended or failed. */
  ended: boolean;
  /** Called after each event. */
  onEvent?: (event: ReceivedEvent) => void;
  close(): void;
}

/** Opens `url` as an event stream; resolves once the 200 and its headers are in. */
function openBenchStream(
  url: string,
  timeoutMs = 30_000,
  headers: Record<string, string> = {},
): Promise<BenchStream> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined;
    const stream: BenchStream = {
      events: [],
      ended: false,
      close: () => req?.destroy(),
    };
    req = httpRequest(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } });
    const timer = setTimeout(
      () => req?.destroy(new Error(`no event-stream answer from ${url} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      if (res.statusCode !== 200 || !res.headers['content-type']?.startsWith('text/event-stream')) {
        res.resume();
        req?.destroy();
        reject(new Error(`${url} answered ${res.statusCode} ${res.headers['content-type']}`));
        return;
      }
      const parser = new SseParser({
        event(parsed) {
          const event = { ...parsed, at: process.hrtime.bigint() };
          stream.events.push(event);
          stream.onEvent?.(event);
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.push(chunk));
      const finish = () => {
        stream.ended = true;
      };
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
      resolve(stream);
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      stream.ended = true;
      reject(error);
    });
    req.end();
  });
}

/**
 * Opens `count` streams, `concurrency` at a time (a thousand simultaneous
 * connects would measure the accept queue, not Parley). `urlFor(i)` picks
 * each stream's URL, e.g. to split them across instances; `headersFor(i)`
 * its extra headers, e.g. to play a different reader behind a proxy.
 */
export async function openManyStreams(
  count: number,
  urlFor: (index: number) => string,
  concurrency = 50,
  headersFor: (index: number) => Record<string, string> = () => ({}),
): Promise<BenchStream[]> {
  const streams: BenchStream[] = new Array(count);
  let next = 0;
  const opened: BenchStream[] = [];
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < count) {
          const index = next++;
          const stream = await openBenchStream(urlFor(index), undefined, headersFor(index));
          streams[index] = stream;
          opened.push(stream);
        }
      }),
    );
  } catch (error) {
    for (const stream of opened) stream.close();
    throw error;
  }
  return streams;
}
