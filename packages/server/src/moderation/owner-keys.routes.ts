import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { ApiError } from '../http/api-error.ts';
import { validate } from '../http/validate.ts';
import type { CreatedOwnerKey, OwnerKeyList } from '../wire.ts';
import { toOwnerKey } from '../wire-mapping.ts';
import { adminApi } from './admin-auth.ts';
import { insertOwnerKey, listOwnerKeys, revokeOwnerKey } from './owner-keys.repository.ts';
import {
  createOwnerKeyBody,
  DEFAULT_OWNER_KEY_LABEL,
  ownerKeyIdParams,
} from './owner-keys.schemas.ts';
import { hashOwnerKey, newOwnerKey } from './owner-keys.ts';

/**
 * Owner-posting keys, mounted at `/api/admin/owner-keys`: list, create (the
 * key is in this one answer and stored only as a hash) and revoke. Every
 * route needs the admin token; an owner key opens none of them.
 */
export function ownerKeyRoutes(deps: AppDeps, services: AppServices) {
  const { store } = deps;
  const { clock } = services;

  return adminApi(services.verifyAdmin)
    .get('/', async (c) => {
      const body: OwnerKeyList = { ownerKeys: (await listOwnerKeys(store.db)).map(toOwnerKey) };
      return c.json(body);
    })
    .post('/', validate('json', createOwnerKeyBody), async (c) => {
      const token = newOwnerKey();
      const row = await store.write((trx) =>
        insertOwnerKey(trx, {
          label: c.req.valid('json').label ?? DEFAULT_OWNER_KEY_LABEL,
          keyHash: hashOwnerKey(token),
          now: clock().toISOString(),
        }),
      );
      const body: CreatedOwnerKey = { ownerKey: toOwnerKey(row), token };
      return c.json(body, 201);
    })
    .delete('/:id', validate('param', ownerKeyIdParams), async (c) => {
      const { id } = c.req.valid('param');
      const revoked = await store.write((trx) => revokeOwnerKey(trx, id, clock().toISOString()));
      if (!revoked) throw new ApiError(404, 'not_found', `No owner key has the id ${id}.`);
      return c.body(null, 204);
    });
}
