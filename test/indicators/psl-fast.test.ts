import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getDomain } from 'tldts';
import { describe, expect, it } from 'vitest';
import { isKnownTld } from '../../src/indicators/domain.js';
import {
  pslDeepBases,
  pslIcannTlds,
  pslSlowTlds,
  registrableDomainFast,
} from '../../src/indicators/psl-fast.js';
import {
  PSL_DEEP_BASES,
  PSL_ICANN_TLDS,
  PSL_SLOW_TLDS,
  PSL_TLDTS_VERSION,
} from '../../src/indicators/psl-fast-data.js';
import { parse } from 'tldts';

/** What scripts/gen-psl-fast.mjs exports (a plain .mjs script: typed here, not by TypeScript). */
interface GenPslFast {
  pslFastData(): { deepBases: string[]; slowTlds: string[]; icannTlds: string[]; tldtsVersion: string };
  pslRules(): { rules: string[]; exceptions: string[] };
}
const generator = (await import(
  new URL('../../scripts/gen-psl-fast.mjs', import.meta.url).href
)) as GenPslFast;

/** The options the blocklist guard passes for canonical names (blocklist/guard/names.ts). */
const OPTIONS = {
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
};
const REGENERATE = 'stale src/indicators/psl-fast-data.ts: run `node scripts/gen-psl-fast.mjs`';

/** A small seeded PRNG (mulberry32): the corpus is random but the same on every run. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = prng(0x5eed);
const LDH = 'abcdefghijklmnopqrstuvwxyz0123456789-';
/** A random LDH label of 1–12 characters. */
function label(): string {
  let out = '';
  const length = 1 + Math.floor(random() * 12);
  for (let i = 0; i < length; i++) out += LDH.charAt(Math.floor(random() * LDH.length));
  return out;
}

/** Names the fast answer is checked on; `fastAnswers` counts how many it answered itself. */
function expectExact(names: Iterable<string>): { checked: number; fastAnswers: number } {
  let checked = 0;
  let fastAnswers = 0;
  for (const name of names) {
    checked++;
    const fast = registrableDomainFast(name);
    if (fast === undefined) continue;
    fastAnswers++;
    const slow = getDomain(name, OPTIONS);
    if (fast !== slow) expect(fast, name).toBe(slow);
  }
  return { checked, fastAnswers };
}

const { rules, exceptions } = generator.pslRules();
/** Every TLD the trie knows: the last label of every rule and exception rule. */
const trieTlds = [...new Set([...rules, ...exceptions].map((rule) => rule.slice(rule.lastIndexOf('.') + 1)))];

describe('committed PSL data', () => {
  it('is what scripts/gen-psl-fast.mjs reads from the installed tldts', () => {
    const data = generator.pslFastData();
    const manifest = createRequire(import.meta.url).resolve('tldts/package.json');
    const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    expect(data.tldtsVersion).toBe(installed);
    expect(PSL_TLDTS_VERSION, REGENERATE).toBe(installed);
    // Compared as whole strings (a 6 000-line diff helps nobody); the message says what to do.
    expect(PSL_DEEP_BASES === data.deepBases.join('\n'), REGENERATE).toBe(true);
    expect(PSL_SLOW_TLDS === data.slowTlds.join('\n'), REGENERATE).toBe(true);
    expect(PSL_ICANN_TLDS === data.icannTlds.join('\n'), REGENERATE).toBe(true);
  });

  it('knows exactly the TLDs tldts reports as ICANN ones (isKnownTld never loads tldts)', () => {
    expect(pslIcannTlds().size).toBeGreaterThan(1000);
    for (const tld of [...trieTlds, 'xn--p1ai', 'рф', 'qqqq', 'local', 'exe', 'zip', 'onion', 'example']) {
      expect(isKnownTld(tld), tld).toBe(parse(tld).isIcann === true);
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{2,8}$/), (tld) => {
        expect(isKnownTld(tld)).toBe(parse(tld).isIcann === true);
      }),
      { numRuns: 3000 },
    );
  });

  it('parses into the sets psl-fast.ts consults', () => {
    expect(pslDeepBases().size).toBe(PSL_DEEP_BASES.split('\n').length);
    expect(pslDeepBases()).toBe(pslDeepBases());
    for (const base of ['co.uk', 'blogspot.com', 'amazonaws.com', 'kawasaki.jp', 'www.ck', 'github.io']) {
      expect(pslDeepBases().has(base), base).toBe(true);
    }
    for (const base of ['example.com', 'evil.ru', 'uk']) expect(pslDeepBases().has(base), base).toBe(false);
    for (const tld of ['ck', 'jp']) expect(pslSlowTlds().has(tld), tld).toBe(true);
    for (const tld of ['com', 'uk', 'ru', 'io']) expect(pslSlowTlds().has(tld), tld).toBe(false);
  });
});

