import fc from 'fast-check';
import { parse } from 'tldts';
import { describe, expect, it } from 'vitest';
import {
  createGuard,
  DEFAULT_GUARD_OPTIONS,
  type GuardOptions,
  type GuardVerdict,
} from '../../../src/blocklist/guard/guard.js';
import { SPECIAL_USE_NAMES } from '../../../src/blocklist/guard/special.js';
import { loadNameWarninglists, type NameWarninglists } from '../../../src/blocklist/guard/warninglists.js';
import { SPECIAL_USE_TLDS } from '../../../src/indicators/domain.js';
import { NameScan, scanCanonicalDomain } from '../../../src/indicators/fast-path.js';
import { pslDeepBases, pslSlowTlds } from '../../../src/indicators/psl-fast.js';
import { formatIPv4 } from '../../../src/indicators/ip.js';

const options: GuardOptions = {
  ...DEFAULT_GUARD_OPTIONS,
  protectedNetworks: ['100.100.0.0/16', '8.9.10.11'],
  targetAddresses: ['fw.corp.example.net', '203.0.114.9', 'https://edge.mgmt.io:8443/api'],
  allowlist: { domains: ['partner.com', 'cdn.assets.org'], ips: ['45.9.9.9', '46.0.0.0/24'] },
};

// The per-map walk the guard used before the suffix table: the reference for the fast version.
function* parentsOf(name: string): Generator<string> {
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) yield name.slice(dot + 1);
}
function matchName(
  name: string,
  set: ReadonlyMap<string, string>,
  children: ReadonlyMap<string, string>,
  minLength = 0,
): string | null {
  const own = set.get(name);
  if (own !== undefined) return own;
  for (const p of parentsOf(name)) {
    if (p.length < minLength) break;
    const hit = set.get(p);
    if (hit !== undefined) return hit;
  }
  return children.get(name) ?? null;
}
function nameMaps(names: readonly string[]): { names: Map<string, string>; parents: Map<string, string> } {
  const own = new Map<string, string>();
  const parents = new Map<string, string>();
  for (const n of names) {
    own.set(n, n);
    for (const p of parentsOf(n)) if (!parents.has(p)) parents.set(p, n);
  }
  return { names: own, parents };
}
const SPECIAL_NAMES = new Map(
  [...SPECIAL_USE_TLDS, ...SPECIAL_USE_NAMES].map((n) => [
    n,
    `special-use name ${n} (RFC 6761/6762/7686/8375)`,
  ]),
);
const NO_NAMES = new Map<string, string>();
const targetNames = nameMaps(['fw.corp.example.net', 'edge.mgmt.io']);
const allowNames = nameMaps(['partner.com', 'cdn.assets.org']);
function referenceCheckDomain(name: string, lists: NameWarninglists): GuardVerdict {
  const special = matchName(name, SPECIAL_NAMES, NO_NAMES);
  if (special !== null) return { reason: 'guarded', detail: special };
  const target = matchName(name, targetNames.names, targetNames.parents);
  if (target !== null) return { reason: 'guarded', detail: `target address ${target}` };
  const parsed = parse(name, { allowPrivateDomains: true });
  if (parsed.domain === null) {
    return { reason: 'public-suffix', detail: `public suffix ${parsed.publicSuffix ?? name}` };
  }
  const allowed = matchName(name, allowNames.names, allowNames.parents);
  if (allowed !== null) return { reason: 'allowlisted', detail: `allowlist ${allowed}` };
  const listed = lists.exact.get(name) ?? matchName(name, lists.subtree, lists.parents, parsed.domain.length);
  return listed === null ? null : { reason: 'warninglisted', detail: listed };
}

