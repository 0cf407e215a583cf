/**
 * One fuzz run: a fresh database per dialect, the same seeded threads on
 * each, then the same generated requests sent to each app in-process. After
 * every request: no 5xx, every refusal in the design's envelope, the dialects
 * answer alike (status and code), and a refused write left the content as it
 * was. After the run: the stored counts equal the rows. Any breach throws,
 * naming the request, so fast-check can shrink it and print the replay.
 */
import type { AppConfig } from '../app-deps.ts';
import { ADMIN, ADMIN_TOKEN, type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { envelopeProblem } from './envelope.ts';
import { contentDigest, countBreaches } from './invariants.ts';
import { encode, Forged, type FuzzBody, type FuzzRequest, Known, type Slot } from './requests.ts';

/** What the run has learnt of one database: the rows and values requests may name. */
interface Model {
  keys: string[];
  messages: { id: number; editToken?: string }[];
  cursors: string[];
  ownerKeys: { id: number; token?: string }[];
  etags: string[];
}

/** One dialect's app, database and model. */
interface Target {
  name: string;
  fixture: AppFixture;
  model: Model;
}

/** What one request got from one app. */
interface Outcome {
  status: number;
  code?: string;
  /** Why the answer breaks a promise on its own (a 5xx, a broken envelope). */
  problem?: string;
}

/**
 * The apps' settings: the admin API on, and reports hiding a message from
 * two networks, so the fuzz reaches more transitions than the default three.
 */
const CONFIG: Partial<AppConfig> = { adminToken: ADMIN_TOKEN, reportThreshold: 2 };

/** Writes: a refused one must change nothing readers or moderators see. */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const seg = (key: string) => encodeURIComponent(key);
const post = (key: string, json: unknown): FuzzRequest => ({
  method: 'POST',
  path: ['api', 'threads', seg(key), 'messages'],
  query: [],
  headers: { 'Content-Type': 'application/json' },
  body: { json },
  wait: 1000,
  peer: '203.0.113.7',
});
const admin = (method: string, path: Slot[], json?: unknown): FuzzRequest => ({
  method,
  path,
  query: [],
  headers: { 'Content-Type': 'application/json', Authorization: ADMIN.Authorization },
  ...(json === undefined ? {} : { body: { json } }),
  wait: 1000,
  peer: '203.0.113.7',
});
const read = (path: Slot[], query: [string, Slot][] = []): FuzzRequest => ({
  method: 'GET',
  path,
  query,
  headers: {},
  wait: 0,
  peer: '203.0.113.7',
});

const POST_1 = '/blog/post-1';
const LINKS =
  '[a](https://a.example) [b](https://b.example) [c](https://c.example) [d](https://d.example)';

/**
 * The threads every run starts from, sent through the API like any request:
 * a thread with an opening post, replies (one to another), a highlight and a
 * report; a key of several scripts and URL syntax; a thread held for
 * moderation; a closed one; an owner key; and a cursor and an ETag to reuse.
 */
const SEED: FuzzRequest[] = [
  post(POST_1, {
    author: 'Ada',
    body: 'The opening post',
    kind: 'opening',
    thread: { title: 'Post one', url: 'https://blog.example/blog/post-1' },
  }),
  post(POST_1, { author: 'Grace', body: 'A first reply' }),
  post(POST_1, { author: 'Zoë', body: 'A reply to the reply', parentId: new Known('message', 1) }),
  post(POST_1, { author: 'Mallory', body: 'Another reply' }),
  post('ключ/🙂 ?&#%', { author: 'Ada', body: 'A key of many scripts' }),
  post('/held', { author: 'Ada', body: `Too many links: ${LINKS}` }),
  post('/closed', { author: 'Ada', body: 'Soon closed' }),
  admin('PATCH', ['api', 'admin', 'threads', seg('/closed')], { status: 'closed' }),
  admin('PATCH', ['api', 'admin', 'messages', new Known('message', 1)], { highlighted: true }),
  {
    ...post(POST_1, { reason: 'rude' }),
    path: ['api', 'messages', new Known('message', 3), 'report'],
  },
  admin('POST', ['api', 'admin', 'owner-keys'], { label: 'Blog' }),
  read(['api', 'threads', seg(POST_1), 'messages'], [['limit', '1']]),
  read(['api', 'threads'], [['limit', '1']]),
  read(['api', 'threads', seg(POST_1)]),
];

function pick<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

/** A JSON value with every {@link Known} replaced by this database's value. */
function resolveJson(value: unknown, model: Model): unknown {
  if (value instanceof Known) {
    switch (value.kind) {
      case 'message':
        return pick(model.messages, value.index)?.id ?? 999_999;
      case 'ownerKey':
        return pick(model.ownerKeys, value.index)?.id ?? 999_999;
      case 'key':
        return pick(model.keys, value.index) ?? '/never-posted';
      case 'cursor':
        return pick(model.cursors, value.index) ?? 'none';
      case 'etag':
        return pick(model.etags, value.index) ?? 'W/"none"';
    }
  }
  if (Array.isArray(value)) return value.map((v) => resolveJson(v, model));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveJson(v, model)]));
  }
  return value;
}

