import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { core } from 'zod';
import type { ErrorBody, ErrorCode, FieldIssue } from '../wire.ts';

/**
 * The one error type routes and repositories throw for an expected refusal.
 * `app.onError` renders it as the error envelope of design.md.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    /** Extra response headers, such as `Retry-After`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body of this error. */
  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.issues) error.issues = this.issues;
    return { error };
  }
}

/** 400 `invalid_request` naming one field. */
export function invalidField(path: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);
}

/** 400 `invalid_request` from a zod failure, one issue per field. */
export function fromZodError(error: core.$ZodError): ApiError {
  const issues: FieldIssue[] = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError(400, 'invalid_request', `Invalid request: ${summary}`, issues);
}

/** 503 `unavailable` with a Retry-After hint. */
export function unavailable(message: string, retryAfterSeconds = 1): ApiError {
  return new ApiError(503, 'unavailable', message, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/** 404 for a thread key no one has posted to (or an admin names wrongly). */
export function threadNotFound(key: string): ApiError {
  return new ApiError(404, 'thread_not_found', `No thread has the key ${key} yet.`);
}

/** 404 for a message that does not exist or is already deleted. */
export function messageNotFound(id: number): ApiError {
  return new ApiError(404, 'message_not_found', `No message has the id ${id}.`);
}

/** 409 for a write to a closed thread. */
export function threadClosed(): ApiError {
  return new ApiError(409, 'thread_closed', 'This discussion is closed to new messages.');
}

/**
 * Seconds a client waits until the oldest of its `limit` events in the window
 * leaves it, at least 1 (`Retry-After`).
 */
export function secondsUntilFree(oldest: string | null, windowMs: number, now: Date): number {
  const freeAt = oldest ? Date.parse(oldest) + windowMs : now.getTime() + windowMs;
  return Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
}

/** 429 for a client past a limit: `what` happened too often; try again in `retryAfter` s. */
export function rateLimited(what: string, retryAfter: number): ApiError {
  return new ApiError(429, 'rate_limited', `${what}; try again in ${retryAfter} s.`, undefined, {
    'Retry-After': String(retryAfter),
  });
}

/** 409 for the same body from the same client within `minutes` minutes. */
export function duplicateMessage(minutes: number): ApiError {
  return new ApiError(
    409,
    'duplicate_message',
    `You posted this same message in the last ${minutes} minutes.`,
  );
}

/**
 * 400 for a post without a valid, unused proof-of-work solution (proof of
 * work is on): fetch a fresh challenge from `GET /api/challenge`, solve it and
 * send the payload as `altcha`.
 */
export function challengeRequired(why: string): ApiError {
  return new ApiError(
    400,
    'challenge_required',
    `${why} Solve a fresh challenge from GET /api/challenge and send it as altcha.`,
  );
}
