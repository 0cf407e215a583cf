import { z } from 'zod';
import { lineText } from '../http/fields.ts';

/** Longest owner-key label, in code points. */
const MAX_OWNER_KEY_LABEL = 80;

/** The label a key gets when none is given. */
export const DEFAULT_OWNER_KEY_LABEL = 'Posting link';

/** `POST /api/admin/owner-keys` body: an optional label saying where the key is used. */
export const createOwnerKeyBody = z.object({
  label: z
    .union([lineText(MAX_OWNER_KEY_LABEL), z.literal('').transform(() => undefined)])
    .optional(),
});

/** Path parameters of `/api/admin/owner-keys/:id`: a positive id PostgreSQL's integer can hold. */
export const ownerKeyIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be an owner key id')
    .transform(Number)
    .refine((n) => n <= 2 ** 31 - 1, 'must be an owner key id'),
});
