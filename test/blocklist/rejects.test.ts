import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceSets } from '../../src/blocklist/aggregate/provenance.js';
import { ipv4TextKey } from '../../src/blocklist/engine/ipv4-text-order.js';
import { RejectLog } from '../../src/blocklist/rejects.js';
import { formatIPv4 } from '../../src/indicators/ip.js';

const text = (start: number, prefix: number): string =>
  prefix === 32 ? formatIPv4(start) : `${formatIPv4(start)}/${prefix}`;

/** Networks whose texts share prefixes (`1.2.3.4` / `1.2.3.40` / `1.2.3.4/30` / `10.…`). */
const network = fc
  .tuple(
    fc.array(fc.constantFrom(0, 1, 2, 4, 9, 10, 12, 40, 99, 100, 200, 255), { minLength: 4, maxLength: 4 }),
    fc.constantFrom(32, 32, 30, 8, 16, 3, 0),
  )
  .map(([o, p]) => {
    const n = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
    const size = 2 ** (32 - p);
    return [n - (n % size), p] as const;
  });

describe('RejectLog', () => {
  it('property: ipv4TextKey orders networks like their texts (code units)', () => {
    fc.assert(
      fc.property(network, network, ([s1, p1], [s2, p2]) => {
        const [t1, t2] = [text(s1, p1), text(s2, p2)];
        const byText = t1 < t2 ? -1 : t1 > t2 ? 1 : 0;
        expect(Math.sign(ipv4TextKey(s1, p1) - ipv4TextKey(s2, p2))).toBe(byText);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: numeric IPv4 rows sort, merge and dedupe exactly as the same rows as text', () => {
    const row = fc.tuple(
      fc.oneof(
        network.map((n) => ({ ip: n })),
        fc
          .constantFrom(
            'evil.com',
            '1.2.3.4',
            '10.0.0.0/8',
            '1.2.3.40x',
            '0bad',
            '9x',
            '9',
            '255.0',
            'zzz',
            '',
          )
          .map((t) => ({ t })),
      ),
      fc.constantFrom('feed-a', 'feed-b'),
      fc.constantFrom<'guarded' | 'warninglisted'>('guarded', 'warninglisted'),
      fc.constantFrom(undefined, 'rfc1918', 'public-dns'),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 120 }), (rows) => {
        const sets = new SourceSets();
        const mixed = new RejectLog();
        const asText = new RejectLog();
        for (const [value, source, reason, detail] of rows) {
          const set = sets.source(source);
          if ('ip' in value) {
            mixed.addIPv4(value.ip[0], value.ip[1], set, reason, detail);
            asText.add(text(value.ip[0], value.ip[1]), set, reason, detail);
          } else {
            mixed.add(value.t, set, reason, detail);
            asText.add(value.t, set, reason, detail);
          }
        }
        const render = (log: RejectLog): string[] =>
          log
            .canonicalOrder(sets)
            .map(
              (i) =>
                `${log.valueAt(i)}|${sets.sourceName(log.setAt(i))}|${log.reasonAt(i)}|${log.detailAt(i) ?? ''}`,
            );
        const expected = render(asText);
        expect(render(mixed)).toEqual(expected);
        // The reference itself: sorted by (value, source, reason, detail) in code units, no duplicates.
        expect(expected).toEqual(
          [...new Set(expected)].sort((a, b) => {
            const [x, y] = [a.split('|'), b.split('|')];
            for (let k = 0; k < 4; k++) if (x[k] !== y[k]) return x[k]! < y[k]! ? -1 : 1;
            return 0;
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('keeps IPv4 rows as numbers until written', () => {
    const sets = new SourceSets();
    const log = new RejectLog();
    log.addIPv4(0x0a000000, 8, sets.source('a'), 'guarded', 'rfc1918');
    log.add('evil.local', sets.source('a'), 'guarded');
    expect(log.valueAt(0)).toBe('10.0.0.0/8');
    expect(log.ipv4StartAt(0)).toBe(0x0a000000);
    expect(log.ipv4StartAt(1)).toBe(-1);
    expect(log.length).toBe(2);
    expect(log.countByReason().guarded).toBe(2);
  });

  it('property: folding exact duplicates along the way changes neither the order nor the counts', () => {
    const row = fc.tuple(
      fc.oneof(
        fc.constantFrom(0x0a000000, 0x01020304, 0x08080808).map((ip) => ({ ip })),
        fc.constantFrom('evil.com', '1.2.3.4', 'zzz').map((t) => ({ t })),
      ),
      fc.constantFrom('feed-a', 'feed-b'),
      fc.constantFrom<'guarded' | 'warninglisted'>('guarded', 'warninglisted'),
      fc.constantFrom(undefined, 'rfc1918', 'public-dns'),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 150 }), fc.integer({ min: 1, max: 30 }), (rows, every) => {
        const sets = new SourceSets();
        const plain = new RejectLog();
        const folding = new RejectLog({ compactAt: every });
        for (const [value, source, reason, detail] of rows) {
          for (const log of [plain, folding]) {
            if ('ip' in value) log.addIPv4(value.ip, 32, sets.source(source), reason, detail);
            else log.add(value.t, sets.source(source), reason, detail);
          }
        }
        const render = (log: RejectLog): string[] =>
          log
            .canonicalOrder(sets)
            .map((i) => `${log.valueAt(i)}|${log.setAt(i)}|${log.reasonAt(i)}|${log.detailAt(i)}`);
        expect(render(folding)).toEqual(render(plain));
        expect(folding.countByReason()).toEqual(plain.countByReason());
        expect(folding.total).toBe(rows.length);
        expect(plain.total).toBe(rows.length);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a feed that repeats its rejected values at their distinct count', () => {
    const sets = new SourceSets();
    const log = new RejectLog({ compactAt: 100 });
    for (let day = 0; day < 40; day++)
      for (let i = 0; i < 30; i++)
        log.addIPv4(0x0a000000 + i, 32, sets.source('daily'), 'guarded', 'rfc1918');
    expect(log.length).toBeLessThan(100);
    expect(log.total).toBe(1200);
    expect(log.countByReason().guarded).toBe(1200);
    expect(log.canonicalOrder(sets)).toHaveLength(30);
  });
});

describe('RejectLog bound (issue 14: millions of distinct junk tokens)', () => {
  it('lists the first maxRows distinct values in value order and counts the rest in one row per source and reason', () => {
    const sets = new SourceSets();
    const a = sets.source('a');
    const b = sets.source('b');
    const log = new RejectLog({ compactAt: 64, maxRows: 50 });
    for (let i = 0; i < 300; i++)
      log.add(`junk${String(i).padStart(3, '0')}`, i % 3 === 0 ? b : a, 'invalid', `d${i}`);
    for (let i = 0; i < 40; i++) log.addIPv4(0x0a000000 + i, 32, a, 'guarded', 'private');
    log.summarise(sets);
    const rows = log
      .canonicalOrder(sets)
      .map((i) => [log.valueAt(i), sets.sourceName(log.setAt(i)), log.reasonAt(i)]);
    // "(" sorts before digits and letters: the summary rows come first, then 40 addresses, then junk.
    expect(rows.slice(0, 2)).toEqual([
      ['(194 more)', 'a', 'invalid'],
      ['(96 more)', 'b', 'invalid'],
    ]);
    const listed = rows.slice(2).map(([v]) => v);
    expect(listed).toHaveLength(50);
    expect(listed.slice(40)).toEqual(Array.from({ length: 10 }, (_, i) => `junk00${i}`));
    expect(log.total).toBe(340);
    expect(log.countByReason()).toMatchObject({ invalid: 300, guarded: 40 });
    expect(log.omittedCount).toBe(290);
  });

  it('property: folding along the way with a bound lists the same first values as one late fold', () => {
    const row = fc.tuple(
      fc.oneof(
        network.map((n) => ({ ip: n })),
        fc
          .constantFrom('evil.com', '1.2.3.4', '10.0.0.0/8', '(x', '2bad', '9x', '9', 'zzz')
          .map((t) => ({ t })),
      ),
      fc.constantFrom('feed-a', 'feed-b'),
      fc.constantFrom<'guarded' | 'invalid'>('guarded', 'invalid'),
    );
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        (rows, every, maxRows) => {
          const sets = new SourceSets();
          const unbounded = new RejectLog();
          const bounded = new RejectLog({ compactAt: every, maxRows });
          for (const [value, source, reason] of rows)
            for (const log of [unbounded, bounded]) {
              if ('ip' in value) log.addIPv4(value.ip[0], value.ip[1], sets.source(source), reason);
              else log.add(value.t, sets.source(source), reason);
            }
          bounded.summarise(sets);
          const all = unbounded.canonicalOrder(sets).map((i) => unbounded.valueAt(i));
          const listed = bounded
            .canonicalOrder(sets)
            .filter((i) => !/^\(\d+ more\)$/.test(bounded.valueAt(i)))
            .map((i) => bounded.valueAt(i));
          expect(listed).toEqual(all.slice(0, maxRows));
          // Past the bound a value is counted on arrival, without being held: a repeat of one is
          // counted again (holding them to fold repeats is what the bound avoids).
          expect(bounded.omittedCount).toBeGreaterThanOrEqual(Math.max(0, all.length - maxRows));
          expect(bounded.omittedCount).toBeLessThanOrEqual(rows.length - listed.length);
          expect(bounded.total).toBe(rows.length);
          expect(bounded.countByReason()).toEqual(unbounded.countByReason());
        },
      ),
      { numRuns: 400 },
    );
  });

  it('folds a repeated line on arrival: one row, every repeat counted', () => {
    const sets = new SourceSets();
    const log = new RejectLog();
    for (let i = 0; i < 10_000; i++) log.add('example.com', sets.source('f'), 'guarded', 'special-use name');
    expect(log.length).toBe(1);
    expect(log.total).toBe(10_000);
  });
});
