/**
 * Test support: the shape of a corpus discussion, and how it becomes what a
 * summarizer is given. Bodies are markdown, rendered by the server's own
 * renderer, so the summarizer reads exactly the HTML a thread would store
 * (code blocks, quotes, entities and all).
 */
import { renderMarkdown } from '../../markdown/render.ts';
import type { SummaryInput } from '../summarizer.ts';

/** One discussion of the corpus, with what its summary must and must not say. */
export interface Discussion {
  name: string;
  /** The language it is written in (BCP 47), as `detectLanguage` must find it. */
  language: string;
  title: string | null;
  /** Published messages, oldest first; the first is the opening post when `opening` is set. */
  posts: { author: string; body: string }[];
  /** Whether the first post opens the thread (a forum-style thread) rather than replying to a page. */
  opening: boolean;
  /** Phrases the summary must contain (each names a sentence that says what the thread is about). */
  mustContain: string[];
  /** Phrases it must not contain: chit-chat, duplicates, quoted text, code. */
  mustNotContain: string[];
}

/** The discussion as a summarizer gets it: rendered, with ids and times. */
export function summaryInput(discussion: Discussion): SummaryInput {
  const start = Date.UTC(2026, 5, 1, 9, 0, 0);
  return {
    title: discussion.title,
    messages: discussion.posts.map((post, index) => ({
      id: 100 + index,
      kind: discussion.opening && index === 0 ? 'opening' : 'reply',
      author: post.author,
      html: renderMarkdown(post.body),
      createdAt: new Date(start + index * 47 * 60_000).toISOString(),
    })),
  };
}
