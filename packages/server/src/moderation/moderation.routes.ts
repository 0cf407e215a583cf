import type { AppDeps, Logger } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { exportDocument, exportFileName } from '../data/export.ts';
import { invalidField, threadNotFound } from '../http/api-error.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { isAllowedOrigin } from '../http/origin-policy.ts';
import { validate } from '../http/validate.ts';
import { messageIdParams } from '../messages/messages.schemas.ts';
import { findThreadByKey, listAdminThreads } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import type {
  AdminBulkResponse,
  AdminMessage,
  AdminMessageList,
  AdminThread,
  AdminThreadList,
} from '../wire.ts';
import { toAdminMessage, toAdminThread } from '../wire-mapping.ts';
import { adminApi } from './admin-auth.ts';
import { changeThread, moderateMany, moderateMessage, removeMessage } from './moderate.ts';
import { listAdminMessages } from './moderation.repository.ts';
import {
  adminBulkBody,
  adminExportQuery,
  adminMessagePatch,
  adminMessagesQuery,
  adminThreadPatch,
  adminThreadsQuery,
} from './moderation.schemas.ts';

/**
 * The moderation API, mounted under `/api/admin`. Every route needs the admin
 * token (see `adminVerifier`, shared with owner posts through `services.verifyAdmin`); the `/api/*` origin and JSON guards apply as to any
 * other write, so a page elsewhere cannot drive it with a visitor's browser.
 */
export function moderationRoutes(deps: AppDeps, services: AppServices) {
  const { store, config } = deps;
  const { db } = store;
  const { clock, statusClock } = services;

  return adminApi(services.verifyAdmin)
    .get('/messages', validate('query', adminMessagesQuery), async (c) => {
      const { status, thread: key, q, cursor, limit } = c.req.valid('query');
      const scope = `admin-messages:${status ?? 'all'}`;
      const after = cursor ? decodeCursor(scope, cursor) : undefined;
      let threadId: number | undefined;
      if (key !== undefined) {
        const thread = await findThreadByKey(db, key);
        if (!thread) throw threadNotFound(key);
        threadId = thread.id;
      }
      const search = q === undefined ? undefined : { text: q, dialect: store.dialect };
      const rows = await listAdminMessages(db, { filter: status, threadId, search, limit, after });
      const { page, nextCursor } = keysetPage(rows, limit, scope, (row) => row.created_at);
      const body: AdminMessageList = { messages: page.map(toAdminMessage), nextCursor };
      return c.json(body);
    })
    .patch(
      '/messages/:id',
      validate('param', messageIdParams),
      validate('json', adminMessagePatch),
      async (c) => {
        const { id } = c.req.valid('param');
        const { status, highlighted } = c.req.valid('json');
        const row = await moderateMessage(store, { id, status, highlighted, now: clock() });
        return c.json({ message: toAdminMessage(row) } satisfies { message: AdminMessage });
      },
    )
    .post('/messages/bulk', validate('json', adminBulkBody), async (c) => {
      const { ids, action } = c.req.valid('json');
      const outcome = await moderateMany(store, { ids, action, now: clock() });
      const body: AdminBulkResponse = {
        messages: outcome.messages.map(toAdminMessage),
        deleted: outcome.deleted,
        missing: outcome.missing,
      };
      return c.json(body);
    })
    .get('/export', validate('query', adminExportQuery), async (c) => {
      const { thread: key } = c.req.valid('query');
      let thread: { id: number; key: string } | undefined;
      if (key !== undefined) {
        const row = await findThreadByKey(db, key);
        if (!row) throw threadNotFound(key);
        thread = { id: row.id, key: row.key };
      }
      const now = clock();
      const chunks = exportDocument(db, { thread, now });
      // Read before answering: a database that cannot answer is a 503, not a
      // 200 that breaks off. Later failures can only cut the stream short
      // (the status is sent), which leaves JSON that does not parse.
      const first = await chunks.next();
      c.header('Content-Type', 'application/json; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${exportFileName(now, thread?.key)}"`);
      return c.body(textStream(first, chunks, services.logger));
    })
    .delete('/messages/:id', validate('param', messageIdParams), async (c) => {
      await removeMessage(store, c.req.valid('param').id, clock());
      return c.body(null, 204);
    })
    .get('/threads', validate('query', adminThreadsQuery), async (c) => {
      const { cursor, limit } = c.req.valid('query');
      const scope = 'admin-threads';
      const after = cursor ? decodeCursor(scope, cursor) : undefined;
      const rows = await listAdminThreads(db, { limit, after });
      const { page, nextCursor } = keysetPage(rows, limit, scope, (row) => row.last_activity_at);
      const clock = statusClock();
      const body: AdminThreadList = {
        threads: page.map((row) => toAdminThread(row, clock)),
        nextCursor,
      };
      return c.json(body);
    })
    .patch(
      '/threads/:key',
      validate('param', threadKeyParams),
      validate('json', adminThreadPatch),
      async (c) => {
        const { key } = c.req.valid('param');
        const input = c.req.valid('json');
        // Like a first post's url: shown as a link and used in feeds, so it
        // must point at a site this server serves.
        if (typeof input.url === 'string' && !isAllowedOrigin(input.url, config)) {
          throw invalidField('url', 'must be on an origin listed in PARLEY_ORIGINS');
        }
        const clock = statusClock();
        const row = await changeThread(store, {
          key,
          ...input,
          now: clock.now,
          autoCloseDays: clock.autoCloseDays,
        });
        return c.json({ thread: toAdminThread(row, clock) } satisfies { thread: AdminThread });
      },
    );
}

/**
 * A byte stream of `chunks` (whose first result is already read), pulled as
 * the client reads: a slow client holds back the next database batch rather
 * than the server buffering the whole export. A failure mid-way is logged
 * and ends the stream early; a client that leaves stops the reads.
 */
function textStream(
  first: IteratorResult<string, void>,
  chunks: AsyncGenerator<string, void, undefined>,
  logger: Logger,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: IteratorResult<string, void> | undefined = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = pending ?? (await chunks.next());
        pending = undefined;
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        logger.error({
          msg: 'export failed mid-way',
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
