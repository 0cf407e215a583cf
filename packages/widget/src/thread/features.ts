/**
 * What each server offers the forms (`GET /api/features`: reply mail, proof
 * of work), asked once per server on this page, when a reader first uses a
 * form (part of the lazy actions chunk). Page-wide, not per element: a
 * re-created element (a blog's client-side navigation) asks no more.
 */
import type { Features } from '@parley/server/wire';
import { ApiError } from '../api/client.js';
import { getFeatures } from '../api/interactive.js';

/** The questions under way or answered, per server base. */
const questions = new Map<string, Promise<Features | null>>();
/** The answers, per server base: null when the server could not say. */
const answers = new Map<string, Features | null>();

/**
 * What the server at `base` said it offers: null when it could not say (an
 * older server answers 404), undefined while it has not answered.
 */
export const featuresOf = (base: string): Features | null | undefined => answers.get(base);

/**
 * Asks the server at `base` what it offers, once per page: the answer (or
 * null, when it refused to give one) is kept for the page's life. Only a
 * failure with no answer at all (network, timeout) is forgotten, so the next
 * form the reader uses asks again. Never rejects.
 */
export function askFeatures(base: string): Promise<Features | null> {
  let question = questions.get(base);
  if (!question) {
    const asked = getFeatures(base, new AbortController().signal).then(
      (features) => (features && typeof features === 'object' ? features : null),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 0) questions.delete(base);
        return null;
      },
    );
    asked.then((features) => {
      if (questions.get(base) === asked) answers.set(base, features);
    });
    questions.set(base, asked);
    question = asked;
  }
  return question;
}
