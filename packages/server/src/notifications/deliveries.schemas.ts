import { z } from 'zod';
import { cursorParam, limitParam, MAX_ID } from '../http/fields.ts';

/**
 * `GET /api/admin/deliveries` query. `state` is one value: `state[]=failed`
 * (the bracket form some clients send for arrays) is refused as `state`
 * rather than ignored, which would list every delivery under a filter the
 * caller thinks applies.
 */
export const deliveriesQuery = z.preprocess(
  (query) => {
    if (typeof query !== 'object' || query === null) return query;
    const bracketed = Object.entries(query).filter(([key]) => key.startsWith('state['));
    if (bracketed.length === 0) return query;
    // The values as the array they were meant as: the enum refuses it, under `state`.
    const plain = (query as { state?: unknown }).state;
    const values = bracketed.map(([, value]) => value);
    return { ...query, state: plain === undefined ? values : [plain, ...values] };
  },
  z.object({
    state: z
      .enum(['pending', 'delivered', 'failed'], { error: 'must be pending, delivered or failed' })
      .optional(),
    cursor: cursorParam,
    limit: limitParam(50),
  }),
);

/** `POST /api/admin/deliveries/:id/retry` path. */
export const deliveryIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a delivery id')
    .transform(Number)
    .refine((n) => n <= MAX_ID, 'must be a delivery id'),
});
