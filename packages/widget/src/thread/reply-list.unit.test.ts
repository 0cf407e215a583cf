/**
 * A long thread's loaded replies as runs and gaps, without a browser:
 * `node --import tsx --test src/thread/reply-list.unit.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, Thread } from '@parley/server/wire';
import { listed, type ReplyList, replyList } from './reply-list.js';
import { withAdded, withGapPage, withMessages, withPageAt } from './reply-list-changes.js';

const message = (id: number, over: Partial<Message> = {}): Message => ({
  id,
  parentId: null,
  kind: 'reply',
  author: { name: `Reader ${id}` },
  html: `<p>${id}</p>`,
  createdAt: '2025-06-01T12:00:00.000Z',
  editedAt: null,
  highlighted: false,
  ...over,
});
const opening = message(1, { kind: 'opening' });
/** Replies `from`..`to`, as the listing holds them. */
const replies = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const ids = (list: ReplyList) => listed(list).map((m) => m.id);
/** Each run as [first id, last id, gap count or 'end' / 'open'], for short assertions. */
const shape = (list: ReplyList) =>
  list.runs.map((r) => [
    r.messages[0]?.id,
    r.messages.at(-1)?.id,
    r.gap ? (r.gap.count ?? 'open') : 'end',
  ]);
const host = (over: { sort?: 'oldest' | 'newest'; count?: number; pending?: number[] } = {}) => ({
  options: () => ({ limit: 20, sort: over.sort ?? 'oldest' }),
  thread: { messageCount: over.count ?? 0 } as Thread,
  pending: new Set(over.pending ?? []),
});

describe('replyList', () => {
  it('keeps the opening post apart and puts "load more" after the first page', () => {
    const list = replyList([opening, ...replies(10, 29)], 'c20');
    assert.equal(list.opening, opening);
    assert.deepEqual(shape(list), [[10, 29, 'open']]);
    assert.deepEqual(ids(list), [1, ...replies(10, 29).map((m) => m.id)]);
    assert.deepEqual(shape(replyList(replies(10, 12), null)), [[10, 12, 'end']]);
  });
});

describe('withPageAt', () => {
  const first = replyList([opening, ...replies(10, 29)], 'c20');

  it('puts the page after a gap of the replies between it and the first page', () => {
    // Listing positions: reply 10 is 0, so 55 is 45.
    const list = withPageAt(first, { messages: replies(55, 74), nextCursor: 'c65', before: 45 });
    assert.deepEqual(shape(list), [
      [10, 29, 25],
      [55, 74, 'open'],
    ]);
    assert.equal(list.runs[0]!.gap!.cursor, 'c20');
    assert.equal(list.runs[1]!.gap!.cursor, 'c65');
  });

  it('joins a page that touches or overlaps the run before it', () => {
    const list = withPageAt(first, { messages: replies(25, 44), nextCursor: 'c35', before: 15 });
    assert.deepEqual(shape(list), [[10, 44, 'open']]);
    assert.deepEqual(ids(list), [1, ...replies(10, 44).map((m) => m.id)]);
  });

  it('closes the listing when the page reaches its end', () => {
    const list = withPageAt(first, { messages: replies(40, 49), nextCursor: null, before: 30 });
    assert.deepEqual(shape(list), [
      [10, 29, 10],
      [40, 49, 'end'],
    ]);
  });

  it('goes before a later run, splitting the gap in two', () => {
    const far = withPageAt(first, { messages: replies(80, 99), nextCursor: 'c90', before: 70 });
    const list = withPageAt(far, { messages: replies(45, 64), nextCursor: 'c55', before: 35 });
    assert.deepEqual(shape(list), [
      [10, 29, 15],
      [45, 64, 15],
      [80, 99, 'open'],
    ]);
  });
});

