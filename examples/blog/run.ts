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
import { DEMO_KEY, FORUM_THREADS, forumKey, seedIfEmpty } from './seed.ts';

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
// The article lives at its canonical path; the thread is keyed by it. The
// forum (examples/forum/) is served beside the blog: its index at /forum/,
// each of its threads at /forum/t/<slug>/.
const files: Record<string, string> = {
  '/': 'home.html',
  [DEMO_KEY]: 'article.html',
  '/about/': 'about.html',
  '/forum/': '../forum/index.html',
  ...Object.fromEntries(FORUM_THREADS.map((t) => [forumKey(t.slug), '../forum/thread.html'])),
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

/**
 * The languages a page can be shown in (`?lang=`): the page's `<html lang dir>`
 * says it, and the elements follow the page's language. Three of the shipped
 * locales, one written right to left; the back link's label is the page's.
 */
const LANGUAGES: Record<string, { name: string; dir: 'ltr' | 'rtl'; back: string }> = {
  en: { name: 'English', dir: 'ltr', back: '← Back to Forum' },
  de: { name: 'Deutsch', dir: 'ltr', back: '← Zurück zum Forum' },
  ar: { name: 'العربية', dir: 'rtl', back: '→ العودة إلى المنتدى' },
};

/** `text` (a page) in language `lang`: its `<html lang dir>`, the language links, the back label. */
function inLanguage(text: string, lang: string): string {
  const language = LANGUAGES[lang]!;
  const links = Object.entries(LANGUAGES)
    .map(([code, l]) =>
      code === lang
        ? `<a aria-current="page" lang="${code}" href="?lang=${code}">${l.name}</a>`
        : `<a lang="${code}" href="?lang=${code}">${l.name}</a>`,
    )
    .join(' ');
  return text
    .replace('<html lang="en">', `<html lang="${lang}" dir="${language.dir}">`)
    .replace('%LANGUAGES%', `<nav class="languages" aria-label="Language">${links}</nav>`)
    .replace('back-label="← Back to Forum"', `back-label="${language.back}"`);
}

const blog = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://blog');
  const path = url.pathname;
  const lang = url.searchParams.get('lang') ?? 'en';
  const file = files[path];
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  let text = (await readFile(join(here, file), 'utf8')).replaceAll('%PARLEY_SERVER%', parley.url);
  // Own keys only: `?lang=constructor` is no language (an attacker trial's find).
  text = inLanguage(text, Object.hasOwn(LANGUAGES, lang) ? lang : 'en');
  const forumThread = FORUM_THREADS.find((t) => forumKey(t.slug) === path);
  if (forumThread) text = text.replace('%TITLE%', forumThread.title);
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
  `\nParley is running.\n  Open the example blog: ${blogUrl}/ (the forum: ${blogUrl}/forum/)\n  Parley server: ${parley.url}\n`,
);

const stop = async () => {
  blog.close();
  blog.closeAllConnections();
  await parley.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
