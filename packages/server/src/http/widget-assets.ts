import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from 'hono';
import { type EncodedBody, encodeBody, negotiate, sendEncoded } from './content-encoding.ts';
import { etagMatches } from './etag.ts';

/** One file as stored and in each encoding. */
interface Asset {
  body: EncodedBody;
  /** Hash of the content; each encoding's ETag derives from it. */
  hash: string;
  /** Hashed chunks never change under their name; entry points do. */
  immutable: boolean;
}

/** Options for {@link widgetAssets}. */
export interface WidgetAssetOptions {
  /** The entry file at the folder's top, served at `/<entry>` (e.g. `widget.js`). */
  entry: string;
  /** The subfolder of its lazy chunks, served at `/<chunks>/<name>.js` (e.g. `widget`). */
  chunks: string;
  /**
   * Send `Access-Control-Allow-Origin: *` (default true): module scripts are
   * fetched with CORS, and the blog embedding the widget is usually on
   * another origin. The moderation page's script is not for embedding, so it
   * is served without it.
   */
  crossOrigin?: boolean;
}

/** What {@link widgetAssets} returns. */
export interface WidgetAssets {
  /** Answers a request for one of the files, or undefined (the caller's 404). */
  serve(c: Context): Promise<Response | undefined>;
  /** The URL paths served (`/widget.js`, `/widget/x-abc.js`): fixed at creation. */
  readonly paths: readonly string[];
  /** Compressions run so far: two per file, all started at creation. */
  readonly compressions: number;
  /** Settles once every file is compressed. */
  readonly ready: Promise<void>;
}

/** Chunk names a build writes: plain file names, no dot segments, no escapes. */
const CHUNK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.js$/;

/**
 * The request target exactly as the client sent it, without the query. The
 * Node adapter normalises `/./` and `/../` away before Hono sees the URL, so
 * a non-canonical spelling could otherwise pass for a canonical one.
 */
function rawPath(c: Context): string {
  const target = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url;
  const raw = target?.startsWith('/') ? target : new URL(c.req.url).pathname;
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/**
 * Serves one built bundle: its entry (`/widget.js`) and the chunks in its
 * subfolder (`/widget/thread-actions-abc123.js`), and nothing else. The files
 * are listed and read once, when this is created (the app's creation), and
 * each is compressed then, brotli at its best level and gzip, in the
 * background: no request can make the server read, compress or remember
 * anything. A request path must be exactly one of the listed paths: extra
 * slashes, dot segments, percent-escapes or unknown names are a 404 at the
 * cost of one map lookup.
 *
 * A widget rebuilt while the server runs is not seen until a restart: until
 * then the server keeps serving the build it started with, a consistent set
 * (the old entry with its own old chunks).
 */
export function widgetAssets(folder: string, options: WidgetAssetOptions): WidgetAssets {
  const crossOrigin = options.crossOrigin ?? true;
  const dir = resolve(folder);
  const files = new Map<string, { path: string; immutable: boolean }>();
  files.set(`/${options.entry}`, { path: join(dir, options.entry), immutable: false });
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(join(dir, options.chunks), { withFileTypes: true });
  } catch {
    // No chunks folder: the bundle has no lazy parts.
  }
  for (const entry of entries) {
    if (!entry.isFile() || !CHUNK_NAME.test(entry.name)) continue;
    files.set(`/${options.chunks}/${entry.name}`, {
      path: join(dir, options.chunks, entry.name),
      immutable: true,
    });
  }

  let compressions = 0;
  const assets = new Map<string, Promise<Asset>>();
  for (const [urlPath, file] of files) {
    let identity: Buffer;
    try {
      identity = readFileSync(file.path);
    } catch {
      continue; // The entry is missing (a partial build): 404, like any unknown path.
    }
    const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
    compressions += 2;
    const asset = encodeBody(new Uint8Array(identity), 'best').then((body) => ({
      body,
      hash,
      immutable: file.immutable,
    }));
    assets.set(urlPath, asset);
  }
  const ready = Promise.all(assets.values()).then(() => undefined);
  // A failed compression is reported by the request that awaits it.
  ready.catch(() => {});

  return {
    paths: [...assets.keys()],
    get compressions() {
      return compressions;
    },
    ready,
    async serve(c) {
      const pending = assets.get(rawPath(c));
      if (!pending) return undefined;
      const asset = await pending;
      const encoding = negotiate(c.req.header('Accept-Encoding'));
      const etag = `"${asset.hash}${encoding === 'identity' ? '' : `-${encoding}`}"`;
      if (crossOrigin) c.header('Access-Control-Allow-Origin', '*');
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('Vary', 'Accept-Encoding');
      // Entry points keep their URL across releases, so they revalidate; hashed
      // chunks never change and may be cached for a year.
      c.header(
        'Cache-Control',
        asset.immutable
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=300, must-revalidate',
      );
      c.header('ETag', etag);
      if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
      return sendEncoded(c, asset.body, encoding);
    },
  };
}
