/**
 * The mail channel: every mail Parley sends, as deliveries of the worker
 * (`delivery-worker.ts`, through the {@link Channel} seam).
 *
 * - The owner (`PARLEY_OWNER_EMAIL`, `PARLEY_OWNER_MAIL`): `message.created`,
 *   `message.pending` and `message.reported`, never about the owner's own
 *   messages. `each`: a mail per event (delivery type = the event type);
 *   spam caught by the honeypot is left out (a bot would fill the owner's
 *   inbox; /admin lists it). `digest`: one row per event, all due at the end
 *   of the hour they happened in, claimed together and sent as one mail
 *   (type `digest`, spam included, it is one line among the rest). `off`: none.
 * - A reader: a `confirmation` for a reader key (one browser's consent)
 *   whose first message asking for reply mail was published
 *   (`subscription.requested`; at most one a day per mailbox, decided here
 *   by `claimMailboxConfirmation`), and a `reply` for each published reply
 *   to a message whose key is confirmed, unless the reply's key belongs to
 *   the same address (a reader answering themselves, from any browser).
 *   Deliveries hold the address row's id, never the address: it is read
 *   when the mail goes, so an unsubscribe in between (the row and its
 *   deliveries deleted) stops it.
 * - Reader mail names the blog the reader was on (the thread url's host;
 *   the public URL's host when the thread has no url), not the Parley
 *   server's host.
 */
import type { Kysely } from 'kysely';
import type { AppConfig, MailConfig } from '../app-deps.ts';
import type { Database } from '../db/schema.ts';
import { under } from '../http/public-url.ts';
import { findMessage } from '../messages/messages.repository.ts';
import { findThreadById } from '../threads/threads.repository.ts';
import {
  type Channel,
  type ClaimedDelivery,
  DeliveryError,
  type NewDelivery,
  type SendContext,
} from './channel.ts';
import {
  type OwnerNotice,
  type RenderedMail,
  type ReplyNotice,
  renderConfirmation,
  renderDigest,
  renderOwnerMail,
  renderReplyMail,
} from './mail-render.ts';
import { type OutgoingMail, smtpTransport } from './mail-transport.ts';
import type { OutboxEvent } from './outbox.ts';
import {
  claimMailboxConfirmation,
  findAddress,
  findReaderKey,
} from './reader-addresses.repository.ts';
import { CONFIRM_TOKEN_DAYS, confirmToken, unsubscribeToken } from './subscription-tokens.ts';

/** What a confirmation delivery carries: the key it confirms, and the blog it was asked on. */
interface ConfirmationPayload {
  keyId: number;
  site: string;
}

/** The longest excerpt of the reader's own message a reply mail quotes, in code points. */
const EXCERPT = 300;

/** The domain of the From address, for Message-IDs (`parley@blog.example` -> `blog.example`). */
function fromDomain(from: string): string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  return address.split('@').pop()?.trim() || 'parley.invalid';
}

/** The end of the UTC hour `iso` falls in: when that hour's digest is due. */
function endOfHour(iso: string): string {
  const time = new Date(iso);
  time.setUTCMinutes(0, 0, 0);
  time.setUTCHours(time.getUTCHours() + 1);
  return time.toISOString();
}

/** What a reply mail's delivery holds: the reply as posted, and the id of the message it answers. */
interface ReplyPayload {
  thread: ReplyNotice['thread'];
  reply: ReplyNotice['reply'];
  parentId: number;
}

/**
 * The reply mail's content as it is when it goes: none when the reply is no
 * longer published; the parent quoted only while it is published.
 */
async function replyNotice(
  db: Kysely<Database>,
  payload: ReplyPayload,
): Promise<ReplyNotice | undefined> {
  const reply = await findMessage(db, payload.reply.id);
  if (reply?.status !== 'published') return undefined;
  const parent = await findMessage(db, payload.parentId);
  const shown = parent?.status === 'published';
  return {
    thread: payload.thread,
    reply: payload.reply,
    parentExcerpt: shown ? excerpt(parent.body, EXCERPT) : '',
    parentHtml: shown ? parent.html : '',
  };
}

/** The first `max` code points of `text`, cut at a word when it is longer. */
function excerpt(text: string, max: number): string {
  const points = [...text];
  if (points.length <= max) return text;
  const cut = points.slice(0, max).join('');
  return `${cut.replace(/\s+\S*$/, '')}…`;
}

