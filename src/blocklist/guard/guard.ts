/**
 * The guard: decides whether a canonical indicator may be blocked at all.
 *
 * Order of checks — the first that matches gives the verdict:
 * - IP: prefix wider than the minimum → `guarded`; overlap with a special-purpose range → `guarded`;
 *   overlap with a protected network or a target's address → `guarded`; equal to or inside an
 *   allowlisted IP/network → `allowlisted` (a wider entry merely containing one is kept, and the
 *   aggregator carves the hole from {@link Guard.allowlistNetworks}); warninglists → `warninglisted`.
 * - Domain: special-use name (`localhost`, `.test`, `home.arpa`, `example.com`, …) or a target's
 *   host name → `guarded`; a public suffix or TLD (`com`, `co.uk`, `github.io`) → `public-suffix`;
 *   allowlisted name, subdomain or parent of one → `allowlisted`; warninglists → `warninglisted`.
 * A network refused only because protected addresses (a protected network, a target, an
 * infrastructure or CDN list entry) lie inside it carries those parts in `carve`: the collector blocks
 * the rest and rejects the parts (carve.ts).
 * The per-kind matching rules of the warninglists are in warninglists.ts and iocs/warninglists/README.md.
 */
import { ConfigError } from '../../errors.js';
import { SPECIAL_USE_TLDS } from '../../indicators/domain.js';
import { classify } from '../../indicators/classify.js';
import { parseIpInterval, type IpInterval } from '../../indicators/ip.js';
import type { DomainIndicator, NetworkIndicator } from '../../indicators/types.js';
import { NameGuard } from './names.js';
import type { Guard, GuardOptions, GuardVerdict } from './types.js';
import { IPv4Union } from '../engine/ipv4-union.js';
import { buildDualIndex, findContaining, findOverlap, type DualIndex } from '../engine/dual-index.js';
import { SPECIAL_PURPOSE_RANGES, SPECIAL_USE_NAMES } from './special.js';
import { carveParts, type CarveNetwork, type CarveSource } from './carve.js';
import { formatCidr4 } from '../engine/cidr.js';
import {
  loadIpWarninglists,
  loadNameWarninglists,
  type IpWarninglists,
  type NameWarninglists,
} from './warninglists.js';

export { DEFAULT_GUARD_OPTIONS, type Guard, type GuardOptions, type GuardVerdict } from './types.js';

const SPECIAL = buildDualIndex(SPECIAL_PURPOSE_RANGES);

/** Special-use names and TLDs → the detail given when refusing them or a name below them. */
const SPECIAL_NAMES = new Map<string, string>(
  [...SPECIAL_USE_TLDS, ...SPECIAL_USE_NAMES].map((n) => [
    n,
    `special-use name ${n} (RFC 6761/6762/7686/8375)`,
  ]),
);

/** Normalises configuration values with the feed normaliser; anything unusable is a ConfigError. */
function normaliseConfig(values: readonly string[], what: string): NetworkIndicator[] {
  const out: NetworkIndicator[] = [];
  for (const value of values) {
    const c = classify(value);
    if (!c.ok)
      throw new ConfigError(`${what}: "${value}" is not an address, network or host name (${c.detail})`);
    out.push(...c.indicators);
  }
  return out;
}

function ipsOf(indicators: NetworkIndicator[], what: string, label: (v: string) => string): DualIndex {
  const pairs: [string, string][] = [];
  for (const i of indicators) {
    if (i.type !== 'ip') throw new ConfigError(`${what}: "${i.value}" is not an IP address or network`);
    pairs.push([i.value, label(i.value)]);
  }
  return buildDualIndex(pairs);
}

/** The parent names of `name`, nearest first (`a.b.c` → `b.c`, `c`). */
function* parentsOf(name: string): Generator<string> {
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) yield name.slice(dot + 1);
}

/** Maps every name to itself and every parent of every name to the child it protects. */
function nameMaps(names: readonly string[]): { names: Map<string, string>; parents: Map<string, string> } {
  const own = new Map<string, string>();
  const parents = new Map<string, string>();
  for (const n of names) {
    own.set(n, n);
    for (const p of parentsOf(n)) if (!parents.has(p)) parents.set(p, n);
  }
  return { names: own, parents };
}

