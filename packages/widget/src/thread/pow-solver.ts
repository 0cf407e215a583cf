/**
 * Solves ALTCHA (v2) proof-of-work challenges with `altcha-lib`, the library
 * the server checks them with. A chunk of its own, loaded with `import()` by
 * the form's chunk the first time a reader uses the form, and imports
 * nothing from `/widget.js`: the same module is also the worker's script.
 *
 * Why a blob worker that imports this module: the module is served from the
 * Parley server's origin while the page is on the blog's, and `new Worker()`
 * refuses a cross-origin script URL. A blob URL has the page's origin, and a
 * module worker may import a cross-origin module that is served with CORS
 * (the widget's assets are). Where the page's CSP forbids blob workers, the
 * challenge is solved on the main thread: each attempt is one awaited Web
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

function inWorker(challenge: Challenge): Promise<Solution | null> {
  return new Promise((resolve, reject) => {
    const script = URL.createObjectURL(
      new Blob([`import ${JSON.stringify(import.meta.url)};`], { type: 'text/javascript' }),
    );
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
    // The import failed (a CSP, or no CORS on the script): solve on the main thread instead.
    worker.onerror = (e) => {
      done();
      reject(e);
    };
    worker.postMessage(challenge);
  });
}
