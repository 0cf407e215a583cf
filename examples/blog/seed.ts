/**
 * The demo thread the example seeds into an empty database, modelled on
 * `shared/reference/seed-thread.txt`. It is posted through the public HTTP
 * API, as any client would, so the first look shows a living thread.
 */
import type { PostMessageResponse, Store, ThreadList } from '@parley/server';
import { proofOfWork } from './proof-of-work.ts';

/** The key the example article's thread lives under (its canonical path). */
export const DEMO_KEY = '/2026/11/the-efficiency-wars/';

const TITLE = 'The Efficiency Wars: How DeepSeek R1 Challenges Western AI Dominance';
const SUMMARY =
  'This thread explores DeepSeek’s R1 breakthrough, analyzing its MoE architecture and cost ' +
  'efficiency against Western rivals like OpenAI. We examine implications for global compute ' +
  'markets and open-source development.';

const OPENING = `The recent release of DeepSeek-R1 has sent shockwaves through the AI community, challenging the established narrative that only massive, dense models can achieve top-tier reasoning. By leveraging **Mixture-of-Experts (MoE)** architectures and aggressive reinforcement learning, DeepSeek reportedly achieved performance comparable to leading US counterparts while reducing inference costs by up to 90%. This isn't just a technical win; it's a geopolitical and economic pivot point.

Traditional benchmarks often favor parameter-heavy models, but R1’s success highlights a critical shift toward *efficiency over sheer scale*. Competitors like Google and Anthropic are now forced to reconsider their resource allocation strategies. The data suggests that smarter training pipelines and architectural innovations can outperform brute-force computing power, raising questions about the sustainability of the current 'arms race' in GPU consumption.

Furthermore, the open-weight nature of this release accelerates global adoption, allowing smaller labs to compete with industry giants. However, concerns regarding safety alignment and potential misuse remain pertinent as these efficient models become widely accessible. Which path will define the next generation of general-purpose AI?`;

const REPLIES = [
  {
    author: 'Marta Kowalski',
    body: "R1's efficiency claims ignore latency & alignment risks. Enterprise buyers prioritize compliance over cost. Geopolitics aside, market corrections drive real GEO gains, not hype.",
  },
  {
    author: 'Dev Patel',
    body: 'Efficiency is fragile. DeepSeek saves cash, but enterprises buy insurance, not speed. Hype drives traffic, trust keeps the lights on.',
  },
  {
    author: 'Lena Hoffmann',
    body: 'MoE cuts latency via sparse activation. More instances, better UX.',
    replyTo: 0,
  },
  {
    author: 'Sam Okafor',
    body: 'R1’s efficiency enables real-time, personalized GEO. It shifts SEO to semantic depth via accessible agents, challenging centralized giants.',
  },
];

/**
 * The forum's own threads (`/forum/t/<slug>/`, each page served by run.ts),
 * so the forum index and the home page's cards have more than one thread to
 * show. One post each: with the demo thread's five, seven posts from one
 * client, which leaves a reader (or an end-to-end test) three more within
 * the server's ten a minute.
 */
export const FORUM_THREADS = [
  {
    slug: 'self-hosting-on-a-raspberry-pi',
    title: 'Self-hosting comments on a Raspberry Pi',
    author: 'Jonas Berg',
    body: 'I run Parley on a Pi 4 with SQLite behind Caddy. Six months in, no problems, but backups took me a while to get right. How do you back yours up?',
    replies: [] as { author: string; body: string }[],
  },
  {
    slug: 'markdown-or-rich-text',
    title: 'Markdown or a rich-text editor for comments?',
    author: 'Camille Durand',
    body: 'Readers of my cooking blog are not developers. Is **Markdown** too much to ask of them, or is a toolbar worth the weight?',
    replies: [] as { author: string; body: string }[],
  },
];

/** The key (and page path) of a forum thread. */
export const forumKey = (slug: string) => `/forum/t/${slug}/`;

/**
 * Seeds the demo thread and the forum's threads when the database has no thread at all; a database
 * that already has content is never touched. Returns whether it seeded.
 */
export async function seedIfEmpty(
  serverUrl: string,
  blogOrigin: string,
  store: Store,
  adminToken?: string,
): Promise<boolean> {
  const list = (await (await fetch(`${serverUrl}/api/threads?limit=1`)).json()) as ThreadList;
  if (list.threads.length > 0) return false;

  const post = async (body: Record<string, unknown>, key = DEMO_KEY) => {
    const altcha = await proofOfWork(serverUrl);
    const response = await fetch(`${serverUrl}/api/threads/${encodeURIComponent(key)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: blogOrigin },
      body: JSON.stringify({ ...body, ...(altcha ? { altcha } : {}) }),
    });
    if (response.status !== 201) {
      throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
    }
    const posted = (await response.json()) as PostMessageResponse;
    // With PARLEY_MODERATION=all the demo posts wait like anyone's: the
    // example approves them as a moderator would, through the admin API.
    if (posted.status === 'pending') await approve(posted.message.id);
    return posted.message.id;
  };

  const approve = async (id: number) => {
    if (!adminToken) {
      throw new Error(
        'seeding failed: the server holds new messages for moderation; set PARLEY_ADMIN_TOKEN so the example can approve its demo thread',
      );
    }
    const response = await fetch(`${serverUrl}/api/admin/messages/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ status: 'published' }),
    });
    if (response.status !== 200) {
      throw new Error(
        `approving a demo message failed: ${response.status} ${await response.text()}`,
      );
    }
  };

  const ids: number[] = [];
  await post({
    author: 'Priya Raman',
    body: OPENING,
    kind: 'opening',
    thread: { title: TITLE, url: `${blogOrigin}${DEMO_KEY}` },
  });
  for (const reply of REPLIES) {
    const parentId = reply.replyTo === undefined ? undefined : ids[reply.replyTo];
    ids.push(await post({ author: reply.author, body: reply.body, parentId }));
  }
  for (const t of FORUM_THREADS) {
    const key = forumKey(t.slug);
    await post(
      {
        author: t.author,
        body: t.body,
        kind: 'opening',
        thread: { title: t.title, url: `${blogOrigin}${key}` },
      },
      key,
    );
    for (const reply of t.replies) await post(reply, key);
  }
  // A summary is the site owner's to write (PATCH /api/admin/threads/:key);
  // the example runs without an admin token by default, so it writes it as
  // the server's operator, straight into the database it opened.
  await store.db
    .updateTable('threads')
    .set({ summary: SUMMARY, summary_source: 'manual' })
    .where('key', '=', DEMO_KEY)
    .execute();
  return true;
}
