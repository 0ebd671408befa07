/**
 * How iocwall's sets map onto SFOS objects (sophos-facts.md §12 "Recommended design"), as pure functions:
 * the names of the hosts behind each value, the host records to write, and the values a host read back
 * stands for. No device calls here.
 *
 * - ipv4/ipv6 → one IPHostGroup per family (groups and rules are single-family, KNOC), members are IPHosts:
 *   single IPv4 addresses in `IPList` shards of ≤ `ipListSize` (1,000: F2B, GHQ, TIB), other single
 *   addresses as `IP`, IPv4 networks as `Network` (dotted mask, D-IPH195), IPv6 networks as `IPRange`
 *   (the IPv6 `Subnet` syntax is Open, §14.5; a range has none).
 * - dns → one FQDNHostGroup whose members are FQDNHosts `d` and `*.d`, lower case (D-FQDN20: a plain FQDN
 *   covers no subdomains; whether `*.d` covers `d` is Open, §14.4, so both).
 */
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { hasMarker } from '../ownership.js';
import type { SetId } from '../types.js';
import type { IpHostRecord } from './schema.js';

/** Longest object name iocwall writes: the help allows 60, a current client caps new names at 50 (§7, §11.10). */
export const MAX_NAME = 50;

/** A member host iocwall wants: its name and the record fields that define it. */
export interface WantedHost {
  name: string;
  /** The values it stands for (one, or the addresses of an IP list shard). */
  values: string[];
  fields: Record<string, string>;
}

/** A name `<set>_<kind><readable>`, hashed when the readable form is too long for SFOS. */
export function hostName(set: string, kind: string, readable: string): string {
  const plain = `${set}_${kind}${readable.replace(/[^A-Za-z0-9.-]/g, '_')}`;
  if (plain.length <= MAX_NAME) return plain;
  const room = Math.max(8, MAX_NAME - set.length - kind.length - 2);
  return `${set}_${kind}h${createHash('sha256').update(readable).digest('hex').slice(0, room)}`;
}

/** The name of IP list shard `n` (1-based) of a set. */
export function shardName(set: string, n: number): string {
  return hostName(set, 'list', String(n));
}

/** Whether a host/member belongs to the managed set: our name prefix and our marker (ownership.ts). */
export function ownsHost(
  set: string,
  name: string,
  description: string | undefined,
  marker: string,
): boolean {
  return name.startsWith(`${set}_`) && hasMarker(description, marker);
}

/** The description written on every object of a set: the marker, then the set id. */
export function description(marker: string, setId: SetId): string {
  return `${marker} ${setId}`;
}

/** Dotted mask of an IPv4 prefix length. */
function dottedMask(prefix: number): string {
  return ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString();
}

/** The record of a single-value IP host (IP, Network, or IPv6 range). */
export function ipHostFor(set: string, value: string): WantedHost {
  const v6 = value.includes(':');
  const family = v6 ? 'IPv6' : 'IPv4';
  if (!value.includes('/')) {
    return {
      name: hostName(set, 'ip_', value),
      values: [value],
      fields: { IPFamily: family, HostType: 'IP', IPAddress: value },
    };
  }
  const [base = '', len = ''] = value.split('/');
  if (!v6) {
    return {
      name: hostName(set, 'net_', value),
      values: [value],
      fields: { IPFamily: family, HostType: 'Network', IPAddress: base, Subnet: dottedMask(Number(len)) },
    };
  }
  const [first, last] = rangeOf(value);
  return {
    name: hostName(set, 'net_', value),
    values: [value],
    fields: { IPFamily: family, HostType: 'IPRange', StartIPAddress: first, EndIPAddress: last },
  };
}

/** First and last address of a CIDR, in canonical text. */
function rangeOf(cidr: string): [string, string] {
  const [addr, len] = ipaddr.parseCIDR(cidr);
  const bytes = addr.toByteArray();
  const lo = bytes.map((b, i) => b & maskByte(i, len));
  const hi = bytes.map((b, i) => (b & maskByte(i, len)) | (~maskByte(i, len) & 0xff));
  return [ipaddr.fromByteArray(lo).toString(), ipaddr.fromByteArray(hi).toString()];
}

function maskByte(i: number, len: number): number {
  const bits = Math.max(0, Math.min(8, len - i * 8));
  return (0xff << (8 - bits)) & 0xff;
}

/** The values an IP host read back stands for (canonical: plain address or CIDR; a range as its CIDRs). */
export function valuesOfHost(h: IpHostRecord): string[] {
  const canon = (a: string): string => ipaddr.parse(a.trim()).toString();
  try {
    switch (h.HostType) {
      case 'IP':
        return h.IPAddress === undefined ? [] : [canon(h.IPAddress)];
      case 'IPList':
        return (h.ListOfIPAddresses ?? '')
          .split(',')
          .filter((a) => a.trim() !== '')
          .map(canon);
      case 'Network': {
        if (h.IPAddress === undefined || h.Subnet === undefined) return [];
        const len = /^\d+$/.test(h.Subnet)
          ? Number(h.Subnet)
          : ipaddr.parse(h.Subnet).prefixLengthFromSubnetMask();
        return len === null ? [] : [`${canon(h.IPAddress)}/${len}`];
      }
      case 'IPRange':
        return h.StartIPAddress === undefined || h.EndIPAddress === undefined
          ? []
          : rangeToCidrs(h.StartIPAddress, h.EndIPAddress);
      default:
        return [];
    }
  } catch {
    return [];
  }
}

/** A range as the CIDRs covering it exactly (one CIDR for the ranges iocwall writes). */
export function rangeToCidrs(start: string, end: string): string[] {
  const s = ipaddr.parse(start);
  const e = ipaddr.parse(end);
  const bits = s.kind() === 'ipv6' ? 128 : 32;
  const toBig = (a: ipaddr.IPv4 | ipaddr.IPv6): bigint =>
    a.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
  const fromBig = (n: bigint): string => {
    const bytes: number[] = [];
    for (let i = 0; i < bits / 8; i++) bytes.unshift(Number((n >> BigInt(i * 8)) & 0xffn));
    return ipaddr.fromByteArray(bytes).toString();
  };
  let lo = toBig(s);
  const hi = toBig(e);
  const out: string[] = [];
  while (lo <= hi && out.length < 256) {
    let size = 0;
    while (
      size < bits &&
      (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      lo + (1n << BigInt(size + 1)) - 1n <= hi
    )
      size++;
    const len = bits - size;
    out.push(len === bits ? fromBig(lo) : `${fromBig(lo)}/${len}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

/** The two FQDN hosts of a domain: the name itself and its subdomains (lower case, D-FQDN20). */
export function fqdnHostsFor(set: string, domain: string): { name: string; fqdn: string }[] {
  const d = domain.toLowerCase();
  return [
    { name: hostName(set, 'd_', d), fqdn: d },
    { name: hostName(set, 'w_', d), fqdn: `*.${d}` },
  ];
}
