/**
 * What the MikroTik adapter's read and apply halves share: the session, ownership tests, the rule
 * "parts" one logical rule becomes on RouterOS, and how RouterOS rows map to canonical values.
 */
import { hasMarker } from '../ownership.js';
import type { RouterOsClient } from './client.js';
import { MENUS, type DnsRow, type MikrotikOptions, type RuleRow } from './schema.js';
import { domainToRegexp, regexpToDomain } from './values.js';

export { hasMarker } from '../ownership.js';

/**
 * How this router blocks a domain with its subdomains in `/ip/dns/static`:
 * - `match-subdomain` (7.5+): `name=evil.example type=NXDOMAIN match-subdomain=yes`;
 * - `regexp` (6.47–7.4, no `match-subdomain`): `regexp=<case-insensitive pattern> type=NXDOMAIN`.
 */
export type DnsForm = 'match-subdomain' | 'regexp';

/** A logged-in connection and what was learnt at login. */
export interface Session {
  client: RouterOsClient;
  /** The DNS block form this release takes (from the version: `match-subdomain` arrived in 7.5). */
  dnsForm: DnsForm;
  /** `/ipv6` menus exist (probed: RouterOS 6 without the `ipv6` package has none). */
  ipv6: boolean;
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
 * Actions that let a flow pass our rule unseen: `accept`, and `fasttrack-connection`, whose marked
 * connections bypass the firewall from then on (manual "Connection tracking", FastTrack: "FastTrack
 * packets bypass firewall, connection tracking, …"; RouterOS's defconf puts it above `accept
 * established` — firmware-fidelity M7).
 */
const PASSING_ACTIONS = new Set(['accept', 'fasttrack-connection']);

/**
 * The rule our rule must precede: the first enabled, static `accept` or `fasttrack-connection` rule of
 * the chain that is not ours. Undefined when the chain passes nothing explicitly (any position is fine).
 */
export function anchorRule(rows: readonly RuleRow[], chain: string, marker: string): RuleRow | undefined {
  return rows.find(
    (r) =>
      r.chain === chain &&
      PASSING_ACTIONS.has(r.action) &&
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
 * The blocked domain a DNS row of ours stands for, in the form this release uses; undefined when the row
 * has another form — left over from a RouterOS upgrade, edited by hand, or the `A 0.0.0.0` lower-case
 * regexp older iocwall wrote on RouterOS 6 (it leaked AAAA and `EVIL.example`). Such rows are still ours
 * (marker) and are swept by the next apply, which writes the current form.
 */
export function dnsRowDomain(row: DnsRow, form: DnsForm): string | undefined {
  if (row.type !== 'NXDOMAIN') return undefined;
  if (form === 'match-subdomain' && row['match-subdomain'] === true && row.name !== undefined) {
    return row.name.toLowerCase();
  }
  if (form === 'regexp' && row.regexp !== undefined) return regexpToDomain(row.regexp);
  return undefined;
}

/** The `add` attributes of a DNS block in this release's form (`DnsForm`). */
export function dnsAddAttributes(domain: string, form: DnsForm, marker: string): Record<string, string> {
  return form === 'match-subdomain'
    ? { name: domain, type: 'NXDOMAIN', 'match-subdomain': 'yes', comment: marker }
    : { regexp: domainToRegexp(domain), type: 'NXDOMAIN', comment: marker };
}

/** Splits a list into chunks (`.id` lists in one `remove`). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
