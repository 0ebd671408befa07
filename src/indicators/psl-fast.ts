/**
 * The registrable domain of a name without asking tldts, for the names where the answer is simply the
 * last two labels — almost every name of a feed. tldts costs ≈ 0.5 µs per call; a million-name feed
 * spends half a second there otherwise.
 *
 * Why it is exact: tldts (with `allowPrivateDomains: true`) walks its rule trie from the last label
 * leftwards and takes the deepest rule it reaches, or the last label by the default `*` rule. For
 * `… .sld.tld` the walk can only get past `tld` when some rule equals `sld.tld` or ends in `.sld.tld`
 * (a deep base), or when `*.tld` matches any `sld`; an exception rule can only apply under a TLD that
 * has one. Otherwise the public suffix is `tld` — a rule or not — and the domain is `sld.tld`. The
 * deep bases and such "slow" TLDs are read from tldts' own trie by scripts/gen-psl-fast.mjs, and
 * test/indicators/psl-fast.test.ts compares every fast answer with tldts'.
 */
import { PSL_DEEP_BASES, PSL_ICANN_TLDS, PSL_SLOW_TLDS } from './psl-fast-data.js';

let deepBases: ReadonlySet<string> | undefined;
let slowTlds: ReadonlySet<string> | undefined;
let icannTlds: ReadonlySet<string> | undefined;

/**
 * Every TLD that is a rule of the ICANN section (what tldts reports as `parse(tld).isIcann`), in
 * Unicode and punycode forms: the classifier's "is this a real TLD" without loading tldts (≈ 70 ms).
 */
export function pslIcannTlds(): ReadonlySet<string> {
  icannTlds ??= new Set(PSL_ICANN_TLDS.split('\n'));
  return icannTlds;
}

/**
 * Every `sld.tld` with a public-suffix rule or exception rule equal to it or beneath it (`co.uk`,
 * `blogspot.com`, `amazonaws.com`, `kawasaki.jp`): names under these need tldts. Built on first call,
 * so a run that never looks at a host name does not pay for it.
 */
export function pslDeepBases(): ReadonlySet<string> {
  deepBases ??= new Set(PSL_DEEP_BASES.split('\n'));
  return deepBases;
}

/**
 * Every TLD with a wildcard rule `*.tld` or an exception rule (`ck`, `jp`, …): names under these need
 * tldts. Built on first call.
 */
export function pslSlowTlds(): ReadonlySet<string> {
  slowTlds ??= new Set(PSL_SLOW_TLDS.split('\n'));
  return slowTlds;
}

/**
 * `getDomain(name, { allowPrivateDomains: true, extractHostname: false, validateHostname: false,
 * detectIp: false })` for the common case, without tldts: the last two labels of `name` when no rule
 * reaches past its TLD; `undefined` when tldts must decide — a deep base or slow TLD, a single label,
 * or an empty last or second-to-last label (a trailing dot, `..`).
 *
 * Meant for canonical names (lowercase LDH, `.`-separated), but only the last two labels are read:
 * the labels before them never change tldts' answer here, as its walk stops at the second label. So a
 * defined answer equals tldts' for any string; the tests hold it to that.
 */
export function registrableDomainFast(name: string): string | undefined {
  const last = name.lastIndexOf('.');
  // No dot: a single label. Dot first: an empty second label (`.com`). Dot last: a trailing dot,
  // which tldts strips — leave that to it.
  if (last <= 0 || last === name.length - 1) return undefined;
  const prev = name.lastIndexOf('.', last - 1);
  if (prev === last - 1) return undefined;
  const base = prev < 0 ? name : name.slice(prev + 1);
  if ((deepBases ?? pslDeepBases()).has(base)) return undefined;
  if ((slowTlds ?? pslSlowTlds()).has(name.slice(last + 1))) return undefined;
  return base;
}
