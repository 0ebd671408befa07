import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainSet, type DomainEntries } from '../../../src/blocklist/aggregate/domain-set.js';
import { NameArena } from '../../../src/blocklist/engine/name-arena.js';
import { SourceSets } from '../../../src/blocklist/aggregate/provenance.js';
import { sortNameIds } from '../../../src/blocklist/engine/sort-names.js';
import { suffixHash } from '../../../src/blocklist/engine/suffix-table.js';

/** Code-unit order, the canonical order of domain values. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Names sharing long prefixes and suffixes, so the radix sort must go several rounds deep. */
const name = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{1,20}(\.[a-z0-9-]{1,12}){0,3}\.(com|net|io)$/),
  fc
    .tuple(
      fc.constantFrom('www.', 'www.aaaaaaaa', 'aaaaaaaabbbbbbbb', 'a', ''),
      fc.stringMatching(/^[a-c.]{0,20}$/),
    )
    .map(([p, s]) => `${p}${s}.com`),
);

function rows(e: DomainEntries, sets: SourceSets): [string, string[], number, number][] {
  return e.value.map((v, k) => [v, sets.namesOf(e.set[k]!), e.expiresAt[k]!, e.firstSeen[k]!]);
}

describe('NameArena and sortNameIds', () => {
  it('property: interning dedupes exactly, and the radix sort is code-unit order', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 400 }), (names) => {
        const arena = new NameArena();
        const ids = names.map((n) => arena.internString(n));
        const distinct = [...new Set(names)];
        expect(arena.count).toBe(distinct.length);
        names.forEach((n, i) => expect(arena.text(ids[i]!)).toBe(n));
        const order = Uint32Array.from({ length: arena.count }, (_, i) => i);
        sortNameIds(arena, order);
        expect(Array.from(order, (id) => arena.text(id))).toEqual([...distinct].sort(byCodeUnits));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts a large run (several radix rounds) like the comparator', () => {
    const arena = new NameArena();
    const names: string[] = [];
    for (let i = 0; i < 5000; i++) names.push(`www.shared-prefix-${(i * 7919) % 5000}.example${i % 3}.com`);
    for (const n of names) arena.internString(n);
    const order = Uint32Array.from({ length: arena.count }, (_, i) => i);
    sortNameIds(arena, order);
    expect(Array.from(order, (id) => arena.text(id))).toEqual([...new Set(names)].sort(byCodeUnits));
  });

  it('finds names by text and by a suffix of another name', () => {
    const arena = new NameArena();
    arena.internString('evil.example.com');
    const id = arena.internString('example.com');
    expect(arena.findString('example.com')).toBe(id);
    expect(arena.findString('example.org')).toBe(-1);
    const whole = Buffer.from('evil.example.com');
    expect(arena.find(whole, 5, whole.length, suffixHash('example.com'))).toBe(id);
  });
});

describe('DomainSet byte path', () => {
  it('property: addBytes and add give the same entries, duplicates, removals and collapse', () => {
    const op = fc.tuple(name, fc.integer({ min: 0, max: 2 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.array(name, { maxLength: 5 }), (ops, removed) => {
        const sets = new SourceSets();
        const ids = ['a', 'b', 'c'].map((s) => sets.source(s));
        const viaText = new DomainSet(sets);
        const viaBytes = new DomainSet(sets);
        for (const [n, s, asBytes] of ops) {
          viaText.add(n, ids[s]!, Infinity, Infinity);
          if (asBytes) {
            const b = Buffer.from(`..${n}..`, 'latin1');
            viaBytes.addBytes(b, 2, 2 + n.length, ids[s]!, suffixHash(n));
          } else viaBytes.add(n, ids[s]!, Infinity, Infinity);
        }
        for (const r of removed) expect(viaBytes.remove(r)).toEqual(viaText.remove(r));
        expect(viaBytes.collapse()).toBe(viaText.collapse());
        expect(rows(viaBytes.entries(), sets)).toEqual(rows(viaText.entries(), sets));
      }),
      { numRuns: 300 },
    );
  });

  it('folds names under the topmost blocked ancestor, skipping a removed one, and keeps times', () => {
    const sets = new SourceSets();
    const [a, b] = [sets.source('a'), sets.source('b')];
    const d = new DomainSet(sets);
    const add = (n: string, s: number): void => {
      const buf = Buffer.from(n, 'latin1');
      d.addBytes(buf, 0, buf.length, s, suffixHash(n));
    };
    add('x.y.evil.com', a);
    add('y.evil.com', b);
    add('evil.com', a);
    add('z.bad.org', b);
    add('bad.org', a);
    d.add('q.z.bad.org', a, 1000, 500);
    expect(d.remove('bad.org')).toBe(a);
    expect(d.collapse()).toBe(3);
    expect(rows(d.entries(), sets)).toEqual([
      ['evil.com', ['a', 'b'], Infinity, Infinity],
      ['z.bad.org', ['a', 'b'], 1000, 500],
    ]);
  });

  it('sorts non-ASCII values (never canonical, but the API takes any string) by code units', () => {
    const sets = new SourceSets();
    const s = sets.source('a');
    const d = new DomainSet(sets);
    const names = ['b.com', '\u{1F600}.com', '\uFFFD.com', 'a.com', 'é.com'];
    for (const n of names) d.add(n, s, Infinity, Infinity);
    expect(d.entries().value).toEqual([...names].sort(byCodeUnits));
    expect(d.allPlain).toBe(false);
  });

  it('gives the same entries whatever the size hint (it only sizes the columns)', () => {
    const sets = new SourceSets();
    const [a, b] = [sets.source('a'), sets.source('b')];
    const names = Array.from({ length: 3000 }, (_, i) => `n${(i * 7) % 2000}.sub${i % 3}.example.com`);
    const build = (hint: number): DomainSet => {
      const d = new DomainSet(sets);
      d.expect(hint);
      names.forEach((n, i) => {
        const buf = Buffer.from(n, 'latin1');
        d.addBytes(buf, 0, buf.length, i % 2 === 0 ? a : b, suffixHash(n));
      });
      d.add('example.com', a, Infinity, Infinity);
      d.collapse();
      return d;
    };
    const expected = rows(build(0).entries(), sets);
    expect(expected).toEqual([['example.com', ['a', 'b'], Infinity, Infinity]]);
    for (const hint of [1, 100, 3000, 100_000]) expect(rows(build(hint).entries(), sets)).toEqual(expected);
  });
});
