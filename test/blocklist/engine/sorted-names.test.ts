import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NameArena } from '../../../src/blocklist/engine/name-arena.js';
import { SortedNames } from '../../../src/blocklist/engine/sorted-names.js';

/** Code-unit order, the canonical order of domain values. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Names over a few first bytes (so groups are shared and some are empty), with short and empty ones. */
const name = fc.oneof(
  fc.stringMatching(/^[a-c0-9-][a-z0-9.-]{0,24}$/),
  fc.constantFrom('', 'a', 'b', '-', '0', 'aa', 'a.b', 'zz.top'),
  fc.stringMatching(/^[\x20-\x7e]{0,12}$/),
);

function arenaOf(names: readonly string[]): NameArena {
  const arena = new NameArena();
  for (const n of names) arena.internString(n);
  return arena;
}

describe('SortedNames', () => {
  it('property: lists every name once, in code-unit order, each mapped back to its arena id', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 300 }), (names) => {
        const arena = arenaOf(names);
        const sorted = SortedNames.of(arena);
        const texts = Array.from(sorted.order, (k) => sorted.text(k));
        expect(texts).toEqual([...new Set(names)].sort(byCodeUnits));
        // The copy holds the same bytes as the arena entry it says it came from.
        for (let k = 0; k < arena.count; k++) expect(sorted.text(k)).toBe(arena.text(sorted.arenaId[k]!));
        expect(new Set(sorted.arenaId).size).toBe(arena.count);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each group contiguous in memory, groups in first-byte order', () => {
    const names = ['b.example', 'a.example', 'c.example', 'ab.example', 'bb.example', 'a', ''];
    const sorted = SortedNames.of(arenaOf(names));
    const firstBytes = Array.from(sorted.order, (k) =>
      sorted.len[k] === 0 ? -1 : sorted.bytes[sorted.off[k]!]!,
    );
    expect(firstBytes).toEqual([...firstBytes].sort((x, y) => x - y));
    // Ids are laid out group by group: the copy's offsets grow along the sorted order's groups.
    const byGroup = new Map<number, [number, number][]>();
    sorted.order.forEach((k, i) => {
      const range: [number, number] = [sorted.off[k]!, sorted.off[k]! + sorted.len[k]!];
      byGroup.set(firstBytes[i]!, [...(byGroup.get(firstBytes[i]!) ?? []), range]);
    });
    const spans = [...byGroup.values()].map((r) => [
      Math.min(...r.map((x) => x[0])),
      Math.max(...r.map((x) => x[1])),
    ]);
    expect(spans.length).toBe(4); // the empty name, a…, b…, c…
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
  });

  it('sorts a large group (several radix rounds) like the comparator', () => {
    const names: string[] = [];
    for (let i = 0; i < 20000; i++) names.push(`www.shared-${(i * 7919) % 20000}.example${i % 3}.com`);
    const sorted = SortedNames.of(arenaOf(names));
    expect(Array.from(sorted.order, (k) => sorted.text(k))).toEqual([...new Set(names)].sort(byCodeUnits));
  });

  it('handles an empty arena and refuses one with non-ASCII names', () => {
    expect(SortedNames.of(new NameArena()).order.length).toBe(0);
    expect(() => SortedNames.of(arenaOf(['bücher.example']))).toThrow(/ASCII/);
  });
});
