/**
 * The reply form's spam defences: the honeypot field no person meets, and
 * the proof of work solved in a worker while the reader types.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { type Challenge, createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import type { ParleyThread } from './parley-thread.js';
import { proofOff } from './post-proof.js';
import { solverSettings } from './pow-solver.js';
import {
  $,
  apiError,
  calls,
  json,
  makeMessage,
  mount,
  NOW,
  route,
  serveFeatures,
  serveThread,
  submit,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const SECRET = 'widget-test-secret';

/** The browser's own fetch, for the test page's files (test-support fakes `window.fetch`). */
const realFetch = window.fetch;
/** Whether a request is for the test page's own origin (the dev server), not the fake server. */
const ownOrigin = (input: RequestInfo | URL) =>
  new URL(input instanceof Request ? input.url : input).origin === location.origin;

/** A real challenge, as the server makes it (a small counter keeps the test quick). */
const makeChallenge = () =>
  createChallenge({
    algorithm: 'PBKDF2/SHA-256',
    cost: 1000,
    counter: 40,
    deriveKey,
    expiresAt: new Date(NOW + 3_600_000),
    hmacSignatureSecret: SECRET,
  });

/** Whether a post's `altcha` is a valid solution, checked as the server does. */
async function verified(altcha: string | undefined): Promise<boolean> {
  if (!altcha) return false;
  const { challenge, solution } = JSON.parse(atob(altcha)) as {
    challenge: Challenge;
    solution: { counter: number; derivedKey: string };
  };
  return (await verifySolution({ challenge, solution, deriveKey, hmacSignatureSecret: SECRET }))
    .verified;
}

const posted = (id: number) =>
  json({ message: makeMessage(id), editToken: `token-${id}`, status: 'published' }, 201);

/** The bodies of the posts sent so far. */
const postBodies = async () =>
  Promise.all(
    calls
      .filter((c) => c.method === 'POST')
      .map(async (c) => (await c.clone().json()) as Record<string, string>),
  );

/** A worker the page created: its script's URL, and what it sent back. */
interface SpiedWorker {
  url: string;
  messages: unknown[];
  errors: string[];
}

/** Records each worker the page creates and what it answers (the real one still runs). */
function spyOnWorkers() {
  const real = window.Worker;
  const created: SpiedWorker[] = [];
  window.Worker = class extends real {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      const worker: SpiedWorker = { url: String(url), messages: [], errors: [] };
      created.push(worker);
      this.addEventListener('message', (e) => worker.messages.push(e.data));
      this.addEventListener('error', (e) => worker.errors.push(e.message || 'error'));
    }
  };
  return { created, restore: () => (window.Worker = real) };
}

/** Fills the reply form as a reader would, posts it, and waits until it is posted. */
async function postFromForm(el: ParleyThread, author: string, body: string) {
  type(el, '#parley-author', author);
  type(el, '#parley-body', body);
  const done = oneEvent(el, 'parley-message-posted');
  await submit(el);
  await done;
}

describe('the honeypot field', () => {
  it('is sent empty with the post, and hidden from people, keyboards and assistive technology', async () => {
    const k = uniqueKey();
    serveThread(k);
    route('POST', `${threadPath(k)}/messages`, () => posted(6));
    const el = await mount({ thread: k });
    const field = $<HTMLInputElement>(el, 'input[name=website]');
    expect(field).to.exist;
    expect(field.checkVisibility()).to.equal(false);
    expect(field.autocomplete).to.equal('off');
    field.focus();
    expect(el.shadowRoot!.activeElement).to.not.equal(field);
    // Not in the accessibility tree: no node named "Website", while the real fields are there.
    // Not in the accessibility tree, where the real fields are.
    el.id = 'honeypot-test';
    const tree = await executeServerCommand<string, { selector: string }>('aria-snapshot', {
      selector: '#honeypot-test',
    });
    expect(tree).to.contain('textbox "Name"');
    expect(tree).to.not.match(/website/i);

    await postFromForm(el, 'Ada', 'Hello');
    const [body] = await postBodies();
    expect(body!.website).to.equal('');
  });

  it('sends what a bot typed into it', async () => {
    const k = uniqueKey();
    serveThread(k);
    route('POST', `${threadPath(k)}/messages`, () => posted(6));
    const el = await mount({ thread: k });
    type(el, '#parley-website', 'https://spam.example');
    await postFromForm(el, 'Bot', 'Buy');
    expect((await postBodies())[0]!.website).to.equal('https://spam.example');
  });
});

