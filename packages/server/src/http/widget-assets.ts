import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

interface Asset {
  body: Buffer;
  etag: string;
}

/**
 * Serves the built widget: `/widget.js` and its lazy chunks under `/widget/`.
 * Files are read once and kept with a strong ETag. Every response carries
 * `Access-Control-Allow-Origin: *`: module scripts are fetched with CORS, and
 * the blog embedding the widget is usually on another origin.
 */
export function widgetAssets(dir: string) {
  const cache = new Map<string, Promise<Asset | undefined>>();

  function load(relative: string): Promise<Asset | undefined> {
    let asset = cache.get(relative);
    if (!asset) {
      const path = normalize(join(dir, relative));
      // Never serve outside the widget folder, whatever the path says.
      if (!path.startsWith(normalize(dir) + sep)) return Promise.resolve(undefined);
      asset = readFile(path).then(
        (body) => ({
          body,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        }),
        () => undefined,
      );
      cache.set(relative, asset);
      // Missing files are not remembered: a build may add them later.
      asset.then((a) => a ?? cache.delete(relative));
    }
    return asset;
  }

  return async function serveWidgetAsset(c: Context, relative: string) {
    if (!relative.endsWith('.js') && !relative.endsWith('.js.map')) return undefined;
    const asset = await load(relative);
    if (!asset) return undefined;
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    // Entry points keep their URL across releases, so they revalidate; hashed
    // chunks never change and may be cached for a year.
    const hashed = relative.startsWith('widget/');
    c.header(
      'Cache-Control',
      hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate',
    );
    c.header('ETag', asset.etag);
    if (c.req.header('If-None-Match') === asset.etag) return c.body(null, 304);
    return c.body(new Uint8Array(asset.body));
  };
}
