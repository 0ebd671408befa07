/**
 * Ownership, written once for every vendor: the marker iocwall writes on each object it creates, the
 * device names of the managed objects, and the one rule that says an object is ours.
 *
 * Why one rule: deciding "ours" is the most important safety property of the tool (only objects that
 * carry the marker are ever modified or deleted). Two vendors with two rules would drift apart; a
 * substring match would also take `iocwall:lab2` for `iocwall:lab`.
 */
import type { SetId } from './types.js';

/** The ownership marker written on every object iocwall creates: `iocwall:<instanceId>`. */
export function ownershipMarker(instanceId: string): string {
  return `iocwall:${instanceId}`;
}

/**
 * Whether a description/comment marks an object as ours: the marker must stand as one whole
 * whitespace-separated word. `iocwall:lab2`, `xiocwall:lab` and `iocwall:lab,` are not `iocwall:lab`.
 */
export function hasMarker(text: string | undefined | null, marker: string): boolean {
  if (!text) return false;
  return text.split(/\s+/).includes(marker);
}

/** Device names of everything iocwall manages on a target, derived from the policy prefix. */
export interface ObjectNames {
  /** The IPv4 address set (alias, address list, host group). */
  ipv4: string;
  /** The IPv6 address set. */
  ipv6: string;
  /** The DNS block list. */
  dns: string;
  /** The IPv4 egress rule. */
  egressV4: string;
  /** The IPv6 egress rule. */
  egressV6: string;
}

/**
 * Device object names for a policy prefix. They are valid on every vendor (≤ 31 characters,
 * `[A-Za-z0-9_]`: pfSense/OPNsense alias names are the tightest), so one config works everywhere.
 */
export function objectNames(prefix: string): ObjectNames {
  return {
    ipv4: `${prefix}_v4`,
    ipv6: `${prefix}_v6`,
    dns: `${prefix}_dns`,
    egressV4: `${prefix}_egress_v4`,
    egressV6: `${prefix}_egress_v6`,
  };
}

/** The set names a target's `read()` needs to spot an unmarked object holding one of our names. */
export function setNames(prefix: string): Record<SetId, string> {
  const n = objectNames(prefix);
  return { ipv4: n.ipv4, ipv6: n.ipv6, dns: n.dns };
}
