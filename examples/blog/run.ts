/**
 * Runs the example: the Parley server on embedded SQLite, and a small blog on
 * another origin whose article embeds the thread with the two-line snippet.
 *
 *   PORT       Parley server port (8787)      BLOG_PORT  blog port (8080)
 *   HOST       address for both (127.0.0.1)   DATABASE_URL  (./data/parley.db)
 *
 * Every other PARLEY_* setting passes through to the server. Proof of work is
 * on unless PARLEY_PROOF_OF_WORK says otherwise, so the example shows it.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseCommandLine, startServer } from '@parley/server';
import { DEMO_KEY, seedIfEmpty } from './seed.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const host = process.env.HOST || '127.0.0.1';
const blogPort = Number(process.env.BLOG_PORT || 8080);
const blogOrigins = [`http://${host}:${blogPort}`];
if (host === '127.0.0.1') blogOrigins.push(`http://localhost:${blogPort}`);

/** Starts the server, or says what is wrong with a setting as parley-server does, and exits. */
async function startParley() {
  try {
    const command = parseCommandLine(process.argv.slice(2), {
      ...process.env,
      PARLEY_ORIGINS: process.env.PARLEY_ORIGINS || blogOrigins.join(','),
      PARLEY_PROOF_OF_WORK: process.env.PARLEY_PROOF_OF_WORK || 'on',
    });
    if (command.kind !== 'serve') throw new ConfigError('usage: run.ts [parley-server options]');
    return { config: command.config, server: await startServer(command.config) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  }
}
const { config, server: parley } = await startParley();

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
// The article lives at its canonical path; the thread is keyed by it.
const files: Record<string, string> = {
  [DEMO_KEY]: 'article.html',
  '/about/': 'about.html',
  '/blog.css': 'blog.css',
  '/favicon.svg': 'favicon.svg',
};

/**
 * A server-side include, as a blog's own server (or its static build) would
 * do it: the discussion's HTML from `GET /threads/:key/fragment`, fetched
 * again only when its ETag changed. Nothing (an empty string) when the thread
 * does not exist yet or the server does not answer: the element still works.
 */
const fragments = new Map<string, { etag: string; html: string }>();
async function includeFragment(key: string): Promise<string> {
  const cached = fragments.get(key);
  const url = `${parley.url}/threads/${encodeURIComponent(key)}/fragment`;
  try {
    const response = await fetch(url, {
      headers: cached ? { 'If-None-Match': cached.etag } : {},
      signal: AbortSignal.timeout(2000),
    });
    if (response.status === 304 && cached) return cached.html;
    if (!response.ok) {
      fragments.delete(key);
      return '';
    }
    const html = await response.text();
    const etag = response.headers.get('ETag');
    if (etag) fragments.set(key, { etag, html });
    return html;
  } catch {
    return '';
  }
}

const blog = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://blog').pathname;
  if (path === '/') {
    res.writeHead(302, { Location: DEMO_KEY }).end();
    return;
  }
  const file = files[path];
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  let text = (await readFile(join(here, file), 'utf8')).replaceAll('%PARLEY_SERVER%', parley.url);
  if (text.includes('%PARLEY_FRAGMENT%')) {
    const fragment = await includeFragment(path);
    text = text.replace('%PARLEY_FRAGMENT%', () => fragment);
  }
  res
    .writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      // A strict policy, like a careful blog would send: the widget must work
      // without inline scripts or inline styles.
      // worker-src blob: lets the widget solve its proof of work in a worker,
      // a blob of the solver's code, which it fetches under connect-src
      // (without it, it solves on the page, and the browser logs the refusal).
      'Content-Security-Policy': `default-src 'self'; script-src 'self' ${parley.url}; connect-src ${parley.url}; worker-src blob:; style-src 'self'; img-src 'self' data:`,
    })
    .end(text);
});
await new Promise<void>((resolve) => blog.listen(blogPort, host, resolve));
const blogUrl = `http://${host}:${blogPort}`;

if (await seedIfEmpty(parley.url, blogUrl, parley.store, config.PARLEY_ADMIN_TOKEN)) {
  console.log('Seeded a demo thread into the empty database.');
}
console.log(
  `\nParley is running.\n  Open the example blog: ${blogUrl}${DEMO_KEY}\n  Parley server: ${parley.url}\n`,
);

const stop = async () => {
  blog.close();
  blog.closeAllConnections();
  await parley.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
