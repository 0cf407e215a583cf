/**
 * Test support: a real SMTP server (the `smtp-server` package) on a free
 * port of 127.0.0.1 that keeps every mail it accepts, parsed by `mailparser`,
 * with the raw header lines and the session facts (TLS, the login). It can
 * ask for a login, speak TLS from the start or offer STARTTLS, and refuse
 * mail with a reply code of the test's choosing.
 */
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.ts';

/**
 * A self-signed certificate for `localhost` and `127.0.0.1`, valid until
 * 2126, made for these tests (`openssl req -x509 -newkey ec ...`): not a
 * secret, it protects nothing. Clients trust it by passing `ca: TEST_TLS.cert`.
 */
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCK0YUb+3EW5gkGT2
2fUGCFYgrpdaWw4lhXQc+QHxtZqhRANCAARVk2fRYa7B5ut/WkASBwoY/WGN/Ef3
yrBvvcQ7FLB+3iNmwwiNWfctRNvaIzTIG229yXb6l4DFJW/QcoOxHnCx
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUaPimLXGOPA+v3eJqf5X6MBu/zMUwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNTAwMjczN1oYDzIxMjYxMTEx
MDAyNzM3WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARVk2fRYa7B5ut/WkASBwoY/WGN/Ef3yrBvvcQ7FLB+3iNmwwiNWfct
RNvaIzTIG229yXb6l4DFJW/QcoOxHnCxo28wbTAdBgNVHQ4EFgQUEInKXOSfMuaO
Rq7wN6zzaUjRSaYwHwYDVR0jBBgwFoAUEInKXOSfMuaORq7wN6zzaUjRSaYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgaD5tsBWkept/JEFqzSnxqg+UCJ2rHm3P6p0hOGcXEWcCIE4E
bST6wv9Moq68X2oT7YYsJU5u/fg7+rxv8pitfMOE
-----END CERTIFICATE-----
`,
};

/** One accepted mail. */
export interface ReceivedMail {
  /** The message as it arrived (headers and body, as sent after DATA). */
  raw: string;
  /** Parsed by mailparser: `subject`, `text`, `html`, `headers`, `messageId`… */
  parsed: ParsedMail;
  /** The header lines as sent, unfolded: what a header injection would show in. */
  rawHeaders: string;
  /** The envelope's recipients. */
  to: string[];
  /** Whether the session was encrypted (TLS from the start, or after STARTTLS). */
  secure: boolean;
  /** The user that logged in, if the server asked for a login. */
  user?: string;
}

/** Options of {@link startMailServer}. */
export interface MailServerOptions {
  /** Ask for this login (AUTH PLAIN or LOGIN) before taking mail. */
  auth?: { user: string; pass: string };
  /** `tls`: TLS from the first byte (`smtps://`); `starttls`: offered after EHLO; `none` (default). */
  security?: 'tls' | 'starttls' | 'none';
}

/** A running test SMTP server. */
export interface MailServer {
  port: number;
  /** `smtp://` (or `smtps://`) URL for PARLEY_SMTP_URL, with the login when one is asked for. */
  url: string;
  /** Every mail accepted so far, oldest first. */
  readonly mails: ReceivedMail[];
  /** Every login tried so far (AUTH), right or wrong, with whether the session was encrypted. */
  readonly logins: { user: string; password: string; secure: boolean }[];
  /**
   * Refuse each following mail after DATA with this reply (`550`, `451`…),
   * or accept again with `undefined`. Refused mail is not kept.
   */
  refuse(code: number | undefined, message?: string): void;
  close(): Promise<void>;
}

/** Starts a {@link MailServer}. */
export async function startMailServer(options: MailServerOptions = {}): Promise<MailServer> {
  const security = options.security ?? 'none';
  const mails: ReceivedMail[] = [];
  const logins: MailServer['logins'] = [];
  let refusal: { code: number; message: string } | undefined;
  const server = new SMTPServer({
    secure: security === 'tls',
    ...(security === 'none' ? { disabledCommands: ['STARTTLS'] } : {}),
    key: TEST_TLS.key,
    cert: TEST_TLS.cert,
    authOptional: !options.auth,
    // The login is checked like any server would; over TLS in the tests that use it.
    allowInsecureAuth: security === 'none',
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, session, callback) {
      logins.push({
        user: String(auth.username),
        password: String(auth.password),
        secure: session.secure,
      });
      if (
        options.auth &&
        auth.username === options.auth.user &&
        auth.password === options.auth.pass
      ) {
        return callback(null, { user: auth.username });
      }
      const error = Object.assign(new Error('Invalid username or password'), {
        responseCode: 535,
      });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      new Promise<Buffer>((resolve, reject) => {
        stream.once('end', () => resolve(Buffer.concat(chunks)));
        stream.once('error', reject);
      })
        .then(async (raw) => ({ raw, parsed: await simpleParser(raw, { skipImageLinks: true }) }))
        .then(({ raw, parsed }) => {
          if (refusal) {
            const error = Object.assign(new Error(refusal.message), {
              responseCode: refusal.code,
            });
            return callback(error);
          }
          const rawHeaders = parsed.headerLines.map((h) => h.line).join('\n');
          mails.push({
            raw: raw.toString('utf8'),
            parsed,
            rawHeaders,
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            ...(session.user ? { user: String(session.user) } : {}),
          });
          callback();
        })
        .catch(callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // A client that drops mid-session is not the test's failure.
  server.on('error', () => {});
  const login = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';
  return {
    port,
    url: `${security === 'tls' ? 'smtps' : 'smtp'}://${login}localhost:${port}`,
    mails,
    logins,
    refuse(code, message = 'Mailbox unavailable') {
      refusal = code === undefined ? undefined : { code, message };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
