/**
 * Solves ALTCHA (v2) proof-of-work challenges with `altcha-lib`, the library
 * the server checks them with. A chunk of its own, loaded with `import()` by
 * the form's chunk the first time a reader uses the form. The same text is
 * also the worker's script, so the build keeps this chunk free of imports
 * (`vite.config.ts` fails the build otherwise): altcha-lib is bundled in.
 *
 * Why a blob worker made of this chunk's own text: the chunk is served from
 * the Parley server's origin while the page is on the blog's, and
 * `new Worker()` refuses a cross-origin script URL. A blob URL has the page's
 * origin. A blob that merely imported the chunk's URL would not do: a module
 * worker fetches its whole module graph as a worker, so the blog's
 * `worker-src blob:` refuses that import. So the chunk fetches its own text
 * (a `connect-src` request to the Parley server, answered from the HTTP cache
 * as a rule) and runs it from a blob, which needs nothing but
 * `worker-src blob:`. Where the page's CSP forbids blob workers (or the fetch),
 * the challenge is solved on the main thread: each attempt is one awaited Web
 * Crypto PBKDF2, which the browser computes off the main thread, so the page
 * stays responsive either way.
 */
import type { Challenge, Solution } from 'altcha-lib';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';

/** Gives up on a challenge after this long (it is meant to take well under a second). */
const TIMEOUT_MS = 60_000;

const solveHere = (challenge: Challenge) =>
  solveChallenge({ challenge, deriveKey, timeout: TIMEOUT_MS });

// Evaluated as a worker's script: solve each challenge sent, answer with the solution (or null).
if (typeof document === 'undefined' && typeof postMessage === 'function') {
  addEventListener('message', async (e: MessageEvent<Challenge>) => {
    postMessage(await solveHere(e.data).catch(() => null));
  });
}

/** Test seam: `false` makes {@link solve} skip the worker, as a strict CSP would. */
export const solverSettings = { worker: true };

/** Solves `challenge`, in a worker when the page allows one, else on the main thread. */
export async function solve(challenge: Challenge): Promise<Solution> {
  const solution =
    (solverSettings.worker ? await inWorker(challenge).catch(() => null) : null) ??
    (await solveHere(challenge));
  if (!solution) throw new Error('The proof-of-work challenge could not be solved.');
  return solution;
}

async function inWorker(challenge: Challenge): Promise<Solution | null> {
  const response = await fetch(import.meta.url);
  if (!response.ok) throw new Error(`${import.meta.url} answered ${response.status}`);
  const script = URL.createObjectURL(
    new Blob([await response.text()], { type: 'text/javascript' }),
  );
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { type: 'module' });
    } catch (e) {
      // A CSP without blob: in worker-src (or script-src) refuses it here.
      URL.revokeObjectURL(script);
      return reject(e);
    }
    const done = () => {
      worker.terminate();
      URL.revokeObjectURL(script);
    };
    worker.onmessage = (e: MessageEvent<Solution | null>) => {
      done();
      resolve(e.data);
    };
    // The script failed to load or run: solve on the main thread instead.
    worker.onerror = (e) => {
      done();
      reject(e);
    };
    worker.postMessage(challenge);
  });
}
