import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultWarninglistDir,
  IP_CACHE_FILE,
  LIST_KINDS,
  loadIpWarninglists,
  loadNameWarninglists,
  NAME_CACHE_FILE,
  readWarninglistCaches,
  writeWarninglistCaches,
  type IpWarninglists,
  type NameWarninglists,
} from '../../../src/blocklist/guard/warninglists.js';
import { InternalError } from '../../../src/errors.js';
import {
  buildNameTableBase,
  nameTableBaseOf,
  sameNameTableBase,
} from '../../../src/blocklist/guard/name-table.js';
import { NameGuard, type NameGuardMaps } from '../../../src/blocklist/guard/names.js';

const KINDS = ['special', 'infrastructure', 'cdn'] as const;
const MAPS = ['exact', 'subtree', 'parents'] as const;
const shipped = defaultWarninglistDir();

const temporary: string[] = [];
function tempDir(what: string): string {
  const dir = mkdtempSync(join(tmpdir(), `iocwall-wlcache-${what}-`));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the shipped lists that a test may edit. */
function listCopy(): string {
  const dir = tempDir('lists');
  cpSync(shipped, dir, { recursive: true });
  return dir;
}

/** A cache folder written from the lists of `dir`. */
function cacheOf(dir: string): string {
  const cacheDir = tempDir('cache');
  writeWarninglistCaches(dir, cacheDir);
  return cacheDir;
}

/** Every interval and label of the address lists, in order, as plain data. */
function ipSnapshot(lists: IpWarninglists) {
  return KINDS.map((kind) => ({
    kind,
    v4: lists[kind].v4.entries().map((e) => [e.first, e.last, e.label]),
    v6: lists[kind].v6.entries().map((e) => [e.first.toString(16), e.last.toString(16), e.label]),
  }));
}

/** Every entry of the name maps, in order. */
function nameSnapshot(lists: NameWarninglists) {
  return MAPS.map((map) => ({ map, entries: [...lists[map].entries()] }));
}

function v4(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Replaces `from` by `to` (same length) in one list file, textually. */
function editList(dir: string, list: string, from: string, to: string): void {
  const file = join(dir, `${list}.json`);
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(`"${from}"`);
  expect(text).not.toContain(`"${to}"`);
  writeFileSync(file, text.replace(`"${from}"`, `"${to}"`));
}

// The JSON path (no cache), the reference every cache-served result must equal.
let jsonIp: ReturnType<typeof ipSnapshot>;
let jsonNames: ReturnType<typeof nameSnapshot>;
beforeAll(() => {
  jsonIp = ipSnapshot(loadIpWarninglists(shipped, { cacheDir: null }));
  jsonNames = nameSnapshot(loadNameWarninglists(shipped, { cacheDir: null }));
});

describe('warninglist cache: the cache path gives what the JSON path gives', () => {
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = cacheOf(shipped);
  });

  it('writes both cache files into the folder given, and reads them back as fresh', () => {
    expect(readdirSync(cacheDir).sort()).toEqual([IP_CACHE_FILE, NAME_CACHE_FILE].sort());
    const cached = readWarninglistCaches(shipped, cacheDir);
    expect(cached.ip).toBeDefined();
    expect(cached.names).toBeDefined();
  });

  it('every IPv4/IPv6 interval and label, in order', () => {
    const fromCache = loadIpWarninglists(shipped, { cacheDir });
    expect(fromCache).not.toBe(loadIpWarninglists(shipped, { cacheDir: null }));
    expect(ipSnapshot(fromCache)).toEqual(jsonIp);
  });

  it('property: every lookup answers the same, around and between the listed entries', () => {
    const cached = readWarninglistCaches(shipped, cacheDir).ip!;
    const json = loadIpWarninglists(shipped, { cacheDir: null });
    for (const kind of KINDS) {
      const entries = json[kind].v4.entries();
      const near = fc
        .tuple(fc.nat(entries.length - 1), fc.integer({ min: -2, max: 2 }), fc.nat(300))
        .map(([i, shift, span]) => {
          const lo = Math.min(4294967295, Math.max(0, entries[i]!.first + shift));
          return [lo, Math.min(4294967295, lo + span)] as const;
        });
      const anywhere = fc
        .tuple(fc.nat(4294967295), fc.nat(1 << 24))
        .map(([lo, span]) => [lo, Math.min(4294967295, lo + span)] as const);
      fc.assert(
        fc.property(fc.oneof(near, anywhere), ([lo, hi]) => {
          expect(cached[kind].v4.find(lo, hi)).toBe(json[kind].v4.find(lo, hi));
          expect(cached[kind].v4.findContaining(lo, hi)).toBe(json[kind].v4.findContaining(lo, hi));
          expect(cached[kind].v4.overlaps(lo, hi)).toBe(json[kind].v4.overlaps(lo, hi));
        }),
        { numRuns: 2000 },
      );
      for (const e of json[kind].v6.entries()) {
        for (const [lo, hi] of [
          [e.first, e.first],
          [e.last, e.last + 1n],
          [e.first - 1n, e.first - 1n],
        ] as const) {
          expect(cached[kind].v6.find(lo, hi)).toBe(json[kind].v6.find(lo, hi));
          expect(cached[kind].v6.findContaining(lo, hi)).toBe(json[kind].v6.findContaining(lo, hi));
        }
      }
    }
  });

  it('every name map entry, in order, read every way', () => {
    const cached = readWarninglistCaches(shipped, cacheDir).names!;
    const json = loadNameWarninglists(shipped, { cacheDir: null });
    for (const map of MAPS) {
      // size, keys() and values() are answered from the columns before any lookup fills the map.
      expect(cached[map].size).toBe(json[map].size);
      expect([...cached[map].keys()]).toEqual([...json[map].keys()]);
      expect([...cached[map].values()]).toEqual([...json[map].values()]);
    }
    expect(nameSnapshot(cached)).toEqual(jsonNames);
    expect(nameSnapshot(loadNameWarninglists(shipped, { cacheDir }))).toEqual(jsonNames);
    for (const map of MAPS) for (const [name, list] of json[map]) expect(cached[map].get(name)).toBe(list);
  });

  it("the name guard's base table, array for array, and a guard on it answers as one built from the JSON", () => {
    const cached = readWarninglistCaches(shipped, cacheDir).names!;
    const json = loadNameWarninglists(shipped, { cacheDir: null });
    expect(cached.tableBase).toBeDefined();
    expect(json.tableBase).toBeUndefined();
    expect(sameNameTableBase(cached.tableBase!, buildNameTableBase(json))).toBe(true);
    expect(nameTableBaseOf(cached)).toBe(cached.tableBase);

    // The config's own names go on top of the base: one new to it, one it already holds.
    const maps = (lists: NameWarninglists): NameGuardMaps => ({
      special: new Map([['example.com', 'special-use name example.com']]),
      targetNames: new Map([['fw.customer.example', 'fw.customer.example']]),
      targetParents: new Map(),
      allowNames: new Map([['github.com', 'github.com']]),
      allowParents: new Map(),
      lists,
    });
    const a = new NameGuard(maps(cached));
    const b = new NameGuard(maps(json));
    const names = [...json.exact.keys(), ...json.subtree.keys(), ...json.parents.keys()];
    const probes = names.flatMap((n) => [n, `x.${n}`, `www.${n}`]);
    probes.push('fw.customer.example', 'a.example.com', 'raw.githubusercontent.com', 'evil.co.uk', 'co.uk');
    let refused = 0;
    for (const name of probes) {
      const verdict = a.check(name);
      expect(verdict).toEqual(b.check(name));
      if (verdict !== null) refused++;
    }
    // Not a vacuous comparison: most probes are listed names, which both refuse.
    expect(refused).toBeGreaterThan(names.length / 2);
  });

  it('a cached name map behaves as a Map in every other way too', () => {
    const { exact } = readWarninglistCaches(shipped, cacheDir).names!;
    const json = loadNameWarninglists(shipped, { cacheDir: null }).exact;
    expect(exact).toBeInstanceOf(Map);
    const [first] = json.keys();
    expect(exact.has(first!)).toBe(true);
    expect(exact.has('not-listed.invalid')).toBe(false);
    expect(new Map(exact)).toEqual(new Map(json));
    const seen: string[] = [];
    exact.forEach((list, name) => seen.push(`${name}=${list}`));
    expect(seen).toHaveLength(json.size);
    expect(inspect(exact)).toContain(first!);
    exact.set('added.example', 'test');
    expect(exact.size).toBe(json.size + 1);
    expect(exact.delete('added.example')).toBe(true);
    expect([...exact.keys()]).toEqual([...json.keys()]);
  });
});

