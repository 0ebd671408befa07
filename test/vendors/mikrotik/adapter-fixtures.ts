/** Desired states and changes for the MikroTik adapter tests. */
import type { Change, DesiredState } from '../../../src/vendors/types.js';

export const MARKER = 'iocwall:lab1';
export const LIST = 'iocwall-blocklist';
export const RULE4 = `iocwall egress-ipv4 ${MARKER}`;
export const RULE6 = `iocwall egress-ipv6 ${MARKER}`;

/** A desired state with the given values. */
export function desired(
  v4: string[],
  v6: string[],
  dns: string[],
  action: 'drop' | 'reject' = 'drop',
): DesiredState {
  return {
    target: 'mt1',
    vendor: 'mikrotik',
    marker: MARKER,
    sets: [
      { id: 'ipv4', family: 'ipv4', name: LIST, entries: v4 },
      { id: 'ipv6', family: 'ipv6', name: LIST, entries: v6 },
      { id: 'dns', family: 'domain', name: 'iocwall-dns', entries: dns },
    ],
    rules: [
      { id: 'egress-ipv4', name: RULE4, setId: 'ipv4', family: 'ipv4', action, placement: 'top' },
      { id: 'egress-ipv6', name: RULE6, setId: 'ipv6', family: 'ipv6', action, placement: 'top' },
    ],
  };
}

/** Changes creating everything in `d`. */
export { createAll } from '../desired-state.js';

/** A set update change. */
export function updateSet(
  d: DesiredState,
  setId: 'ipv4' | 'ipv6' | 'dns',
  add: string[],
  remove: string[],
): Change {
  const s = d.sets.find((x) => x.id === setId)!;
  return {
    kind: 'set',
    op: 'update',
    setId,
    name: s.name,
    family: s.family,
    add,
    remove,
    entries: s.entries,
  };
}

/** A rule change (update/move) with reasons. */
export function ruleChange(
  d: DesiredState,
  i: number,
  op: 'update' | 'move' | 'delete',
  reasons: string[] = [],
): Change {
  const r = d.rules[i]!;
  return { kind: 'rule', op, ruleId: r.id, name: r.name, rule: r, reasons };
}

export const V4 = ['192.0.2.10', '198.51.100.0/24', '203.0.113.7'];
export const V6 = ['2001:db8::1', '2001:db8:1::/48'];
export const DNS = ['evil.example', 'journalide.org'];
