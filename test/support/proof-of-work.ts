/**
 * A solved proof-of-work challenge for one post, as the widget sends it (ALTCHA
 * v2, solved with altcha-lib), or undefined when the server has proof of work
 * off (`GET /api/challenge` answers 404).
 */
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';

export async function proofOfWork(serverUrl: string): Promise<string | undefined> {
  const response = await fetch(`${serverUrl}/api/challenge`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`no challenge: ${response.status}`);
  const challenge = (await response.json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('the proof-of-work challenge could not be solved');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