describe('warninglist cache: a stale cache is ignored', () => {
  it('an address list edited in place (same size) is read from its JSON', () => {
    const dir = listCopy();
    const cacheDir = cacheOf(dir);
    editList(dir, 'sinkholes', '104.21.27.14', '104.21.27.15');
    const cached = readWarninglistCaches(dir, cacheDir);
    expect(cached.ip).toBeUndefined();
    expect(cached.names).toBeDefined(); // the name lists did not change
    const lists = loadIpWarninglists(dir, { cacheDir });
    expect(lists.infrastructure.v4.findContaining(v4('104.21.27.15'), v4('104.21.27.15'))).toBe('sinkholes');
    expect(ipSnapshot(lists)).toEqual(ipSnapshot(loadIpWarninglists(dir, { cacheDir: null })));
    expect(ipSnapshot(lists)).not.toEqual(jsonIp);
  });

  it('a name list edited in place (same size) is read from its JSON', () => {
    const dir = listCopy();
    const cacheDir = cacheOf(dir);
    editList(dir, 'tranco10k', '10086.cn', '10087.cn');
    const cached = readWarninglistCaches(dir, cacheDir);
    expect(cached.names).toBeUndefined();
    expect(cached.ip).toBeDefined();
    const lists = loadNameWarninglists(dir, { cacheDir });
    expect(lists.subtree.get('10087.cn')).toBe('tranco10k');
    expect(lists.subtree.has('10086.cn')).toBe(false);
    expect(nameSnapshot(lists)).toEqual(nameSnapshot(loadNameWarninglists(dir, { cacheDir: null })));
  });

  it('a list missing from the folder fails clearly, cache or not', () => {
    const dir = listCopy();
    const cacheDir = cacheOf(dir);
    rmSync(join(dir, 'fastly.json'));
    expect(() => loadIpWarninglists(dir, { cacheDir })).toThrow(InternalError);
    expect(() => loadIpWarninglists(dir, { cacheDir })).toThrow(/fastly\.json missing/);
  });
});