/** Builds a guard; configuration values are validated here (ConfigError), warninglists load on first use. */
export function createGuard(options: GuardOptions): Guard {
  const targets = normaliseConfig(options.targetAddresses, 'target address');
  const protectedIdx = ipsOf(
    normaliseConfig(options.protectedNetworks, 'protected network'),
    'protected network',
    (v) => `protected network ${v}`,
  );
  const targetIdx = ipsOf(
    targets.filter((t) => t.type === 'ip'),
    'target address',
    (v) => `target address ${v}`,
  );
  const targetNames = nameMaps(
    targets.filter((t): t is DomainIndicator => t.type === 'domain').map((t) => t.value),
  );
  const allowIps = normaliseConfig(options.allowlist.ips, 'allowlist ip');
  const allowIdx = ipsOf(allowIps, 'allowlist ip', (v) => `allowlist ${v}`);
  const allowDomainInd = normaliseConfig(options.allowlist.domains, 'allowlist domain');
  if (allowDomainInd.some((d) => d.type !== 'domain'))
    throw new ConfigError('allowlist domains: an IP was given; list it under ips');
  const allowNames = nameMaps(allowDomainInd.map((d) => d.value));
  const allowlistNetworks = Object.freeze(allowIps.map((i) => i.value));

  let ipLists: IpWarninglists | undefined;
  let nameLists: NameWarninglists | undefined;
  const ipWarn = (): IpWarninglists | undefined =>
    options.warninglists === false ? undefined : (ipLists ??= loadIpWarninglists());
  const nameWarn = (): NameWarninglists | undefined =>
    options.warninglists === false ? undefined : (nameLists ??= loadNameWarninglists());

  const isSingle = (iv: IpInterval): boolean => iv.prefix === (iv.family === 4 ? 32 : 128);

  // The IPv4 fast path: one read of a per-/16 table (or a short search) over two unions: the ranges
  // this guard's options and the special-purpose registry name, and the warninglists' own (built with
  // them, or read from the build-time cache: 67k intervals are too many to merge at every start).
  let any4: { overlaps(lo: number, hi: number): boolean } | undefined;
  /** True when `[first, last]` touches any range the guard knows. */
  const touches4 = (first: number, last: number): boolean => {
    if (any4 === undefined) {
      // Columns, not entries(): no interval becomes an object.
      const own = new IPv4Union(
        [],
        [SPECIAL, protectedIdx, targetIdx, allowIdx].map((idx) => idx.v4.columns()),
      );
      const listed = ipWarn()?.union4;
      any4 = IPv4Union.anyOf(listed === undefined ? [own] : [own, listed]);
    }
    return any4.overlaps(first, last);
  };

  const label4 = (first: number, prefix: number): string | null =>
    prefix === 32 ? null : formatCidr4(first, prefix);

  function checkIPv4(first: number, last: number, prefix: number): GuardVerdict {
    if (prefix < options.minPrefixV4)
      return {
        reason: 'guarded',
        detail: `prefix /${prefix} wider than the minimum /${options.minPrefixV4}`,
      };
    // One bucket read + a short search in the union of every known range: the common, allocation-free case.
    if (!touches4(first, last)) return null;
    const special = SPECIAL.v4.find(first, last);
    if (special !== null) return { reason: 'guarded', detail: special };
    const net: CarveNetwork = { family: 4, first, last };
    const prot = protectedIdx.v4.find(first, last) ?? targetIdx.v4.find(first, last);
    if (prot !== null) return carving({ reason: 'guarded', detail: prot }, net, label4(first, prefix));
    const allowed = allowIdx.v4.findContaining(first, last);
    if (allowed !== null) return { reason: 'allowlisted', detail: allowed };
    const lists = ipWarn();
    if (lists === undefined) return null;
    const special2 = lists.special.v4.find(first, last);
    if (special2 !== null) return { reason: 'warninglisted', detail: special2 };
    const listed = lists.infrastructure.v4.find(first, last);
    if (listed !== null)
      return carving({ reason: 'warninglisted', detail: listed }, net, label4(first, prefix));
    const cdn = lists.cdn.v4.find(first, last);
    if (cdn !== null && (prefix !== 32 || options.sharedHostPolicy === 'refuse')) {
      return carving({ reason: 'warninglisted', detail: cdn }, net, label4(first, prefix));
    }
    return null;
  }

  /**
   * `refusal` for the network `net` (canonical text `label`; null for a single address, refused as
   * it is), with the parts to carve out of it when every protected overlap lies inside it (carve.ts).
   */
  function carving(
    refusal: NonNullable<GuardVerdict>,
    net: CarveNetwork,
    label: string | null,
  ): GuardVerdict {
    if (label === null) return refusal;
    const inAllowed =
      net.family === 4
        ? allowIdx.v4.findContaining(net.first, net.last)
        : allowIdx.v6.findContaining(net.first, net.last);
    if (inAllowed !== null) return refusal;
    const lists = ipWarn();
    const sources: CarveSource[] = [
      { index: protectedIdx, reason: 'guarded' },
      { index: targetIdx, reason: 'guarded' },
    ];
    const whole: DualIndex[] = [SPECIAL];
    if (lists !== undefined) {
      sources.push({ index: lists.infrastructure, reason: 'warninglisted' });
      sources.push({ index: lists.cdn, reason: 'warninglisted' });
      whole.push(lists.special);
    }
    const carve = carveParts(net, label, sources, whole);
    return carve === null ? refusal : { ...refusal, carve };
  }

  function checkIp(value: string): GuardVerdict {
    const iv = parseIpInterval(value);
    if (iv === null) return { reason: 'guarded', detail: `not a canonical IP value "${value}"` };
    // IPv4 has one implementation, the numeric one, so both entry points agree by construction.
    if (iv.family === 4) return checkIPv4(iv.first, iv.last, iv.prefix);
    const min = options.minPrefixV6;
    if (iv.prefix < min)
      return { reason: 'guarded', detail: `prefix /${iv.prefix} wider than the minimum /${min}` };
    const special = findOverlap(SPECIAL, iv);
    if (special !== null) return { reason: 'guarded', detail: special };
    const net: CarveNetwork = { family: 6, first: iv.first, last: iv.last };
    const single = isSingle(iv);
    const prot = findOverlap(protectedIdx, iv) ?? findOverlap(targetIdx, iv);
    if (prot !== null) return carving({ reason: 'guarded', detail: prot }, net, single ? null : value);
    const allowed = findContaining(allowIdx, iv);
    if (allowed !== null) return { reason: 'allowlisted', detail: allowed };
    const lists = ipWarn();
    if (lists === undefined) return null;
    const special2 = findOverlap(lists.special, iv);
    if (special2 !== null) return { reason: 'warninglisted', detail: special2 };
    const listed = findOverlap(lists.infrastructure, iv);
    if (listed !== null)
      return carving({ reason: 'warninglisted', detail: listed }, net, single ? null : value);
    const cdn = findOverlap(lists.cdn, iv);
    if (cdn !== null && (!single || options.sharedHostPolicy === 'refuse')) {
      return carving({ reason: 'warninglisted', detail: cdn }, net, single ? null : value);
    }
    return null;
  }

  // Built on the first domain: merging the name lists costs a few ms that IP-only feeds never pay.
  let names: NameGuard | undefined;
  const nameGuard = (): NameGuard =>
    (names ??= new NameGuard({
      special: SPECIAL_NAMES,
      targetNames: targetNames.names,
      targetParents: targetNames.parents,
      allowNames: allowNames.names,
      allowParents: allowNames.parents,
      lists: nameWarn(),
    }));
  const checkDomain = (name: string, canonical = false): GuardVerdict => nameGuard().check(name, canonical);

  return {
    allowlistNetworks,
    check: (indicator) => (indicator.type === 'ip' ? checkIp(indicator.value) : checkDomain(indicator.value)),
    checkIPv4,
    checkDomainName: (name) => checkDomain(name, true),
    checkDomainBytes: (b, start, end) => nameGuard().checkBytes(b, start, end),
    checkDomainScanned: (b, start, end, scan) => nameGuard().checkScanned(b, start, end, scan),
    sharedHostIPv4(first, last, prefix) {
      if (options.sharedHostPolicy !== 'warn' || prefix !== 32) return null;
      const lists = ipWarn();
      return lists === undefined ? null : lists.cdn.v4.find(first, last);
    },
    sharedHost(indicator) {
      if (indicator.type !== 'ip' || options.sharedHostPolicy !== 'warn') return null;
      const iv = parseIpInterval(indicator.value);
      const lists = ipWarn();
      return iv === null || lists === undefined || !isSingle(iv) ? null : findOverlap(lists.cdn, iv);
    },
  };
}
