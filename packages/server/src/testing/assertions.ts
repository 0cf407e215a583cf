/** Test support: shared assertions on responses and stored rows. */
import assert from 'node:assert/strict';
import type { Store } from '../db/store.ts';
import type { ErrorBody, ErrorCode } from '../wire.ts';

/** How many threads and messages are stored. */
export async function storedCounts(store: Store): Promise<{ threads: number; messages: number }> {
  const count = async (table: 'threads' | 'messages') => {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { threads: await count('threads'), messages: await count('messages') };
}

/**
 * Asserts an error response: the status first, then the envelope's code, and
 * (when given) the field paths its issues name.
 */
export async function assertError(
  response: Response,
  status: number,
  code: ErrorCode,
  paths?: string[],
): Promise<ErrorBody> {
  const text = await response.text();
  assert.equal(
    response.status,
    status,
    `expected ${status} ${code}, got ${response.status}: ${text}`,
  );
  const body = JSON.parse(text) as ErrorBody;
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  if (paths)
    assert.deepEqual(
      body.error.issues?.map((i) => i.path),
      paths,
    );
  return body;
}

/** Asserts a status and returns the parsed JSON body. */
export async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A thread's stored counters, as the database holds them. */
export interface ThreadState {
  messageCount: number;
  highlightCount: number;
  eventSeq: number;
  status: string;
  lastActivityAt: string;
}

/**
 * Reads a thread's stored counters, and asserts they agree with its rows:
 * `message_count` is its published messages, `highlight_count` the published
 * highlighted ones. Every test that changes messages calls it, so no
 * transition can leave a count wrong unnoticed.
 */
export async function threadState(store: Store, key: string): Promise<ThreadState> {
  const thread = await store.db
    .selectFrom('threads')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  const rows = await store.db
    .selectFrom('messages')
    .select(['status', 'highlighted'])
    .where('thread_id', '=', thread.id)
    .execute();
  const published = rows.filter((r) => r.status === 'published');
  const state: ThreadState = {
    messageCount: Number(thread.message_count),
    highlightCount: Number(thread.highlight_count),
    eventSeq: Number(thread.event_seq),
    status: thread.status,
    lastActivityAt: thread.last_activity_at,
  };
  assert.equal(state.messageCount, published.length, 'message_count = published messages');
  assert.equal(
    state.highlightCount,
    published.filter((r) => Number(r.highlighted) === 1).length,
    'highlight_count = published highlighted messages',
  );
  return state;
}