/** The types of the events the owner hears of. */
const OWNER_EVENTS = new Set(['message.created', 'message.pending', 'message.reported']);

/**
 * The mail channel for `config.mail` (see the file comment). Reader mail
 * needs `config.publicUrl` (the links in it) and `config.secret` (their
 * tokens); without the public URL no reader mail is made at all, as the
 * post form never offers it then (`replyMailOn`).
 */
export function createMailChannel(config: AppConfig): Channel {
  const mail: MailConfig | undefined = config.mail;
  if (!mail) throw new Error('createMailChannel needs config.mail');
  const { ownerEmail, ownerMail } = mail;
  const transport = smtpTransport(mail);
  const { publicUrl, secret } = config;
  const readers = publicUrl !== undefined && secret !== undefined;
  const serverUrl = publicUrl ?? config.listenUrl;
  const adminUrl = serverUrl ? under(serverUrl, 'admin') : '/admin';
  const fallbackSite = publicUrl ? new URL(publicUrl).host : 'this site';
  /** The blog a thread is on, as reader mail names it. */
  const siteOf = (threadUrl: string | null) =>
    (threadUrl ? URL.parse(threadUrl)?.host : undefined) || fallbackSite;
  const domain = fromDomain(mail.from);
  const messageId = (delivery: Pick<ClaimedDelivery, 'webhookId'>) =>
    `<${delivery.webhookId.replace(/[^A-Za-z0-9._-]/g, '')}@${domain}>`;

  const ownerWants = (event: OutboxEvent): event is Extract<OutboxEvent, OwnerNotice> =>
    OWNER_EVENTS.has(event.type) &&
    ownerEmail !== undefined &&
    ownerMail !== 'off' &&
    !(event.route as { byOwner?: boolean } | null)?.byOwner;

  /** The owner's delivery for an event, if any. */
  function ownerDelivery(
    event: Extract<OutboxEvent, OwnerNotice>,
    occurredAt: string,
  ): NewDelivery[] {
    const payload = { type: event.type, data: event.data } as OwnerNotice;
    if (ownerMail === 'digest') {
      return [{ type: 'digest', target: 'owner', payload, dueAt: endOfHour(occurredAt) }];
    }
    if (event.type === 'message.pending' && event.data.message.status === 'spam') return [];
    return [{ type: event.type, target: 'owner', payload }];
  }

  /**
   * The reply mail a published reply sends to the author of the message it
   * answers, if any: only when the parent's key is confirmed, and not when
   * the reply's key is one of the same address's (a reader answering
   * themselves, from this browser or another).
   */
  async function replyDelivery(
    trx: Kysely<Database>,
    event: Extract<OutboxEvent, { type: 'message.created' }>,
  ): Promise<NewDelivery[]> {
    const { parentId, authorKeyId } = event.route;
    if (!readers || parentId === null) return [];
    const parent = await findMessage(trx, parentId);
    const parentKey =
      parent?.notify_key_id == null ? undefined : await findReaderKey(trx, parent.notify_key_id);
    if (!parent || !parentKey?.confirmed_at) return [];
    const authorKey = authorKeyId === null ? undefined : await findReaderKey(trx, authorKeyId);
    if (authorKey?.address_id === parentKey.address_id) return [];
    // The parent is read again when the mail goes, not copied here: deleted
    // or hidden by then, it is not quoted (and nothing of it waits in the row).
    const payload: ReplyPayload = {
      thread: event.data.thread,
      reply: event.data.message,
      parentId,
    };
    return [{ type: 'reply', target: 'reader', addressId: parentKey.address_id, payload }];
  }

  /**
   * The confirmation a key's published message asks for: none when the key
   * is gone or confirmed, or its mailbox had one in the last day.
   */
  async function confirmationDelivery(
    trx: Kysely<Database>,
    route: { keyId: number; messageId: number },
    now: string,
  ): Promise<NewDelivery[]> {
    if (!readers) return [];
    const key = await findReaderKey(trx, route.keyId);
    const address = key ? await findAddress(trx, key.address_id) : undefined;
    if (!key || !address || key.confirmed_at) return [];
    if (!(await claimMailboxConfirmation(trx, secret!, address.address, new Date(now)))) return [];
    const message = await findMessage(trx, route.messageId);
    const thread = message ? await findThreadById(trx, message.thread_id) : undefined;
    const payload: ConfirmationPayload = { keyId: key.id, site: siteOf(thread?.url ?? null) };
    return [{ type: 'confirmation', target: 'reader', addressId: address.id, payload }];
  }

  /** Sends `mail` through the transport, bounded by the worker's signal. */
  const deliver = (outgoing: OutgoingMail, context: SendContext) =>
    transport.send(outgoing, context.signal);

  const autoSubmitted = { 'Auto-Submitted': 'auto-generated' };

  /** The headers every reader mail carries: RFC 8058 one-click unsubscribe. */
  const readerHeaders = (unsubscribeUrl: string) => ({
    ...autoSubmitted,
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });

  async function sendToReader(delivery: ClaimedDelivery, context: SendContext): Promise<void> {
    if (!readers)
      throw new DeliveryError('reader mail needs PARLEY_PUBLIC_URL', { permanent: true });
    const address =
      delivery.addressId === null
        ? undefined
        : await findAddress(context.store.db, delivery.addressId);
    // Unsubscribed since (the row is gone, and this delivery would have gone
    // with it but for a race), or confirmed since the confirmation was asked
    // for: there is nothing to send, and nothing failed.
    if (!address) return;
    const unsubscribeUrl = under(publicUrl!, 'notifications/unsubscribe', {
      token: unsubscribeToken(secret!, address),
    });
    let words: RenderedMail;
    if (delivery.type === 'confirmation') {
      const { keyId, site } = delivery.payload as ConfirmationPayload;
      const key = await findReaderKey(context.store.db, keyId);
      // Confirmed since (from a link of an earlier mail), or gone: nothing to ask.
      if (!key || key.confirmed_at || key.address_id !== address.id) return;
      // Issued when the delivery was made, so every attempt sends the same mail.
      const token = confirmToken(secret!, key, new Date(delivery.createdAt));
      words = renderConfirmation({
        site,
        confirmUrl: under(publicUrl!, 'notifications/confirm', { token }),
        unsubscribeUrl,
        validDays: CONFIRM_TOKEN_DAYS,
      });
    } else {
      const notice = await replyNotice(context.store.db, delivery.payload as ReplyPayload);
      // Hidden or deleted since it was posted: readers no longer see it, nor does their mail.
      if (!notice) return;
      words = renderReplyMail(notice, { site: siteOf(notice.thread.url), unsubscribeUrl });
    }
    await deliver(
      {
        to: address.address,
        ...words,
        messageId: messageId(delivery),
        headers: readerHeaders(unsubscribeUrl),
      },
      context,
    );
  }

  function ownerAddress(): string {
    if (!ownerEmail) {
      throw new DeliveryError('PARLEY_OWNER_EMAIL is not set', { permanent: true });
    }
    return ownerEmail;
  }

  return {
    name: 'mail',
    batchedTypes: ['digest'],

    async deliveriesFor(trx, event, time) {
      if (event.type === 'subscription.requested') {
        return confirmationDelivery(trx, event.route, time.now);
      }
      const deliveries: NewDelivery[] = [];
      if (ownerWants(event)) deliveries.push(...ownerDelivery(event, time.occurredAt));
      if (event.type === 'message.created') deliveries.push(...(await replyDelivery(trx, event)));
      return deliveries;
    },

    async send(delivery, context) {
      if (delivery.type === 'confirmation' || delivery.type === 'reply') {
        return sendToReader(delivery, context);
      }
      if (!OWNER_EVENTS.has(delivery.type)) {
        throw new DeliveryError(`unknown mail type ${delivery.type}`, { permanent: true });
      }
      const words = renderOwnerMail(delivery.payload as OwnerNotice, adminUrl);
      await deliver(
        { to: ownerAddress(), ...words, messageId: messageId(delivery), headers: autoSubmitted },
        context,
      );
    },

    async sendBatch(deliveries, context) {
      const first = deliveries[0];
      if (!first) return;
      const words = renderDigest(
        deliveries.map((d) => d.payload as OwnerNotice),
        adminUrl,
      );
      await deliver(
        { to: ownerAddress(), ...words, messageId: messageId(first), headers: autoSubmitted },
        context,
      );
    },
  };
}
