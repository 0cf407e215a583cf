import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { ApiError } from '../http/api-error.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { validate } from '../http/validate.ts';
import { adminApi } from '../moderation/admin-auth.ts';
import type { DeliveryList, RetriedDelivery } from '../wire.ts';
import { toDelivery } from '../wire-mapping.ts';
import { listDeliveries, retryDelivery } from './deliveries.repository.ts';
import { deliveriesQuery, deliveryIdParams } from './deliveries.schemas.ts';

/**
 * Webhook calls and mails as /admin sees them, mounted at
 * `/api/admin/deliveries`: the list (newest first, by state) and a retry.
 * Admin token only, like every `/api/admin` route. Nothing here shows what a
 * delivery carries or to which address: `target` is an origin, `owner` or
 * `reader`.
 */
export function deliveryRoutes(deps: AppDeps, services: AppServices) {
  const { store } = deps;
  const { clock } = services;

  return adminApi(services.verifyAdmin)
    .get('/', validate('query', deliveriesQuery), async (c) => {
      const { state, cursor, limit } = c.req.valid('query');
      const scope = `admin-deliveries:${state ?? 'all'}`;
      const after = cursor ? decodeCursor(scope, cursor) : undefined;
      const rows = await listDeliveries(store.db, { state, limit, after });
      const { page, nextCursor } = keysetPage(rows, limit, scope, (row) => row.created_at);
      const body: DeliveryList = { deliveries: page.map(toDelivery), nextCursor };
      return c.json(body);
    })
    .post('/:id/retry', validate('param', deliveryIdParams), async (c) => {
      const { id } = c.req.valid('param');
      const retried = await store.write((trx) => retryDelivery(trx, id, clock().toISOString()));
      if (!retried) throw new ApiError(404, 'not_found', `No delivery has the id ${id}.`);
      if (retried.refused === 'delivered') {
        throw new ApiError(409, 'already_delivered', `Delivery ${id} was delivered already.`);
      }
      if (retried.refused === 'in_progress') {
        throw new ApiError(
          409,
          'delivery_in_progress',
          `Delivery ${id} is being sent right now; its outcome shows here once the attempt ends.`,
        );
      }
      if (retried.refused === 'forgotten') {
        throw new ApiError(
          409,
          'message_deleted',
          `Delivery ${id} was about a message deleted since: nothing is left to send.`,
        );
      }
      const body: RetriedDelivery = { delivery: toDelivery(retried.delivery) };
      return c.json(body);
    });
}
