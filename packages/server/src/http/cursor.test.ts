/**
 * The stored-time check (`isStoredTime`) that a cursor's time and every
 * imported time pass, and a cursor refused when its time is not one: the
 * server's own form only, years 0001 to 9999, real dates.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './api-error.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isStoredTime } from './fields.ts';

describe('isStoredTime', () => {
  it('takes exactly what Date#toISOString writes, from year 0001 to 9999', () => {
    for (const time of [
      '2026-12-01T10:00:00.000Z',
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2024-02-29T12:00:00.500Z',
    ]) {
      assert.equal(isStoredTime(time), true, time);
    }
  });

  it('refuses year 0000, other forms, offsets and dates Date would repair', () => {
    for (const time of [
      '0000-01-01T00:00:00.000Z',
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00.000+01:00',
      '2026-12-01 10:00:00.000Z',
      '2026-02-30T10:00:00.000Z',
      '2026-12-01T24:00:00.000Z',
      '2026',
      '',
    ]) {
      assert.equal(isStoredTime(time), false, time);
    }
  });
});

describe('decodeCursor', () => {
  it('gives back the position of a cursor it made', () => {
    const at = '0001-01-01T00:00:00.000Z';
    assert.deepEqual(decodeCursor('s', encodeCursor('s', { at, id: 7 })), { at, id: 7 });
  });

  it('refuses a cursor whose listing is not a string (an object with a bad toString was a 500)', () => {
    const at = '2026-12-01T10:00:00.000Z';
    for (const scope of [{ toString: 1 }, { toString: null }, 7, null, ['s']]) {
      const cursor = Buffer.from(JSON.stringify([scope, at, 7])).toString('base64url');
      assert.throws(
        () => decodeCursor('s', cursor),
        (error: unknown) => error instanceof ApiError && error.status === 400,
        JSON.stringify(scope),
      );
    }
  });

  it('refuses a cursor whose time is not a stored time (year 0000: PostgreSQL has none)', () => {
    for (const at of ['0000-06-01T00:00:00.000Z', '2026-12-01T10:00:00Z']) {
      assert.throws(
        () => decodeCursor('s', encodeCursor('s', { at, id: 7 })),
        (error: unknown) => error instanceof ApiError && error.status === 400,
        at,
      );
    }
  });
});
