/**
 * The planner's per-object comparisons (planner.ts runs them over every object): one desired set or rule
 * against what the device holds under the same id and name, as drift findings and changes.
 */
import type { Change, DesiredRule, DesiredSet, ObservedRule, ObservedSet } from '../vendors/types.js';
import type { DriftFinding } from './types.js';
import { counted } from '../util/plural.js';

/** Sorted set difference a \ b of two sorted-or-not string arrays. */
function difference(a: readonly string[], b: ReadonlySet<string>): string[] {
  return a.filter((v) => !b.has(v)).sort();
}

/**
 * Compares one desired set with the managed set of the same id and name (undefined: none), appending its
 * drift findings and the create/update it needs.
 */
export function planSet(
  set: DesiredSet,
  found: ObservedSet | undefined,
  implicitSets: boolean,
  drift: DriftFinding[],
  changes: Change[],
): void {
  if (!found && implicitSets && set.entries.length === 0) return; // an empty list is an absent list
  if (!found) {
    for (const value of set.entries)
      drift.push({ kind: 'missing-entry', object: set.name, value, detail: 'set does not exist' });
    changes.push({
      kind: 'set',
      op: 'create',
      setId: set.id,
      name: set.name,
      family: set.family,
      add: [...set.entries],
      remove: [],
      entries: [...set.entries],
    });
    return;
  }
  const have = new Set(found.entries);
  const want = new Set(set.entries);
  const add = difference(set.entries, have);
  const remove = difference(found.entries, want);
  for (const value of add)
    drift.push({
      kind: 'missing-entry',
      object: set.name,
      value,
      detail: 'in the blocklist, not on the device',
    });
  for (const value of remove)
    drift.push({
      kind: 'extra-entry',
      object: set.name,
      value,
      detail: 'on the device, not in the blocklist',
    });
  if (add.length > 0 || remove.length > 0) {
    changes.push({
      kind: 'set',
      op: 'update',
      setId: set.id,
      name: set.name,
      family: set.family,
      add,
      remove,
      entries: [...set.entries],
    });
  }
  if (found.runtimeEntries) {
    const running = new Set(found.runtimeEntries);
    const notRunning = found.entries.filter((v) => !running.has(v)).length;
    const staleRunning = found.runtimeEntries.filter((v) => !have.has(v)).length;
    if (notRunning > 0 || staleRunning > 0) {
      drift.push({
        kind: 'not-applied',
        object: set.name,
        value: null,
        // Nothing running at all is said as such: counts of "saved but not active" then only repeat the
        // set's size (a resolver whose saved settings were not applied, an empty live table).
        detail:
          found.runtimeEntries.length === 0
            ? `saved but not in effect: none of its ${counted(found.entries.length, 'entry', 'entries')} is active (the saved configuration was not applied)`
            : `running state differs from configuration (${notRunning} saved but not active, ${staleRunning} active but not saved)`,
      });
    }
  }
}

/**
 * Compares one desired rule with the managed rule of the same id and name (undefined: none), appending
 * its drift findings and the create/update/move it needs.
 */
export function planRule(
  rule: DesiredRule,
  found: ObservedRule | undefined,
  setName: string,
  drift: DriftFinding[],
  changes: Change[],
): void {
  if (!found) {
    drift.push({
      kind: 'rule-missing',
      object: rule.name,
      value: null,
      detail: `no ${rule.action} rule for ${setName}`,
    });
    changes.push({
      kind: 'rule',
      op: 'create',
      ruleId: rule.id,
      name: rule.name,
      rule,
      reasons: ['missing'],
    });
    return;
  }
  const reasons: string[] = [];
  if (!found.enabled) {
    drift.push({ kind: 'rule-disabled', object: rule.name, value: null, detail: 'rule is disabled' });
    reasons.push('disabled');
  }
  if (found.action !== rule.action) {
    drift.push({
      kind: 'rule-changed',
      object: rule.name,
      value: found.action,
      // 'other' is whatever is neither drop nor reject: most often a hand edit to pass/accept.
      detail:
        found.action === 'other'
          ? `action is neither drop nor reject (it lets the traffic through, or does something else), want ${rule.action}`
          : `action is ${found.action}, want ${rule.action}`,
    });
    reasons.push('action');
  }
  if (found.references !== setName) {
    drift.push({
      kind: 'rule-changed',
      object: rule.name,
      value: found.references,
      detail: `rule references ${found.references}, want ${setName}`,
    });
    reasons.push('references');
  }
  if (reasons.length > 0)
    changes.push({ kind: 'rule', op: 'update', ruleId: rule.id, name: rule.name, rule, reasons });
  if (!found.positionOk) {
    drift.push({
      kind: 'rule-order',
      object: rule.name,
      value: null,
      detail: found.positionProblem ?? 'rule is not above the allow rules',
    });
    changes.push({ kind: 'rule', op: 'move', ruleId: rule.id, name: rule.name, rule, reasons: ['order'] });
  }
}

/** The rule as planned for deletion (what the adapter needs to find and remove it). */
export function ruleStub(rule: ObservedRule): DesiredRule {
  const family = rule.id === 'egress-ipv6' ? 'ipv6' : 'ipv4';
  const action = rule.action === 'reject' ? 'reject' : 'drop';
  return { id: rule.id, name: rule.name, setId: family, family, action, placement: 'top' };
}
