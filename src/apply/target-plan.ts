/**
 * What the engine asks of one target between its read and its write: the plan (computed from the
 * blocklist, or a saved plan re-checked against this read) and, after apply, the read-back that proves the
 * device now matches it.
 */
import type { TargetConfig } from '../config/schema.js';
import { effectivePolicy } from '../config/targets.js';
import { IocwallError, StalePlanError } from '../errors.js';
import { buildDesiredState } from '../plan/desired.js';
import { buildPlan, observedDigest } from '../plan/planner.js';
import type { TargetPlan } from '../plan/types.js';
import type { FirewallAdapter, ObservedState } from '../vendors/types.js';
import { assertDesiredAllowed } from './guard-check.js';
import type { RunRequest } from './run-types.js';
import { recheckSavedPlan } from './saved-plan.js';

/** Computes (or, for apply, re-checks) the plan from what was read. */
export function planForTarget(
  request: RunRequest,
  target: TargetConfig,
  observed: ObservedState,
): TargetPlan {
  const policy = effectivePolicy(request.loaded, target);
  if (!request.blocklistFor) throw new IocwallError('no blocklist to plan against');
  const desired = buildDesiredState(
    request.blocklistFor(target),
    target,
    policy,
    request.loaded.config.instanceId,
  );
  const options = {
    tenant: target.tenant,
    endpoint: target.endpoint,
    thresholds: policy.thresholds,
    force: request.force,
  };
  if (request.mode === 'apply') {
    const saved = savedPlanFor(request, target);
    if (observedDigest(observed) !== saved.observedDigest) {
      throw new StalePlanError(`target ${target.name} changed since the plan was made: make a new plan`);
    }
    // The file's checksum is no signature: recompute its effect against this read and today's blocklist.
    assertDesiredAllowed(target.name, saved.desired, request.guard);
    return recheckSavedPlan({ saved, observed, current: desired, options });
  }
  return buildPlan(desired, observed, options);
}

/** The saved plan's entry for `target`, bound to the target's vendor, endpoint and config instance. */
function savedPlanFor(request: RunRequest, target: TargetConfig): TargetPlan {
  const saved = request.planFile?.targets.find((p) => p.target === target.name);
  if (!saved) throw new IocwallError(`the plan has no entry for target ${target.name}`);
  const instanceId = request.loaded.config.instanceId;
  if (
    saved.endpoint !== target.endpoint ||
    saved.vendor !== target.vendor ||
    request.planFile?.instanceId !== instanceId
  ) {
    throw new StalePlanError(
      `the plan for ${target.name} was made for ${saved.vendor} at ${saved.endpoint} (instance ${request.planFile?.instanceId ?? '?'}), not ${target.vendor} at ${target.endpoint} (instance ${instanceId})`,
    );
  }
  return saved;
}

/** Read-back after apply: the device must now match the desired state. */
export async function verifyApplied(
  target: TargetConfig,
  adapter: FirewallAdapter,
  plan: TargetPlan,
): Promise<void> {
  const after = await adapter.read();
  const check = buildPlan(plan.desired, after, {
    tenant: target.tenant,
    endpoint: target.endpoint,
    thresholds: { maxRemovePercent: 100, minEntries: 0 },
    force: true,
  });
  if (check.changes.length > 0) {
    const kinds = [...new Set(check.drift.map((d) => d.kind))].join(', ');
    throw new IocwallError(
      `verification failed on ${target.name}: ${check.changes.length} changes still pending after apply (${kinds})`,
    );
  }
}
