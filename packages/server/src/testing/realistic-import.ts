/**
 * Test support: what both legacy readers must do with a realistic export the
 * generator writes (`legacy-exports.ts`), checked against the generator's own
 * expectations rather than the reader's output, one suite for each format.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { LegacyImportOptions, LegacyReader } from '../data/import/legacy-rules.ts';
import { renderComment } from '../markdown/render.ts';
import {
  type CollectedImport,
  collectImport,
  type LegacyExport,
  liveMarkup,
  visibleText,
  writeLegacyExport,
} from './legacy-exports.ts';

/** The suite for one format. */
export function describeRealisticExport(spec: {
  /** The reader's name, for the suite's title. */
  name: string;
  format: 'disqus' | 'wordpress';
  seed: number;
  read(path: string, options?: LegacyImportOptions): LegacyReader;
  /** The skip reason of a comment on the site `--origin` leaves out. */
  offSite: string;
  /** The folder the file goes in (known once the test file's setup ran). */
  dir(): string;
}): void {
  describe(`${spec.name}: a realistic generated export`, () => {
    let exported: LegacyExport;
    let got: CollectedImport;
    let origins: ReadonlyMap<string, number>;
    let sharedKeys: ReadonlyMap<string, number>;
    before(async () => {
      exported = writeLegacyExport(join(spec.dir(), `realistic-${spec.format}.xml`), {
        format: spec.format,
        seed: spec.seed,
        threads: 300,
        commentsPerThread: 9,
      });
      const reader = spec.read(exported.path);
      got = await collectImport(reader);
      origins = reader.origins;
      sharedKeys = reader.sharedKeys;
    });

    it('imports every thread and message the generator expects, and counts the rest', () => {
      const expected = exported.expect();
      assert.ok(expected.threads.size >= 300);
      assert.deepEqual(
        new Map(got.threads.map((t) => [t.key, { title: t.title, status: t.status, url: t.url }])),
        new Map(
          [...expected.threads].map(([key, t]) => [
            key,
            { title: t.title, status: t.status, url: t.url },
          ]),
        ),
      );
      assert.equal(got.messages.length, expected.messageCount);
      assert.deepEqual(got.skipped, expected.skipped);
      assert.deepEqual(new Map(origins), expected.origins);
      // The localhost copy of the first post shares its key.
      assert.equal(expected.sharedKeys.size, 1);
      assert.deepEqual(new Map(sharedKeys), expected.sharedKeys);
      const perThread = new Map<string, number>();
      for (const m of got.messages)
        perThread.set(m.threadKey, (perThread.get(m.threadKey) ?? 0) + 1);
      assert.deepEqual(
        perThread,
        new Map([...expected.threads].map(([key, t]) => [key, t.messages])),
      );
    });

    it('gives each message its thread, kept parent, author, time and visible text', () => {
      const expected = exported.expect().messages;
      assert.equal(got.messages.length, expected.size);
      let deepest = 0;
      const parents = new Map(got.messages.map((m) => [m.sourceId, m.parentSourceId]));
      for (const m of got.messages) {
        const want = expected.get(m.sourceId);
        assert.ok(want, `unexpected ${m.sourceId}`);
        assert.deepEqual(
          {
            threadKey: m.threadKey,
            parentSourceId: m.parentSourceId,
            author: m.author.name,
            createdAt: m.createdAt,
            text: visibleText(renderComment(m.body).html),
          },
          {
            threadKey: want.threadKey,
            parentSourceId: want.parentSourceId,
            author: want.author,
            createdAt: want.createdAt,
            text: want.text,
          },
          m.sourceId,
        );
        let depth = 0;
        for (let p = m.parentSourceId; p !== null; p = parents.get(p) ?? null) depth++;
        deepest = Math.max(deepest, depth);
      }
      assert.ok(deepest >= 6, `nesting only ${deepest} deep`);
    });

    it('renders every imported body inert: no script, handler, or javascript: link', () => {
      for (const m of got.messages) {
        assert.deepEqual(liveMarkup(renderComment(m.body).html), [], m.sourceId);
      }
    });

    it('passes on no email, IP or username of the file', () => {
      const records = JSON.stringify(got);
      for (const secret of exported.secrets) assert.ok(!records.includes(secret), secret);
    });

    it('with --origin, leaves the localhost copies out and counts them', async () => {
      const reader = spec.read(exported.path, { origins: [exported.origin] });
      const only = await collectImport(reader);
      const expected = exported.expect([exported.origin]);
      assert.deepEqual(new Map(reader.sharedKeys), expected.sharedKeys);
      assert.equal(only.messages.length, expected.messageCount);
      assert.deepEqual(only.skipped, expected.skipped);
      assert.deepEqual(new Set(only.threads.map((t) => t.key)), new Set(expected.threads.keys()));
      assert.ok(only.skipped[spec.offSite]! > 0);
    });
  });
}
