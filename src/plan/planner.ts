/**
 * The planner: a pure function of (desired, observed, options) → TargetPlan. No I/O, no clock.
 * Everything iocwall decides about a device is decided here, and tested here (the comparison of one set
 * or rule is in plan-objects.ts).
 */
import type { Change, DesiredSet, DesiredState, ObservedState } from '../vendors/types.js';
import { sha256Of } from './digest.js';
import { planRule, planSet, ruleStub } from './plan-objects.js';
import type { DriftFinding, TargetPlan } from './types.js';
import { checkThresholds, type Thresholds } from './thresholds.js';

/** Inputs besides the two states. */
export interface PlanOptions {
  tenant: string;
  /** The device the plan is for: `apply` refuses a plan made for another endpoint. */
  endpoint: string;
  thresholds: Thresholds;
  /** `--force`: thresholds do not refuse. Foreign objects and capacity still do. */
  force: boolean;
}

/** Digest of what was observed, so `apply` can tell whether the device changed since the plan. */
export function observedDigest(observed: ObservedState): string {
  return sha256Of({
    sets: [...observed.sets].sort((a, b) => a.id.localeCompare(b.id)),
    rules: [...observed.rules].sort((a, b) => a.id.localeCompare(b.id)),
    foreign: observed.foreign,
    pendingApply: observed.pendingApply,
  });
}

/** Trims the desired state to what the device can express, with warnings and a capacity refusal. */
function fitToCapabilities(
  desired: DesiredState,
  observed: ObservedState,
): { desired: DesiredState; warnings: string[]; refusal: string | null } {
  const caps = observed.capabilities;
  const warnings: string[] = [];
  let sets = desired.sets;
  let rules = desired.rules;
  if (!caps.ipv6) {
    const v6 = sets.find((s) => s.id === 'ipv6');
    // Only when there is IPv6 to block: a warning on every run of an IPv4-only list would teach users to
    // ignore warnings.
    const n = v6?.entries.length ?? 0;
    if (n > 0)
      warnings.push(`device cannot hold IPv6: ${n} IPv6 ${n === 1 ? 'entry is' : 'entries are'} not pushed`);
    sets = sets.filter((s) => s.id !== 'ipv6');
    rules = rules.filter((r) => r.family !== 'ipv6');
  }
  if (!caps.cidr) {
    sets = sets.map((s) => {
      if (s.family === 'domain') return s;
      const hosts = s.entries.filter((e) => !e.includes('/'));
      if (hosts.length !== s.entries.length)
        warnings.push(
          `device cannot hold networks: ${s.entries.length - hosts.length} CIDR entries of ${s.name} are not pushed`,
        );
      return { ...s, entries: hosts };
    });
  }
  if (!caps.dnsSubdomainBlock && sets.some((s) => s.id === 'dns')) {
    warnings.push('device cannot block a domain with its subdomains: only the exact names are blocked');
  }
  const maxFor = (s: DesiredSet): number => caps.maxEntriesBySet?.[s.id] ?? caps.maxEntriesPerSet;
  const tooBig = sets.filter((s) => s.entries.length > maxFor(s));
  const refusal =
    tooBig.length > 0
      ? tooBig
          .map(
            (s) =>
              `${s.name} needs ${s.entries.length} entries but the device holds at most ${maxFor(s)} per object`,
          )
          .join('; ') + (caps.limitReason === undefined ? '' : ` (${caps.limitReason})`)
      : null;
  return { desired: { ...desired, sets, rules }, warnings, refusal };
}

/**
 * Threshold checks on what would stop being enforced, for the whole target and for each set: values on
 * the device (in any managed set of that id, whatever its name) that the desired state no longer has. A
 * rename moves values from one object to another and removes nothing from enforcement.
 */
function thresholdProblems(desired: DesiredState, observed: ObservedState, t: Thresholds): string[] {
  const problems: string[] = [];
  let removedTotal = 0;
  let managedTotal = 0;
  for (const id of ['ipv4', 'ipv6', 'dns'] as const) {
    const have = new Set(observed.sets.filter((s) => s.id === id).flatMap((s) => s.entries));
    if (have.size === 0) continue;
    const want = new Set(desired.sets.find((s) => s.id === id)?.entries ?? []);
    let removed = 0;
    for (const v of have) if (!want.has(v)) removed += 1;
    removedTotal += removed;
    managedTotal += have.size;
    const problem = checkThresholds({ remove: removed, managed: have.size }, t);
    if (problem) problems.push(`${id} set: ${problem}`);
  }
  const overall = checkThresholds({ remove: removedTotal, managed: managedTotal }, t);
  if (overall && problems.length === 0) problems.push(overall);
  return problems;
}