describe('warninglist cache: a damaged cache falls back to the JSON', () => {
  const damages: [string, (bytes: Buffer) => Buffer][] = [
    ['truncated', (b) => b.subarray(0, b.length - 8)],
    ['cut in the header', (b) => b.subarray(0, 60)],
    ['a byte flipped in the arrays', (b) => flip(b, Math.floor(b.length * 0.6))],
    ['a byte flipped in the header', (b) => flip(b, 50)],
    ['a byte flipped in the digest', (b) => flip(b, 12)],
    ['an extra byte', (b) => Buffer.concat([b, Buffer.from([0])])],
    ['garbage', (b) => Buffer.alloc(b.length, 0x5a)],
    ['empty', () => Buffer.alloc(0)],
  ];
  function flip(bytes: Buffer, at: number): Buffer {
    const copy = Buffer.from(bytes);
    copy[at] = (copy[at] ?? 0) ^ 0x01;
    return copy;
  }

  it.each(damages)('%s', (_, damage) => {
    const cacheDir = cacheOf(shipped);
    for (const file of [IP_CACHE_FILE, NAME_CACHE_FILE]) {
      const path = join(cacheDir, file);
      writeFileSync(path, damage(readFileSync(path)));
    }
    expect(readWarninglistCaches(shipped, cacheDir)).toEqual({ ip: undefined, names: undefined });
    expect(ipSnapshot(loadIpWarninglists(shipped, { cacheDir }))).toEqual(jsonIp);
    expect(nameSnapshot(loadNameWarninglists(shipped, { cacheDir }))).toEqual(jsonNames);
  });

  it('an absent cache folder', () => {
    const cacheDir = join(tempDir('gone'), 'nothing-here');
    expect(readWarninglistCaches(shipped, cacheDir)).toEqual({ ip: undefined, names: undefined });
    expect(ipSnapshot(loadIpWarninglists(shipped, { cacheDir }))).toEqual(jsonIp);
  });
});

