/**
 * Proof of work for the example's own posts (the demo thread it seeds). The
 * end-to-end tests post through it too, so there is one client-side solver
 * outside the widget; it lives here because the example must not depend on
 * test code, while the tests already run the example.
 */
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';

/**
 * A solved proof-of-work challenge for one post, as the widget sends it
 * (ALTCHA v2 with altcha-lib), or undefined when the server has proof of work
 * off (`GET /api/challenge` answers 404).
 */
export async function proofOfWork(serverUrl: string): Promise<string | undefined> {
  const response = await fetch(`${serverUrl}/api/challenge`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`no challenge: ${response.status}`);
  const challenge = (await response.json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('the proof-of-work challenge could not be solved');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
