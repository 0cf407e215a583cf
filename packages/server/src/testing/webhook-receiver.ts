/**
 * Test support: a real HTTP webhook receiver on 127.0.0.1 that keeps every
 * request, checks its signature with the Standard Webhooks library, as any
 * receiver would, and answers as the test tells it to (a status, a redirect,
 * or never).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as it arrived. */
export interface ReceivedWebhook {
  method: string;
  path: string;
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string>;
  /** The raw body, exactly as signed. */
  body: string;
  /** What `new Webhook(secret).verify(body, headers)` said: null when it verified, else its error. */
  verifyError: string | null;
  /** Whether an answer was sent (false while a hung request waits). */
  answered: boolean;
}

/** How the receiver answers the next request: a status, a redirect, or never. */
export type Answer = number | { redirect: string } | 'hang';

/** A running receiver. */
export interface WebhookReceiver {
  /** The URL to configure as PARLEY_WEBHOOK_URL (path `/hooks/parley`). */
  url: string;
  /** The `whsec_…` secret it verifies with. */
  secret: string;
  /** Every request so far, in arrival order. */
  requests: ReceivedWebhook[];
  /** Answers from now on (default 204). */
  answer(answer: Answer): void;
  /** Answers the next requests with these, then with the standing answer. */
  answerNext(...answers: Answer[]): void;
  /** Resolves once `count` requests have arrived (fails after 20 s, so a broken test ends). */
  received(count: number): Promise<void>;
  /** Closes the server and every connection, hung ones included. */
  close(): Promise<void>;
}

/** A new Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Starts a receiver on a free port. */
export async function webhookReceiver(
  secret: string = newWebhookSecret(),
): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const requests: ReceivedWebhook[] = [];
  const waiting = new Set<{ count: number; resolve: () => void }>();
  let standing: Answer = 204;
  const queued: Answer[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    let verifyError: string | null = null;
    try {
      verifier.verify(body, headers);
    } catch (error) {
      verifyError = (error as Error).message;
    }
    const received: ReceivedWebhook = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers,
      body,
      verifyError,
      answered: false,
    };
    requests.push(received);
    for (const wait of waiting) {
      if (requests.length >= wait.count) {
        waiting.delete(wait);
        wait.resolve();
      }
    }
    const answer = queued.shift() ?? standing;
    if (answer === 'hang') return;
    received.answered = true;
    if (typeof answer === 'number') {
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(`answered ${answer}`);
    } else {
      res.writeHead(302, { location: answer.redirect }).end();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/parley`,
    secret,
    requests,
    answer(answer) {
      standing = answer;
    },
    answerNext(...answers) {
      queued.push(...answers);
    },
    received(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wait = { count, resolve };
        waiting.add(wait);
        const timer = setTimeout(() => {
          waiting.delete(wait);
          reject(new Error(`the receiver got ${requests.length} requests, not ${count}`));
        }, 20_000);
        const done = wait.resolve;
        wait.resolve = () => {
          clearTimeout(timer);
          done();
        };
      });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
