/**
 * The proof of work for the reader's next post, fetched and solved in the
 * background while the reader types (the form calls {@link PostProof.warm}
 * on first use), so that a post normally finds it ready and no one waits or
 * sees anything. A challenge is asked for only when the server says it wants
 * proofs (`GET /api/features`: `proofOfWork`), so a blog whose server has
 * proof of work off logs no failed request. When that cannot be known (an
 * older server's 404, a failure, the client's timeout) it is asked
 * for as before features existed, and a 404 from `GET /api/challenge` means
 * off: nothing on this page asks that server again (every form, every
 * element), until a post is refused for want of a proof.
 */
import type { Features } from '@parley/server/wire';
import type { Challenge } from 'altcha-lib';
import { ApiError } from '../api/client.js';
import { getChallenge } from '../api/interactive.js';
import { askFeatures, featuresOf } from './features.js';

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

/**
 * Servers that refused a post for want of a proof on this page: from then on
 * a challenge is asked for whatever their features said (an answer the
 * browser may keep five minutes, from before proof of work was turned on).
 */
const proofWanted = new Set<string>();

/** Whether a server with `features` wants a proof with each post (yes when it could not say). */
const wantsProof = (features: Features | null | undefined) => features?.proofOfWork !== false;

export class PostProof {
  #base = '';
  #job: Promise<Proof | null> | null = null;

  /**
   * Starts fetching and solving a challenge for `base`, once the server's
   * features say it wants one, unless one is ready or under way.
   */
  warm(base: string): Promise<Proof | null> | null {
    if (base !== this.#base) {
      this.#base = base;
      this.#job = null;
    }
    if (proofOff.has(base) || this.#job) return this.#job;
    const known = featuresOf(base);
    const wanted =
      proofWanted.has(base) || known !== undefined
        ? proofWanted.has(base) || wantsProof(known)
        : askFeatures(base).then(wantsProof);
    const job = Promise.resolve(wanted).then((yes) => (yes ? this.#fetchAndSolve(base) : null));
    // A failure is met when the post takes it (and the server says what it wants).
    job.catch(() => {});
    this.#job = job;
    return job;
  }

  /**
   * Forgets what is known: after the server refused a post for want of a
   * proof, the next one starts afresh, and asks for a challenge whatever the
   * server's features said.
   */
  reset() {
    proofOff.delete(this.#base);
    proofWanted.add(this.#base);
    this.#job = null;
  }

  /**
   * The payload for the next post (waiting for the server's features, as
   * it waits for a challenge, and for the solve if it is still running), or
   * undefined when the server wants none or none could be had.
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