describe('guard fast entry points agree with the general ones', () => {
  const guard = createGuard(options);
  const warnGuard = createGuard({ ...options, sharedHostPolicy: 'warn' });
  const lists = loadNameWarninglists();

  it('property: checkIPv4(first, last, prefix) equals check() of the same network', () => {
    const interesting = [
      0, 0x0a000000, 0x64400000, 0x7f000001, 0x08080808, 0x2d090909, 0x2e000000, 0x68100101, 0xe0000000,
      0xcb007209, 0x64640000,
    ];
    const base = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(...interesting));
    fc.assert(
      fc.property(base, fc.integer({ min: 0, max: 32 }), fc.boolean(), (n, prefix, warn) => {
        const g = warn ? warnGuard : guard;
        const first = n - (n % 2 ** (32 - prefix));
        const last = first + 2 ** (32 - prefix) - 1;
        const text = prefix === 32 ? formatIPv4(first) : `${formatIPv4(first)}/${prefix}`;
        const ind = { type: 'ip', family: 4, value: text } as const;
        expect(g.checkIPv4(first, last, prefix)).toEqual(g.check(ind));
        expect(g.sharedHostIPv4(first, last, prefix)).toEqual(g.sharedHost(ind));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: the suffix-table domain check equals the per-map walk', () => {
    const scan = new NameScan();
    const known = [...lists.exact.keys(), ...lists.subtree.keys(), ...lists.parents.keys()];
    const sample = known.filter((_, i) => i % 7 === 0);
    const special = [
      ...SPECIAL_NAMES.keys(),
      'fw.corp.example.net',
      'corp.example.net',
      'mgmt.io',
      'partner.com',
      'assets.org',
    ];
    // Public-suffix data of the fast path (psl-fast.ts): names on and under deep bases, under TLDs
    // with wildcard or exception rules, and plain ones.
    // (ASCII ones: canonical names are punycode, never Unicode.)
    const psl = [...pslDeepBases()].filter((b, i) => i % 11 === 0 && /^[\x21-\x7e]+$/.test(b));
    const suffix = fc.constantFrom(
      ...sample,
      ...special,
      ...psl,
      ...pslSlowTlds(),
      'com',
      'co.uk',
      'github.io',
      'blogspot.com',
      'xyz',
      'www.ck',
      'city.kawasaki.jp',
      'kawasaki.jp',
    );
    const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}[a-z0-9]$/);
    const name = fc.oneof(
      suffix,
      fc
        .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), suffix)
        .map(([ls, s]) => [...ls, s].join('.')),
      fc.constantFrom(
        'www.google.com',
        'a.b.blob.core.windows.net',
        'evil.github.io',
        'x.home.arpa',
        'www.partner.com',
      ),
    );
    fc.assert(
      fc.property(name, (n) => {
        const expected = referenceCheckDomain(n, lists);
        expect(guard.checkDomainName(n)).toEqual(expected);
        expect(guard.check({ type: 'domain', value: n, wildcard: false })).toEqual(expected);
        // The byte form (for ASCII names, which canonical ones are), inside a larger buffer.
        if (/^[\x21-\x7e]+$/.test(n)) {
          const b = Buffer.from(`x.${n}.y`, 'latin1');
          expect(guard.checkDomainBytes(b, 2, 2 + n.length)).toEqual(expected);
          // The compile path: the classifier's scan, then the guard on its dots and hashes.
          if (scanCanonicalDomain(b, 2, 2 + n.length, scan)) {
            expect(guard.checkDomainScanned(b, 2, 2 + n.length, scan)).toEqual(expected);
          }
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on every shipped warninglist name and its www. child', () => {
    const all = [...lists.exact.keys(), ...lists.subtree.keys(), ...lists.parents.keys()];
    for (const n of all) {
      expect(guard.checkDomainName(n)).toEqual(referenceCheckDomain(n, lists));
      if (/^[\x21-\x7e]+$/.test(n)) {
        expect(guard.checkDomainBytes(Buffer.from(n, 'latin1'), 0, n.length)).toEqual(
          referenceCheckDomain(n, lists),
        );
      }
      expect(guard.checkDomainName(`www.${n}`)).toEqual(referenceCheckDomain(`www.${n}`, lists));
    }
  });
});
