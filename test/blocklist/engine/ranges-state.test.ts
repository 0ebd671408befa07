import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IPv4Index } from '../../../src/blocklist/engine/ranges.js';
import { InternalError } from '../../../src/errors.js';

const interval = fc
  .tuple(
    fc.oneof(fc.nat(300), fc.nat(4294967295)),
    fc.oneof(fc.constant(0), fc.nat(40), fc.nat(1 << 20)),
    fc.constantFrom('a', 'b', 'c'),
  )
  .map(([first, span, label]) => ({ first, last: Math.min(4294967295, first + span), label }));

const query = fc
  .tuple(fc.oneof(fc.nat(300), fc.nat(4294967295)), fc.oneof(fc.constant(0), fc.nat(50), fc.nat(1 << 22)))
  .map(([lo, span]) => [lo, Math.min(4294967295, lo + span)] as const);

describe('IPv4Index state (what the warninglist cache stores)', () => {
  it('property: an index restored from its state answers and enumerates exactly as the original', () => {
    fc.assert(
      fc.property(
        fc.array(interval, { maxLength: 60 }),
        fc.array(query, { minLength: 1, maxLength: 30 }),
        (items, queries) => {
          const original = new IPv4Index(items);
          const restored = new IPv4Index(original.state());
          expect(restored.size).toBe(original.size);
          expect(restored.entries()).toEqual(original.entries());
          expect(Array.from(restored.columns().first)).toEqual(items.map((i) => i.first));
          expect(restored.state()).toEqual(original.state());
          // Repeated addresses with other labels, and every interval's edges, besides random queries.
          const edges = items.flatMap((i) => [
            [i.first, i.first],
            [i.last, i.last],
            [i.first, i.last],
            [Math.max(0, i.first - 1), i.first],
          ]);
          for (const [lo, hi] of [...queries, ...edges] as [number, number][]) {
            expect(restored.find(lo, hi)).toBe(original.find(lo, hi));
            expect(restored.findContaining(lo, hi)).toBe(original.findContaining(lo, hi));
            expect(restored.overlaps(lo, hi)).toBe(original.overlaps(lo, hi));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the first label given for a repeated address', () => {
    const index = new IPv4Index([
      { first: 7, last: 7, label: 'one' },
      { first: 3, last: 9, label: 'net' },
      { first: 7, last: 7, label: 'two' },
    ]);
    const restored = new IPv4Index(index.state());
    expect(restored.findContaining(7, 7)).toBe('net');
    expect(restored.find(7, 7)).toBe('net');
    const points = new IPv4Index([
      { first: 7, last: 7, label: 'one' },
      { first: 7, last: 7, label: 'two' },
    ]);
    expect(new IPv4Index(points.state()).find(7, 7)).toBe('one');
  });

  it('hands out copies, and refuses a state whose columns disagree', () => {
    const index = new IPv4Index([{ first: 1, last: 5, label: 'x' }]);
    const state = index.state();
    state.netFirst[0] = 100;
    expect(index.find(1, 1)).toBe('x');
    expect(() => new IPv4Index({ ...state, points: new Uint32Array([4]) })).toThrow(InternalError);
  });
});
