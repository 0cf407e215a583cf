import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LogFields, Logger, SummaryConfig } from '../app-deps.ts';
import {
  type ChatCompletionsServer,
  chatCompletionsServer,
  DEFAULT_COMPLETION,
} from '../testing/chat-completions-server.ts';
import { freePort } from '../testing/free-port.ts';
import {
  chatCompletionsSummary,
  cleanSummary,
  completionsUrl,
  threadText,
} from './chat-completions.ts';
import { summaryInput } from './discussions/discussion.ts';
import { node22Build } from './discussions/node-22-build.ts';
import { summarizeExtractive } from './extractive.ts';
import type { Summarize, SummaryInput } from './summarizer.ts';

const FALLBACK = 'The extractive summary.';
const KEY = 'sk-test-0123456789abcdef';

/** A fallback that says it was called, and with what. */
function fallback(): Summarize & { calls: SummaryInput[] } {
  const calls: SummaryInput[] = [];
  const summarize = async (input: SummaryInput) => {
    calls.push(input);
    return FALLBACK;
  };
  return Object.assign(summarize, { calls });
}

function recordingLogger(): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  return { lines, info: (fields) => lines.push(fields), error: (fields) => lines.push(fields) };
}

const input = summaryInput(node22Build);

describe('chatCompletionsSummary against a local chat-completions server', () => {
  let server: ChatCompletionsServer;
  before(async () => {
    server = await chatCompletionsServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.answer({ content: DEFAULT_COMPLETION });
  });

  const config = (extra: Partial<SummaryConfig> = {}): SummaryConfig => ({
    url: server.baseUrl,
    model: 'test-model',
    ...extra,
  });

  it("uses the endpoint's summary, cleaned", async () => {
    server.answer({
      content:
        '  **Summary:** "The *build* broke on   Node 22; converting the config to ESM fixed it."\n',
    });
    const net = fallback();
    const summary = await chatCompletionsSummary(config(), net)(input);
    assert.equal(summary, 'The build broke on Node 22; converting the config to ESM fixed it.');
    assert.equal(net.calls.length, 0);
  });

  it('POSTs to <base>/chat/completions with the model, two messages, temperature 0, no max_tokens and no key header when no key is set', async () => {
    await chatCompletionsSummary(config(), fallback())(input);
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/v1/chat/completions');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.equal(request!.headers.authorization, undefined);
    assert.equal(request!.body?.model, 'test-model');
    assert.equal(request!.body?.temperature, 0);
    assert.ok(!('max_tokens' in request!.body!), 'no max_tokens: current OpenAI models refuse it');
    assert.deepEqual(
      request!.body?.messages?.map((message) => message.role),
      ['system', 'user'],
    );
  });

  it('sends Authorization: Bearer <key> when a key is set', async () => {
    await chatCompletionsSummary(config({ key: KEY }), fallback())(input);
    assert.equal(server.requests[0]!.headers.authorization, `Bearer ${KEY}`);
  });

  it('uses a URL that already ends with /chat/completions as it is', async () => {
    const url = `${server.baseUrl}/chat/completions`;
    await chatCompletionsSummary(config({ url }), fallback())(input);
    assert.equal(server.requests[0]!.path, '/v1/chat/completions');
    assert.equal(
      completionsUrl('https://api.example.com/v1/').href,
      'https://api.example.com/v1/chat/completions',
    );
    assert.equal(
      completionsUrl('https://api.example.com').href,
      'https://api.example.com/chat/completions',
    );
  });

  it("sends only the input's text: the title and each message as Author: text, no markup, no quote, no code", async () => {
    await chatCompletionsSummary(config(), fallback())(input);
    const user = server.requests[0]!.body!.messages![1]!.content;
    assert.ok(user.startsWith(`Title: ${node22Build.title}\n\n`));
    for (const post of node22Build.posts) assert.ok(user.includes(`${post.author}: `));
    assert.ok(user.includes('Marta: After upgrading our CI runners from Node 20 to Node 22'));
    assert.ok(!/<\/?[a-z]+[ >]/.test(user), 'no HTML tag');
    assert.ok(!user.includes('Support for require(esm)'), 'no quoted text');
    assert.ok(!user.includes('require() of ES Module'), 'no code block');
    assert.ok(!user.includes('&amp;') && !user.includes('&#39;'), 'entities decoded');
    const every = JSON.stringify(server.requests[0]!.body);
    assert.ok(!every.includes('createdAt') && !every.includes('"id"'));
  });

  it('falls back within the timeout when the endpoint hangs', async () => {
    server.answer('hang');
    const logger = recordingLogger();
    const started = performance.now();
    const summary = await chatCompletionsSummary(config({ key: KEY }), fallback(), {
      timeoutMs: 300,
      logger,
    })(input);
    const elapsed = performance.now() - started;
    assert.deepEqual(summary, { summary: FALLBACK, retryAfterMs: 60_000 });
    assert.ok(elapsed < 2000, `${elapsed.toFixed(0)} ms`);
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]!.reason, 'timed out');
  });

  const garbage: [string, Parameters<ChatCompletionsServer['answer']>[0], RegExp][] = [
    ['a body that is not JSON', 'not-json', /not JSON/],
    ['JSON of the wrong shape', 'wrong-shape', /choices/],
    ['an empty content', 'empty-content', /empty/],
    ['HTTP 500', { status: 500 }, /HTTP 500/],
    ['HTTP 429', { status: 429 }, /HTTP 429/],
    ['a body of megabytes', 'huge-body', /over 262144 bytes/],
  ];
  for (const [what, answer, reason] of garbage) {
    it(`falls back on ${what}, with one log line that holds neither the key nor the thread`, async () => {
      server.answer(answer);
      const logger = recordingLogger();
      const net = fallback();
      const summary = await chatCompletionsSummary(config({ key: KEY }), net, { logger })(input);
      assert.deepEqual(summary, { summary: FALLBACK, retryAfterMs: 60_000 });
      assert.equal(net.calls.length, 1);
      assert.equal(logger.lines.length, 1);
      const line = JSON.stringify(logger.lines[0]);
      assert.match(line, reason);
      assert.ok(!line.includes(KEY), 'no key');
      assert.ok(!line.includes('webpack') && !line.includes('Marta'), 'no thread text');
    });
  }

  it('cuts an absurdly long summary to 400 code points at a sentence end', async () => {
    server.answer({ content: 'This sentence is about the build. '.repeat(200) });
    const summary = await chatCompletionsSummary(config(), fallback())(input);
    assert.ok(typeof summary === 'string');
    assert.ok([...summary].length <= 400);
    assert.ok(summary.endsWith('about the build.'));
  });

  it('does not follow a redirect (the key would go with it) and falls back', async () => {
    const elsewhere = await chatCompletionsServer();
    try {
      server.answer({ redirect: `${elsewhere.baseUrl}/chat/completions` });
      const summary = await chatCompletionsSummary(config({ key: KEY }), fallback())(input);
      assert.deepEqual(summary, { summary: FALLBACK, retryAfterMs: 60_000 });
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  it('falls back when nothing listens at the URL', async () => {
    const port = await freePort();
    const logger = recordingLogger();
    const summary = await chatCompletionsSummary(
      { url: `http://127.0.0.1:${port}/v1`, model: 'm' },
      fallback(),
      { logger },
    )(input);
    assert.deepEqual(summary, { summary: FALLBACK, retryAfterMs: 60_000 });
    assert.equal(logger.lines.length, 1);
  });

  it("rejects, without a fallback, when the caller's own signal aborts (the server stops)", async () => {
    server.answer('hang');
    const controller = new AbortController();
    const net = fallback();
    const pending = chatCompletionsSummary(config(), net)(input, controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await assert.rejects(pending, /shutting down/);
    assert.equal(net.calls.length, 0);
  });

  it('asks again later after a fault: a minute, doubling with each fault in a row, from the start after an answer that works', async () => {
    const summarize = chatCompletionsSummary(config(), fallback());
    server.answer({ status: 503 });
    const waits: unknown[] = [];
    for (let i = 0; i < 3; i++) waits.push(await summarize(input));
    assert.deepEqual(
      waits.map((result) => (result as { retryAfterMs: number }).retryAfterMs),
      [60_000, 120_000, 240_000],
    );
    server.answer({ content: 'Back again.' });
    assert.equal(await summarize(input), 'Back again.');
    server.answer('not-json');
    assert.deepEqual(await summarize(input), { summary: FALLBACK, retryAfterMs: 60_000 });
  });

  it("waits as long as the endpoint's Retry-After asks when that is longer", async () => {
    server.answer({ status: 429, retryAfter: '300' });
    const summary = await chatCompletionsSummary(config(), fallback())(input);
    assert.deepEqual(summary, { summary: FALLBACK, retryAfterMs: 300_000 });
  });

  it("logs the start of an error answer's body, never the key, nor a body that quotes the thread", async () => {
    const message = `Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead. ${'x'.repeat(400)}`;
    server.answer({ status: 400, body: JSON.stringify({ error: { message } }) });
    let logger = recordingLogger();
    await chatCompletionsSummary(config({ key: KEY }), fallback(), { logger })(input);
    const body = String(logger.lines[0]!.body);
    assert.match(body, /Unsupported parameter: 'max_tokens'/);
    assert.equal([...body].length, 200);

    server.answer({ status: 401, body: `Incorrect API key provided: ${KEY}.` });
    logger = recordingLogger();
    await chatCompletionsSummary(config({ key: KEY }), fallback(), { logger })(input);
    assert.equal(logger.lines[0]!.body, 'Incorrect API key provided: [key].');

    server.answer({
      status: 400,
      body: 'Invalid content: "Marta: After upgrading our CI runners from Node 20 to Node 22"',
    });
    logger = recordingLogger();
    await chatCompletionsSummary(config({ key: KEY }), fallback(), { logger })(input);
    const line = JSON.stringify(logger.lines[0]);
    assert.ok(!line.includes('Marta') && !line.includes('CI runners'), line);
    assert.match(line, /HTTP 400/);
  });

  it('drops the unfinished last sentence of an answer cut at the token limit, and falls back when none is finished', async () => {
    server.answer({
      content: 'The build broke on Node 22. Converting the config to ESM fixed it, and the',
      finishReason: 'length',
    });
    const summarize = chatCompletionsSummary(config(), fallback());
    assert.equal(await summarize(input), 'The build broke on Node 22.');
    server.answer({ content: 'The build broke on Node 22 because the', finishReason: 'length' });
    assert.deepEqual(await summarize(input), { summary: FALLBACK, retryAfterMs: 60_000 });
    // A finished answer keeps its last sentence, full stop or not.
    server.answer({ content: 'The build broke on Node 22 and ESM fixed it' });
    assert.equal(await summarize(input), 'The build broke on Node 22 and ESM fixed it');
  });

  it('asks nothing and uses the fallback when no message has text', async () => {
    const net = fallback();
    const empty: SummaryInput = {
      title: 'x',
      messages: [
        { id: 1, kind: 'reply', author: 'A', html: '', createdAt: '2026-01-01T00:00:00Z' },
      ],
    };
    assert.equal(await chatCompletionsSummary(config(), net)(empty), FALLBACK);
    assert.equal(server.requests.length, 0);
  });

  it('works with the extractive summary as its fallback', async () => {
    server.answer({ status: 503 });
    const { extractiveSummary } = await import('./extractive.ts');
    const summary = await chatCompletionsSummary(config(), extractiveSummary)(input);
    assert.deepEqual(summary, {
      summary: summarizeExtractive(input)?.text,
      retryAfterMs: 60_000,
    });
  });
});

describe('threadText', () => {
  it('keeps a huge thread to about 12,000 characters: the first message and the latest ones', () => {
    const messages = Array.from({ length: 400 }, (_, index) => ({
      id: index + 1,
      kind: 'reply' as const,
      author: `reader${index}`,
      html: `<p>Message number ${index} says something about the topic at some length, really.</p>`,
      createdAt: '2026-01-01T00:00:00Z',
    }));
    const text = threadText({ title: 'Big', messages })!;
    assert.ok([...text].length <= 12_000, `${[...text].length}`);
    assert.ok(text.includes('reader0: Message number 0 '));
    assert.ok(text.includes('reader399: Message number 399 '));
    assert.match(text, /\[\d+ earlier messages left out\]/);
    assert.ok(!text.includes('reader1: '));
  });
});

describe('cleanSummary', () => {
  const cases: [string, string | null][] = [
    ['  "Quoted summary."  ', 'Quoted summary.'],
    ['# Heading\nThe **bold** and _em_ and `code` text.', 'Heading The bold and em and code text.'],
    ['TL;DR: short.', 'short.'],
    ['「日本語の要約です。」', '日本語の要約です。'],
    ['keep snake_case_names and 2*3*4 alone', 'keep snake_case_names and 2*3*4 alone'],
    ['   ', null],
    ['""', null],
  ];
  for (const [answer, expected] of cases) {
    it(`cleans ${JSON.stringify(answer)}`, () => {
      assert.equal(cleanSummary(answer), expected);
    });
  }

  it('cuts one endless sentence at a word boundary with "…"', () => {
    const cleaned = cleanSummary(`word${' word'.repeat(300)}`)!;
    assert.ok([...cleaned].length <= 400);
    assert.match(cleaned, /^word( word)+…$/);
  });
});
