import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppConfig, LogFields, Logger, MailConfig } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { configuredChannels } from './channels.ts';

const BASE: AppConfig = { origins: [], trustedProxies: new TrustedProxies([]), rateLimit: 0 };
const WEBHOOK = {
  url: 'https://hook-user:hook-pass@hooks.example:8443/in/token-in-the-path?key=query-secret',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
/** Mail set up, the owner's address not (the owner gets none). */
const MAIL_WITHOUT_OWNER: MailConfig = {
  smtpUrl: 'smtps://mail-user:smtp-password@smtp.example:465',
  from: 'Blog <parley@blog.example>',
  ownerMail: 'digest',
};
const MAIL: MailConfig = { ...MAIL_WITHOUT_OWNER, ownerEmail: 'owner-private@blog.example' };

/** configuredChannels with a logger that keeps its lines. */
function start(config: Partial<AppConfig>) {
  const lines: LogFields[] = [];
  const logger: Logger = { info: (line) => lines.push(line), error: (line) => lines.push(line) };
  const channels = configuredChannels(
    { ...BASE, secret: 'server-secret-0123456789', ...config },
    {
      logger,
      version: 'test',
    },
  );
  return { channels: channels.map((channel) => channel.name), lines };
}

describe('configuredChannels', () => {
  it('logs once which channels are on, and no secret, credential, path or address', () => {
    const { channels, lines } = start({
      webhook: WEBHOOK,
      mail: MAIL,
      publicUrl: 'https://comments.blog.example',
    });
    assert.deepEqual(channels, ['webhook', 'mail']);
    assert.deepEqual(lines, [
      {
        msg: 'notifications',
        channels: ['webhook', 'mail'],
        webhook: 'https://hooks.example:8443',
        ownerMail: 'digest',
        replyMail: true,
      },
    ]);
    const text = JSON.stringify(lines);
    for (const secret of [
      'hook-user',
      'hook-pass',
      'token-in-the-path',
      'query-secret',
      WEBHOOK.secret,
      'mail-user',
      'smtp-password',
      'smtp.example',
      'owner-private',
      'server-secret',
    ]) {
      assert.ok(!text.includes(secret), `${secret} is not logged`);
    }
  });

  it('says when reader reply mail is off for want of PARLEY_PUBLIC_URL', () => {
    const { lines } = start({ mail: MAIL_WITHOUT_OWNER });
    assert.deepEqual(lines, [
      { msg: 'notifications', channels: ['mail'], ownerMail: 'off', replyMail: false },
      {
        msg: 'reader reply mail is off: PARLEY_PUBLIC_URL is unset, and the confirm and unsubscribe links in reader mail need it',
      },
    ]);
  });

  it('logs an empty list when nothing is configured', () => {
    assert.deepEqual(start({}), { channels: [], lines: [{ msg: 'notifications', channels: [] }] });
  });
});
