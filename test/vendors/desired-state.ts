/**
 * Desired states and "create everything" change lists for adapter tests, built by the real
 * `buildDesiredState` (so adapter tests see exactly what the engine hands adapters), shared by every vendor.
 */
import type { BlocklistEntry } from '../../src/blocklist/types.js';
import { policySchema } from '../../src/config/schema.js';
import { buildDesiredState } from '../../src/plan/desired.js';
import type { Change, DesiredState, VendorId } from '../../src/vendors/types.js';

/** What the engine wants on `target` for these values, under the default policy with `action`. */
export function desiredState(
  target: { name: string; vendor: VendorId; marker: string },
  values: { v4: string[]; v6: string[]; dns: string[] },
  action: 'drop' | 'reject' = 'drop',
): DesiredState {
  const entry = (type: 'ip' | 'domain', value: string): BlocklistEntry =>
    type === 'domain'
      ? { type, value, subdomains: true, sources: ['test'], expiresAt: null }
      : { type, value, sources: ['test'], expiresAt: null };
  const entries = [
    ...values.v4.map((v) => entry('ip', v)),
    ...values.v6.map((v) => entry('ip', v)),
    ...values.dns.map((v) => entry('domain', v)),
  ];
  const instanceId = target.marker.replace(/^iocwall:/, '');
  return buildDesiredState({ entries }, target, policySchema.parse({ action }), instanceId);
}

/** The changes a planner asks for to create everything in `d` (sets first, then their rules). */
export function createAll(d: DesiredState): Change[] {
  return [
    ...d.sets.map((s): Change => ({
      kind: 'set',
      op: 'create',
      setId: s.id,
      name: s.name,
      family: s.family,
      add: s.entries,
      remove: [],
      entries: s.entries,
    })),
    ...d.rules.map((r): Change => ({
      kind: 'rule',
      op: 'create',
      ruleId: r.id,
      name: r.name,
      rule: r,
      reasons: [],
    })),
  ];
}
