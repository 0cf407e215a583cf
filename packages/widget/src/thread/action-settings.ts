/**
 * Timings of the actions chunk, in one setting object so tests can shorten
 * them (the tests' clock, `Date.now`, is fixed; these are real timers).
 */
export const actionSettings = {
  /** How long the confirmation under a message just posted stays (it goes sooner on the reader's next action). */
  confirmationMs: 10_000,
  /** How often a rate limit's countdown is brought up to date: coarse, once a second. */
  tickMs: 1_000,
};
