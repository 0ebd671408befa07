/**
 * Classification of one raw value: either a canonical network indicator or a reason it is not one.
 */

/** A canonical IP indicator: one address (no prefix) or one CIDR network. */
export interface IpIndicator {
  type: 'ip';
  family: 4 | 6;
  /** Canonical text: dotted quad, RFC 5952 IPv6; `/len` only for networks (never `/32` or `/128`). */
  value: string;
}

/** A canonical domain indicator. */
export interface DomainIndicator {
  type: 'domain';
  /** Lowercase ASCII, punycode for IDN, no trailing dot. */
  value: string;
  /** True when the feed wrote `*.name` or a domain-block syntax that implies subdomains. */
  wildcard: boolean;
}

/** Any canonical network indicator. */
export type NetworkIndicator = IpIndicator | DomainIndicator;

/**
 * The indicator a canonical blocklist entry (`{type, value}`) stands for: a domain entry blocks its
 * subdomains too; an address or network is IPv6 when it has a colon.
 */
export function entryIndicator(entry: { type: 'domain' | 'ip'; value: string }): NetworkIndicator {
  return entry.type === 'domain'
    ? { type: 'domain', value: entry.value, wildcard: true }
    : { type: 'ip', family: entry.value.includes(':') ? 6 : 4, value: entry.value };
}

/** The outcome of classifying one raw value. */
export type Classification =
  | {
      ok: true;
      /** Usually one; an IP range `a-b` becomes several CIDRs. */
      indicators: NetworkIndicator[];
      /** What was dropped or corrected on the way (port, path, host bits, refang, …). */
      notes: string[];
    }
  | {
      ok: false;
      reason: 'invalid' | 'not-network';
      detail: string;
    };
