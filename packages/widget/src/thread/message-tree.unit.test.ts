/**
 * The message tree without a browser (node's test runner):
 * `node --import tsx --test src/thread/message-tree.unit.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@parley/server/wire';
import {
  BATCH,
  FIRST_BATCH,
  highlights,
  MAX_DEPTH,
  messageTree,
  nextBatchReach,
  type ReplyNode,
} from './message-tree.js';

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
const reply = (id: number, parentId: number | null = null) => message(id, { parentId });

/** The tree as `id(children)` text, flat replies as `id<name`, for one-line expectations. */
const shape = (nodes: ReplyNode[]): string =>
  nodes
    .map(
      (n) =>
        `${n.message.id}${n.replyTo ? `<${n.replyTo}` : ''}${n.replies.length ? `(${shape(n.replies)})` : ''}`,
    )
    .join(' ');
/** Reading order: each node's `order`, depth first. */
const orders = (nodes: ReplyNode[]): number[] =>
  nodes.flatMap((n) => [n.order, ...orders(n.replies)]);

describe('messageTree', () => {
  it('sets the opening post apart and counts only replies as the batches goal', () => {
    const tree = messageTree([opening, reply(2), reply(3)], Infinity);
    assert.equal(tree.opening, opening);
    assert.equal(shape(tree.replies), '2 3');
    assert.equal(tree.replyCount, 2);
    assert.equal(tree.shownCount, 3);
    assert.deepEqual(orders(tree.replies), [1, 2]);
  });

  it('has no opening post when the page does not start with one', () => {
    const tree = messageTree([reply(2), reply(3, 2)], Infinity);
    assert.equal(tree.opening, undefined);
    assert.equal(shape(tree.replies), '2(3)');
    assert.equal(tree.replyCount, 2);
    assert.deepEqual(orders(tree.replies), [0, 1]);
  });

  it('starts a branch for a reply to the opening post or to a message not loaded', () => {
    const tree = messageTree([opening, reply(2, 1), reply(3, 99), reply(4, 2)], Infinity);
    assert.equal(shape(tree.replies), '2(4) 3');
  });

  it(`nests ${MAX_DEPTH} deep, then lists the rest of a branch flat, saying whom each answers`, () => {
    const chain = [reply(2), reply(3, 2), reply(4, 3), reply(5, 4), reply(6, 5), reply(7, 4)];
    const tree = messageTree(chain, Infinity);
    assert.equal(shape(tree.replies), '2(3(4 5<Reader 4 6<Reader 5 7<Reader 4))');
    assert.deepEqual(orders(tree.replies), [0, 1, 2, 3, 4, 5]);
  });

  it('flattens a chain thousands deep without recursing', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => reply(i + 2, i ? i + 1 : null));
    const tree = messageTree(chain, Infinity);
    const flat = tree.replies[0]!.replies[0]!.replies;
    assert.equal(flat.length, 20_000 - 2);
    assert.equal(flat.at(-1)!.replyTo, 'Reader 20000');
    assert.equal(tree.shownCount, 20_000);
  });

  it('lists at most `budget` replies, in reading order, whatever the branches', () => {
    const page = [opening, reply(2), reply(3, 2), reply(4, 3), reply(5, 4), reply(6), reply(7)];
    assert.equal(shape(messageTree(page, 0).replies), '');
    assert.equal(shape(messageTree(page, 1).replies), '2');
    assert.equal(shape(messageTree(page, 3).replies), '2(3(4))');
    assert.equal(shape(messageTree(page, 4).replies), '2(3(4 5<Reader 4))');
    const five = messageTree(page, 5);
    assert.equal(shape(five.replies), '2(3(4 5<Reader 4)) 6');
    assert.equal(five.shownCount, 6);
    assert.equal(five.replyCount, 6);
  });
});

describe('batches', () => {
  it(`start at ${FIRST_BATCH} and grow by ${BATCH}, or a quarter once that is more`, () => {
    assert.equal(nextBatchReach(FIRST_BATCH), FIRST_BATCH + BATCH);
    assert.equal(nextBatchReach(400), 500);
    let reach = FIRST_BATCH;
    let tasks = 1;
    while (reach < 5_000) {
      reach = nextBatchReach(reach);
      tasks++;
    }
    assert.ok(tasks < 40, `${tasks} tasks for 5,000 replies`);
  });
});

describe('highlights', () => {
  it('keeps the highlighted messages in order, never a deleted one', () => {
    const page = [
      message(1, { highlighted: true }),
      message(2),
      message(3, { highlighted: true, deleted: true }),
      message(4, { highlighted: true }),
    ];
    assert.deepEqual(
      highlights(page).map((m) => m.id),
      [1, 4],
    );
  });
});
