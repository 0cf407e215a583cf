/**
 * Realistic threads, posted through the real API so every row is what the
 * server itself stores (markdown rendered and sanitized at write time).
 * Deterministic: the same seed gives the same thread on SQLite and PostgreSQL.
 */
import type { PostMessageResponse } from '@parley/server/wire';
import { send, threadPath } from './http.ts';

/** A small seeded PRNG (mulberry32): reproducible bodies without a dependency. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a of to and in is that it for on with as this was but be at by not are from or have an ' +
  'they which you one we all there their if would more when about will can so what up out some ' +
  'time than them only could into other server thread reply cache index query latency budget ' +
  'widget browser render comment article reader author discussion markdown page cursor sqlite ' +
  'postgres think agree point example really because though maybe actually interesting problem'
).split(' ');

const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan'];

/** Picks one item of `items`. */
function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function sentence(rand: () => number): string {
  const n = 5 + Math.floor(rand() * 14);
  const words = Array.from({ length: n }, () => pick(rand, WORDS));
  // Sprinkle the inline markdown readers actually use.
  const r = rand();
  const i = Math.floor(rand() * n);
  if (r < 0.12) words[i] = `**${words[i]}**`;
  else if (r < 0.22) words[i] = `_${words[i]}_`;
  else if (r < 0.3) words[i] = `\`${words[i]}()\``;
  else if (r < 0.36) words[i] = `[${words[i]}](https://example.com/${words[i]})`;
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}${pick(rand, ['.', '.', '.', '?', '!'])}`;
}

function paragraph(rand: () => number, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(rand)).join(' ');
}

/**
 * A markdown body of varied length: one-liners, a few paragraphs, sometimes
 * a list, a quote or a code block, roughly 20 to 1,500 characters.
 */
export function markdownBody(rand: () => number): string {
  const size = rand();
  if (size < 0.2) return sentence(rand);
  const blocks: string[] = [];
  const paragraphs = size < 0.7 ? 1 : size < 0.93 ? 2 + Math.floor(rand() * 2) : 4;
  for (let p = 0; p < paragraphs; p++) {
    blocks.push(paragraph(rand, 1 + Math.floor(rand() * 4)));
    const extra = rand();
    if (extra < 0.1) blocks.push(`> ${sentence(rand)}`);
    else if (extra < 0.18) {
      blocks.push(Array.from({ length: 3 }, () => `- ${sentence(rand)}`).join('\n'));
    } else if (extra < 0.23) {
      blocks.push(
        ['```js', `const ${pick(rand, WORDS)}Count = await db.count();`, '```'].join('\n'),
      );
    }
  }
  return blocks.join('\n\n');
}

/** What {@link seedThread} posted. */
export interface SeededThread {
  key: string;
  /** Ids of every message, in posting order, the opening post first. */
  ids: number[];
}

/**
 * Posts an opening post and `count - 1` replies to `key`, one after another
 * (so creation times increase). About a quarter of the replies answer an
 * earlier message, nested at most three deep, as the widget shows them.
 */
export async function seedThread(
  baseUrl: string,
  key: string,
  count: number,
  seed = 200,
): Promise<SeededThread> {
  const rand = prng(seed);
  const ids: number[] = [];
  const depth = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const opening = i === 0;
    let parentId: number | undefined;
    if (!opening && ids.length > 1 && rand() < 0.25) {
      const candidate = ids[1 + Math.floor(rand() * (ids.length - 1))]!;
      if ((depth.get(candidate) ?? 0) < 3) parentId = candidate;
    }
    const reply = await send<PostMessageResponse>(
      'POST',
      `${baseUrl}${threadPath(key, '/messages')}`,
      {
        json: {
          author: pick(rand, NAMES),
          body: markdownBody(rand),
          ...(opening ? { kind: 'opening', thread: { title: `Benchmark thread ${key}` } } : {}),
          ...(parentId === undefined ? {} : { parentId }),
        },
      },
    );
    if (reply.status !== 201) {
      throw new Error(
        `seeding ${key}: POST answered ${reply.status} ${JSON.stringify(reply.body)}`,
      );
    }
    const id = reply.body.message.id;
    ids.push(id);
    depth.set(id, parentId === undefined ? 0 : (depth.get(parentId) ?? 0) + 1);
  }
  return { key, ids };
}
