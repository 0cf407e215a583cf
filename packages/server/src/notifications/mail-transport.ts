/**
 * How a mail leaves the server: nodemailer over SMTP, from `PARLEY_SMTP_URL`.
 * `smtp://` connects in the clear and upgrades with STARTTLS whenever the
 * server offers it (nodemailer's default), and must when the URL has a login:
 * a password is never sent in the clear, so a server (or a meddler on the
 * way) that offers no STARTTLS gets no login and no mail. `smtps://` speaks
 * TLS from the first byte. Credentials travel in the URL and never come back
 * out: errors are reduced to a short text that names what failed, never the
 * URL, the server's words or an address.
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
}

/** Whether `smtpUrl` logs in over `smtp://`, where STARTTLS must come first. */
function logsInInTheClear(smtpUrl: string): boolean {
  const url = URL.parse(smtpUrl);
  return url !== null && url.protocol === 'smtp:' && (url.username !== '' || url.password !== '');
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
  const requireTLS = logsInInTheClear(config.smtpUrl);
  const transporter = createTransport(
    {
      url: config.smtpUrl,
      // Never a password in the clear: no STARTTLS, no login (nor mail).
      ...(requireTLS ? { requireTLS: true } : {}),
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
        if (signal.aborted) {
          throw new DeliveryError(`timeout after ${Math.round(timeoutMs / 1000)} s`);
        }
        const code = (error as { code?: unknown } | null)?.code;
        throw new DeliveryError(
          requireTLS && code === 'ETLS'
            ? 'SMTP server offers no STARTTLS: the login in PARLEY_SMTP_URL is never sent in the clear'
            : mailErrorText(error),
        );
      }
    },
  };
}

/** The system errors worth naming: what an operator looks up when mail does not go. */
const SYSTEM_ERROR =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|ECONNABORTED)\b/;

/** An enhanced status code (RFC 3463) at the start of a reply's text: `5.1.1`. */
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/** What common enhanced status codes mean (RFC 3463), in fixed words. */
const ENHANCED_TEXT: Record<string, string> = {
  '1.1': 'bad destination mailbox',
  '1.2': 'bad destination system',
  '1.3': 'bad destination mailbox syntax',
  '1.10': 'recipient has no mail service',
  '2.1': 'mailbox disabled',
  '2.2': 'mailbox full',
  '2.3': 'message too long',
  '3.0': 'mail system problem',
  '3.4': 'message too big for the system',
  '4.1': 'no answer from host',
  '4.7': 'delivery time expired',
  '5.1': 'invalid command',
  '7.0': 'refused for security or policy',
  '7.1': 'delivery not authorized',
  '7.26': 'sender not authenticated',
};

/** What SMTP reply codes mean (RFC 5321), in fixed words. */
const REPLY_TEXT: Record<number, string> = {
  421: 'service not available',
  450: 'mailbox unavailable',
  451: 'local error in processing',
  452: 'insufficient storage',
  454: 'temporary authentication failure',
  530: 'authentication required',
  535: 'authentication failed',
  550: 'mailbox unavailable',
  551: 'user not local',
  552: 'storage exceeded',
  553: 'mailbox name not allowed',
  554: 'transaction failed',
};

/**
 * What /admin shows for a failed send (`deliveries.last_error`), and the
 * logs: the SMTP reply code, the enhanced status code when the server gave
 * one, and a fixed description of them (`SMTP 550 5.1.1: bad destination
 * mailbox`); a system error's code (`ECONNREFUSED`), or nodemailer's code
 * (`EAUTH`). Never a word the server wrote: a refusal may spell the
 * recipient's address in any form (`leakme at example.net`,
 * `leakme%40example.net`, a fullwidth `＠`, the local part alone), and the
 * error's own message may carry the host with its credentials.
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
  if (typeof e.responseCode === 'number' && Number.isInteger(e.responseCode)) {
    const reply = typeof e.response === 'string' ? e.response : '';
    const enhanced = ENHANCED.exec(reply.replace(/^\d{3}[ -]?/, ''));
    const detail = enhanced ? `${Number(enhanced[2])}.${Number(enhanced[3])}` : undefined;
    const words =
      (detail && ENHANCED_TEXT[detail]) ??
      REPLY_TEXT[e.responseCode] ??
      (e.responseCode >= 500 ? 'permanent failure' : 'temporary failure');
    return `SMTP ${e.responseCode}${enhanced ? ` ${enhanced[0]}` : ''}: ${words}`;
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
