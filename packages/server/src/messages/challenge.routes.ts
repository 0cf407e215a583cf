import { Hono } from 'hono';
import type { AppServices } from '../app-services.ts';
import { ApiError } from '../http/api-error.ts';

/**
 * `GET /api/challenge`, mounted under `/api`: a signed ALTCHA challenge for
 * the next post when proof of work is on (`PARLEY_PROOF_OF_WORK=on`), else
 * 404, which tells the widget to send none.
 */
export function challengeRoutes(services: AppServices) {
  const pow = services.proofOfWork;
  return new Hono().get('/challenge', async (c) => {
    if (!pow) {
      throw new ApiError(
        404,
        'not_found',
        'Proof of work is off on this server (PARLEY_PROOF_OF_WORK=off): posts need no challenge.',
      );
    }
    // Each challenge is good for one post: never cached, never shared.
    c.header('Cache-Control', 'no-store');
    return c.json(await pow.challenge(services.clock()));
  });
}