/** Names under wildcard, exception and private rules: always tldts' to answer. */
const TRICKY = [
  'www.ck',
  'a.www.ck',
  'city.kawasaki.jp',
  'a.b.kawasaki.jp',
  'blogspot.com',
  'x.blogspot.com',
  's3.amazonaws.com',
  'a.b.s3.amazonaws.com',
  'co.uk',
  'a.co.uk',
];

describe('registrableDomainFast', () => {
  it('answers the plain names itself', () => {
    for (const [name, domain] of [
      ['abc123.com', 'abc123.com'],
      ['foo.bar.xyz', 'bar.xyz'],
      ['x.top', 'x.top'],
      ['evil.ru', 'evil.ru'],
      ['a.b.example.com', 'example.com'],
      ['x.notatld', 'x.notatld'],
      ['x_y.example.org', 'example.org'],
    ] as const) {
      expect(registrableDomainFast(name), name).toBe(domain);
      expect(getDomain(name, OPTIONS), name).toBe(domain);
    }
  });

  it('leaves tricky names and non-names to tldts', () => {
    for (const name of [...TRICKY, 'x.ck', 'com', '', '.com', 'a..com', 'example.com.', 'a.']) {
      expect(registrableDomainFast(name), name).toBeUndefined();
    }
  });

  it('equals tldts on known tricky names', () => {
    const { checked } = expectExact([
      ...TRICKY,
      'example.com',
      'a.b.example.com',
      'x.notatld',
      'a.b.notatld',
      '..example.com',
      '.example.com',
    ]);
    expect(checked).toBe(16);
  });

  it('equals tldts for every deep base and names one to three levels beneath it', () => {
    function* names(): Generator<string> {
      for (const base of pslDeepBases()) {
        yield base;
        const a = `${label()}.${base}`;
        yield a;
        yield `${label()}.${a}`;
        yield `${label()}.${label()}.${a}`;
      }
    }
    const { checked } = expectExact(names());
    expect(checked).toBe(4 * pslDeepBases().size);
  });

  it('equals tldts for every rule and exception rule, and names beneath them', () => {
    function* names(): Generator<string> {
      for (const rule of [...rules, ...exceptions]) {
        const name = rule.replaceAll('*', label());
        yield name;
        yield `${label()}.${name}`;
        yield `${label()}.${label()}.${name}`;
      }
    }
    expectExact(names());
  });

  it('equals tldts under every TLD of the trie, and answers itself under every fast one', () => {
    function* names(tld: string): Generator<string> {
      for (let i = 0; i < 4; i++) {
        const base = `${label()}.${tld}`;
        yield base;
        yield `${label()}.${base}`;
      }
      yield tld;
    }
    let fastTlds = 0;
    for (const tld of trieTlds) {
      const { fastAnswers } = expectExact(names(tld));
      // Random second labels are (almost surely) not deep bases: only slow TLDs leave it all to tldts.
      if (pslSlowTlds().has(tld)) expect(fastAnswers, tld).toBe(0);
      else if (fastAnswers > 0) fastTlds++;
    }
    expect(fastTlds).toBe(trieTlds.length - pslSlowTlds().size);
  });

  it('equals tldts under every slow TLD', () => {
    for (const tld of pslSlowTlds()) {
      const { fastAnswers } = expectExact([
        `x.${tld}`,
        `www.${tld}`,
        `a.b.${tld}`,
        `city.${tld}`,
        `a.city.${tld}`,
        `${label()}.${label()}.${tld}`,
      ]);
      expect(fastAnswers, tld).toBe(0);
    }
  });

  it('equals tldts for random names', () => {
    const knownLabels = [...new Set([...rules, ...exceptions].flatMap((rule) => rule.split('.')))];
    const ldhLabel = fc.oneof(
      fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/),
      fc.constantFrom(...knownLabels),
    );
    const ldhName = fc.array(ldhLabel, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.'));
    fc.assert(
      fc.property(ldhName, (name) => {
        expectExact([name]);
      }),
      { numRuns: 20_000 },
    );
    // Any string at all: the fast answer reads only the last two labels, so it must hold for these too.
    const anyName = fc
      .array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...knownLabels)), { maxLength: 5 })
      .map((labels) => labels.join('.'));
    fc.assert(
      fc.property(anyName, (name) => {
        expectExact([name]);
      }),
      { numRuns: 20_000 },
    );
  });
});
