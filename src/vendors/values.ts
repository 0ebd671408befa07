/**
 * The last check before the wire, written once for every vendor: every value a set change carries must
 * be in the blocklist's canonical form, or the apply is refused before any adapter sends anything.
 *
 * Why here as well as in the compiler: the compiler and guard already refuse such values, but a plan file,
 * a future code path or a bug must not be able to smuggle a value with another protocol's metacharacters
 * (a newline in a RouterOS word, `"` or `<` in XML, `\n` in an Unbound or alias list) onto a firewall.
 * Canonical values hold only `[0-9a-f.:/]` or `[a-z0-9.-]`, so nothing in them needs escaping anywhere.
 */
import { isIP } from 'node:net';
import { GuardViolationError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../indicators/ip.js';
import type { Change, FirewallAdapter, SetFamily } from './types.js';

const IPV4_RE = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/;
const IPV6_RE = /^([0-9a-f:.]{2,45})(?:\/(\d{1,3}))?$/;
const DOMAIN_RE =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$/;

/** Whether `value` is a canonical member of a set of this family (what the compiler writes). */
export function isCanonicalValue(family: SetFamily, value: string): boolean {
  if (family === 'domain') return DOMAIN_RE.test(value);
  const m = (family === 'ipv4' ? IPV4_RE : IPV6_RE).exec(value);
  if (!m?.[1]) return false;
  const [, address, prefix] = m;
  if (prefix !== undefined && prefix.length > 1 && prefix.startsWith('0')) return false;
  if (family === 'ipv4') {
    if (isIP(address) !== 4 || formatIPv4(parseIPv4(address)) !== address) return false;
    return prefix === undefined || Number(prefix) <= 32;
  }
  const parsed = isIP(address) === 6 ? parseIPv6(address) : null;
  if (parsed === null || formatIPv6(parsed) !== address) return false;
  return prefix === undefined || Number(prefix) <= 128;
}

/** The first value of a change that is not canonical, if any. */
function firstBadValue(change: Change): string | undefined {
  if (change.kind !== 'set') return undefined;
  return [...change.add, ...change.entries].find((v) => !isCanonicalValue(change.family, v));
}

/**
 * Wraps an adapter so that `apply` refuses (exit 3, before anything is sent) a change carrying a value
 * that is not canonical for its set.
 */
export function withCanonicalValues(adapter: FirewallAdapter, target: string): FirewallAdapter {
  return {
    vendor: adapter.vendor,
    read: () => adapter.read(),
    close: () => adapter.close(),
    apply: async (changes, desired) => {
      for (const change of changes) {
        const bad = firstBadValue(change);
        if (bad !== undefined)
          throw new GuardViolationError(
            `target ${target}: refused before sending: ${JSON.stringify(bad)} is not a canonical ${change.kind === 'set' ? change.family : ''} value`,
          );
      }
      return adapter.apply(changes, desired);
    },
  };
}
