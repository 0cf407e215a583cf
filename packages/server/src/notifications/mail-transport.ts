/**
 * How a mail leaves the server: nodemailer over SMTP, from `PARLEY_SMTP_URL`.
 * `smtp://` connects in the clear and upgrades with STARTTLS whenever the
 * server offers it (nodemailer's default); `smtps://` speaks TLS from the
 * first byte. Credentials travel in the URL and never come back out: errors
 * are reduced to a short text that names what failed, never the URL, the
 * server's whole answer or an address.
 */
import type { ConnectionOptions } from 'node:tls';
import { createTransport } from 'nodemailer';
import type { MailConfig } from '../app-deps.ts';
import { DeliveryError } from './channel.ts';

/** One mail, ready to go. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<…@domain>`: the same on every attempt of one delivery. */
  messageId: string;
  /** Extra headers (`List-Unsubscribe`, `Auto-Submitted`). */
  headers: Record<string, string>;
}

/** Sends mail; see {@link smtpTransport}. */
export interface MailTransport {
  /** Sends one mail, or throws a {@link DeliveryError} saying briefly why not. */
  send(mail: OutgoingMail, signal: AbortSignal): Promise<void>;
  /** Lets go of the transport (nothing is kept open between sends). */
  close(): void;
}

/** Options of {@link smtpTransport}. */
export interface SmtpTransportOptions {
  /**
   * Longest wait for the connection, the greeting and each reply, in ms
   * (default 10 000). The worker's signal bounds a whole send as well.
   */
  timeoutMs?: number;
  /** TLS settings for the connection (tests trust their own certificate). */
  tls?: ConnectionOptions;
}

/**
 * A transport for `config.smtpUrl`, sending as `config.from`. One connection
 * per mail: notifications come a few at a time, and nothing stays open
 * between them to be cleaned up at shutdown.
 */
export function smtpTransport(
  config: MailConfig,
  options: SmtpTransportOptions = {},
): MailTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transporter = createTransport(
    {
      url: config.smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      // Destroy the socket at once after QUIT rather than wait for the peer.
      socketCloseTimeout: 0,
      logger: false,
      ...(options.tls ? { tls: options.tls } : {}),
    },
    {
      from: config.from,
      // Every part is a string built here: nodemailer must never read a file
      // or fetch a URL because something in a mail looked like one.
      disableFileAccess: true,
      disableUrlAccess: true,
    },
  );
  return {
    async send(mail, signal) {
      try {
        await transporter.sendMail({
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          headers: mail.headers,
          signal,
        });
      } catch (error) {
        throw new DeliveryError(
          signal.aborted ? `timeout after ${Math.round(timeoutMs / 1000)} s` : mailErrorText(error),
        );
      }
    },
    close: () => transporter.close(),
  };
}

/** The system errors worth naming: what an operator looks up when mail does not go. */
const SYSTEM_ERROR =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|ECONNABORTED)\b/;

/** Anything that looks like an address, in a server's reply (`<reader@example.com>`). */
const ADDRESS = /<?[^\s<>]*@[^\s<>]*>?/g;

/**
 * What /admin shows for a failed send (`deliveries.last_error`): the SMTP
 * reply code and the first words of the server's reply with any address taken
 * out (`SMTP 550 5.1.1 Recipient address rejected: User unknown`), a system
 * error's code (`ECONNREFUSED`), or nodemailer's code (`EAUTH`). Never the
 * error's own message whole: it may carry the host with its credentials.
 */
export function mailErrorText(error: unknown): string {
  const e = (error ?? {}) as {
    code?: unknown;
    originalCode?: unknown;
    responseCode?: unknown;
    response?: unknown;
    message?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'EAUTH') {
    return `SMTP authentication failed${typeof e.responseCode === 'number' ? ` (${e.responseCode})` : ''}`;
  }
  if (typeof e.responseCode === 'number') {
    const reply = typeof e.response === 'string' ? e.response.split(/\r?\n/)[0]! : '';
    const words = reply
      .replace(/^\d{3}[ -]?/, '')
      .replace(ADDRESS, '')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/\s+/g, ' ')
      .replace(/ :/g, ':')
      .replace(/^[\s:]+/, '')
      .trim()
      .slice(0, 100);
    return `SMTP ${e.responseCode}${words ? ` ${words}` : ''}`;
  }
  const system = typeof e.message === 'string' ? SYSTEM_ERROR.exec(e.message)?.[1] : undefined;
  if (system) return system;
  // Node's TLS codes (`DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`) say
  // what is wrong with the server's certificate; nodemailer keeps them aside.
  const tls = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  if (tls && /^[A-Z][A-Z0-9_]*(CERT|SIGNED|ISSUER|HOSTNAME|ALTNAME)[A-Z0-9_]*$/.test(tls)) {
    return `TLS ${tls}`;
  }
  if (code && /^E[A-Z]+$/.test(code)) return code;
  return 'send failed';
}
