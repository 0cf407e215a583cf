/**
 * The stored counters must equal the rows they count, whatever requests came
 * before: reads never count (design.md, Storage), so a counter that drifts
 * from its rows is a partial write that readers see for ever. One checker
 * reads every rule of `messages/message-state.ts` back from the rows, in SQL
 * both dialects run alike, so a fuzz run can end with it.
 */
import { sql } from 'kysely';
import type { Store } from '../db/store.ts';

/** One rule, as a query returning a row (with what it found) for each breach. */
interface Rule {
  name: string;
  breaches: ReturnType<typeof sql<Record<string, unknown>>>;
}

const RULES: Rule[] = [
  {
    name: 'threads.message_count equals its published messages',
    breaches: sql`select t.key, t.message_count as stored,
        (select count(*) from messages m where m.thread_id = t.id and m.status = 'published') as rows
      from threads t
      where t.message_count <> (select count(*) from messages m
        where m.thread_id = t.id and m.status = 'published')`,
  },
  {
    name: 'threads.highlight_count equals its published highlighted messages',
    breaches: sql`select t.key, t.highlight_count as stored
      from threads t
      where t.highlight_count <> (select count(*) from messages m
        where m.thread_id = t.id and m.status = 'published' and m.highlighted = 1)`,
  },
  {
    name: 'threads.event_seq equals the last stored event (0 without events)',
    breaches: sql`select t.key, t.event_seq as stored,
        (select max(e.seq) from events e where e.thread_id = t.id) as rows
      from threads t
      where t.event_seq <> coalesce((select max(e.seq) from events e where e.thread_id = t.id), 0)`,
  },
  {
    name: "a thread's stored events have no gaps and no repeats",
    breaches: sql`select thread_id, count(*) as events, min(seq) as first, max(seq) as last
      from events group by thread_id
      having count(*) <> max(seq) - min(seq) + 1 or count(distinct seq) <> count(*)`,
  },
  {
    name: 'messages.report_count equals its open reports',
    breaches: sql`select m.id, m.report_count as stored
      from messages m
      where m.report_count <> (select count(*) from reports r
        where r.message_id = m.id and r.decided_at is null)`,
  },
  {
    name: 'a thread that is not public has messages, none of them listed',
    breaches: sql`select t.key from threads t
      where t.public = 0 and (
        not exists (select 1 from messages m where m.thread_id = t.id)
        or exists (select 1 from messages m where m.thread_id = t.id
          and m.status in ('published', 'deleted')))`,
  },
  {
    name: 'a deleted placeholder still has replies',
    breaches: sql`select m.id from messages m
      where m.status = 'deleted'
        and not exists (select 1 from messages r where r.parent_id = m.id)`,
  },
  {
    name: 'a reply is in its parent thread and written after its parent',
    breaches: sql`select m.id from messages m join messages p on p.id = m.parent_id
      where p.thread_id <> m.thread_id or p.id >= m.id`,
  },
  {
    name: 'no row points at a row that is gone',
    breaches: sql`select 'message' as row, m.id from messages m
        where not exists (select 1 from threads t where t.id = m.thread_id)
          or (m.parent_id is not null and not exists (select 1 from messages p where p.id = m.parent_id))
      union all
      select 'report', r.id from reports r
        where not exists (select 1 from messages m where m.id = r.message_id)
      union all
      select 'event', e.seq from events e
        where not exists (select 1 from threads t where t.id = e.thread_id)`,
  },
];

/**
 * Every breach of the stored counts' rules in this database, one line each
 * naming the rule and the rows that break it; empty when the counts equal
 * the rows.
 */
export async function countBreaches(store: Store): Promise<string[]> {
  const found: string[] = [];
  for (const rule of RULES) {
    const { rows } = await rule.breaches.execute(store.db);
    if (rows.length > 0) found.push(`${rule.name}: ${JSON.stringify(rows.slice(0, 5))}`);
  }
  return found;
}

/**
 * A digest of what readers and moderators can see (rows and counters of
 * threads, messages, reports, events and owner keys): a refused write must
 * leave it as it was. Logs a refusal may itself write (failed sign-ins,
 * rate-limit sends, daily salts) are left out.
 */
export async function contentDigest(store: Store): Promise<string> {
  const { rows } = await sql<Record<string, unknown>>`select
      (select count(*) from threads) as threads,
      (select coalesce(sum(event_seq + message_count + highlight_count + public), 0) from threads) as thread_counters,
      (select count(distinct status) + count(distinct title) + count(distinct summary) + count(distinct url) from threads) as thread_fields,
      (select count(*) from messages) as messages,
      (select coalesce(sum(report_count + highlighted + length(body) + length(author_name)), 0) from messages) as message_fields,
      (select count(*) from messages where status = 'published') as published,
      (select count(*) from messages where status = 'hidden') as hidden,
      (select count(*) from reports) as reports,
      (select count(*) from reports where decided_at is null) as open_reports,
      (select count(*) from events) as events,
      (select count(*) from owner_keys where revoked_at is null) as owner_keys`.execute(store.db);
  // PostgreSQL's count() and sum() come back as strings, SQLite's as numbers.
  return JSON.stringify(Object.values(rows[0] ?? {}).map(String));
}