/** A path segment or query value as this database's request carries it. */
function resolveSlot(slot: Slot, model: Model): string {
  if (typeof slot === 'string') return slot;
  if (slot instanceof Forged) {
    const json = JSON.stringify(resolveJson(slot.parts, model)) ?? 'null';
    return encodeURIComponent(Buffer.from(json).toString('base64url'));
  }
  return encode(String(resolveJson(slot, model)));
}

/** A header value: a {@link Known} message or owner key stands for its token. */
function resolveHeader(slot: Slot, model: Model): string {
  if (slot instanceof Known && slot.kind === 'message') {
    // Among the messages whose token this run was given: the others have none to send.
    const tokens = model.messages.flatMap((m) => (m.editToken ? [m.editToken] : []));
    return `Bearer ${pick(tokens, slot.index) ?? 'no-such-token'}`;
  }
  if (slot instanceof Known && slot.kind === 'ownerKey') {
    return `Bearer ${pick(model.ownerKeys, slot.index)?.token ?? 'no-such-token'}`;
  }
  if (slot instanceof Known) return String(resolveJson(slot, model));
  return resolveSlot(slot, model);
}

function bodyText(body: FuzzBody, model: Model): string {
  if ('raw' in body) return body.raw;
  if ('bytes' in body) {
    const shell = '{"author":"Ada","body":""}';
    return `{"author":"Ada","body":"${'a'.repeat(Math.max(0, body.bytes - shell.length))}"}`;
  }
  return JSON.stringify(resolveJson(body.json, model)) ?? '';
}

/** The `Request` this database gets, or undefined when no client could send it. */
function toRequest(request: FuzzRequest, model: Model): Request | undefined {
  const path = `/${request.path.map((s) => resolveSlot(s, model)).join('/')}`;
  const query = request.query.map(([k, v]) => `${k}=${resolveSlot(v, model)}`).join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = resolveHeader(value, model);
  }
  const hasBody =
    request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  try {
    return new Request(new URL(query ? `${path}?${query}` : path, 'http://localhost'), {
      method: request.method,
      headers,
      ...(hasBody && request.body ? { body: bodyText(request.body, model) } : {}),
    });
  } catch {
    // A header or URL the fetch API refuses to build: nothing reaches a server.
    return undefined;
  }
}

/** Learns the rows and values an answer hands out, for later requests to name. */
function learn(model: Model, request: FuzzRequest, response: Response, body: unknown): void {
  const etag = response.headers.get('ETag');
  if (etag && !model.etags.includes(etag)) model.etags.push(etag);
  if (typeof body !== 'object' || body === null) return;
  const top = body as Record<string, unknown>;
  const noteMessage = (id: unknown, editToken?: unknown) => {
    if (typeof id !== 'number') return;
    const known = model.messages.find((m) => m.id === id);
    const token = typeof editToken === 'string' ? editToken : undefined;
    if (!known) model.messages.push(token ? { id, editToken: token } : { id });
    else if (token) known.editToken = token;
  };
  const message = top.message as { id?: unknown } | undefined;
  if (message) noteMessage(message.id, top.editToken);
  if (Array.isArray(top.messages)) for (const m of top.messages) noteMessage(m?.id);
  if (typeof top.nextCursor === 'string' && !model.cursors.includes(top.nextCursor)) {
    model.cursors.push(top.nextCursor);
  }
  const ownerKey = top.ownerKey as { id?: unknown } | undefined;
  if (ownerKey && typeof ownerKey.id === 'number' && typeof top.token === 'string') {
    model.ownerKeys.push({ id: ownerKey.id, token: top.token });
  }
  if (request.method === 'POST' && response.status === 201 && request.path[3] === 'messages') {
    const segment = request.path[2];
    if (typeof segment === 'string') {
      try {
        const key = decodeURIComponent(segment);
        if (!model.keys.includes(key)) model.keys.push(key);
      } catch {
        // Not a key the app could have decoded either.
      }
    }
  }
}

