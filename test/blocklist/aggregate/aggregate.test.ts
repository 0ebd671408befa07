import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aggregator, type Aggregated } from '../../../src/blocklist/aggregate/aggregate.js';
import { formatCidr4, parseCidr4Into } from '../../../src/blocklist/engine/cidr.js';
import { formatCidr6, parseCidr6 } from '../../../src/blocklist/engine/cidr6.js';
import { SourceSets } from '../../../src/blocklist/aggregate/provenance.js';
import { sortIndicesByString } from '../../../src/blocklist/engine/sort-strings.js';

interface Row {
  value: string;
  sources: string[];
  expiresAt: number;
  firstSeen: number;
}

function rows(agg: Aggregated, sets: SourceSets): Row[] {
  const out: Row[] = [];
  agg.domains.value.forEach((value, i) =>
    out.push({
      value,
      sources: sets.namesOf(agg.domains.set[i]!),
      expiresAt: agg.domains.expiresAt[i]!,
      firstSeen: agg.domains.firstSeen[i]!,
    }),
  );
  for (let i = 0; i < agg.v4.length; i++) {
    out.push({
      value: formatCidr4(agg.v4.start[i]!, agg.v4.prefix[i]!),
      sources: sets.namesOf(agg.v4.set[i]!),
      expiresAt: agg.v4.expiresAt.get(i),
      firstSeen: agg.v4.firstSeen.get(i),
    });
  }
  agg.v6.start.forEach((s, i) =>
    out.push({
      value: formatCidr6(s, agg.v6.prefix[i]!),
      sources: sets.namesOf(agg.v6.set[i]!),
      expiresAt: agg.v6.expiresAt[i]!,
      firstSeen: agg.v6.firstSeen[i]!,
    }),
  );
  return out;
}

function addIp(agg: Aggregator, value: string, set: number, exp = Infinity, seen = Infinity): void {
  if (value.includes(':')) {
    const iv = parseCidr6(value)!;
    agg.addV6(iv.start, iv.end, set, exp, seen);
  } else {
    const iv = [0, 0];
    parseCidr4Into(value, iv);
    agg.addV4(iv[0]!, iv[1]!, set, exp, seen);
  }
}

describe('Aggregator', () => {
  it('dedupes domains across sources and collapses subdomains into the topmost blocked parent', () => {
    const sets = new SourceSets();
    const [vol, talos, mt] = [sets.source('volexity'), sets.source('talos'), sets.source('maltrail')];
    const agg = new Aggregator(sets);
    agg.addDomain('www.journalide.org', vol);
    agg.addDomain('journalide.org', talos);
    agg.addDomain('journalide.org', vol);
    agg.addDomain('a.b.evil.example', mt);
    agg.addDomain('b.evil.example', talos);
    agg.addDomain('evil.example', vol);
    agg.addDomain('sbmsa.wiki', mt);
    const out = agg.finish();
    expect(out.collapsed).toBe(3);
    expect(rows(out, sets).map((r) => [r.value, r.sources])).toEqual([
      ['evil.example', ['maltrail', 'talos', 'volexity']],
      ['journalide.org', ['talos', 'volexity']],
      ['sbmsa.wiki', ['maltrail']],
    ]);
  });

  it('does not collapse a look-alike that is not a subdomain', () => {
    const sets = new SourceSets();
    const s = sets.source('s');
    const agg = new Aggregator(sets);
    agg.addDomain('msedgeupdate.net', s);
    agg.addDomain('xmsedgeupdate.net', s);
    agg.addDomain('msedgeupdate.net.example', s);
    expect(rows(agg.finish(), sets).map((r) => r.value)).toEqual([
      'msedgeupdate.net',
      'msedgeupdate.net.example',
      'xmsedgeupdate.net',
    ]);
  });

  it('merges IPv4 networks and keeps per-block provenance', () => {
    const sets = new SourceSets();
    const [a, b] = [sets.source('a'), sets.source('b')];
    const agg = new Aggregator(sets);
    addIp(agg, '198.51.100.0/25', a);
    addIp(agg, '198.51.100.128/25', a);
    addIp(agg, '198.51.100.7', b);
    addIp(agg, '203.0.113.0/24', a);
    addIp(agg, '203.0.114.0/26', b);
    expect(rows(agg.finish(), sets).map((r) => [r.value, r.sources])).toEqual([
      ['198.51.100.0/24', ['a', 'b']],
      ['203.0.113.0/24', ['a']],
      ['203.0.114.0/26', ['b']],
    ]);
  });

  it('carves allowlisted holes out of wider networks (a /24 minus a /32 is 8 entries)', () => {
    const sets = new SourceSets();
    const a = sets.source('a');
    const agg = new Aggregator(sets);
    addIp(agg, '192.0.2.0/24', a);
    addIp(agg, '2001:db8::/64', a);
    const out = rows(agg.finish(['192.0.2.77', '2001:db8::1']), sets);
    const v4 = out.filter((r) => !r.value.includes(':'));
    expect(v4.map((r) => r.value)).toEqual([
      '192.0.2.0/26',
      '192.0.2.64/29',
      '192.0.2.72/30',
      '192.0.2.76',
      '192.0.2.78/31',
      '192.0.2.80/28',
      '192.0.2.96/27',
      '192.0.2.128/25',
    ]);
    expect(out.filter((r) => r.value.includes(':'))).toHaveLength(64);
    expect(out.find((r) => r.value === '2001:db8::')?.sources).toEqual(['a']);
  });

  it('takes the earliest expiry and first sighting of the records behind an entry', () => {
    const sets = new SourceSets();
    const [a, b] = [sets.source('a'), sets.source('b')];
    const agg = new Aggregator(sets);
    addIp(agg, '198.51.100.0/24', a, 5000, 100);
    addIp(agg, '198.51.100.9', b, Infinity, 50);
    addIp(agg, '2001:db8::/48', a, 7000);
    agg.addDomain('evil.example', a, 9000, 10);
    agg.addDomain('www.evil.example', b, 8000, 20);
    const out = rows(agg.finish(), sets);
    expect(out.map((r) => [r.value, r.expiresAt, r.firstSeen])).toEqual([
      ['evil.example', 8000, 10],
      ['198.51.100.0/24', 5000, 50],
      ['2001:db8::/48', 7000, Infinity],
    ]);
  });

  it('matches a brute-force model of provenance per block (property)', () => {
    const net = fc.tuple(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 26, max: 32 }), fc.nat(2));
    fc.assert(
      fc.property(fc.array(net, { minLength: 1, maxLength: 40 }), (items) => {
        const sets = new SourceSets();
        const ids = ['s0', 's1', 's2'].map((n) => sets.source(n));
        const agg = new Aggregator(sets);
        const owners = new Map<number, Set<string>>();
        const base = 0xc6336400; // 198.51.100.0
        for (const [off, prefix, src] of items) {
          const size = 2 ** (32 - prefix);
          const start = base + off - (off % size);
          agg.addV4(start, start + size - 1, ids[src]!);
          for (let x = start; x < start + size; x++) {
            const set = owners.get(x) ?? new Set<string>();
            set.add(`s${src}`);
            owners.set(x, set);
          }
        }
        const out = agg.finish();
        const seen = new Set<number>();
        for (let i = 0; i < out.v4.length; i++) {
          const size = 2 ** (32 - out.v4.prefix[i]!);
          const expected = new Set<string>();
          for (let x = out.v4.start[i]!; x < out.v4.start[i]! + size; x++) {
            seen.add(x);
            for (const s of owners.get(x) ?? []) expected.add(s);
          }
          expect(sets.namesOf(out.v4.set[i]!)).toEqual([...expected].sort());
        }
        expect(seen.size).toBe(owners.size);
      }),
      { numRuns: 150 },
    );
  });
});

