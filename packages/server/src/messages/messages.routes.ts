import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { toMessage } from '../db/rows.ts';
import { ApiError, invalidField } from '../http/api-error.ts';
import { clientAddress } from '../http/client-address.ts';
import { ClientHasher } from '../http/client-hash.ts';
import { isAllowedOrigin } from '../http/origin-policy.ts';
import { validate } from '../http/validate.ts';
import { findThreadByKey } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import type { MessagePage, PostMessageResponse } from '../wire.ts';
import { messagePage } from './message-page.ts';
import { messagesQuery, postMessageBody } from './messages.schemas.ts';
import { postMessage } from './post-message.ts';

/** Reader routes for messages, mounted under `/api`. */
export function messageRoutes(deps: AppDeps) {
  const { store, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const peerAddress =
    deps.peerAddress ??
    ((c) =>
      (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
        ?.socket?.remoteAddress);
  const hasher = new ClientHasher(store.db);

  return new Hono()
    .get(
      '/threads/:key/messages',
      validate('param', threadKeyParams),
      validate('query', messagesQuery),
      async (c) => {
        const { key } = c.req.valid('param');
        const thread = await findThreadByKey(store.db, key);
        if (!thread)
          throw new ApiError(404, 'thread_not_found', `No thread has the key ${key} yet.`);
        const page: MessagePage = await messagePage(store.db, thread, c.req.valid('query'));
        return c.json(page);
      },
    )
    .post(
      '/threads/:key/messages',
      validate('param', threadKeyParams),
      validate('json', postMessageBody),
      async (c) => {
        const { key } = c.req.valid('param');
        const input = c.req.valid('json');
        const url = input.thread?.url ?? null;
        // The thread's url is shown as a link and used in feeds: it must point
        // at a site this server serves, not wherever a poster likes.
        if (url !== null && !isAllowedOrigin(url, new URL(c.req.url).origin, config)) {
          throw invalidField('thread.url', 'must be on an origin listed in PARLEY_ORIGINS');
        }
        const now = clock();
        const address = clientAddress(
          peerAddress(c),
          c.req.header('X-Forwarded-For'),
          config.trustedProxies,
        );
        const ipHash = address ? await hasher.hash(address, now) : null;
        const { message, editToken } = await postMessage(store, {
          key,
          author: input.author,
          body: input.body,
          parentId: input.parentId ?? null,
          kind: input.kind ?? 'reply',
          thread: { title: input.thread?.title ?? null, url },
          ipHash,
          now,
          rateLimit: config.rateLimit,
        });
        const body: PostMessageResponse = {
          message: toMessage(message),
          editToken,
          status: message.status === 'pending' ? 'pending' : 'published',
        };
        return c.json(body, 201);
      },
    );
}
