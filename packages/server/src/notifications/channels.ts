/**
 * The channels a server has (webhooks, mail), from its configuration: what `main` hands the
 * delivery worker. A channel that is not configured is not in the list, and
 * its deliveries are never created.
 */
import type { AppConfig, Logger } from '../app-deps.ts';
import { replyMailOn } from '../messages/features.routes.ts';
import type { Channel } from './channel.ts';
import { createMailChannel } from './mail-channel.ts';
import { webhookChannel } from './webhook-channel.ts';

/** What the channels need besides the configuration. */
export interface ChannelDeps {
  /** Where the one line saying which channels are on goes. */
  logger: Logger;
  /** The server's version (`User-Agent: Parley/<version>`). */
  version: string;
}

/**
 * Every channel `config` turns on, at most one per name. Logs once which
 * are on (the webhook by its origin, never its path, credentials or secret;
 * mail by what it sends, never an address or the SMTP URL), and, when mail
 * is set up without `PARLEY_PUBLIC_URL`, that reader reply mail is off and
 * why: the widget then never offers it, which is otherwise a puzzle.
 */
export function configuredChannels(config: AppConfig, deps: ChannelDeps): Channel[] {
  const channels: Channel[] = [];
  if (config.webhook) channels.push(webhookChannel({ ...config.webhook, version: deps.version }));
  if (config.mail) channels.push(createMailChannel(config));
  deps.logger.info({
    msg: 'notifications',
    channels: channels.map((channel) => channel.name),
    ...(config.webhook ? { webhook: new URL(config.webhook.url).origin } : {}),
    ...(config.mail
      ? {
          ownerMail: config.mail.ownerEmail ? config.mail.ownerMail : 'off',
          replyMail: replyMailOn(config),
        }
      : {}),
  });
  if (config.mail && !replyMailOn(config)) {
    deps.logger.info({
      msg: 'reader reply mail is off: PARLEY_PUBLIC_URL is unset, and the confirm and unsubscribe links in reader mail need it',
    });
  }
  return channels;
}
