import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IPv4Union } from '../../../src/blocklist/engine/ipv4-union.js';
import { buildDualIndex } from '../../../src/blocklist/engine/dual-index.js';
import { IPv4Index, type IPv4Columns } from '../../../src/blocklist/engine/ranges.js';
import { formatCidr4 } from '../../../src/blocklist/engine/cidr.js';

const interval = fc
  .tuple(
    fc.integer({ min: 0, max: 4294967295 }),
    fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1 << 20 })),
    fc.constantFrom('a', 'b', 'c'),
  )
  .map(([first, span, label]) => ({ first, last: Math.min(4294967295, first + span), label }));

function columns(items: { first: number; last: number; label: string }[]): IPv4Columns {
  const labels = ['a', 'b', 'c'];
  return {
    first: items.map((i) => i.first),
    last: items.map((i) => i.last),
    label: items.map((i) => labels.indexOf(i.label)),
    labels,
  };
}

/** Intervals for the union tests: bounds on and next to /16 boundaries, from one address to several /16s. */
const unionInterval = fc
  .tuple(
    fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 1, 65534, 65535, 300))
        .map(([b, o]) => b * 65536 + o),
      fc.integer({ min: 0, max: 4294967295 }),
    ),
    fc.constantFrom(0, 1, 255, 65535, 65536, 131071, 200000),
  )
  .map(([first, s]) => ({ first, last: Math.min(4294967295, first + s) }));

describe('IPv4Index over columns', () => {
  it('property: answers exactly as the index over objects, and gives the same entries', () => {
    fc.assert(
      fc.property(
        fc.array(interval, { maxLength: 40 }),
        fc.array(interval, { minLength: 1, maxLength: 20 }),
        (items, queries) => {
          const objects = new IPv4Index(items);
          const cols = new IPv4Index(columns(items));
          expect(cols.size).toBe(objects.size);
          expect(cols.entries()).toEqual(objects.entries());
          for (const q of queries) {
            expect(cols.find(q.first, q.last)).toBe(objects.find(q.first, q.last));
            expect(cols.findContaining(q.first, q.last)).toBe(objects.findContaining(q.first, q.last));
            expect(cols.overlaps(q.first, q.last)).toBe(objects.overlaps(q.first, q.last));
          }
        },
      ),
    );
  });

  it('property: a union built from columns agrees with one built from objects', () => {
    fc.assert(
      fc.property(
        fc.array(interval, { maxLength: 40 }),
        fc.array(interval, { maxLength: 40 }),
        fc.array(interval, { minLength: 1, maxLength: 20 }),
        (a, b, queries) => {
          const objects = new IPv4Union([...a, ...b]);
          const mixed = new IPv4Union(a, [columns(b)]);
          expect(mixed.runs).toBe(objects.runs);
          for (const q of queries)
            expect(mixed.overlaps(q.first, q.last)).toBe(objects.overlaps(q.first, q.last));
        },
      ),
    );
  });

  it('property: IPv4Union.overlaps answers as a scan of the intervals (whole, partial and empty /16s)', () => {
    fc.assert(
      fc.property(
        fc.array(unionInterval, { maxLength: 30 }),
        fc.array(unionInterval, { minLength: 1, maxLength: 40 }),
        (set, queries) => {
          const union = new IPv4Union(set);
          // The cached form (state → constructor) answers as the union it came from.
          const restored = new IPv4Union(union.state());
          for (const q of [...queries, ...set]) {
            const expected = set.some((i) => i.first <= q.last && i.last >= q.first);
            expect(union.overlaps(q.first, q.last), `${q.first}-${q.last}`).toBe(expected);
            expect(restored.overlaps(q.first, q.last), `restored ${q.first}-${q.last}`).toBe(expected);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("property: IPv4Union.anyOf answers as a scan of every union's intervals", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(unionInterval, { maxLength: 12 }), { minLength: 1, maxLength: 3 }),
        fc.array(unionInterval, { minLength: 1, maxLength: 30 }),
        (sets, queries) => {
          const unions = sets.map((set) => new IPv4Union(set));
          // As built (the /24 bitmap comes after 4096 lookups), and with the bitmap from the start.
          const any = IPv4Union.anyOf(unions);
          const bitmap = IPv4Union.anyOf(unions, { bitmapAfter: 0 });
          const all = sets.flat();
          // Near every interval's edges too: the /24s just inside and outside them.
          const near = all.flatMap((i) =>
            [i.first - 256, i.first - 1, i.last + 1, i.last + 256]
              .filter((a) => a >= 0 && a <= 4294967295)
              .map((a) => ({ first: a, last: a })),
          );
          for (const q of [...queries, ...all, ...near]) {
            const expected = all.some((i) => i.first <= q.last && i.last >= q.first);
            expect(any.overlaps(q.first, q.last), `${q.first}-${q.last}`).toBe(expected);
            expect(bitmap.overlaps(q.first, q.last), `bitmap ${q.first}-${q.last}`).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('IPv4Union refuses a state of the wrong shape (a damaged cache falls back to the JSON)', () => {
    const good = new IPv4Union([{ first: 10, last: 20 }]).state();
    expect(() => new IPv4Union({ ...good, ends: new Uint32Array(0) })).toThrow(RangeError);
    expect(() => new IPv4Union({ ...good, state: new Uint8Array(10) })).toThrow(RangeError);
    const bucket = new Uint32Array(good.bucket);
    bucket[65536] = 7;
    expect(() => new IPv4Union({ ...good, bucket })).toThrow(RangeError);
    expect(new IPv4Union(good).runs).toBe(1);
  });

  it('buildDualIndex keeps the first label of a repeated address and every entry in order', () => {
    const pairs: [string, string][] = [
      ['192.0.2.1', 'one'],
      ['192.0.2.0/24', 'net'],
      ['192.0.2.1', 'two'],
      ['2001:db8::1', 'six'],
      ['bogus', 'bad'],
    ];
    const index = buildDualIndex(pairs);
    expect(index.bad).toEqual(['bogus']);
    expect(index.v4.findContaining(0xc0000201, 0xc0000201)).toBe('net');
    expect(
      index.v4.entries().map((e) => [formatCidr4(e.first, e.last === e.first ? 32 : 24), e.label]),
    ).toEqual([
      ['192.0.2.1', 'one'],
      ['192.0.2.0/24', 'net'],
      ['192.0.2.1', 'two'],
    ]);
    expect(index.v6.size).toBe(1);
  });
});