describe('proof of work', () => {
  let workers: ReturnType<typeof spyOnWorkers>;
  beforeEach(() => {
    // The honeypot's posts (no challenge routed) taught the page that the server has none.
    proofOff.clear();
    workers = spyOnWorkers();
    solverSettings.worker = true;
    // The solver fetches its own text for its worker: that comes from the dev server.
    const fake = window.fetch;
    window.fetch = (input, init) => (ownOrigin(input) ? realFetch : fake)(input, init);
  });
  afterEach(() => {
    workers.restore();
    solverSettings.worker = true;
  });

  it('solves a challenge in a worker while the reader types, and posts it', async () => {
    const k = uniqueKey();
    serveThread(k);
    let challenges = 0;
    route('GET', '/api/challenge', async () => {
      challenges++;
      return json(await makeChallenge());
    });
    route('POST', `${threadPath(k)}/messages`, () => posted(6));
    const el = await mount({ thread: k });
    expect(challenges, 'nothing before the form is used').to.equal(0);
    type(el, '#parley-author', 'Ada');
    // Solved in a worker before the reader submits.
    await waitUntil(() => workers.created.length === 1, 'a worker solves it');
    await postFromForm(el, 'Ada', 'Hello');
    expect(challenges).to.equal(1);
    const [body] = await postBodies();
    expect(await verified(body!.altcha)).to.equal(true);
    // The worker, a blob of the solver's own text, answered with the solution the post carries.
    const [worker] = workers.created;
    expect(worker!.url).to.match(/^blob:/);
    expect(worker!.errors).to.deep.equal([]);
    expect(worker!.messages).to.deep.equal([JSON.parse(atob(body!.altcha!)).solution]);
  });

  it('fetches a fresh challenge and tries once more on 400 challenge_required', async () => {
    const k = uniqueKey();
    serveThread(k);
    let challenges = 0;
    route('GET', '/api/challenge', async () => {
      challenges++;
      return json(await makeChallenge());
    });
    let posts = 0;
    route('POST', `${threadPath(k)}/messages`, () =>
      ++posts === 1 ? apiError(400, 'challenge_required') : posted(6),
    );
    const el = await mount({ thread: k });
    await postFromForm(el, 'Ada', 'Hello');
    expect(challenges).to.equal(2);
    const [first, second] = await postBodies();
    expect(first!.altcha).to.not.equal(second!.altcha);
    expect(await verified(second!.altcha)).to.equal(true);
  });

  it('solves on the page when workers are refused (a strict CSP)', async () => {
    workers.restore();
    const real = window.Worker;
    window.Worker = class {
      constructor() {
        throw new DOMException('refused by the Content Security Policy', 'SecurityError');
      }
    } as unknown as typeof Worker;
    try {
      const k = uniqueKey();
      serveThread(k);
      route('GET', '/api/challenge', async () => json(await makeChallenge()));
      route('POST', `${threadPath(k)}/messages`, () => posted(6));
      const el = await mount({ thread: k });
      await postFromForm(el, 'Ada', 'Hello');
      expect(await verified((await postBodies())[0]!.altcha)).to.equal(true);
    } finally {
      window.Worker = real;
    }
  });

  it('solves on the page when the solver cannot fetch its own text (connect-src)', async () => {
    const served = window.fetch;
    window.fetch = (input, init) =>
      ownOrigin(input) ? Promise.reject(new TypeError('Failed to fetch')) : served(input, init);
    const k = uniqueKey();
    serveThread(k);
    route('GET', '/api/challenge', async () => json(await makeChallenge()));
    route('POST', `${threadPath(k)}/messages`, () => posted(6));
    const el = await mount({ thread: k });
    await postFromForm(el, 'Ada', 'Hello');
    expect(await verified((await postBodies())[0]!.altcha)).to.equal(true);
    expect(workers.created).to.deep.equal([]);
  });

  it('does nothing more when an older server, with no features, has proof of work off (404)', async () => {
    const k = uniqueKey();
    serveThread(k);
    let id = 5;
    route('POST', `${threadPath(k)}/messages`, () => posted(++id));
    const el = await mount({ thread: k });
    for (const text of ['Hello', 'Hello again']) await postFromForm(el, 'Ada', text);
    const asked = calls.filter((c) => c.url.endsWith('/api/challenge')).length;
    expect(asked, 'asked once, for the first post').to.equal(1);
    expect((await postBodies()).map((b) => b.altcha)).to.deep.equal([undefined, undefined]);
    expect(workers.created).to.deep.equal([]);
  });

  /** The challenges asked for so far. */
  const challengeCalls = () =>
    calls.filter((c) => new URL(c.url).pathname === '/api/challenge').length;

  it('asks for no challenge when the server says proof of work is off', async () => {
    // A server of its own: what it offers is asked once per server and page.
    const server = 'https://pow-off.parley.test/';
    serveFeatures({ proofOfWork: false });
    const k = uniqueKey();
    serveThread(k);
    let id = 5;
    route('POST', `${threadPath(k)}/messages`, () => posted(++id));
    const el = await mount({ thread: k, server });
    for (const text of ['Hello', 'Hello again']) await postFromForm(el, 'Ada', text);
    expect(challengeCalls(), 'no challenge, so no 404 in the blog’s console').to.equal(0);
    expect(calls.filter((c) => c.url === `${server}api/features`)).to.have.length(1);
    expect((await postBodies()).map((b) => b.altcha)).to.deep.equal([undefined, undefined]);
    expect(workers.created).to.deep.equal([]);
  });

  it('asks for one while the reader types when the server says proof of work is on', async () => {
    const server = 'https://pow-on.parley.test/';
    serveFeatures({ proofOfWork: true });
    const k = uniqueKey();
    serveThread(k);
    route('GET', '/api/challenge', async () => json(await makeChallenge()));
    route('POST', `${threadPath(k)}/messages`, () => posted(6));
    const el = await mount({ thread: k, server });
    type(el, '#parley-author', 'Ada');
    await waitUntil(() => workers.created.length === 1, 'a worker solves it before the post');
    await postFromForm(el, 'Ada', 'Hello');
    expect(challengeCalls()).to.equal(1);
    expect(await verified((await postBodies())[0]!.altcha)).to.equal(true);
  });

  it('asks for one after all when a post is refused for want of a proof (turned on since)', async () => {
    const server = 'https://pow-turned-on.parley.test/';
    serveFeatures({ proofOfWork: false });
    const k = uniqueKey();
    serveThread(k);
    route('GET', '/api/challenge', async () => json(await makeChallenge()));
    let posts = 0;
    route('POST', `${threadPath(k)}/messages`, () =>
      ++posts === 1 ? apiError(400, 'challenge_required') : posted(6 + posts),
    );
    const el = await mount({ thread: k, server });
    await postFromForm(el, 'Ada', 'Hello');
    expect(challengeCalls()).to.equal(1);
    const [first, second] = await postBodies();
    expect(first!.altcha).to.equal(undefined);
    expect(await verified(second!.altcha)).to.equal(true);
    // And with the next post too, whatever the features said.
    await postFromForm(el, 'Ada', 'Hello again');
    expect(challengeCalls()).to.equal(2);
    expect(await verified((await postBodies())[2]!.altcha)).to.equal(true);
  });

  it('asks for one as before when the server’s features cannot be had (a network failure)', async () => {
    const server = 'https://pow-no-features.parley.test/';
    route('GET', '/api/features', () => Promise.reject(new TypeError('Failed to fetch')));
    const k = uniqueKey();
    serveThread(k);
    route('GET', '/api/challenge', async () => json(await makeChallenge()));
    route('POST', `${threadPath(k)}/messages`, () => posted(6));
    const el = await mount({ thread: k, server });
    await postFromForm(el, 'Ada', 'Hello');
    expect(challengeCalls()).to.equal(1);
    expect(await verified((await postBodies())[0]!.altcha)).to.equal(true);
  });

  it('asks once per page load, whatever the elements and forms that post', async () => {
    const k = uniqueKey();
    serveThread(k);
    let id = 5;
    route('POST', `${threadPath(k)}/messages`, () => posted(++id));
    const asked = () => calls.filter((c) => c.url.endsWith('/api/challenge')).length;
    const first = await mount({ thread: k });
    await postFromForm(first, 'Ada', 'Hello');
    expect(asked()).to.equal(1);
    first.remove();
    // The blog navigates (a new element), the reader replies in place: no more asking.
    const again = await mount({ thread: k });
    $<HTMLButtonElement>(again, '#parley-3 .reply').click();
    await waitUntil(() => $(again, '#parley-r3-body'));
    type(again, '#parley-r3-body', 'In place');
    const done = oneEvent(again, 'parley-message-posted');
    $<HTMLButtonElement>(again, '#parley-3 form button.primary').click();
    await done;
    await postFromForm(again, 'Ada', 'At the end');
    expect(asked()).to.equal(1);
    // Another server on the same page is asked for itself.
    serveThread(k);
    const elsewhere = await mount({ thread: k, server: 'https://other.test/' });
    await postFromForm(elsewhere, 'Ada', 'Hello there');
    expect(asked()).to.equal(2);
  });
});
