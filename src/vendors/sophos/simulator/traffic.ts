/**
 * What the simulated SFOS does to traffic: its resolver answers every name (SFOS blocks names by the
 * addresses its FQDN hosts learn, not in a resolver — CONTRACT.md `lab`, sophos-facts.md §13 "DNS
 * endpoint"), FQDN hosts learn addresses, and the rule list decides whether a packet is dropped.
 */
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { DnsVerdict } from '../../simkit/dns-responder.js';
import { listOf, text, type XmlNode } from '../xml.js';
import { nameOf, ruleEnabled, type SophosState } from './store.js';
import { hostContains } from './values.js';

/**
 * The fixed addresses a name resolves to (the same every time, so a test can ask the resolver and then
 * send "traffic" to the answer): A in 198.18.0.0/15 (RFC 2544), AAAA in 2001:db8::/32 (RFC 3849).
 */
export function addressesOf(name: string, type: 'A' | 'AAAA'): string[] {
  const h = createHash('sha256').update(name.toLowerCase()).digest();
  if (type === 'A') return [`198.${18 + (h.readUInt8(0) & 1)}.${h.readUInt8(1)}.${h.readUInt8(2) || 1}`];
  return [`2001:db8:${h.readUInt16BE(3).toString(16)}::${h.readUInt16BE(5).toString(16) || '1'}`];
}

/** Addresses FQDN hosts learned, by FQDN host name. */
export type Learned = Map<string, Set<string>>;

/**
 * Answers a DNS query and lets wildcard FQDN hosts learn from the answer: `*.d` learns what the device
 * sees resolved for names below `d` (D-FQDN19/20: learned from DNS responses the firewall sees). Whether
 * `*.d` also covers `d` itself is Open (§14.4): `wildcardCoversApex` switches it.
 */
export function answerDns(
  state: SophosState,
  learned: Learned,
  wildcardCoversApex: boolean,
  name: string,
  type: string,
): DnsVerdict {
  if (type !== 'A' && type !== 'AAAA') return { rcode: 'NOERROR', addresses: [] };
  const q = name.toLowerCase();
  const addresses = addressesOf(q, type);
  for (const host of state.objects.FQDNHost.values()) {
    const fqdn = text(host, 'FQDN') ?? '';
    if (!fqdn.startsWith('*.')) continue;
    const base = fqdn.slice(2);
    if (q.endsWith(`.${base}`) || (wildcardCoversApex && q === base)) {
      const set = learned.get(nameOf(host)) ?? new Set<string>();
      for (const a of addresses) set.add(a);
      learned.set(nameOf(host), set);
    }
  }
  return { rcode: 'NOERROR', addresses };
}

/** Addresses an FQDN host stands for: its own lookups for a plain name, learned ones for a wildcard. */
function fqdnAddresses(host: XmlNode, learned: Learned): string[] {
  const fqdn = text(host, 'FQDN') ?? '';
  if (fqdn.startsWith('*.')) return [...(learned.get(nameOf(host)) ?? [])];
  // A non-wildcard FQDN is resolved by the firewall itself and covers only that name (D-FQDN19).
  return [...addressesOf(fqdn, 'A'), ...addressesOf(fqdn, 'AAAA')];
}

/** Whether a rule's network name (host, group, FQDN host or group) covers `address`. */
function networkCovers(state: SophosState, learned: Learned, name: string, address: string): boolean {
  const o = state.objects;
  const ip = o.IPHost.get(name);
  if (ip !== undefined) return hostContains(ip, address);
  const group = o.IPHostGroup.get(name);
  if (group !== undefined)
    return listOf(group, 'HostList', 'Host').some((h) => networkCovers(state, learned, h, address));
  const fqdn = o.FQDNHost.get(name);
  if (fqdn !== undefined) return fqdnAddresses(fqdn, learned).some((a) => same(a, address));
  const fgroup = o.FQDNHostGroup.get(name);
  if (fgroup !== undefined)
    return listOf(fgroup, 'FQDNHostList', 'FQDNHost').some((h) => networkCovers(state, learned, h, address));
  return false;
}

function same(a: string, b: string): boolean {
  try {
    return ipaddr.parse(a).toNormalizedString() === ipaddr.parse(b).toNormalizedString();
  } catch {
    return false;
  }
}

/**
 * Whether a packet from `srcZone` to `dstAddress` (an address on the WAN side) is dropped or rejected:
 * the first enabled rule of its family that matches decides, top-down (D-FWR195); an omitted list
 * matches anything (§7: "an omitted list means Any"); no match falls to the implicit drop.
 */
export function wouldDrop(
  state: SophosState,
  learned: Learned,
  srcZone: string,
  dstAddress: string,
): boolean {
  const family = dstAddress.includes(':') ? 'IPv6' : 'IPv4';
  for (const rule of state.rules) {
    if (!ruleEnabled(rule) || (text(rule, 'IPFamily') ?? 'IPv4') !== family) continue;
    const policy = rule.NetworkPolicy as XmlNode | undefined;
    const src = listOf(policy, 'SourceZones', 'Zone');
    const dst = listOf(policy, 'DestinationZones', 'Zone');
    const nets = listOf(policy, 'DestinationNetworks', 'Network');
    if (src.length > 0 && !src.includes(srcZone)) continue;
    if (dst.length > 0 && !dst.includes('WAN')) continue;
    if (nets.length > 0 && !nets.some((n) => networkCovers(state, learned, n, dstAddress))) continue;
    return text(policy, 'Action') !== 'Accept';
  }
  return true;
}
