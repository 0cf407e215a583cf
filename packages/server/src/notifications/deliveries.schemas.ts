import { z } from 'zod';
import { cursorParam, limitParam, MAX_ID } from '../http/fields.ts';

/** `GET /api/admin/deliveries` query. */
export const deliveriesQuery = z.object({
  state: z
    .enum(['pending', 'delivered', 'failed'], { error: 'must be pending, delivered or failed' })
    .optional(),
  cursor: cursorParam,
  limit: limitParam(50),
});

/** `POST /api/admin/deliveries/:id/retry` path. */
export const deliveryIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a delivery id')
    .transform(Number)
    .refine((n) => n <= MAX_ID, 'must be a delivery id'),
});
