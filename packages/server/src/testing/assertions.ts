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
