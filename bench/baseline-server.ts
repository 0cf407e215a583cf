/**
 * The bare baseline for `read.ts`: the least a server can do to answer
 * `GET /api/threads/:key?limit=50` from the same SQLite file, so Parley's
 * read path is judged against the cost of the work itself. Part of the
 * benchmark, not the product: one read-only connection, ONE prepared query on
 * the same index (`messages_thread_idx`), and `c.json` of the same shape.
 *
 * Settings: BASELINE_DB (the SQLite file), PORT; listens on 127.0.0.1.
 */
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';

interface Row {
  t_key: string;
  t_title: string | null;
  t_summary: string | null;
  t_url: string | null;
  t_status: string;
  t_message_count: number;
  t_highlight_count: number;
  t_last_activity_at: string;
  t_created_at: string;
  id: number;
  parent_id: number | null;
  kind: string;
  author_name: string;
  author_role: string | null;
  html: string;
  created_at: string;
  edited_at: string | null;
  highlighted: number;
}

const file = process.env.BASELINE_DB;
if (!file) throw new Error('BASELINE_DB must name the SQLite file to serve');
// Read-only: the baseline must never change what Parley is serving.
const db = new Database(file, { readonly: true, fileMustExist: true });

// The opening post is the oldest published message, so oldest-first order
// yields Parley's first page (opening post + `limit` replies) in one query;
// one extra row says whether there is a next page.
const page = db.prepare<[string, number], Row>(`
  select t.key as t_key, t.title as t_title, t.summary as t_summary, t.url as t_url,
         t.status as t_status, t.message_count as t_message_count,
         t.highlight_count as t_highlight_count, t.last_activity_at as t_last_activity_at,
         t.created_at as t_created_at,
         m.id, m.parent_id, m.kind, m.author_name, m.author_role, m.html, m.created_at,
         m.edited_at, m.highlighted
  from threads t
  join messages m indexed by messages_thread_idx
    on m.thread_id = t.id and m.status = 'published'
  where t.key = ?
  order by m.created_at, m.id
  limit ?`);

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/api/threads/:key', (c) => {
  const limit = Math.min(100, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
  const rows = page.all(c.req.param('key'), limit + 2);
  const first = rows[0];
  if (!first)
    return c.json({ error: { code: 'thread_not_found', message: 'No such thread.' } }, 404);
  const shown = rows.slice(0, limit + 1);
  const last = shown.at(-1)!;
  return c.json({
    thread: {
      key: first.t_key,
      title: first.t_title,
      summary: first.t_summary,
      summarySource: first.t_summary ? 'manual' : null,
      url: first.t_url,
      status: first.t_status,
      messageCount: first.t_message_count,
      highlightCount: first.t_highlight_count,
      lastActivityAt: first.t_last_activity_at,
      createdAt: first.t_created_at,
    },
    messages: shown.map((m) => ({
      id: m.id,
      parentId: m.parent_id,
      kind: m.kind,
      author: m.author_role
        ? { name: m.author_name, role: m.author_role }
        : { name: m.author_name },
      html: m.html,
      createdAt: m.created_at,
      editedAt: m.edited_at,
      highlighted: m.highlighted === 1,
    })),
    nextCursor:
      rows.length > limit + 1
        ? Buffer.from(JSON.stringify(['messages:oldest', last.created_at, last.id])).toString(
            'base64url',
          )
        : null,
  });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' });
