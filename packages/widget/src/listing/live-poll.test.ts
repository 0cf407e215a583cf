import { expect, waitUntil } from '@open-wc/testing';
import { follow, pollSettings } from './live-poll.js';

describe('live-poll', () => {
  it('calls every later subscriber when one throws, and reports the error', async () => {
    pollSettings.ms = 20;
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (e: unknown) => errors.push(e);
    let calls = 0;
    const stops = [
      follow(() => {
        throw new Error('one element failed');
      }),
      follow(() => calls++),
    ];
    try {
      await waitUntil(() => calls >= 2, 'the second subscriber is called on each poll');
      expect((errors[0] as Error).message).to.equal('one element failed');
    } finally {
      for (const stop of stops) stop();
      console.error = error;
      pollSettings.ms = 60_000;
    }
  });
});
