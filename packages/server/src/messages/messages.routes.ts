import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { invalidField, threadNotFound } from '../http/api-error.ts';
import { bearerToken } from '../http/bearer.ts';
import { isThreadUrl } from '../http/origin-policy.ts';
import { validate } from '../http/validate.ts';
import { findPublicThreadByKey } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import type {
  EditMessageResponse,
  MessagePage,
  MessagePageAt,
  PostMessageResponse,
} from '../wire.ts';
import { toMessage } from '../wire-mapping.ts';
import { deleteOwnMessage, editLimit, editMessage } from './author-rights.ts';
import { replyMailOn } from './features.routes.ts';
import { messagePage, messagePageAt } from './message-page.ts';
import {
  editMessageBody,
  messageIdParams,
  messagesQuery,
  postMessageBody,
  reportBody,
} from './messages.schemas.ts';
import { postMessage } from './post-message.ts';
import { reportMessage } from './report-message.ts';

/**
 * A thread's url as stored: without its fragment, which is never part of the
 * page (the widget drops it too), so `#%3Cscript%3E-PHISH` never rides along.
 */
function withoutFragment(url: string | null): string | null {
  if (url === null) return null;
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

/** Reader routes for messages, mounted under `/api`. */
export function messageRoutes(deps: AppDeps, services: AppServices) {
  const { store, config } = deps;
  const { clock, identify, locate, policy, secret, verifyOwner, verifyThreadUrl } = services;
  const pow = services.proofOfWork;

  return new Hono()
    .get(
      '/threads/:key/messages',
      validate('param', threadKeyParams),
      validate('query', messagesQuery),
      async (c) => {
        // Like the first page: a page changes with every write, so a browser
        // or proxy must never reuse one without asking (a 404 too, which is
        // cacheable by default and ends with the thread's first post).
        c.header('Cache-Control', 'no-cache');
        const { key } = c.req.valid('param');
        const { at, ...query } = c.req.valid('query');
        const thread = await findPublicThreadByKey(store.db, key);
        if (!thread) throw threadNotFound(key);
        // Built afresh on every request, never from the first-page cache or
        // with its ETag (`GET /api/threads/:key`): an `at` page is not a
        // first page, and its place moves with every write before it.
        const page: MessagePage | MessagePageAt =
          at === undefined
            ? await messagePage(store.db, thread, query)
            : await messagePageAt(store.db, thread, { sort: query.sort, limit: query.limit, at });
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
        const url = withoutFragment(input.thread?.url ?? null);
        // The thread's url is shown as a link and used in feeds: it must point
        // at a site this server serves (PARLEY_ORIGINS, or PARLEY_PUBLIC_URL
        // where set), not wherever a poster likes, nor the server's own API.
        if (url !== null && !isThreadUrl(url, config)) {
          throw invalidField(
            'thread.url',
            'must be on an origin listed in PARLEY_ORIGINS (or PARLEY_PUBLIC_URL), not under /api/',
          );
        }
        // A post with any Authorization header claims to be the site owner's:
        // it must carry an owner-posting key or the admin token (else 401,
        // counted like any failed admin sign-in), and is never quietly stored
        // as a reader's instead.
        // Reply mail needs mail set up and a public URL for its links; a form
        // that offered it from a stale GET /api/features learns why it failed.
        if (input.notifyReplies === true && !replyMailOn(config)) {
          throw invalidField('notifyReplies', 'reply mail is not set up on this server');
        }
        const owner = c.req.header('Authorization') !== undefined;
        if (owner) await verifyOwner(c);
        const now = clock();
        const ipHash = await identify(c, now);
        const { message, editToken, answer, mail } = await postMessage(store, {
          key,
          author: input.author,
          body: input.body,
          parentId: input.parentId ?? null,
          kind: input.kind ?? 'reply',
          thread: { title: input.thread?.title ?? null, url },
          ipHash,
          now,
          rateLimit: config.rateLimit,
          owner,
          policy,
          spam: (input.website ?? '').trim() !== '',
          // An address without the request for mail is not kept.
          ...(input.notifyReplies === true && input.email
            ? {
                replyMail: {
                  email: input.email,
                  ...(input.mailKey !== undefined ? { key: input.mailKey } : {}),
                },
              }
            : {}),
          ...(pow ? { proveWork: () => pow.verify(input.altcha, now) } : {}),
          ...(verifyThreadUrl
            ? { verifyNewThread: (u: string | null) => verifyThreadUrl(u, { key, client: ipHash }) }
            : {}),
        });
        const body: PostMessageResponse = {
          message: toMessage(message),
          editToken,
          // Spam (a filled honeypot) answers as the post would have: the bot must not learn it failed.
          status: answer,
          ...(mail ? { mailKey: mail.key, replyMail: mail.state } : {}),
        };
        return c.json(body, 201);
      },
    )
    .patch(
      '/messages/:id',
      validate('param', messageIdParams),
      validate('json', editMessageBody),
      async (c) => {
        const { id } = c.req.valid('param');
        // Per client, under the day's client hash as posts are: the limit
        // lasts a minute, and a hash that changes daily cannot tie an old edit
        // to an address. Readers whose address is unknown share one count.
        const now = clock();
        const client = (await identify(c, now)) ?? 'unknown';
        const row = await editMessage(store, {
          id,
          token: bearerToken(c.req.header('Authorization')),
          body: c.req.valid('json').body,
          now,
          policy,
          limit: editLimit(client, config.rateLimit),
        });
        const body: EditMessageResponse = {
          message: toMessage(row),
          // A caught spam message is answered as a real one would be (see editMessage).
          status: row.answer,
        };
        return c.json(body);
      },
    )
    .delete('/messages/:id', validate('param', messageIdParams), async (c) => {
      const { id } = c.req.valid('param');
      await deleteOwnMessage(store, {
        id,
        token: bearerToken(c.req.header('Authorization')),
        now: clock(),
      });
      return c.body(null, 204);
    })
    .post(
      '/messages/:id/report',
      validate('param', messageIdParams),
      validate('json', reportBody),
      async (c) => {
        const { id } = c.req.valid('param');
        // The hourly report limit is checked first, inside reportMessage.
        await reportMessage(store, {
          id,
          reader: locate(c),
          secret,
          reason: c.req.valid('json').reason,
          now: clock(),
          threshold: policy.reportThreshold,
        });
        return c.body(null, 202);
      },
    );
}