/**
 * Compares desired with observed and returns the changes, drift findings and any refusal.
 * Order of changes: sets created/updated, rules, then deletions (rules before the sets they reference).
 */
export function buildPlan(
  desiredIn: DesiredState,
  observed: ObservedState,
  options: PlanOptions,
): TargetPlan {
  const fitted = fitToCapabilities(desiredIn, observed);
  const desired = fitted.desired;
  const drift: DriftFinding[] = [];
  const changes: Change[] = [];
  const warnings = [...fitted.warnings];
  const refusals: string[] = fitted.refusal ? [fitted.refusal] : [];

  for (const foreign of observed.foreign) {
    drift.push({ kind: 'foreign-object', object: foreign.name, value: null, detail: foreign.detail });
    refusals.push(`foreign object in the way: ${foreign.kind} ${foreign.name} (${foreign.detail})`);
  }
  // Objects match by id AND name: after a prefix change the old-named objects are unwanted, the
  // new ones are created, rules are re-pointed, and only then are the old objects deleted.
  for (const set of desired.sets) {
    const found = observed.sets.find((s) => s.id === set.id && s.name === set.name);
    planSet(set, found, observed.capabilities.implicitSets === true, drift, changes);
    if (found?.duplicates && found.duplicates.length > 0) {
      warnings.push(
        `${set.name} holds ${found.duplicates.length} duplicate entries (tolerated): ${found.duplicates.slice(0, 5).join(', ')}`,
      );
    }
  }
  for (const rule of desired.rules) {
    const setName = desired.sets.find((s) => s.id === rule.setId)?.name ?? rule.setId;
    const found = observed.rules.find((r) => r.id === rule.id && r.name === rule.name);
    planRule(rule, found, setName, drift, changes);
  }
  // Managed objects the policy no longer wants (DNS blocking switched off, renamed objects): rules first.
  const unwantedRules = observed.rules.filter(
    (r) => !desired.rules.some((d) => d.id === r.id && d.name === r.name),
  );
  for (const rule of unwantedRules) {
    drift.push({
      kind: 'rule-changed',
      object: rule.name,
      value: null,
      detail: 'managed rule no longer wanted by the policy',
    });
    changes.push({
      kind: 'rule',
      op: 'delete',
      ruleId: rule.id,
      name: rule.name,
      rule: ruleStub(rule),
      reasons: ['unwanted'],
    });
  }
  const unwantedSets = observed.sets.filter(
    (s) => !desired.sets.some((d) => d.id === s.id && d.name === s.name),
  );
  for (const set of unwantedSets) {
    for (const value of set.entries) {
      drift.push({
        kind: 'extra-entry',
        object: set.name,
        value,
        detail: 'managed set no longer wanted by the policy',
      });
    }
    const family = set.id === 'dns' ? 'domain' : set.id;
    changes.push({
      kind: 'set',
      op: 'delete',
      setId: set.id,
      name: set.name,
      family,
      add: [],
      remove: [...set.entries],
      entries: [],
    });
  }
  if (observed.pendingApply && !drift.some((d) => d.kind === 'not-applied')) {
    drift.push({
      kind: 'not-applied',
      object: desired.target,
      value: null,
      detail: 'configuration has changes that are not applied',
    });
  }
  if (changes.length === 0 && drift.some((d) => d.kind === 'not-applied')) {
    changes.push({ kind: 'apply', reason: 'configuration and running state differ' });
  }

  const add = changes.reduce((n, c) => n + (c.kind === 'set' ? c.add.length : 0), 0);
  const remove = changes.reduce((n, c) => n + (c.kind === 'set' ? c.remove.length : 0), 0);
  const managed = observed.sets.reduce((n, s) => n + s.entries.length, 0);
  for (const problem of thresholdProblems(desired, observed, options.thresholds)) {
    if (options.force) warnings.push(`${problem} (overridden by --force)`);
    else refusals.push(`${problem}; use --force to override`);
  }
  return {
    target: desired.target,
    tenant: options.tenant,
    endpoint: options.endpoint,
    vendor: desired.vendor,
    observedDigest: observedDigest(observed),
    deviceVersion: observed.version,
    desired,
    changes,
    drift,
    warnings,
    refusal: refusals.length > 0 ? refusals.join('; ') : null,
    summary: { add, remove, managed, ruleChanges: changes.filter((c) => c.kind === 'rule').length },
  };
}
