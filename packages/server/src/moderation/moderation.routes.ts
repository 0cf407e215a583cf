import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { invalidField, threadNotFound } from '../http/api-error.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { isAllowedOrigin } from '../http/origin-policy.ts';
import { validate } from '../http/validate.ts';
import { messageIdParams } from '../messages/messages.schemas.ts';
import { findThreadByKey, listAdminThreads } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import type { AdminMessage, AdminMessageList, AdminThread, AdminThreadList } from '../wire.ts';
import { toAdminMessage, toAdminThread } from '../wire-mapping.ts';
import { adminApi } from './admin-auth.ts';
import { changeThread, moderateMessage, removeMessage } from './moderate.ts';
import { listAdminMessages } from './moderation.repository.ts';
import {
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
      const { status, thread: key, cursor, limit } = c.req.valid('query');
      const scope = `admin-messages:${status ?? 'all'}`;
      const after = cursor ? decodeCursor(scope, cursor) : undefined;
      let threadId: number | undefined;
      if (key !== undefined) {
        const thread = await findThreadByKey(db, key);
        if (!thread) throw threadNotFound(key);
        threadId = thread.id;
      }
      const rows = await listAdminMessages(db, { filter: status, threadId, limit, after });
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
