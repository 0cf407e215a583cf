/**
 * Bodies kept compressed ahead of time, and the choice of which one a request
 * gets. Shared by everything the server sends large and often: the widget's
 * bundle (`widget-assets.ts`, compressed at its best when the app starts) and
 * the thread pages (`pages/pages.routes.ts`, compressed once per rendered
 * version). A request never compresses anything: it picks bytes.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Context } from 'hono';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** A content coding the server keeps bodies in. */
export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * The best encoding the client accepts (RFC 9110 §12.5.3): of brotli and
 * gzip, the one with the higher weight (brotli on a tie, as it is smaller),
 * else none. `q=0` refuses a coding; `*` stands for any coding not named; no
 * header means identity, which every client takes.
 */
export function negotiate(acceptEncoding: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    accepted.set(name.trim(), Number.isNaN(weight) ? 0 : weight);
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return 'identity';
}

/** One body as it is and in each compressed encoding. */
export interface EncodedBody {
  identity: Uint8Array<ArrayBuffer>;
  br: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  /** All three together: what keeping this body costs (a cache's measure). */
  readonly byteLength: number;
}

/**
 * How hard to compress: `best` (brotli 11, gzip 9) for files compressed once
 * per process, where every byte saved is saved for every reader; `fast`
 * (brotli 6, gzip 6) for bodies rendered while a reader waits: on a 256 KiB
 * thread page brotli 11 takes some 350 ms for 27 KB, 6 under 10 ms for 32 KB
 * (5: as fast, 4% larger; 7: 22 ms, 2% smaller).
 */
export type Effort = 'best' | 'fast';

/** Compresses `identity` both ways (in zlib's thread pool, off the event loop). */
export async function encodeBody(
  identity: Uint8Array<ArrayBuffer>,
  effort: Effort,
): Promise<EncodedBody> {
  const [br, gz] = await Promise.all([
    brotli(identity, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: effort === 'best' ? 11 : 6,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.byteLength,
      },
    }),
    gzipAsync(identity, { level: effort === 'best' ? 9 : 6 }),
  ]);
  // Copied once into plain arrays, so a response sends them as they are.
  const body = { identity, br: new Uint8Array(br), gzip: new Uint8Array(gz) };
  return { ...body, byteLength: identity.byteLength + body.br.byteLength + body.gzip.byteLength };
}

/**
 * Answers with `body` in `encoding` (from {@link negotiate}): the bytes, their
 * `Content-Length` and `Content-Encoding`. The caller sets `Vary:
 * Accept-Encoding` (on its 304s too) and the rest of its headers.
 */
export function sendEncoded(c: Context, body: EncodedBody, encoding: Encoding): Response {
  const bytes = body[encoding];
  if (encoding !== 'identity') c.header('Content-Encoding', encoding);
  c.header('Content-Length', String(bytes.byteLength));
  return c.body(bytes);
}
