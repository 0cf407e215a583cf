/**
 * The proof of work for the reader's next post, fetched and solved in the
 * background while the reader types (the form calls {@link PostProof.warm}
 * on first use), so that a post normally finds it ready and no one waits or
 * sees anything. When the server has proof of work off (`GET /api/challenge`
 * answers 404) nothing on this page asks that server again (every form, every
 * element), until a post is refused for want of a proof.
 */
import type { Challenge } from 'altcha-lib';
import { ApiError } from '../api/client.js';
import { getChallenge } from '../api/interactive.js';

/** A solved challenge, as the post sends it. */
interface Proof {
  /** `base64(JSON {challenge, solution})`: ALTCHA's payload. */
  payload: string;
  /** When the challenge expires, in ms since the epoch. */
  expiresAt: number;
}

/** A challenge this close to expiring is replaced before a post uses it. */
const MARGIN_MS = 30_000;

/**
 * Servers (base URLs) that answered `GET /api/challenge` with 404 on this
 * page: proof of work is off there, so asking again would only log a failed
 * request on the blog's console per post. Page-wide, not per element: a
 * re-created element (a blog's client-side navigation) asks no more.
 */
export const proofOff = new Set<string>();

export class PostProof {
  #base = '';
  #job: Promise<Proof | null> | null = null;

  /** Starts fetching and solving a challenge for `base`, unless one is ready or under way. */
  warm(base: string): Promise<Proof | null> | null {
    if (base !== this.#base) {
      this.#base = base;
      this.#job = null;
    }
    if (proofOff.has(base) || this.#job) return this.#job;
    const job = this.#fetchAndSolve(base);
    // A failure is met when the post takes it (and the server says what it wants).
    job.catch(() => {});
    this.#job = job;
    return job;
  }

  /** Forgets what is known: after the server refused a proof, the next one starts afresh. */
  reset() {
    proofOff.delete(this.#base);
    this.#job = null;
  }

  /**
   * The payload for the next post (waiting for the solve if it is still
   * running), or undefined when the server wants none or none could be had.
   * Each payload is handed out once: a challenge is good for one post.
   */
  async take(base: string): Promise<string | undefined> {
    let proof = await this.warm(base)?.catch(() => null);
    if (proof && proof.expiresAt - Date.now() < MARGIN_MS) {
      // Expired while the reader typed: fetch a fresh one.
      this.#job = null;
      proof = await this.warm(base)?.catch(() => null);
    }
    this.#job = null;
    return proof?.payload;
  }

  async #fetchAndSolve(base: string): Promise<Proof | null> {
    let challenge: Challenge;
    try {
      challenge = await getChallenge(base, new AbortController().signal);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        proofOff.add(base);
        return null;
      }
      throw e;
    }
    const { solve } = await import('./pow-solver.js');
    const solution = await solve(challenge);
    return {
      payload: btoa(JSON.stringify({ challenge, solution })),
      expiresAt: (challenge.parameters.expiresAt ?? 0) * 1000,
    };
  }
}
