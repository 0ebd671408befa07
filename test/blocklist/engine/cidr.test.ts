import { excludeCidr, mergeCidr } from 'cidr-tools';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  excludeCidrs4,
  IntervalList4,
  mergeCidrs4,
  mergeIntervals4,
  parseCidr4Into,
  rangeToCidrs,
  sortKeys4,
  sortPairs4,
  sortOrder4,
} from '../../../src/blocklist/engine/cidr.js';
import { excludeCidrs6, mergeCidrs6 } from '../../../src/blocklist/engine/cidr6.js';

/** Every address a list of IPv4 CIDRs covers (small networks only). */
function covered(cidrs: readonly string[]): Set<number> {
  const out = new Set<number>();
  const iv = [0, 0];
  for (const c of cidrs) {
    if (!parseCidr4Into(c, iv)) throw new Error(`bad ${c}`);
    for (let a = iv[0]!; a <= iv[1]!; a++) out.add(a);
  }
  return out;
}

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
const strip32 = (cs: string[]): string[] => cs.map((c) => c.replace(/\/32$/, '').replace(/\/128$/, ''));

/** Random /24–/32 networks inside 10 random /16s (dense enough to overlap and touch). */
const smallNets = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 254 * 256 }), { minLength: 10, maxLength: 10 }),
    fc.array(fc.tuple(fc.nat(9), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 24, max: 32 })), {
      minLength: 1,
      maxLength: 60,
    }),
  )
  .map(([sixteens, picks]) =>
    picks.map(([which, offset, prefix]) => {
      const base = sixteens[which]! * 65536 + offset;
      const size = 2 ** (32 - prefix);
      const start = base - (base % size);
      const ip = `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}`;
      return prefix === 32 ? ip : `${ip}/${prefix}`;
    }),
  );

