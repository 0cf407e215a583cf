import { createHmac } from 'node:crypto';
import {
  type Challenge,
  createChallenge,
  type Payload,
  randomInt,
  verifySolution,
} from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { challengeRequired } from '../http/api-error.ts';

/**
 * Proof of work for readers' posts (`PARLEY_PROOF_OF_WORK=on`), with ALTCHA's
 * v2 protocol from `altcha-lib` (its package entry; the widget solves with the
 * same library): `GET /api/challenge` hands out a signed challenge, and a post
 * carries the solved payload, `base64(JSON {challenge, solution})`, as `altcha`.
 *
 * The challenge is ALTCHA's deterministic mode: the server picks a secret
 * counter in `COUNTER`, and the solver derives keys (PBKDF2/SHA-256 at `COST`
 * iterations, run natively by the browser's Web Crypto, so a script gains
 * little over a reader's phone) for counters 0, 1, ... until one matches.
 * That bounds a reader's wait (at most `COUNTER.max` derivations, about
 * 0.15 s on a laptop, well under a second on a phone) and lets the server
 * check a solution with two HMACs, whatever the cost: no expensive work
 * before a forgery is refused.
 */

/** PBKDF2 iterations per attempt. */
const COST = 1_000;
/** The range the secret counter is drawn from: the number of attempts a solver makes. */
export const COUNTER = { min: 50, max: 150 } as const;
/**
 * How long a challenge may be used: covers a reader who opens the form and
 * types a long reply (the widget fetches a new one when it expires).
 */
export const CHALLENGE_LIFETIME_MS = 2 * 60 * 60_000;

/** The solved challenge a post spends: its id and expiry, recorded as used. */
export interface SolvedChallenge {
  id: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** Creates and checks challenges signed with keys derived from the server secret. */
export interface ProofOfWork {
  /** A new challenge, valid for `CHALLENGE_LIFETIME_MS` from `now`. */
  challenge(now: Date): Promise<Challenge>;
  /**
   * Checks a solved payload (signature, expiry and solution: cheap), or
   * throws 400 `challenge_required`. Whether it was used before is the
   * caller's to check, in the database every instance shares.
   */
  verify(payload: string | undefined, now: Date): Promise<SolvedChallenge>;
}

/**
 * Derives a key for one purpose from the server secret, so the secret itself
 * signs nothing directly and no key is ever stored.
 */
function derivedKey(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`parley proof-of-work: ${purpose}`).digest('hex');
}

/** Proof of work keyed by `secret` (`services.secret`). */
export function proofOfWork(secret: string): ProofOfWork {
  const hmacSignatureSecret = derivedKey(secret, 'challenge signature');
  const hmacKeySignatureSecret = derivedKey(secret, 'key signature');
  return {
    challenge: (now) =>
      createChallenge({
        algorithm: 'PBKDF2/SHA-256',
        cost: COST,
        counter: randomInt(COUNTER.max, COUNTER.min),
        deriveKey,
        expiresAt: new Date(now.getTime() + CHALLENGE_LIFETIME_MS),
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      }),
    async verify(payload, now) {
      if (!payload) throw challengeRequired('This server asks every post for a proof of work.');
      const decoded = decodePayload(payload);
      if (!decoded) throw challengeRequired('The proof of work is not a solved ALTCHA payload.');
      const { challenge, solution } = decoded;
      const expiresAt = challenge.parameters.expiresAt;
      let verified = false;
      try {
        // Only a payload whose signature holds gets here past the HMAC:
        // the library checks it before the solution.
        const result = await verifySolution({
          challenge,
          solution,
          deriveKey,
          hmacSignatureSecret,
          hmacKeySignatureSecret,
        });
        verified = result.verified;
      } catch {
        verified = false;
      }
      if (!verified || typeof expiresAt !== 'number') {
        throw challengeRequired('The proof of work is not valid or has expired.');
      }
      // The library checks expiry against the system clock; the app's clock
      // (the same one in production) is the one every other rule uses.
      if (expiresAt * 1000 <= now.getTime()) {
        throw challengeRequired('The proof of work has expired.');
      }
      return {
        id: challenge.parameters.nonce,
        expiresAt: new Date(expiresAt * 1000).toISOString(),
      };
    },
  };
}

/** The ALTCHA payload as the widget sends it, or null if it is not one. */
function decodePayload(payload: string): Payload | null {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Payload;
    const ok =
      typeof value === 'object' &&
      value !== null &&
      typeof value.challenge?.parameters?.nonce === 'string' &&
      typeof value.challenge.signature === 'string' &&
      typeof value.solution === 'object' &&
      value.solution !== null;
    return ok ? value : null;
  } catch {
    return null;
  }
}
