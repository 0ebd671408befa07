/**
 * The guard's contract: what it protects (options), what it answers (verdicts) and the compiled
 * guard's interface. Apart from guard.ts so that the name half (names.ts) and callers can name these
 * types without importing the guard itself.
 */
import type { NameScan } from '../../indicators/fast-path.js';
import type { NetworkIndicator } from '../../indicators/types.js';

/** What the guard protects, from the configuration and the engine. */
export interface GuardOptions {
  /** A network wider than this IPv4 prefix is refused (default 8). */
  minPrefixV4: number;
  /** A network wider than this IPv6 prefix is refused (default 32). */
  minPrefixV6: number;
  /** CIDRs or IPs from the config (management nets, customer LANs). */
  protectedNetworks: string[];
  /** Every target's own address (IP, CIDR, host name or endpoint URL); the engine adds these. */
  targetAddresses: string[];
  /** Domains match the exact name and subdomains; ips are addresses or CIDRs. */
  allowlist: { domains: string[]; ips: string[] };
  /** The shipped MISP lists, or none. */
  warninglists: 'builtin' | false;
  /** A single IP inside a CDN/platform range (cloudflare, fastly, akamai, github): refuse, or accept and warn. */
  sharedHostPolicy: 'refuse' | 'warn';
}

/** The defaults of {@link GuardOptions}. */
export const DEFAULT_GUARD_OPTIONS: GuardOptions = {
  minPrefixV4: 8,
  minPrefixV6: 32,
  protectedNetworks: [],
  targetAddresses: [],
  allowlist: { domains: [], ips: [] },
  warninglists: 'builtin',
  sharedHostPolicy: 'refuse',
};

/** The reasons the guard refuses a value with. */
export type GuardReason = 'guarded' | 'allowlisted' | 'warninglisted' | 'public-suffix';

/** A protected part of a feed's network (carve.ts): rejected with its own reason, the rest blocked. */
export interface CarvedPart {
  /** Canonical address or CIDR. */
  value: string;
  reason: GuardReason;
  /** What protects it, and the network it was carved out of. */
  detail: string;
}

/**
 * Null when the indicator may be blocked; otherwise the reject reason and a detail. With `carve`, the
 * value is refused as a whole but may be blocked without those parts (carve.ts): a caller that does
 * not carve treats it as refused, which is always safe.
 */
export type GuardVerdict = null | {
  reason: GuardReason;
  detail: string;
  carve?: readonly CarvedPart[];
};

/** A compiled guard. */
export interface Guard {
  /** The verdict for one canonical indicator (see the module comment for the order of checks). */
  check(indicator: NetworkIndicator): GuardVerdict;
  /**
   * `check` for the IPv4 network `[first, last]` of `prefix` bits (a single address: prefix 32),
   * without parsing text: the collector's fast path. Null (no allocation) when it may be blocked.
   */
  checkIPv4(first: number, last: number, prefix: number): GuardVerdict;
  /**
   * `check` for a domain name in canonical syntax, as `classify` returns it (lowercase LDH, `_`
   * outside the top-level label, punycode for IDN, no trailing dot); skips tldts' own validation.
   */
  checkDomainName(name: string): GuardVerdict;
  /** {@link checkDomainName} for a canonical name given as its ASCII bytes `b[start, end)`. */
  checkDomainBytes(b: Uint8Array, start: number, end: number): GuardVerdict;
  /**
   * {@link checkDomainBytes} for a name `scanCanonicalDomain` (fast-path.ts) accepted into `scan`: its
   * dots and suffix hashes are reused, so the name's bytes are not read again.
   */
  checkDomainScanned(b: Uint8Array, start: number, end: number, scan: NameScan): GuardVerdict;
  /** Allowlisted IPs/CIDRs (canonical) inside a wider accepted CIDR: the aggregator carves these holes. */
  readonly allowlistNetworks: readonly string[];
  /**
   * The CDN/platform list holding a single accepted address (under `sharedHostPolicy: 'warn'`),
   * so the caller can warn; null otherwise.
   */
  sharedHost(indicator: NetworkIndicator): string | null;
  /** `sharedHost` for the IPv4 network `[first, last]` of `prefix` bits. */
  sharedHostIPv4(first: number, last: number, prefix: number): string | null;
}
