/**
 * Field checks of the simulated SFOS (sophos-facts.md §7): names, addresses, masks, FQDNs. Pure.
 */
import ipaddr from 'ipaddr.js';
import type { XmlNode } from '../xml.js';
import { listOf, text } from '../xml.js';

/** Name rules (§7: IPHost/FQDNHost/FirewallRule ≤ 60, no comma, not starting with `#` or `,`). */
export function validName(name: string | undefined, max = 60): name is string {
  return (
    name !== undefined && name.length > 0 && name.length <= max && !name.includes(',') && !/^[#,]/.test(name)
  );
}

/** Description ≤ 255 (§7). */
export function validDescription(d: string | undefined): boolean {
  return d === undefined || d.length <= 255;
}

/** A plain address of `family` (IPv4|IPv6). */
export function validAddress(a: string | undefined, family: string): a is string {
  if (a === undefined) return false;
  if (family === 'IPv4') return ipaddr.IPv4.isValidFourPartDecimal(a);
  return ipaddr.IPv6.isValid(a) && !a.includes('.');
}

/** Dotted IPv4 mask with contiguous ones, or (IPv6, ASSUMPTION §14.5) a prefix length 0–128 or an IPv6 mask. */
export function prefixOfSubnet(subnet: string | undefined, family: string): number | undefined {
  if (subnet === undefined) return undefined;
  if (family === 'IPv6' && /^\d{1,3}$/.test(subnet)) {
    const n = Number(subnet);
    return n <= 128 ? n : undefined;
  }
  try {
    const mask = ipaddr.parse(subnet);
    if (mask.kind() !== (family === 'IPv4' ? 'ipv4' : 'ipv6')) return undefined;
    return mask.prefixLengthFromSubnetMask() ?? undefined;
  } catch {
    return undefined;
  }
}

/** FQDN ≤ 253, lower case only (D-FQDN20), optional leading `*.` (SDK PR #65), no comma. */
export function validFqdn(f: string | undefined): f is string {
  if (f === undefined || f.length === 0 || f.length > 253 || f !== f.toLowerCase()) return false;
  return /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(f);
}

/** Whether `address` lies inside an IPHost record (IP, Network, IPRange, IPList). */
export function hostContains(host: XmlNode, address: string): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address);
  } catch {
    return false;
  }
  const family = text(host, 'IPFamily') === 'IPv6' ? 'ipv6' : 'ipv4';
  if (addr.kind() !== family) return false;
  const type = text(host, 'HostType');
  const same = (a: string | undefined): boolean => {
    try {
      return a !== undefined && ipaddr.parse(a).toNormalizedString() === addr.toNormalizedString();
    } catch {
      return false;
    }
  };
  if (type === 'IP') return same(text(host, 'IPAddress'));
  if (type === 'IPList')
    return (text(host, 'ListOfIPAddresses') ?? '').split(',').some((a) => same(a.trim()));
  if (type === 'Network') {
    const prefix = prefixOfSubnet(text(host, 'Subnet'), text(host, 'IPFamily') ?? 'IPv4');
    const base = text(host, 'IPAddress');
    if (prefix === undefined || base === undefined) return false;
    try {
      return addr.match(ipaddr.parse(base), prefix);
    } catch {
      return false;
    }
  }
  if (type === 'IPRange') {
    const [s, e] = [text(host, 'StartIPAddress'), text(host, 'EndIPAddress')];
    if (s === undefined || e === undefined) return false;
    const n = toBig(addr);
    return toBig(ipaddr.parse(s)) <= n && n <= toBig(ipaddr.parse(e));
  }
  return false;
}

/** An address as a bigint (for range checks). */
export function toBig(a: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return a.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

/** Member names of a group node. */
export function members(group: XmlNode | undefined, list: string, item: string): string[] {
  return listOf(group, list, item);
}
