import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { silentLogger } from '../app-deps.ts';
import * as summariesMigration from '../db/migrations/2026-12-11-summaries.ts';
import { openStore, type Store } from '../db/store.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture as baseFixture,
  bearer,
} from '../testing/app-fixture.ts';
import { json } from '../testing/assertions.ts';
import { chatCompletionsServer, DEFAULT_COMPLETION } from '../testing/chat-completions-server.ts';
import { dialects } from '../testing/dialects.ts';
import type { AdminThread, Thread, ThreadPage } from '../wire.ts';
import { chatCompletionsSummary } from './chat-completions.ts';
import { extractiveSummary } from './extractive.ts';
import type { Summarize, SummaryInput } from './summarizer.ts';
import { createSummaryWorker, type SummaryWorkerOptions } from './summary-worker.ts';

const KEY = '/blog/summaries';

/** An app whose admin API is on. */
const appFixture: typeof baseFixture = (dialect, config = {}) =>
  baseFixture(dialect, { adminToken: ADMIN_TOKEN, ...config });

/** Plain text of a message's HTML, enough for these tests' bodies. */
const text = (html: string) => html.replace(/<[^>]*>/g, '').trim();

/**
 * A deterministic test summarizer: the first sentence of the newest
 * message, with every input it was given recorded.
 */
function recordingSummarizer(): Summarize & { inputs: SummaryInput[] } {
  const inputs: SummaryInput[] = [];
  const summarize = async (input: SummaryInput) => {
    inputs.push(input);
    const newest = input.messages.at(-1);
    return newest ? (text(newest.html).split(/(?<=[.!?])\s/)[0] ?? null) : null;
  };
  return Object.assign(summarize, { inputs });
}

/** Every bit of text a summarizer was given. */
const allText = (inputs: readonly SummaryInput[]) =>
  inputs
    .flatMap((i) => [i.title ?? '', ...i.messages.map((m) => `${m.author} ${m.html}`)])
    .join(' ');

async function threadRow(store: Store, key = KEY) {
  return store.db
    .selectFrom('threads')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
}

async function eventTypes(store: Store, key = KEY): Promise<string[]> {
  const rows = await store.db
    .selectFrom('events')
    .innerJoin('threads', 'threads.id', 'events.thread_id')
    .select('events.type')
    .where('threads.key', '=', key)
    .orderBy('events.seq')
    .execute();
  return rows.map((r) => r.type);
}