describe('warninglists: the shipped lists', () => {
  const raw = (list: string): string[] =>
    (JSON.parse(readFileSync(join(shipped, `${list}.json`), 'utf8')) as { list: string[] }).list;
  const listsOf = (kind: string): string[] =>
    Object.entries(LIST_KINDS)
      .filter(([, k]) => k === kind)
      .map(([name]) => name);

  it('load with the right counts: every address entry is one interval of its kind', () => {
    const lists = loadIpWarninglists();
    for (const kind of KINDS) {
      const entries = listsOf(kind).flatMap(raw);
      const v6 = entries.filter((e) => e.includes(':')).length;
      expect(lists[kind].v6.size).toBe(v6);
      expect(lists[kind].v4.size).toBe(entries.length - v6);
    }
    expect(lists.infrastructure.v4.size).toBeGreaterThan(60_000);
  });

  it('load with the right counts: the names, their www. forms and all their parents', () => {
    const lists = loadNameWarninglists();
    const protectedNames = new Set<string>();
    for (const list of listsOf('platform')) {
      for (const entry of raw(list).map((e) => e.toLowerCase())) {
        protectedNames.add(entry.replace(/^\./, ''));
        if (!entry.startsWith('.')) protectedNames.add(`www.${entry}`);
      }
    }
    for (const list of listsOf('names'))
      for (const e of raw(list)) protectedNames.add(e.toLowerCase().replace(/^\./, ''));
    const parents = new Set<string>();
    for (const name of protectedNames) {
      const labels = name.split('.');
      for (let i = 1; i < labels.length; i++) parents.add(labels.slice(i).join('.'));
    }
    expect(new Set([...lists.exact.keys(), ...lists.subtree.keys()])).toEqual(protectedNames);
    // Only a platform's www. form can be in both (security-provider-blogpost lists www.youtube.com):
    // the guard reads `exact` first.
    const both = [...lists.exact.keys()].filter((name) => lists.subtree.has(name));
    expect(both.every((name) => name.startsWith('www.'))).toBe(true);
    expect(lists.exact.size + lists.subtree.size - both.length).toBe(protectedNames.size);
    expect(new Set(lists.parents.keys())).toEqual(parents);
  });

  it('the cache built into dist/, when present, is fresh and exact or ignored — never wrong', () => {
    const distCache = fileURLToPath(new URL('../../../dist/src/blocklist/guard/', import.meta.url));
    if (!existsSync(join(distCache, IP_CACHE_FILE))) return;
    const cached = readWarninglistCaches(shipped, distCache);
    // The fingerprint covers the loader code: dist/ built from these sources matches, a stale build reads as absent.
    if (cached.ip !== undefined) expect(ipSnapshot(cached.ip)).toEqual(jsonIp);
    if (cached.names !== undefined) expect(nameSnapshot(cached.names)).toEqual(jsonNames);
  });
});

describe('warninglists: list validation', () => {
  function withList(list: string, edit: (doc: Record<string, unknown>) => void): string {
    const dir = listCopy();
    const file = join(dir, `${list}.json`);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(doc);
    writeFileSync(file, JSON.stringify(doc));
    return dir;
  }

  it.each([
    [
      'an entry that is not a string',
      (d: Record<string, unknown>) => (d.list as unknown[]).push(42),
      /entry 3 of "list" is not a string/,
    ],
    ['a list that is not an array', (d: Record<string, unknown>) => (d.list = 'x'), /"list" is not an array/],
    ['no name', (d: Record<string, unknown>) => delete d.name, /"name" is not a string/],
  ])('refuses %s with an InternalError naming the file', (_, edit, message) => {
    const dir = withList('rfc1918', edit);
    expect(() => loadIpWarninglists(dir, { cacheDir: null })).toThrow(InternalError);
    expect(() => loadIpWarninglists(dir, { cacheDir: null })).toThrow(
      /rfc1918\.json is not a MISP list\.json/,
    );
    expect(() => loadIpWarninglists(dir, { cacheDir: null })).toThrow(message);
  });

  it('refuses a file that is not JSON', () => {
    const dir = listCopy();
    writeFileSync(join(dir, 'google.json'), '{"list": [');
    expect(() => loadNameWarninglists(dir, { cacheDir: null })).toThrow(
      /google\.json is not a MISP list\.json: not JSON/,
    );
  });
});
