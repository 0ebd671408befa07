/**
 * Desired state for one target: blocklist × policy. Capabilities are applied by the planner, which
 * knows what the device reported.
 */
import type { Blocklist } from '../blocklist/types.js';
import type { Policy } from '../config/schema.js';
import { objectNames, ownershipMarker } from '../vendors/ownership.js';
import type { DesiredRule, DesiredSet, DesiredState, VendorId } from '../vendors/types.js';

/** Splits blocklist entries into the three managed sets. */
export function splitBlocklist(blocklist: Pick<Blocklist, 'entries'>): {
  ipv4: string[];
  ipv6: string[];
  domains: string[];
} {
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  const domains: string[] = [];
  for (const entry of blocklist.entries) {
    if (entry.type === 'domain') domains.push(entry.value);
    else if (entry.value.includes(':')) ipv6.push(entry.value);
    else ipv4.push(entry.value);
  }
  const unique = (values: string[]): string[] => [...new Set(values)].sort();
  return { ipv4: unique(ipv4), ipv6: unique(ipv6), domains: unique(domains) };
}

/** Builds what iocwall wants on a target from the blocklist and the target's policy. */
export function buildDesiredState(
  blocklist: Pick<Blocklist, 'entries'>,
  target: { name: string; vendor: VendorId },
  policy: Policy,
  instanceId: string,
): DesiredState {
  const marker = ownershipMarker(instanceId);
  const names = objectNames(policy.prefix);
  const split = splitBlocklist(blocklist);
  const sets: DesiredSet[] = [];
  const rules: DesiredRule[] = [];
  // A rule's name is its comment/description on the device, so it carries the ownership marker itself.
  if (policy.egress) {
    sets.push({ id: 'ipv4', family: 'ipv4', name: names.ipv4, entries: split.ipv4 });
    rules.push({
      id: 'egress-ipv4',
      name: `${names.egressV4} ${marker}`,
      setId: 'ipv4',
      family: 'ipv4',
      action: policy.action,
      placement: 'top',
    });
    if (policy.ipv6) {
      sets.push({ id: 'ipv6', family: 'ipv6', name: names.ipv6, entries: split.ipv6 });
      rules.push({
        id: 'egress-ipv6',
        name: `${names.egressV6} ${marker}`,
        setId: 'ipv6',
        family: 'ipv6',
        action: policy.action,
        placement: 'top',
      });
    }
  }
  if (policy.dns) sets.push({ id: 'dns', family: 'domain', name: names.dns, entries: split.domains });
  return { target: target.name, vendor: target.vendor, marker, sets, rules };
}