for (const dialect of dialects) {
  describe(`automatic summaries on ${dialect.name}`, () => {
    let f: AppFixture;
    const cleanups: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await f?.close();
    });

    /** A worker on the fixture's store and clock; each test's summarizer its own. */
    function worker(summarize: Summarize, options: Partial<SummaryWorkerOptions> = {}) {
      const w = createSummaryWorker({
        store: f.db.store,
        logger: silentLogger,
        summarize,
        clock: () => new Date(f.now),
        ...options,
      });
      cleanups.push(() => w.stop());
      return w;
    }

    /** Moves the fixture's clock past the least interval between two computations. */
    const later = (ms = 6000) => {
      f.now = new Date(f.now.getTime() + ms);
    };

    it('marks the thread stale in the writing transaction on post, edit, hide, approve and delete', async () => {
      f = await appFixture(dialect, { heldWords: ['casino'], editWindowMinutes: 15 });
      const summarize = recordingSummarizer();
      const w = worker(summarize);
      const due = async () => (await threadRow(f.db.store)).summary_due_at;

      const first = await f.postMessage(KEY, 'We should meet on Friday. Details later.');
      assert.notEqual(await due(), null, 'a post marks it');
      later();
      assert.equal((await w.runOnce()).changed, 1);
      assert.equal(await due(), null, 'computed: up to date');

      const res = await f.patch(
        `/api/messages/${first.message.id}`,
        { body: 'We should meet on Saturday.' },
        bearer(first.editToken),
      );
      await json(res, 200);
      assert.notEqual(await due(), null, 'an edit marks it');
      later();
      await w.runOnce();
      assert.equal((await f.threadPage(KEY)).thread.summary, 'We should meet on Saturday.');

      const second = await f.postMessage(KEY, 'Saturday suits me.');
      later();
      await w.runOnce();
      await json(
        await f.patch(`/api/admin/messages/${second.message.id}`, { status: 'hidden' }, ADMIN),
        200,
      );
      assert.notEqual(await due(), null, 'a hide marks it');
      later();
      await w.runOnce();
      assert.equal((await f.threadPage(KEY)).thread.summary, 'We should meet on Saturday.');

      const held = await f.postMessage(KEY, 'Try the casino instead.');
      assert.equal(await due(), null, 'a held post changes nothing readers see');
      await json(
        await f.patch(`/api/admin/messages/${held.message.id}`, { status: 'published' }, ADMIN),
        200,
      );
      assert.notEqual(await due(), null, 'approving marks it');
      later();
      await w.runOnce();
      assert.equal((await f.threadPage(KEY)).thread.summary, 'Try the casino instead.');

      assert.equal((await f.delete(`/api/admin/messages/${held.message.id}`, ADMIN)).status, 204);
      assert.notEqual(await due(), null, 'a delete marks it');
      later();
      await w.runOnce();
      assert.equal((await f.threadPage(KEY)).thread.summary, 'We should meet on Saturday.');
    });

    it('stores the summary as automatic, in the public JSON, the thread list and /admin, with one thread.updated only when the text changed', async () => {
      f = await appFixture(dialect);
      const summarize = recordingSummarizer();
      const w = worker(summarize);
      await f.postMessage(KEY, 'Which editor do you use? I like vim.', {
        thread: { title: 'Editors' },
      });
      const before = await threadRow(f.db.store);
      assert.equal(before.summary, null, 'a post never waits for its summary');
      assert.deepEqual(await w.runOnce(), { claimed: 1, changed: 1, failed: 0 });
      assert.equal(summarize.inputs.length, 1);
      assert.equal(summarize.inputs[0]!.title, 'Editors');

      const page = await f.threadPage(KEY);
      assert.equal(page.thread.summary, 'Which editor do you use?');
      assert.equal(page.thread.summarySource, 'automatic');
      const list = await json<{ threads: Thread[] }>(await f.get('/api/threads'), 200);
      assert.equal(list.threads[0]!.summarySource, 'automatic');
      const after = await threadRow(f.db.store);
      assert.equal(Number(after.event_seq), Number(before.event_seq) + 1);
      assert.deepEqual((await eventTypes(f.db.store)).slice(-1), ['thread.updated']);

      // The same text again: stored as up to date, no event.
      later();
      await f.postMessage(KEY, 'Which editor do you use? Emacs here.');
      const seq = Number((await threadRow(f.db.store)).event_seq);
      later();
      assert.deepEqual(await w.runOnce(), { claimed: 1, changed: 0, failed: 0 });
      const row = await threadRow(f.db.store);
      assert.equal(Number(row.event_seq), seq, 'no event when nothing readers see changed');
      assert.equal(row.summary_due_at, null);
      assert.equal(summarize.inputs.length, 2);
    });

    it('carries summarySource in /api/admin/threads', async () => {
      f = await appFixture(dialect);
      await f.postMessage(KEY, 'A first point.');
      await worker(recordingSummarizer()).runOnce();
      const admin = await json<{ threads: AdminThread[] }>(
        await f.get('/api/admin/threads', ADMIN),
        200,
      );
      assert.equal(admin.threads[0]!.summary, 'A first point.');
      assert.equal(admin.threads[0]!.summarySource, 'automatic');
    });

    it('never gives the summarizer held, hidden, spam or deleted text, and drops a summary whose only text was hidden', async () => {
      f = await appFixture(dialect, { heldWords: ['heldword'] });
      const summarize = recordingSummarizer();
      const w = worker(summarize);
      const kept = await f.postMessage(KEY, 'Published words.');
      await f.postMessage(KEY, 'A heldword message.');
      await f.postMessage(KEY, 'Spammy words.', { website: 'https://spam.example' });
      const hidden = await f.postMessage(KEY, 'Hiddenword message.');
      await json(
        await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN),
        200,
      );
      const deleted = await f.postMessage(KEY, 'Deletedword message.');
      assert.equal(
        (await f.delete(`/api/messages/${deleted.message.id}`, bearer(deleted.editToken))).status,
        204,
      );
      later();
      await w.runOnce();
      const seen = allText(summarize.inputs);
      for (const secret of ['heldword', 'Spammy', 'Hiddenword', 'Deletedword']) {
        assert.ok(!seen.includes(secret), `${secret} never reaches the summarizer`);
      }
      assert.deepEqual(
        summarize.inputs.at(-1)!.messages.map((m) => m.id),
        [kept.message.id],
      );
      assert.equal((await f.threadPage(KEY)).thread.summary, 'Published words.');

      // The only published message is hidden: no stale text from it may stay,
      // not even until the worker's next pass.
      await json(
        await f.patch(`/api/admin/messages/${kept.message.id}`, { status: 'hidden' }, ADMIN),
        200,
      );
      const row = await threadRow(f.db.store);
      assert.equal(row.summary, null);
      assert.equal(row.summary_source, null);
      later();
      const calls = summarize.inputs.length;
      assert.equal((await w.runOnce()).changed, 0, 'already gone');
      assert.equal(summarize.inputs.length, calls, 'nothing published: nothing to ask');
      assert.equal((await threadRow(f.db.store)).summary, null);
    });

    it('a deleted placeholder with replies is not given to the summarizer', async () => {
      f = await appFixture(dialect);
      const summarize = recordingSummarizer();
      const parent = await f.postMessage(KEY, 'Parentword opening thoughts.');
      await f.postMessage(KEY, 'A reply to it.', { parentId: parent.message.id });
      assert.equal(
        (await f.delete(`/api/messages/${parent.message.id}`, bearer(parent.editToken))).status,
        204,
      );
      await worker(summarize).runOnce();
      assert.equal(summarize.inputs.at(-1)!.messages.length, 1);
      assert.ok(!allText(summarize.inputs).includes('Parentword'));
    });

    it('a manual summary always wins, also over a computation in flight; clearing it goes back to automatic', async () => {
      f = await appFixture(dialect);
      const path = `/api/admin/threads/${encodeURIComponent(KEY)}`;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const calls: SummaryInput[] = [];
      const w = worker(async (input) => {
        calls.push(input);
        await gate;
        return 'Computed meanwhile.';
      });
      await f.postMessage(KEY, 'Something to talk about.');
      const pass = w.runOnce();
      while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
      const set = await json<{ thread: AdminThread }>(
        await f.patch(path, { summary: 'Typed by the owner.' }, ADMIN),
        200,
      );
      assert.equal(set.thread.summarySource, 'manual');
      release();
      assert.equal((await pass).changed, 0);
      let page = await f.threadPage(KEY);
      assert.equal(page.thread.summary, 'Typed by the owner.');
      assert.equal(page.thread.summarySource, 'manual');

      // Later posts never replace it.
      later();
      await f.postMessage(KEY, 'More to say.');
      later();
      assert.equal((await w.runOnce()).claimed, 0);
      assert.equal((await threadRow(f.db.store)).summary_due_at, null);
      assert.equal((await f.threadPage(KEY)).thread.summary, 'Typed by the owner.');

      // "" clears it: none shown until the worker has computed one, at once due.
      const cleared = await json<{ thread: AdminThread }>(
        await f.patch(path, { summary: '' }, ADMIN),
        200,
      );
      assert.equal(cleared.thread.summary, null);
      assert.equal(cleared.thread.summarySource, null);
      assert.equal((await w.runOnce()).changed, 1);
      page = await f.threadPage(KEY);
      assert.equal(page.thread.summary, 'Computed meanwhile.');
      assert.equal(page.thread.summarySource, 'automatic');

      // null on an automatic summary: computed again (say the endpoint had
      // failed), at once; readers see no change meanwhile, so no event.
      const seq = Number((await threadRow(f.db.store)).event_seq);
      const asked = calls.length;
      await json(await f.patch(path, { summary: null }, ADMIN), 200);
      const again = await threadRow(f.db.store);
      assert.equal(Number(again.event_seq), seq);
      assert.equal(again.summary, 'Computed meanwhile.');
      assert.equal(again.summary_due_at, f.now.toISOString());
      later();
      await w.runOnce();
      assert.equal(calls.length, asked + 1, 'asked again');
      // The same text typed by the owner makes it manual.
      const same = await json<{ thread: AdminThread }>(
        await f.patch(path, { summary: 'Computed meanwhile.' }, ADMIN),
        200,
      );
      assert.equal(same.thread.summarySource, 'manual');
    });

    /**
     * A worker whose summarizer (the newest message's text) waits inside
     * each computation until `during` has run: the test's change made while
     * a computation is in flight.
     */
    function gatedWorker(during: (round: number) => Promise<unknown>) {
      let round = 0;
      return worker(async (input) => {
        await during(++round);
        return text(input.messages.at(-1)!.html);
      });
    }

    it('a post during every computation (a busy thread) still updates the summary, and the thread stays due for the posts', async () => {
      f = await appFixture(dialect);
      await f.postMessage(KEY, 'Message 0.');
      const w = gatedWorker((round) => f.postMessage(KEY, `Message ${round}.`));
      for (let round = 1; round <= 4; round++) {
        later();
        assert.equal((await w.runOnce()).changed, 1, `round ${round} stored`);
        const row = await threadRow(f.db.store);
        // Computed from what was published at the claim: one post behind.
        assert.equal(row.summary, `Message ${round - 1}.`);
        assert.equal(row.summary_source, 'automatic');
        assert.notEqual(row.summary_due_at, null, 'still due for the post made meanwhile');
        assert.equal(row.summary_claimed_until, null);
      }
    });

    it('a result computed from a message hidden, held by an edit, or deleted meanwhile is dropped', async () => {
      f = await appFixture(dialect, { heldWords: ['casino'], editWindowMinutes: 15 });
      const changes: ((id: number, token: string) => Promise<Response>)[] = [
        (id) => f.patch(`/api/admin/messages/${id}`, { status: 'hidden' }, ADMIN),
        (id, token) => f.patch(`/api/messages/${id}`, { body: 'To the casino.' }, bearer(token)),
        (id, token) => f.delete(`/api/messages/${id}`, bearer(token)),
      ];
      for (const [index, change] of changes.entries()) {
        const key = `/meanwhile/${index}`;
        await f.postMessage(key, `Kept words ${index}.`);
        const doomed = await f.postMessage(key, `Doomed words ${index}.`);
        const w = gatedWorker(async () => {
          const res = await change(doomed.message.id, doomed.editToken);
          assert.ok(res.ok, `${res.status}`);
        });
        later();
        assert.deepEqual(await w.runOnce(), { claimed: 1, changed: 0, failed: 0 });
        const row = await threadRow(f.db.store, key);
        assert.equal(row.summary, null, 'the doomed text is never stored');
        assert.notEqual(row.summary_due_at, null, 'still due');
        await w.stop();
        // Computed again, from what is left: this thread is not due for the next round.
        later();
        await worker(recordingSummarizer()).runOnce();
        assert.equal((await threadRow(f.db.store, key)).summary, `Kept words ${index}.`);
      }
    });

    it('hiding, holding (an edit) or deleting a quoted message clears the automatic summary in the same transaction, with a thread.updated', async () => {
      f = await appFixture(dialect, { heldWords: ['casino'], editWindowMinutes: 15 });
      const w = worker(recordingSummarizer());
      const page = async () => (await f.threadPage(KEY)).thread;
      for (const how of ['hidden', 'held', 'deleted'] as const) {
        const quoted = await f.postMessage(KEY, `Quoted ${how} words.`);
        later();
        await w.runOnce();
        assert.equal((await page()).summary, `Quoted ${how} words.`);
        const before = (await eventTypes(f.db.store)).length;
        const res =
          how === 'deleted'
            ? await f.delete(`/api/messages/${quoted.message.id}`, bearer(quoted.editToken))
            : how === 'held'
              ? await f.patch(
                  `/api/messages/${quoted.message.id}`,
                  { body: 'Off to the casino.' },
                  bearer(quoted.editToken),
                )
              : await f.patch(
                  `/api/admin/messages/${quoted.message.id}`,
                  { status: 'hidden' },
                  ADMIN,
                );
        assert.ok(res.ok, `${how}: ${res.status}`);
        // The very next read: no summary quoting it.
        const thread = await page();
        assert.equal(thread.summary, null, how);
        assert.equal(thread.summarySource, null, how);
        assert.ok((await eventTypes(f.db.store)).slice(before).includes('thread.updated'));
        const row = await threadRow(f.db.store);
        assert.equal(row.summary_due_at, f.now.toISOString(), 'due now');
      }
      // A manual summary is the moderator's: hiding a message leaves it.
      await f.patch(
        `/api/admin/threads/${encodeURIComponent(KEY)}`,
        { summary: 'Typed by the owner.' },
        ADMIN,
      );
      const another = await f.postMessage(KEY, 'Another message.');
      await f.patch(`/api/admin/messages/${another.message.id}`, { status: 'hidden' }, ADMIN);
      assert.equal((await page()).summary, 'Typed by the owner.');
    });

    it('after an endpoint fault stores the extractive summary and asks the endpoint again a minute later', async () => {
      f = await appFixture(dialect);
      const endpoint = await chatCompletionsServer();
      cleanups.push(() => endpoint.close());
      endpoint.answer({ status: 503 });
      const w = worker(
        chatCompletionsSummary({ url: endpoint.baseUrl, model: 'test-model' }, extractiveSummary),
      );
      await f.postMessage(
        KEY,
        'The build broke on Node 22. Converting the config to ESM fixed it.',
      );
      later();
      assert.equal((await w.runOnce()).changed, 1);
      let row = await threadRow(f.db.store);
      assert.ok(row.summary && row.summary !== DEFAULT_COMPLETION, 'the extractive stand-in');
      assert.equal(row.summary_source, 'automatic');
      assert.equal(new Date(row.summary_due_at!).getTime(), f.now.getTime() + 60_000);
      endpoint.answer({ content: DEFAULT_COMPLETION });
      later(30_000);
      assert.equal((await w.runOnce()).claimed, 0, 'not before the minute is up');
      assert.equal(endpoint.requests.length, 1);
      later(31_000);
      assert.equal((await w.runOnce()).changed, 1);
      row = await threadRow(f.db.store);
      assert.equal(row.summary, DEFAULT_COMPLETION);
      assert.equal(row.summary_due_at, null, 'up to date');
      assert.equal(endpoint.requests.length, 2);
    });

    it('leaves no listener on its stop signal however many computations it runs', async () => {
      f = await appFixture(dialect);
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      cleanups.push(async () => process.off('warning', onWarning));
      const w = worker(recordingSummarizer(), { batchSize: 30 });
      for (let i = 0; i < 30; i++) await f.postMessage(`/listeners/${i}`, `Words ${i}.`);
      later();
      assert.equal((await w.runOnce()).changed, 30);
      for (let i = 0; i < 30; i++) await f.postMessage(`/listeners/${i}`, `More ${i}.`);
      later();
      assert.equal((await w.runOnce()).changed, 30);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning'),
        [],
      );
    });

    it('computes a thread at most once every 5 s under a burst of posts, the last one after the burst', async () => {
      f = await appFixture(dialect);
      const summarize = recordingSummarizer();
      const w = worker(summarize);
      // 30 posts a second apart (postMessage moves the clock 1 s), a pass after each.
      for (let i = 1; i <= 30; i++) {
        await f.postMessage(KEY, `Message number ${i}.`);
        await w.runOnce();
      }
      assert.ok(
        summarize.inputs.length <= 7,
        `30 s of posts: at most 7 computations, got ${summarize.inputs.length}`,
      );
      later();
      await w.runOnce();
      assert.equal((await threadRow(f.db.store)).summary, 'Message number 30.');
    });

    it('a summarizer that throws or hangs never stops the worker: that thread backs off, others go on', async () => {
      f = await appFixture(dialect);
      const errors: unknown[] = [];
      const w = worker(
        async (input, signal) => {
          const body = text(input.messages[0]!.html);
          if (body.startsWith('Throw')) throw new Error('model exploded');
          if (body.startsWith('Hang')) return new Promise<never>(() => {});
          assert.ok(signal, 'a signal is given');
          return body;
        },
        {
          timeoutMs: 100,
          logger: { ...silentLogger, error: (entry) => errors.push(entry) },
        },
      );
      await f.postMessage('/a', 'Throw please.');
      await f.postMessage('/b', 'Hang please.');
      await f.postMessage('/c', 'Fine words.');
      const result = await w.runOnce();
      assert.deepEqual(result, { claimed: 3, changed: 1, failed: 2 });
      assert.equal((await threadRow(f.db.store, '/c')).summary, 'Fine words.');
      assert.equal(errors.length, 2);
      for (const key of ['/a', '/b']) {
        const row = await threadRow(f.db.store, key);
        assert.equal(row.summary, null);
        assert.equal(row.summary_claimed_until, null, 'claim released');
        assert.equal(
          new Date(row.summary_due_at!).getTime(),
          f.now.getTime() + 60_000,
          'tried again in a minute',
        );
      }
      later(30_000);
      assert.equal((await w.runOnce()).claimed, 0, 'not before the minute is up');
      later(31_000);
      assert.equal((await w.runOnce()).claimed, 2);
    });

    it('stores what a moderator could type: one line, no control characters, at most 1000 characters', async () => {
      f = await appFixture(dialect);
      const w = worker(async () => `Line one\nline two\u0007 ${'x'.repeat(2000)}`);
      await f.postMessage(KEY, 'Words.');
      await w.runOnce();
      const { summary } = await threadRow(f.db.store);
      assert.ok(summary!.startsWith('Line one line two x'));
      assert.equal([...summary!].length, 1000);
    });

    it('a thread that is not public is never summarised', async () => {
      f = await appFixture(dialect, { moderation: 'all' });
      const summarize = recordingSummarizer();
      await f.postMessage(KEY, 'Held first post.', { thread: { title: 'Secret title' } });
      await worker(summarize).runOnce();
      assert.equal(summarize.inputs.length, 0);
    });

    it('gives the summarizer the opening post and the first and latest replies of a very long thread', async () => {
      f = await appFixture(dialect);
      const summarize = recordingSummarizer();
      await f.postMessage(KEY, 'The opening.', { kind: 'opening' });
      for (let i = 1; i <= 12; i++) await f.postMessage(KEY, `Reply ${i}.`);
      await worker(summarize, { maxMessages: 7 }).runOnce();
      const bodies = summarize.inputs[0]!.messages.map((m) => text(m.html));
      assert.deepEqual(bodies, [
        'The opening.',
        'Reply 1.',
        'Reply 2.',
        'Reply 3.',
        'Reply 10.',
        'Reply 11.',
        'Reply 12.',
      ]);
    });

    it('two workers on one database never compute a thread at the same time, and agree on one summary', async () => {
      f = await appFixture(dialect);
      const other = await openStore(f.db.url);
      cleanups.push(() => other.close());
      const running = new Map<string, number>();
      let overlap = 0;
      let computed = 0;
      const summarize: Summarize = async (input) => {
        const key = input.title ?? '';
        running.set(key, (running.get(key) ?? 0) + 1);
        if (running.get(key)! > 1) overlap++;
        computed++;
        await new Promise((r) => setTimeout(r, 30));
        running.set(key, running.get(key)! - 1);
        return `About ${key}.`;
      };
      const a = worker(summarize);
      const b = createSummaryWorker({
        store: other,
        logger: silentLogger,
        summarize,
        clock: () => new Date(f.now),
      });
      cleanups.push(() => b.stop());
      for (let t = 0; t < 10; t++) {
        await f.postMessage(`/t/${t}`, `Words ${t}.`, { thread: { title: `T${t}` } });
      }
      later();
      for (let round = 0; round < 4; round++) await Promise.all([a.runOnce(), b.runOnce()]);
      assert.equal(overlap, 0, 'never two computations of one thread at once');
      assert.equal(computed, 10, 'each thread computed once');
      for (let t = 0; t < 10; t++) {
        const row = await threadRow(f.db.store, `/t/${t}`);
        assert.equal(row.summary, `About T${t}.`);
        assert.equal(row.summary_due_at, null);
      }
    });

    it('a lease that ran out (an instance died) lets another instance compute the thread', async () => {
      f = await appFixture(dialect);
      const dead = worker(() => new Promise<never>(() => {}), { timeoutMs: 60_000 });
      await f.postMessage(KEY, 'Words.');
      const pass = dead.runOnce();
      while ((await threadRow(f.db.store)).summary_claimed_until === null)
        await new Promise((r) => setTimeout(r, 5));
      const alive = worker(recordingSummarizer());
      assert.equal((await alive.runOnce()).claimed, 0, 'held by the other instance');
      later(91_000);
      assert.equal((await alive.runOnce()).changed, 1);
      assert.equal((await threadRow(f.db.store)).summary, 'Words.');
      await dead.stop();
      await pass;
      assert.equal(
        (await threadRow(f.db.store)).summary,
        'Words.',
        'the dead claim stores nothing',
      );
    });

    it('a summary appears within seconds of a post, with the worker polling at its real interval', async () => {
      f = await appFixture(dialect);
      const w = createSummaryWorker({
        store: f.db.store,
        logger: silentLogger,
        summarize: recordingSummarizer(),
      });
      cleanups.push(() => w.stop());
      w.start();
      const started = Date.now();
      await f.postMessage(KEY, 'Fast enough.');
      let page: ThreadPage;
      do {
        await new Promise((r) => setTimeout(r, 50));
        page = await f.threadPage(KEY);
      } while (page.thread.summary === null && Date.now() - started < 10_000);
      const ms = Date.now() - started;
      assert.equal(page.thread.summary, 'Fast enough.', `within 10 s (took ${ms} ms)`);
      console.log(`# ${dialect.name}: summary visible ${ms} ms after the post (poll 1000 ms)`);
    });

    it('after the upgrade, public threads without a summary are due; manual ones stay', async () => {
      f = await appFixture(dialect, { moderation: 'all' });
      await f.postMessage('/old', 'Old words.');
      // biome-ignore lint/suspicious/noExplicitAny: a migration takes Kysely<any>, like the schema before it.
      const raw = f.db.store.db as unknown as Kysely<any>;
      // The database as it was before the migration: published threads, one
      // with a summary a moderator typed, one held.
      await raw.updateTable('messages').set({ status: 'published' }).execute();
      await raw.updateTable('threads').set({ public: 1, message_count: 1 }).execute();
      await f.postMessage('/typed', 'More words.');
      await raw
        .updateTable('messages')
        .set({ status: 'published' })
        .where('body', '=', 'More words.')
        .execute();
      await raw
        .updateTable('threads')
        .set({ public: 1, summary: 'Typed long ago.', message_count: 1 })
        .where('key', '=', '/typed')
        .execute();
      await f.postMessage('/held', 'Held.');
      await summariesMigration.down(raw);
      await summariesMigration.up(raw);
      // The migration marks them due as of the real time it ran.
      f.now = new Date(Date.now() + 1000);

      const summarize = recordingSummarizer();
      assert.equal((await worker(summarize).runOnce()).changed, 1);
      assert.equal((await threadRow(f.db.store, '/old')).summary, 'Old words.');
      const typed = await threadRow(f.db.store, '/typed');
      assert.equal(typed.summary, 'Typed long ago.');
      assert.equal(typed.summary_source, 'manual');
      assert.equal(summarize.inputs.length, 1, 'the held thread is not summarised');
    });
  });
}
