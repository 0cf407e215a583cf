import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Context } from 'hono';
import { etagMatches } from './etag.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** One file as stored and in each encoding, compressed once when first asked for. */
interface Asset {
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
  /** Hash of the content; each encoding's ETag derives from it. */
  hash: string;
}

type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts: brotli, then gzip, else none. */
function negotiate(acceptEncoding: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** Options for {@link widgetAssets}. */
export interface WidgetAssetOptions {
  /**
   * Send `Access-Control-Allow-Origin: *` (default true): module scripts are
   * fetched with CORS, and the blog embedding the widget is usually on
   * another origin. The moderation page's script is not for embedding, so it
   * is served without it.
   */
  crossOrigin?: boolean;
}

/**
 * Serves the built widget: `/widget.js` and its lazy chunks under `/widget/`
 * (and the moderation page's `/admin.js`). Each file is read and compressed
 * (brotli at its best level, gzip) once and kept, with an ETag per encoding.
 */
export function widgetAssets(folder: string, options: WidgetAssetOptions = {}) {
  const crossOrigin = options.crossOrigin ?? true;
  // Resolved once, so a trailing slash or a relative path cannot defeat the
  // "inside this folder" check below.
  const dir = resolve(folder);
  const cache = new Map<string, Promise<Asset | undefined>>();

  async function read(path: string): Promise<Asset | undefined> {
    let identity: Buffer;
    try {
      identity = await readFile(path);
    } catch {
      return undefined;
    }
    const [br, gz] = await Promise.all([
      brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      gzipAsync(identity, { level: 9 }),
    ]);
    const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
    return { identity, br, gzip: gz, hash };
  }

  function load(relative: string): Promise<Asset | undefined> {
    let asset = cache.get(relative);
    if (!asset) {
      const path = normalize(join(dir, relative));
      // Never serve outside the widget folder, whatever the path says.
      if (!path.startsWith(dir + sep)) return Promise.resolve(undefined);
      asset = read(path);
      cache.set(relative, asset);
      // Missing files are not remembered: a build may add them later.
      asset.then((a) => a ?? cache.delete(relative));
    }
    return asset;
  }

  return async function serveWidgetAsset(c: Context, relative: string) {
    if (!relative.endsWith('.js')) return undefined;
    const asset = await load(relative);
    if (!asset) return undefined;
    const encoding = negotiate(c.req.header('Accept-Encoding'));
    const etag = `"${asset.hash}${encoding === 'identity' ? '' : `-${encoding}`}"`;
    if (crossOrigin) c.header('Access-Control-Allow-Origin', '*');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Vary', 'Accept-Encoding');
    // Entry points keep their URL across releases, so they revalidate; hashed
    // chunks never change and may be cached for a year.
    const hashed = relative.includes('/');
    c.header(
      'Cache-Control',
      hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate',
    );
    c.header('ETag', etag);
    if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
    if (encoding !== 'identity') c.header('Content-Encoding', encoding);
    return c.body(new Uint8Array(asset[encoding]));
  };
}
