/**
 * What the MikroTik adapter's read and apply halves share: the session, ownership tests, the rule
 * "parts" one logical rule becomes on RouterOS, and how RouterOS rows map to canonical values.
 */
import type { RouterOsClient } from './client.js';
import { MENUS, type DnsRow, type MikrotikOptions, type RuleRow } from './schema.js';
import { domainToRegexp, regexpToDomain } from './values.js';

/** A logged-in connection and what was learnt at login. */
export interface Session {
  client: RouterOsClient;
  /** RouterOS 7 or later: NXDOMAIN + match-subdomain DNS form; otherwise the regexp form. */
  v7: boolean;
  /** Version number as reported (`7.19.4`). */
  version: string;
}

/** Per-target facts of one adapter instance. */
export interface AdapterContext {
  target: string;
  marker: string;
  options: MikrotikOptions;
  /**
   * Lists iocwall manages (the policy's names, plus desired names met in `apply`), so `read` can report
   * unmarked entries in them as foreign even when none of ours is left. Only for that: the sets `read`
   * reports come from marked entries alone, each under its own list name. A list deleted by `apply` (e.g.
   * after a prefix change) leaves this set.
   */
  knownLists: { ipv4: Set<string>; ipv6: Set<string> };
  /**
   * Name the DNS set is reported under: DNS static entries carry no set name, so it is the current policy's
   * (`objectNames.dns`, then the desired set of the last `apply`) — never the name of a set being deleted.
   */
  dnsName?: string;
}

/** Address families with RouterOS menus. */
export type Family = 'ipv4' | 'ipv6';

/**
 * True when a comment carries our marker as a whole token (so `iocwall:ab` never matches
 * `iocwall:abc`). Rule comments are `DesiredRule.name`, which contains the marker.
 */
export function hasMarker(comment: string | undefined, marker: string): boolean {
  if (comment === undefined) return false;
  let at = comment.indexOf(marker);
  while (at >= 0) {
    const before = at === 0 ? '' : comment.charAt(at - 1);
    const after = comment.charAt(at + marker.length);
    if (!/[\w:-]/.test(before) && !/[\w:-]/.test(after)) return true;
    at = comment.indexOf(marker, at + 1);
  }
  return false;
}

/** One RouterOS rule a logical egress rule consists of. */
export interface RulePart {
  menu: string;
  chain: string;
  action: 'drop' | 'reject';
}

/** The parts of an egress rule: `forward`, plus `output` and raw `prerouting` when the options ask. */
export function ruleParts(family: Family, action: 'drop' | 'reject', o: MikrotikOptions): RulePart[] {
  const parts: RulePart[] = [{ menu: MENUS.filter[family], chain: 'forward', action }];
  if (o.outputChain) parts.push({ menu: MENUS.filter[family], chain: 'output', action });
  // raw has no reject: a raw block is always a drop
  if (o.raw) parts.push({ menu: MENUS.raw[family], chain: 'prerouting', action: 'drop' });
  return parts;
}

/** `reject-with` used for reject rules (exists for IPv4 and IPv6, says "administratively prohibited"). */
export const REJECT_WITH = 'icmp-admin-prohibited';

/**
 * The rule our rule must precede: the first enabled, static `accept` rule of the chain that is not ours.
 * Undefined when the chain accepts nothing explicitly (then any position is fine).
 */
export function anchorRule(rows: readonly RuleRow[], chain: string, marker: string): RuleRow | undefined {
  return rows.find(
    (r) =>
      r.chain === chain &&
      r.action === 'accept' &&
      r.disabled !== true &&
      r.dynamic !== true &&
      !hasMarker(r.comment, marker),
  );
}

/** True when `row` stands before the chain's anchor rule (or the chain has none). */
export function positionOk(rows: readonly RuleRow[], row: RuleRow, marker: string): boolean {
  const anchor = anchorRule(rows, row.chain, marker);
  if (anchor === undefined) return true;
  return rows.indexOf(row) < rows.indexOf(anchor);
}

/**
 * The blocked domain a DNS row of ours stands for, in the form this RouterOS version uses; undefined when
 * the row has another form (left over from a RouterOS upgrade or edited by hand: swept on the next apply).
 */
export function dnsRowDomain(row: DnsRow, v7: boolean): string | undefined {
  if (v7 && row.type === 'NXDOMAIN' && row['match-subdomain'] === true && row.name !== undefined) {
    return row.name.toLowerCase();
  }
  if (!v7 && row.type === 'A' && row.address === '0.0.0.0' && row.regexp !== undefined) {
    return regexpToDomain(row.regexp);
  }
  return undefined;
}

/** The `add` attributes of a DNS block for this RouterOS version (see README: v6 regexp form). */
export function dnsAddAttributes(domain: string, v7: boolean, marker: string): Record<string, string> {
  return v7
    ? { name: domain, type: 'NXDOMAIN', 'match-subdomain': 'yes', comment: marker }
    : { regexp: domainToRegexp(domain), address: '0.0.0.0', comment: marker };
}

/** Splits a list into chunks (`.id` lists in one `remove`). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
