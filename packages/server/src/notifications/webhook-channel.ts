/**
 * Webhooks as Standard Webhooks (https://www.standardwebhooks.com): each
 * event is POSTed to `PARLEY_WEBHOOK_URL` as `{type, timestamp, data}`,
 * signed with `PARLEY_WEBHOOK_SECRET`, so a receiver verifies it with any
 * Standard Webhooks library. See docs/notifications.md.
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookConfig } from '../app-deps.ts';
import type { WebhookEventData, WebhookEventType } from '../wire.ts';
import { type Channel, DeliveryError, errorCode } from './channel.ts';

/** The body of one webhook request (Standard Webhooks' payload structure). */
export interface WebhookBody<T extends WebhookEventType = WebhookEventType> {
  type: T;
  /** When the event happened (the change committed), ISO 8601; a retry keeps it. */
  timestamp: string;
  data: WebhookEventData[T];
}

/** The event types sent to the webhook: the public ones, never an internal one. */
const WEBHOOK_TYPES: ReadonlySet<string> = new Set<WebhookEventType>([
  'message.created',
  'message.pending',
  'message.reported',
  'thread.closed',
]);

/** Options for {@link webhookChannel}. */
export interface WebhookChannelOptions extends WebhookConfig {
  /** The server's version, for `User-Agent: Parley/<version>`. */
  version: string;
  /**
   * The wall clock the `webhook-timestamp` header is signed with (default:
   * the system clock). It must be the real time: receivers refuse a
   * signature more than 5 minutes away from their own clock.
   */
  signingClock?: () => Date;
}

/** The webhook channel: one delivery per public event, to the configured URL. */
export function webhookChannel(options: WebhookChannelOptions): Channel {
  const signer = new Webhook(options.secret);
  const url = new URL(options.url);
  const target = url.origin;
  // fetch refuses a URL with credentials in it: they travel as Basic auth.
  const authorization =
    url.username || url.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
      : undefined;
  url.username = '';
  url.password = '';
  const signingClock = options.signingClock ?? (() => new Date());
  const userAgent = `Parley/${options.version}`;

  return {
    name: 'webhook',
    async deliveriesFor(_trx, event, time) {
      if (!WEBHOOK_TYPES.has(event.type)) return [];
      // `data` only: the event's `route` is the worker's, and never leaves.
      const body = { type: event.type, timestamp: time.occurredAt, data: event.data };
      return [{ type: event.type, target, payload: body }];
    },
    async send(delivery, context) {
      const body = JSON.stringify(delivery.payload);
      const signedAt = signingClock();
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': userAgent,
            'webhook-id': delivery.webhookId,
            'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
            'webhook-signature': signer.sign(delivery.webhookId, signedAt, body),
            ...(authorization ? { authorization } : {}),
          },
          body,
          // A redirect is a misconfigured URL to fix, not a place to follow
          // signed events to: it counts as a failure.
          redirect: 'manual',
          signal: context.signal,
        });
      } catch (error) {
        // Only the code (`ECONNREFUSED`): the message may quote the URL.
        throw new DeliveryError(errorCode(error) ?? 'no answer');
      }
      // Only the status matters; a receiver's body is not read.
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return;
      // Standard Webhooks: 410 Gone means the endpoint is gone for good.
      if (response.status === 410) throw new DeliveryError('HTTP 410', { permanent: true });
      throw new DeliveryError(
        response.status >= 300 && response.status < 400
          ? `HTTP ${response.status} (redirects are not followed)`
          : `HTTP ${response.status}`,
      );
    },
  };
}
