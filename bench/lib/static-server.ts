/**
 * The "blog": a one-page static server on 127.0.0.1, on its own port and so
 * its own origin, like a real site embedding a Parley server elsewhere.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '@parley/server/testing/free-port';

/** A running page server. */
export interface PageServer {
  /** The origin, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** Replaces the HTML served at `/`. */
  setPage(html: string): void;
  close(): Promise<void>;
}

/** Serves `html` at `/` (no caching, so every load is cold) and 404 elsewhere. */
export async function startPageServer(html = ''): Promise<PageServer> {
  let page = html;
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    setPage(next) {
      page = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
