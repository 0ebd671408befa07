/**
 * The plan a push benchmark makes: the real planner, with thresholds off and `force` (a benchmark
 * measures pushes, it does not test the safety stops).
 */
import { buildPlan } from '../src/plan/planner.js';
import type { DesiredState, ObservedState } from '../src/vendors/types.js';

/** `buildPlan(desired, observed)` as a benchmark's sync makes it. */
export function benchPlan(
  desired: DesiredState,
  observed: ObservedState,
  endpoint: string,
): ReturnType<typeof buildPlan> {
  return buildPlan(desired, observed, {
    tenant: 'bench',
    endpoint,
    thresholds: { maxRemovePercent: 100, minEntries: 0 },
    force: true,
  });
}
