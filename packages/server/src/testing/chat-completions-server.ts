/**
 * Test support: a real HTTP server on 127.0.0.1 that speaks the
 * OpenAI-compatible chat-completions protocol (`POST …/chat/completions`),
 * keeps every request, and answers as the test tells it to: well, never,
 * or with one of the kinds of garbage a real endpoint has been seen to send.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it arrived. */
export interface ReceivedCompletion {
  method: string;
  path: string;
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string>;
  /** The body parsed as JSON (null when it was not JSON). */
  body: {
    model?: unknown;
    messages?: { role: string; content: string }[];
    temperature?: unknown;
    max_tokens?: unknown;
  } | null;
}

/**
 * How the server answers: a completion with this content (`{content}`, its
 * `finish_reason` "stop" unless given: "length" says the token limit cut it), or
 * never (`hang`), or garbage: a body that is not JSON, JSON without
 * `choices`, an empty content, an error status (with this body and
 * `Retry-After`, when given), a body of a few megabytes,
 * or a redirect to another host.
 */
export type CompletionAnswer =
  | { content: string; finishReason?: string }
  | 'hang'
  | 'not-json'
  | 'wrong-shape'
  | 'empty-content'
  | { status: number; body?: string; retryAfter?: string }
  | 'huge-body'
  | { redirect: string };

/** A running server. */
export interface ChatCompletionsServer {
  /** The API's base URL (`http://127.0.0.1:PORT/v1`), as `PARLEY_SUMMARY_URL` takes it. */
  baseUrl: string;
  /** Every request so far, in arrival order. */
  requests: ReceivedCompletion[];
  /** Answers from now on (default: a fixed good completion). */
  answer(answer: CompletionAnswer): void;
  /** Closes the server and every connection, hung ones included. */
  close(): Promise<void>;
}

/** The content the server answers with by default. */
export const DEFAULT_COMPLETION = 'The thread discusses a test. Everyone agrees.';

function completion(content: string, finishReason = 'stop') {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_780_000_000,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

/** Starts a server on a free port. */
export async function chatCompletionsServer(): Promise<ChatCompletionsServer> {
  const requests: ReceivedCompletion[] = [];
  let standing: CompletionAnswer = { content: DEFAULT_COMPLETION };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    let body: ReceivedCompletion['body'] = null;
    try {
      body = JSON.parse(raw);
    } catch {}
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers, body });

    const answer = standing;
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (answer === 'hang') return;
    if (answer === 'not-json') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body>Bad gateway</body></html>');
    } else if (answer === 'wrong-shape') {
      json(200, { result: { text: 'A summary in the wrong place.' } });
    } else if (answer === 'empty-content') {
      json(200, completion('  \n '));
    } else if (answer === 'huge-body') {
      // Four megabytes of one valid completion: a client that reads it all has no cap.
      json(200, completion('word '.repeat(800_000)));
    } else if ('content' in answer) {
      json(200, completion(answer.content, answer.finishReason));
    } else if ('status' in answer) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
      res
        .writeHead(answer.status, headers)
        .end(answer.body ?? JSON.stringify({ error: { message: 'nope', type: 'server_error' } }));
    } else {
      res.writeHead(307, { location: answer.redirect }).end();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    answer(answer) {
      standing = answer;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