describe('IPv4 interval set', () => {
  it('merges to exactly the covered addresses, minimally (= cidr-tools mergeCidr)', () => {
    fc.assert(
      fc.property(smallNets, (nets) => {
        const merged = mergeCidrs4(nets);
        expect(sorted(covered(merged))).toEqual(sorted(covered(nets)));
        expect(merged).toEqual(strip32(mergeCidr(nets)));
      }),
      { numRuns: 200 },
    );
  });

  it('subtracts holes exactly (= brute force and cidr-tools excludeCidr)', () => {
    fc.assert(
      fc.property(smallNets, smallNets, (nets, holes) => {
        const rest = excludeCidrs4(nets, holes);
        const expected = covered(nets);
        for (const a of covered(holes)) expected.delete(a);
        expect(sorted(covered(rest))).toEqual(sorted(expected));
        expect(rest).toEqual(strip32(excludeCidr(nets, holes)));
      }),
      { numRuns: 200 },
    );
  });

  it('merges adjacent and overlapping networks', () => {
    expect(mergeCidrs4(['10.1.0.0/24', '10.1.1.0/24', '10.1.1.7', '10.1.2.0/25'])).toEqual([
      '10.1.0.0/23',
      '10.1.2.0/25',
    ]);
    expect(mergeCidrs4(['1.2.3.4', '1.2.3.5', '1.2.3.4'])).toEqual(['1.2.3.4/31']);
  });

  it('cuts a /24 minus a /32 into 8 blocks, a /16 minus a /32 into 16', () => {
    expect(excludeCidrs4(['192.0.2.0/24'], ['192.0.2.77'])).toHaveLength(8);
    expect(excludeCidrs4(['198.51.0.0/16'], ['198.51.100.1'])).toHaveLength(16);
    expect(excludeCidrs4(['1.2.3.0/24'], ['1.2.3.0/24'])).toEqual([]);
  });

  it('handles the ends of the address space without wrapping', () => {
    expect(mergeCidrs4(['0.0.0.0/1', '128.0.0.0/1'])).toEqual(['0.0.0.0/0']);
    expect(mergeCidrs4(['255.255.255.255', '255.255.255.254'])).toEqual(['255.255.255.254/31']);
    expect(excludeCidrs4(['255.255.255.0/24'], ['255.255.255.255'])).toHaveLength(8);
    const blocks: string[] = [];
    rangeToCidrs(0, 4294967295, (s, p) => blocks.push(`${s}/${p}`));
    expect(blocks).toEqual(['0/0']);
  });

  it('property: cuts any range of the whole space into the fewest aligned blocks (BigInt reference)', () => {
    /** The reference: the largest aligned block at each start, computed in BigInt. */
    const reference = (s: number, e: number): string[] => {
      const out: string[] = [];
      let at = BigInt(s);
      const end = BigInt(e);
      while (at <= end) {
        let size = 1n << 32n;
        while (size > 1n && (at % size !== 0n || at + size - 1n > end)) size >>= 1n;
        let prefix = 32;
        for (let b = size; b > 1n; b >>= 1n) prefix--;
        out.push(`${at}/${prefix}`);
        at += size;
      }
      return out;
    };
    const bound = fc.oneof(
      fc.integer({ min: 0, max: 4294967295 }),
      fc.constantFrom(0, 65535, 65536, 0x7fffffff, 0x80000000, 0xffff0000, 4294967295),
    );
    fc.assert(
      fc.property(bound, fc.integer({ min: 0, max: 300000 }), (s, span) => {
        const e = Math.min(4294967295, s + span);
        const blocks: string[] = [];
        rangeToCidrs(s, e, (start, prefix) => blocks.push(`${start}/${prefix}`));
        expect(blocks).toEqual(reference(s, e));
      }),
      { numRuns: 300 },
    );
  });

  it('radix-sorts large inputs stably like a comparison sort', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 4294967295 }),
            // Equal keys, and keys equal in one 11-bit digit only: stability across every pass.
            fc.constantFrom(0, 1, 2047, 2048, 4194303, 4194304, 4294967295, 0x80000000),
          ),
          { minLength: 0, maxLength: 2000 },
        ),
        (keys) => {
          const arr = Uint32Array.from(keys);
          const order = [...sortOrder4(arr, arr.length)];
          const expected = keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
          expect(order).toEqual(expected);
          const values = Uint32Array.from(keys, (_, i) => i * 7 + 1);
          const { sorted, carried } = sortKeys4(arr, arr.length, values);
          expect([...sorted]).toEqual(expected.map((i) => keys[i]));
          expect([...carried]).toEqual(expected.map((i) => values[i]));
          const pairs = sortPairs4(arr, arr.length, values);
          expect([...pairs.sorted]).toEqual([...sorted]);
          expect([...pairs.carried]).toEqual([...carried]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('merges the same intervals with or without remembering their inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4294967295 }), fc.nat(70000)), { maxLength: 1500 }),
        (pairs) => {
          const list = new IntervalList4();
          for (const [s, len] of pairs) list.push(s, Math.min(4294967295, s + len));
          const withGroups = mergeIntervals4(list);
          const without = mergeIntervals4(list, { groups: false });
          expect(without.length).toBe(withGroups.length);
          expect([...without.start.subarray(0, without.length)]).toEqual([
            ...withGroups.start.subarray(0, withGroups.length),
          ]);
          expect([...without.end.subarray(0, without.length)]).toEqual([
            ...withGroups.end.subarray(0, withGroups.length),
          ]);
          expect(without.groupFirst.length).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('records which inputs each merged interval absorbed', () => {
    const list = new IntervalList4();
    for (const c of ['10.0.0.128/25', '9.0.0.1', '10.0.0.0/25', '9.0.0.3']) list.pushCidr(c);
    const m = mergeIntervals4(list);
    expect(m.length).toBe(3);
    const groups = [0, 1, 2].map((g) => [...m.order.subarray(m.groupFirst[g], m.groupFirst[g + 1])].sort());
    expect(groups).toEqual([[1], [3], [0, 2]]);
  });

  it('rejects non-canonical text', () => {
    const out = [0, 0];
    expect(parseCidr4Into('010.0.0.1', out)).toBe(false);
    expect(parseCidr4Into('1.2.3.4/33', out)).toBe(false);
    expect(parseCidr4Into('1.2.3.4/024', out)).toBe(false);
    expect(parseCidr4Into('1.2.3.77/24', out)).toBe(true);
    expect(out).toEqual([16909056, 16909311]);
  });
});

describe('IPv6 interval set', () => {
  const v6Nets = fc
    .array(fc.tuple(fc.nat(3), fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 116, max: 128 })), {
      minLength: 1,
      maxLength: 30,
    })
    .map((picks) =>
      picks.map(([which, offset, prefix]) => {
        const base = (BigInt(which + 1) << 64n) | BigInt(offset);
        const size = 1n << BigInt(128 - prefix);
        const start = base - (base % size);
        const groups = [];
        for (let i = 7; i >= 0; i--) groups.push(((start >> BigInt(i * 16)) & 0xffffn).toString(16));
        return `2001:db8:${groups.slice(2).join(':')}/${prefix}`;
      }),
    );

  it('merges and subtracts like cidr-tools', () => {
    fc.assert(
      fc.property(v6Nets, v6Nets, (nets, holes) => {
        expect(mergeCidrs6(nets)).toEqual(strip32(mergeCidr(nets)));
        expect(excludeCidrs6(nets, holes)).toEqual(strip32(excludeCidr(nets, holes)));
      }),
      { numRuns: 150 },
    );
  });

  it('writes RFC 5952 values and cuts a /64 minus a /128 into 64 blocks', () => {
    expect(mergeCidrs6(['2001:DB8:0:0::/48', '2001:db8:1::/48'])).toEqual(['2001:db8::/47']);
    expect(mergeCidrs6(['2001:db8::1', '2001:db8::1/128'])).toEqual(['2001:db8::1']);
    expect(excludeCidrs6(['2001:db8::/64'], ['2001:db8::42'])).toHaveLength(64);
  });
});
