/**
 * `apply plan.json` trusts nothing in the file but its desired state, and that only as far as the current
 * config and blocklist justify it. A plan's checksum catches accidents, not intent: anyone who can write the
 * file can recompute it. So before anything is sent, the plan's effect is recomputed from a fresh read of
 * the device, and it is refused (SafetyError, exit 3, nothing sent) when:
 * - its objects (set names, rules, marker) are not what the config's policy asks for now (a deleted block
 *   rule, a renamed set);
 * - it would stop enforcing a value the current blocklist still holds (an emptied alias, every entry gone);
 * - its listed changes or summary are not what its desired state implies on this device (edited changes);
 * - the thresholds, foreign objects or device capacity refuse the recomputed effect (as `sync` would).
 * What the engine then applies, journals and prints is the recomputed plan, never the file's change list.
 */
import { StalePlanError, UnsafePlanError } from '../errors.js';
import { canonicalJson } from '../plan/digest.js';
import { buildPlan, type PlanOptions } from '../plan/planner.js';
import type { TargetPlan } from '../plan/types.js';
import type { DesiredState, ObservedState, SetId } from '../vendors/types.js';

/** What a saved plan is checked against. */
export interface RecheckInput {
  /** The plan for this target, read from the file (schema and checksum already verified). */
  saved: TargetPlan;
  /** A fresh read of the device (its digest already matched the plan's). */
  observed: ObservedState;
  /** What the current blocklist and policy ask for on this target (before capability fitting). */
  current: DesiredState;
  /** Thresholds and `--force` as configured now. */
  options: PlanOptions;
}

const SET_IDS: readonly SetId[] = ['ipv4', 'ipv6', 'dns'];

/** A short list of values for a message: the first few, then how many in all. */
function someValues(values: readonly string[]): string {
  const shown = values.slice(0, 3).join(', ');
  return values.length > 3 ? `${shown}, … (${values.length} values)` : shown;
}

/** The first difference between the plan's objects and the objects the policy asks for now, or null. */
function objectMismatch(plan: DesiredState, now: DesiredState): string | null {
  if (plan.marker !== now.marker)
    return `its ownership marker is ${plan.marker}, the config's is ${now.marker}`;
  const shape = (d: DesiredState): string[] => d.sets.map((s) => `${s.id} set ${s.name} (${s.family})`);
  const planSets = shape(plan);
  const nowSets = shape(now);
  for (const s of nowSets) if (!planSets.includes(s)) return `the ${s} is missing from the plan`;
  for (const s of planSets)
    if (!nowSets.includes(s)) return `the plan has a ${s} the policy does not ask for`;
  for (const rule of now.rules) {
    const found = plan.rules.find((r) => r.id === rule.id);
    if (!found) return `the rule ${rule.name} (${rule.id}) is missing from the plan`;
    if (canonicalJson(found) !== canonicalJson(rule))
      return `the rule ${rule.id} in the plan (${found.name}, ${found.action}) is not the policy's (${rule.name}, ${rule.action})`;
  }
  for (const rule of plan.rules)
    if (!now.rules.some((r) => r.id === rule.id))
      return `the plan has a rule ${rule.name} (${rule.id}) the policy does not ask for`;
  return null;
}

/**
 * Values the plan would stop enforcing (on the device now, in no set of the same id afterwards) that the
 * current blocklist still holds, per set id. A rename moves values and stops enforcing none.
 */
function unjustifiedRemovals(plan: DesiredState, observed: ObservedState, now: DesiredState): string[] {
  const problems: string[] = [];
  for (const id of SET_IDS) {
    const after = new Set(plan.sets.filter((s) => s.id === id).flatMap((s) => s.entries));
    const wanted = new Set(now.sets.filter((s) => s.id === id).flatMap((s) => s.entries));
    const before = new Set(observed.sets.filter((s) => s.id === id).flatMap((s) => s.entries));
    const held = [...before].filter((v) => !after.has(v) && wanted.has(v)).sort();
    if (held.length > 0)
      problems.push(
        `the plan removes ${someValues(held)} from the ${id} set, but the current blocklist holds ${held.length === 1 ? 'it' : 'them'}`,
      );
  }
  return problems;
}

/**
 * Recomputes a saved plan against a fresh read and the current blocklist (see the module comment).
 * Returns the recomputed plan (its `refusal` set when thresholds, foreign objects or capacity refuse it);
 * throws SafetyError when the plan was edited or would remove what the blocklist holds.
 */
export function recheckSavedPlan(input: RecheckInput): TargetPlan {
  const { saved, observed, current, options } = input;
  if (saved.refusal) throw new UnsafePlanError(`the plan was refused when it was made: ${saved.refusal}`);
  if (saved.desired.target !== current.target || saved.desired.vendor !== current.vendor) {
    throw new StalePlanError(
      `the plan's desired state is for ${saved.desired.vendor} target ${saved.desired.target}, not ${current.vendor} target ${current.target}`,
    );
  }
  // What `sync` would do now: its fitted desired state is the yardstick (capabilities applied).
  const now = buildPlan(current, observed, options).desired;
  const mismatch = objectMismatch(saved.desired, now);
  if (mismatch) throw new StalePlanError(`the plan does not match the config's policy: ${mismatch}`);
  const recomputed = buildPlan(saved.desired, observed, options);
  const removals = unjustifiedRemovals(recomputed.desired, observed, now);
  if (removals.length > 0) throw new UnsafePlanError(removals.join('; '));
  if (recomputed.refusal) return recomputed;
  if (
    canonicalJson(recomputed.changes) !== canonicalJson(saved.changes) ||
    canonicalJson(recomputed.summary) !== canonicalJson(saved.summary)
  ) {
    throw new StalePlanError(
      `the plan's changes or summary do not follow from its desired state on this device (was it edited?): make a new plan`,
    );
  }
  return recomputed;
}
