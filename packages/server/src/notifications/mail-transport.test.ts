import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { freePort } from '../testing/free-port.ts';
import { type MailServer, startMailServer, TEST_TLS } from '../testing/mail-server.ts';
import { DeliveryError } from './channel.ts';
import { mailErrorText, type OutgoingMail, smtpTransport } from './mail-transport.ts';

const MAIL: OutgoingMail = {
  to: 'reader@example.org',
  subject: 'Hello',
  text: 'plain words',
  html: '<p>plain words</p>',
  messageId: '<msg_abc@blog.example>',
  headers: { 'Auto-Submitted': 'auto-generated' },
};

const config = (smtpUrl: string) => ({
  smtpUrl,
  from: 'Parley <parley@blog.example>',
  ownerMail: 'each' as const,
});

/** The DeliveryError a send throws, with its text. */
async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${String(error)}`);
    return error;
  }
  assert.fail('the send succeeded');
}

const never = () => new AbortController().signal;

describe('smtpTransport', () => {
  let server: MailServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('upgrades smtp:// with STARTTLS when the server offers it, and logs in', async () => {
    server = await startMailServer({
      security: 'starttls',
      auth: { user: 'parley', pass: 's3cret:/@' },
    });
    const transport = smtpTransport(config(server.url), { tls: { ca: TEST_TLS.cert } });
    await transport.send(MAIL, never());
    const [mail] = server.mails;
    assert.equal(mail?.secure, true);
    assert.equal(mail?.user, 'parley');
    assert.deepEqual(
      server.logins.map((l) => l.secure),
      [true],
      'the login went over TLS',
    );
    assert.deepEqual(mail?.to, ['reader@example.org']);
    assert.equal(mail?.parsed.subject, 'Hello');
    assert.equal(mail?.parsed.messageId, '<msg_abc@blog.example>');
    assert.equal(mail?.parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.equal(mail?.parsed.text?.trim(), 'plain words');
    assert.deepEqual(mail?.parsed.from?.value, [
      { name: 'Parley', address: 'parley@blog.example' },
    ]);
  });

  it('speaks TLS from the start with smtps://', async () => {
    server = await startMailServer({ security: 'tls' });
    const transport = smtpTransport(config(server.url), { tls: { ca: TEST_TLS.cert } });
    await transport.send(MAIL, never());
    assert.equal(server.mails[0]?.secure, true);
  });

  it('refuses a certificate it does not trust', async () => {
    server = await startMailServer({ security: 'tls' });
    const error = await failure(smtpTransport(config(server.url)).send(MAIL, never()));
    assert.equal(error.message, 'TLS DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(server.mails.length, 0);
  });

  it('sends in the clear to a server that offers no STARTTLS, when there is no login to protect', async () => {
    server = await startMailServer();
    await smtpTransport(config(server.url)).send(MAIL, never());
    assert.equal(server.mails[0]?.secure, false);
  });

  it('never sends a password in the clear: with a login, a server without STARTTLS gets neither it nor the mail', async () => {
    server = await startMailServer({ auth: { user: 'parley', pass: 'cleartext-never' } });
    const error = await failure(smtpTransport(config(server.url)).send(MAIL, never()));
    assert.equal(
      error.message,
      'SMTP server offers no STARTTLS: the login in PARLEY_SMTP_URL is never sent in the clear',
    );
    assert.deepEqual(server.logins, []);
    assert.equal(server.mails.length, 0);
    assert.doesNotMatch(error.message, /cleartext-never/);
  });

  it('reports a refused login without the credentials', async () => {
    server = await startMailServer({
      security: 'starttls',
      auth: { user: 'parley', pass: 'right' },
    });
    const url = server.url.replace('parley:right', 'parley:wrong-password');
    const error = await failure(
      smtpTransport(config(url), { tls: { ca: TEST_TLS.cert } }).send(MAIL, never()),
    );
    assert.equal(error.message, 'SMTP authentication failed (535)');
    assert.equal(error.permanent, false);
  });

  it('reports a refusal by its reply, with no address in it', async () => {
    server = await startMailServer();
    server.refuse(550, '5.1.1 <reader@example.org>: Recipient address rejected');
    const error = await failure(smtpTransport(config(server.url)).send(MAIL, never()));
    assert.equal(error.message, 'SMTP 550 5.1.1: bad destination mailbox');
    assert.doesNotMatch(error.message, /@/);
    // Retried by the worker's schedule: the mail server may be fixed.
    assert.equal(error.permanent, false);
  });

  it('reports a server that is down as ECONNREFUSED', async () => {
    const port = await freePort();
    const error = await failure(
      smtpTransport(config(`smtp://localhost:${port}`)).send(MAIL, never()),
    );
    assert.equal(error.message, 'ECONNREFUSED');
  });

  describe('a server that accepts the connection and never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    afterEach(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up when the worker aborts the send, and says it timed out', async () => {
      silent = createServer((socket) => sockets.add(socket));
      const port = await freePort();
      await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
      const controller = new AbortController();
      const sending = smtpTransport(config(`smtp://localhost:${port}`), { timeoutMs: 60_000 }).send(
        MAIL,
        controller.signal,
      );
      // Aborted once the server has the connection: the greeting never comes.
      while (sockets.size === 0) await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      const error = await failure(sending);
      assert.equal(error.message, 'timeout after 60 s');
    });
  });
});

describe('mailErrorText', () => {
  it('names the reply code, the enhanced status code and fixed words for them, never the server’s words', () => {
    assert.equal(
      mailErrorText({ responseCode: 451, response: '451 4.3.0 Try again later\r\nmore' }),
      'SMTP 451 4.3.0: mail system problem',
    );
    assert.equal(
      mailErrorText({ responseCode: 550, response: '550 no such user reader@example.org here' }),
      'SMTP 550: mailbox unavailable',
    );
    assert.equal(mailErrorText({ responseCode: 554 }), 'SMTP 554: transaction failed');
    assert.equal(
      mailErrorText({ responseCode: 599, response: '599 9.9.9 odd' }),
      'SMTP 599: permanent failure',
    );
  });

  it('keeps nothing of an address however a refusal spells it', () => {
    for (const [response, expected] of [
      ['550 5.1.1 leakme2... User unknown', 'SMTP 550 5.1.1: bad destination mailbox'],
      ['550 Recipient leakme3 at example.net rejected', 'SMTP 550: mailbox unavailable'],
      ['550 5.1.1 leakme4%40example.net unknown', 'SMTP 550 5.1.1: bad destination mailbox'],
      ['550 5.1.1 leakme5＠example.net unknown', 'SMTP 550 5.1.1: bad destination mailbox'],
      [
        '550-5.1.1 <leakme6@example.net>\r\n550 5.1.1 more',
        'SMTP 550 5.1.1: bad destination mailbox',
      ],
    ] as const) {
      const text = mailErrorText({ responseCode: 550, response });
      assert.equal(text, expected, response);
      assert.doesNotMatch(text, /leakme|example|net/i);
    }
  });

  it('names a system error by its code, never by the message around it', () => {
    assert.equal(
      mailErrorText({ code: 'ESOCKET', message: 'connect ECONNREFUSED 10.0.0.1:25 user:pw@x' }),
      'ECONNREFUSED',
    );
    assert.equal(mailErrorText({ code: 'ETLS', message: 'smtp://user:pw@host failed' }), 'ETLS');
    assert.equal(mailErrorText(new Error('smtp://user:pw@host')), 'send failed');
    assert.equal(mailErrorText(undefined), 'send failed');
  });
});
