import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { fromZodError } from './api-error.ts';

/**
 * Validates one part of the request with zod; the one place where a failed
 * validation becomes a 400 `invalid_request` naming each field.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw fromZodError(result.error);
  });
}
