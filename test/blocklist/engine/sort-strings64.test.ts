import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortIndicesByString } from '../../../src/blocklist/engine/sort-strings.js';
import { sortStringsTied } from '../../../src/blocklist/engine/sort-strings64.js';

describe('sortStringsTied', () => {
  it('orders like sortIndicesByString, and "not tied" neighbours always differ (property)', () => {
    const str = fc.oneof(
      fc.string({ maxLength: 14 }),
      fc.string({
        unit: fc.constantFrom('a', 'b', '.', '-', '\u00e9', '\u0000', '\u007f', 'z'),
        maxLength: 16,
      }),
      fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 3 }).map((s) => `www.example${s}`),
      fc.stringMatching(/^[a-z0-9]{6,14}\.(com|net)$/),
    );
    fc.assert(
      fc.property(fc.array(str, { maxLength: 600 }), (values) => {
        const { order, tied } = sortStringsTied(values);
        expect([...order]).toEqual([...sortIndicesByString(values)]);
        expect(tied[0] ?? 0).toBe(0);
        for (let k = 1; k < order.length; k++) {
          if (tied[k] === 0) expect(values[order[k]!]).not.toBe(values[order[k - 1]!]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sorts and dedupes a large random list with duplicates', () => {
    const values = Array.from({ length: 20000 }, (_, i) => `n${(i * 7919) % 5000}.example.com`);
    const { order, tied } = sortStringsTied(values);
    const sorted = [...order].map((i) => values[i]!);
    expect(sorted).toEqual([...values].sort());
    const distinct = sorted.filter((v, k) => k === 0 || tied[k] === 0 || v !== sorted[k - 1]);
    expect(distinct).toEqual([...new Set(values)].sort());
  });
});
