/**
 * Where a value is enforced: which managed sets on a device hold it, exactly or through a wider entry
 * (a CIDR containing the address, a parent domain blocked with its subdomains).
 */
import { Netmask } from 'netmask';
import { parseIpInterval } from '../indicators/ip.js';
import type { ObservedState } from '../vendors/types.js';

/**
 * True when network `outer` contains `inner`. Both pass the strict IP gate first: netmask itself accepts
 * octal and short forms (inet_aton semantics), so it only ever sees canonical values.
 */
function covers(outer: string, inner: string): boolean {
  const a = parseIpInterval(outer);
  const b = parseIpInterval(inner);
  if (!a || !b || a.family !== b.family) return false;
  return new Netmask(outer).contains(b.prefix === (b.family === 4 ? 32 : 128) ? inner : new Netmask(inner));
}

/** The managed set and entry that cover `value` on a device, or null. */
export function findCoverage(
  observed: ObservedState,
  type: 'domain' | 'ip',
  value: string,
): { set: string; entry: string } | null {
  for (const set of observed.sets) {
    const domainSet = set.id === 'dns';
    if (domainSet !== (type === 'domain')) continue;
    const hit = set.entries.find((e) =>
      domainSet ? value === e || value.endsWith(`.${e}`) : covers(e, value),
    );
    if (hit !== undefined) return { set: set.name, entry: hit };
  }
  return null;
}
