import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  expiryDetail,
  isExpired,
  recordExpiry,
  timeMs,
} from '../../../src/blocklist/lifetime/expiry.js';

const now = Date.parse('2024-06-01T00:00:00Z');

describe('expiry', () => {
  it('has no expiry without validUntil, ttl or retention', () => {
    expect(recordExpiry({ validUntil: Infinity, firstSeen: Infinity, nowMs: now })).toBe(Infinity);
  });

  it('takes the earliest of validUntil, ttl from first seen and retention end', () => {
    const first = now - 10 * DAY_MS;
    expect(recordExpiry({ validUntil: now + DAY_MS, firstSeen: first, ttlDays: 30, nowMs: now })).toBe(
      now + DAY_MS,
    );
    expect(recordExpiry({ validUntil: Infinity, firstSeen: first, ttlDays: 30, nowMs: now })).toBe(
      first + 30 * DAY_MS,
    );
    expect(
      recordExpiry({ validUntil: Infinity, firstSeen: first, ttlDays: 30, nowMs: now, retainUntil: now + 2 }),
    ).toBe(now + 2);
  });

  it('counts ttl from now for a value never seen before', () => {
    expect(recordExpiry({ validUntil: Infinity, firstSeen: Infinity, ttlDays: 2, nowMs: now })).toBe(
      now + 2 * DAY_MS,
    );
  });

  it('expires at or before now, with a detail naming the clock', () => {
    const x = { validUntil: now, firstSeen: Infinity, nowMs: now };
    expect(isExpired(recordExpiry(x), now)).toBe(true);
    expect(isExpired(now + 1, now)).toBe(false);
    expect(expiryDetail(x, now)).toBe('valid until 2024-06-01T00:00:00.000Z');
    const ttl = { validUntil: Infinity, firstSeen: now - 40 * DAY_MS, ttlDays: 30, nowMs: now };
    expect(expiryDetail(ttl, recordExpiry(ttl))).toMatch(/^ttl 30 days from first seen/);
  });

  it('parses ISO times and treats garbage as no time', () => {
    expect(timeMs('2024-06-01T00:00:00Z')).toBe(now);
    expect(timeMs(undefined)).toBe(Infinity);
    expect(timeMs('yesterday')).toBe(Infinity);
  });
});
