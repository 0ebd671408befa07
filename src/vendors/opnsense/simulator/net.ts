/**
 * Address checks of the OPNsense simulator: what the alias content and rule network fields accept, and how
 * pf shows an entry once it is in a table (`pfctl -T show`).
 */
import { isIP } from 'node:net';

/** `addr/prefix` with a valid prefix length for the address family. */
export function isCidr(value: string): boolean {
  const [addr, prefix, extra] = value.split('/');
  if (addr === undefined || prefix === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefix))
    return false;
  const family = isIP(addr);
  const bits = Number(prefix);
  return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}

/** `a-b` with two addresses of the same family. */
export function isRange(value: string): boolean {
  const parts = value.split('-');
  if (parts.length !== 2) return false;
  const a = isIP(parts[0] ?? '');
  return a !== 0 && a === isIP(parts[1] ?? '');
}

/** A DNS host name with at least one dot (what `host` aliases re-resolve). */
export function isFqdn(value: string): boolean {
  return (
    value.length <= 253 &&
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(value)
  );
}

/** Strict network (no host bits), as `NetworkField` with `Strict` checks it. */
export function isStrictNetwork(value: string): boolean {
  if (isIP(value) !== 0) return true;
  if (!isCidr(value)) return false;
  return tableEntry(value) === value.toLowerCase();
}

/** Parses an address to its bit value and width. */
function toBits(addr: string): { value: bigint; width: number } | undefined {
  const family = isIP(addr);
  if (family === 4) {
    return { value: addr.split('.').reduce((acc, o) => (acc << 8n) + BigInt(o), 0n), width: 32 };
  }
  if (family !== 6) return undefined;
  let text = addr.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const b = toBits(v4[1])?.value ?? 0n;
    text = text.slice(0, -v4[1].length) + `${(b >> 16n).toString(16)}:${(b & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { value: groups.reduce((acc, g) => (acc << 16n) + BigInt(`0x${g}`), 0n), width: 128 };
}

/** Formats bits back: dotted quad, or RFC 5952 IPv6 (longest zero run compressed). */
function fromBits(value: bigint, width: number): string {
  if (width === 32) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

/**
 * An entry as pf shows it in a table: host bits cleared, full-length prefixes dropped, IPv6 compressed.
 * Ranges, negations and names are returned unchanged (the simulator does not expand them).
 */
export function tableEntry(entry: string): string {
  const negated = entry.startsWith('!');
  const raw = negated ? entry.slice(1) : entry;
  const [addr = '', prefix] = raw.split('/');
  const bits = toBits(addr);
  if (bits === undefined || (prefix !== undefined && !isCidr(raw))) return entry;
  const len = prefix === undefined ? bits.width : Number(prefix);
  const mask = ((1n << BigInt(bits.width)) - 1n) ^ ((1n << BigInt(bits.width - len)) - 1n);
  const text = fromBits(bits.value & mask, bits.width);
  return `${negated ? '!' : ''}${text}${len === bits.width ? '' : `/${len}`}`;
}

/** True when `addr` lies in the table entry `entry` (address or CIDR). */
export function entryContains(entry: string, addr: string): boolean {
  const [net = '', prefix] = entry.split('/');
  const a = toBits(addr);
  const n = toBits(net);
  if (a === undefined || n === undefined || a.width !== n.width) return false;
  const len = prefix === undefined ? n.width : Number(prefix);
  const shift = BigInt(n.width - len);
  return a.value >> shift === n.value >> shift;
}