describe('Aggregator IPv4 folding', () => {
  it('gives the same entries when identical inputs are folded along the way (property)', () => {
    // Few distinct networks, sources and times, so identical inputs are common; runs of one start
    // longer than 16 take the sorted path.
    const input = fc.tuple(
      fc.integer({ min: 0, max: 63 }),
      fc.constantFrom(24, 26, 30, 31, 32),
      fc.nat(2),
      fc.constantFrom(Infinity, 1000, 2000),
      fc.constantFrom(Infinity, 10, 20),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (items, every) => {
        const sets = new SourceSets();
        const ids = ['s0', 's1', 's2'].map((n) => sets.source(n));
        const plain = new Aggregator(sets);
        const folding = new Aggregator(sets, { v4CompactAt: every });
        const base = 0xc6336400; // 198.51.100.0
        for (const [off, prefix, src, exp, seen] of items) {
          const size = 2 ** (32 - prefix);
          const start = base + ((off * 4) % 256) - (((off * 4) % 256) % size);
          for (const agg of [plain, folding]) agg.addV4(start, start + size - 1, ids[src]!, exp, seen);
        }
        expect(rows(folding.finish(), sets)).toEqual(rows(plain.finish(), sets));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a repeated feed at the size of its distinct values', () => {
    const sets = new SourceSets();
    const set = sets.source('daily');
    const agg = new Aggregator(sets, { v4CompactAt: 1000 });
    for (let day = 0; day < 50; day++)
      for (let i = 0; i < 600; i++) agg.addV4(0x01000000 + i * 256, 0x01000000 + i * 256 + 255, set);
    const inner = agg as unknown as { v4: { length: number } };
    expect(inner.v4.length).toBeLessThan(1800);
    // 600 adjacent /24s from 1.0.0.0: 512 + 64 + 16 + 8 of them.
    expect(rows(agg.finish(), sets).map((r) => r.value)).toEqual([
      '1.0.0.0/15',
      '1.2.0.0/18',
      '1.2.64.0/20',
      '1.2.80.0/21',
    ]);
  });
});

describe('sortIndicesByString', () => {
  it('orders like a stable code-unit comparator sort, whatever the prefixes (property)', () => {
    const str = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '\u00e9', '\u0000', 'z'), maxLength: 14 }),
      fc.string({ maxLength: 6 }).map((s) => `www.${s}`),
    );
    fc.assert(
      fc.property(fc.array(str, { maxLength: 400 }), (values) => {
        const expected = values
          .map((_, i) => i)
          .sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : a - b));
        expect([...sortIndicesByString(values)]).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