describe('withGapPage', () => {
  const at = withPageAt(replyList([opening, ...replies(10, 29)], 'c20'), {
    messages: replies(65, 84),
    nextCursor: 'c75',
    before: 55,
  });

  it('adds the page to the run before the gap, which shrinks', () => {
    const list = withGapPage(at, 0, { messages: replies(30, 49), nextCursor: 'c40' });
    assert.deepEqual(shape(list), [
      [10, 49, 15],
      [65, 84, 'open'],
    ]);
    assert.equal(list.runs[0]!.gap!.cursor, 'c40');
  });

  it('closes the gap when the page meets the run after it, each reply once', () => {
    const list = withGapPage(at, 0, { messages: replies(30, 69), nextCursor: 'c60' });
    assert.deepEqual(shape(list), [[10, 84, 'open']]);
    assert.deepEqual(ids(list), [1, ...replies(10, 84).map((m) => m.id)]);
  });

  it('keeps a gap its count says is empty while the server has a cursor for it, then closes it on overlap', () => {
    // The count is an estimate: only the listing says the gap is closed.
    const list = withGapPage(at, 0, { messages: replies(30, 64), nextCursor: 'c55' });
    assert.deepEqual(shape(list), [
      [10, 64, 1],
      [65, 84, 'open'],
    ]);
    assert.equal(list.runs[0]!.gap!.cursor, 'c55');
    const closed = withGapPage(list, 0, { messages: replies(65, 84), nextCursor: 'c75' });
    assert.deepEqual(shape(closed), [[10, 84, 'open']]);
  });

  it('never loses replies when the count runs out early (placeholders unloaded, the reader posted)', () => {
    // 45 replies, 10..54; 6 placeholders past the first page are not in messageCount (1 + 39).
    const first = replyList([opening, ...replies(10, 29)], 'c20');
    const mine = withAdded(first, message(100), host({ count: 40 }));
    // 40 - 21 loaded: 19, though 25 are unloaded.
    assert.deepEqual(shape(mine), [
      [10, 29, 19],
      [100, 100, 'end'],
    ]);
    const list = withGapPage(mine, 0, { messages: replies(30, 49), nextCursor: 'c40' });
    // 50..54 are still to load: the gap stays, with its cursor.
    assert.deepEqual(shape(list), [
      [10, 49, 1],
      [100, 100, 'end'],
    ]);
    assert.equal(list.runs[0]!.gap!.cursor, 'c40');
    const end = withGapPage(list, 0, {
      messages: [...replies(50, 54), message(100)],
      nextCursor: null,
    });
    assert.deepEqual(ids(end), [1, ...replies(10, 54).map((m) => m.id), 100]);
    assert.deepEqual(shape(end), [[10, 100, 'end']]);
  });

  it('closes the last gap at the end of the listing, dropping replies already here', () => {
    const first = replyList([opening, ...replies(10, 29)], 'c20');
    const mine = withAdded(first, message(30), host({ sort: 'newest' }));
    const list = withGapPage(mine, 0, { messages: replies(29, 35), nextCursor: null });
    assert.deepEqual(shape(list), [[30, 35, 'end']]);
    assert.deepEqual(ids(list), [1, 30, ...replies(10, 29).map((m) => m.id), 31, 32, 33, 34, 35]);
  });
});

describe('withAdded', () => {
  const first = replyList([opening, ...replies(10, 29)], 'c20');

  it('with oldest and pages unloaded, puts a top-level reply last after a gap of the rest', () => {
    // 41 messages: the opening post, 20 loaded, 20 not.
    const list = withAdded(first, message(100), host({ count: 41 }));
    assert.deepEqual(shape(list), [
      [10, 29, 20],
      [100, 100, 'end'],
    ]);
    // Another new one joins it at the end.
    assert.deepEqual(shape(withAdded(list, message(101), host({ count: 42 }))), [
      [10, 29, 20],
      [100, 101, 'end'],
    ]);
  });

  it('counts neither placeholders nor posts awaiting moderation as loaded', () => {
    const page = [opening, message(10, { deleted: true }), ...replies(11, 29)];
    const list = withAdded(
      replyList(page, 'c20'),
      message(100),
      host({ count: 40, pending: [29] }),
    );
    // 40 published: the opening post, 18 loaded (10 deleted, 29 pending), 21 not.
    assert.equal(list.runs[0]!.gap!.count, 21);
  });

  it('nests a reply whose parent is loaded, and replaces one already here', () => {
    const reply = withAdded(first, message(100, { parentId: 12 }), host({ count: 41 }));
    assert.deepEqual(shape(reply), [[10, 100, 'open']]);
    const edited = message(12, { html: '<p>edited</p>' });
    const replaced = withAdded(first, edited, host());
    assert.equal(
      listed(replaced).find((m) => m.id === 12),
      edited,
    );
    assert.deepEqual(ids(replaced), ids(first));
  });

  it('with newest, puts it first; with nothing unloaded, last', () => {
    assert.deepEqual(
      ids(withAdded(first, message(100), host({ sort: 'newest' }))).slice(0, 3),
      [1, 100, 10],
    );
    const whole = replyList([opening, ...replies(10, 12)], null);
    assert.deepEqual(ids(withAdded(whole, message(100), host())), [1, 10, 11, 12, 100]);
  });
});

describe('withMessages', () => {
  it('keeps each message in its run, and a run emptied hands its gap on', () => {
    const first = replyList([opening, ...replies(10, 29)], 'c20');
    const list = withAdded(first, message(100), host({ count: 41 }));
    const without = withMessages(
      list,
      listed(list).filter((m) => m.id !== 100),
    );
    assert.deepEqual(shape(without), [[10, 29, 20]]);
    const placeholder = withMessages(
      list,
      listed(list).map((m) => (m.id === 11 ? { ...m, deleted: true } : m)),
    );
    assert.deepEqual(shape(placeholder), shape(list));
    assert.equal(listed(placeholder)[2]!.deleted, true);
  });
});
