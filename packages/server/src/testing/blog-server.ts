/**
 * Test support: a real local HTTP server playing the blog whose pages threads
 * are on. Each path answers as a test tells it to; every request is counted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the blog answers one path. */
export type BlogPage = (req: IncomingMessage, res: ServerResponse) => void;

export interface BlogServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** Paths (with query) requested so far, in order. */
  requests: string[];
  /** How many requests asked for `path`. */
  hits(path: string): number;
  /** Sets how `path` answers (unset paths answer 404). */
  page(path: string, answer: BlogPage): void;
  close(): Promise<void>;
}

/** A page that answers 200 with a small HTML body. */
export const ok: BlogPage = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Article</title>');
};

/** Answers `status` with a short body. */
export const status =
  (code: number, headers: Record<string, string> = {}): BlogPage =>
  (_req, res) => {
    res.writeHead(code, { 'Content-Type': 'text/plain', ...headers }).end(`status ${code}`);
  };

/** Redirects to `location`. */
export const redirect = (location: string, code = 302): BlogPage =>
  status(code, { Location: location });

export async function blogServer(): Promise<BlogServer> {
  const pages = new Map<string, BlogPage>();
  const requests: string[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    open.add(res);
    res.once('close', () => open.delete(res));
    const page = pages.get(path) ?? status(404);
    page(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    hits: (path) => requests.filter((p) => p === path).length,
    page: (path, answer) => pages.set(path, answer),
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
