/**
 * The channels a server has (webhooks, mail), from its configuration: what `main` hands the
 * delivery worker. A channel that is not configured is not in the list, and
 * its deliveries are never created.
 */
import type { AppConfig, Logger } from '../app-deps.ts';
import type { Channel } from './channel.ts';
import { createMailChannel } from './mail-channel.ts';
import { webhookChannel } from './webhook-channel.ts';

/** What the channels need besides the configuration. */
export interface ChannelDeps {
  logger: Logger;
  /** The server's version (`User-Agent: Parley/<version>`). */
  version: string;
}

/** Every channel `config` turns on, at most one per name. */
export function configuredChannels(config: AppConfig, deps: ChannelDeps): Channel[] {
  const channels: Channel[] = [];
  if (config.webhook) channels.push(webhookChannel({ ...config.webhook, version: deps.version }));
  if (config.mail) channels.push(createMailChannel(config));
  return channels;
}