/** Sends one request to one app and judges the answer on its own. */
async function send(target: Target, request: FuzzRequest): Promise<Outcome> {
  const { fixture, model } = target;
  fixture.now = new Date(fixture.now.getTime() + request.wait);
  fixture.peer = request.peer;
  const built = toRequest(request, model);
  if (!built) return { status: 0 };
  const before = WRITES.has(request.method) ? await contentDigest(fixture.db.store) : undefined;
  const response = await fixture.app.request(built);
  const type = response.headers.get('Content-Type') ?? '';
  let text = '';
  // A live stream never ends by itself: take its status and leave, as a reader who closes the tab.
  if (type.startsWith('text/event-stream')) await response.body?.cancel();
  else text = await response.text();
  const outcome: Outcome = { status: response.status };
  if (response.status >= 500) {
    outcome.problem = `answered ${response.status}: ${text.slice(0, 300)}`;
    return outcome;
  }
  if (response.status >= 400 && request.method !== 'HEAD') {
    const { problem, code } = envelopeProblem(response.status, type, text);
    if (problem) outcome.problem = problem;
    if (code) outcome.code = code;
  }
  let body: unknown;
  if (type.startsWith('application/json') && text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      outcome.problem ??= `answered JSON that does not parse: ${text.slice(0, 200)}`;
    }
  }
  if (before !== undefined && response.status >= 400) {
    const after = await contentDigest(fixture.db.store);
    if (after !== before) {
      outcome.problem ??= `a refused write (${response.status} ${outcome.code}) changed stored content: ${before} -> ${after}`;
    }
  }
  if (response.status < 300) learn(model, request, response, body);
  return outcome;
}

const describeOutcome = (o: Outcome) => `${o.status}${o.code ? ` ${o.code}` : ''}`;

/**
 * Runs `requests` after the seed on a fresh database of every dialect (the
 * same requests on each, side by side), and throws on the first breach: a
 * 5xx or broken envelope, dialects that answer differently, a refused write
 * that changed content, or stored counts that differ from the rows.
 */
export async function fuzzRun(requests: readonly FuzzRequest[]): Promise<void> {
  const targets: Target[] = [];
  try {
    for (const dialect of dialects) {
      targets.push({
        name: dialect.name,
        fixture: await appFixture(dialect, CONFIG),
        model: { keys: [], messages: [], cursors: [], ownerKeys: [], etags: [] },
      });
    }
    for (const [i, request] of SEED.entries()) {
      const outcomes = await Promise.all(targets.map((target) => send(target, request)));
      for (const [t, outcome] of outcomes.entries()) {
        if (outcome.status < 200 || outcome.status >= 300) {
          throw new Error(
            `seed request ${i} got ${describeOutcome(outcome)} on ${targets[t]?.name}`,
          );
        }
      }
    }
    for (const [i, request] of requests.entries()) {
      const outcomes = await Promise.all(targets.map((target) => send(target, request)));
      const where = `request ${i} (${request.method} /${request.path.map(String).join('/')})`;
      for (const [t, outcome] of outcomes.entries()) {
        if (outcome.problem) throw new Error(`${where} on ${targets[t]?.name}: ${outcome.problem}`);
      }
      const answers = outcomes.map(describeOutcome);
      if (new Set(answers).size > 1) {
        const each = targets.map((t, n) => `${t.name} ${answers[n]}`).join(', ');
        throw new Error(`${where}: the dialects disagree: ${each}`);
      }
    }
    for (const target of targets) {
      const breaches = await countBreaches(target.fixture.db.store);
      if (breaches.length > 0) {
        throw new Error(
          `stored counts differ from the rows on ${target.name}:\n${breaches.join('\n')}`,
        );
      }
    }
  } finally {
    await Promise.all(targets.map((target) => target.fixture.close()));
  }
}
