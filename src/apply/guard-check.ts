/**
 * The last line of defence: right before anything is sent to a device, every value a change would leave
 * on it is checked again — canonical syntax first (a plan file can be edited; a value with a newline or a
 * comma would smuggle a second entry into an alias or DNSBL list), then the guard (the guard may have been
 * widened since the plan was made).
 */
import { GuardViolationError } from '../errors.js';
import { classify } from '../indicators/classify.js';
import type { NetworkIndicator } from '../indicators/types.js';
import type { Change, DesiredState, SetFamily } from '../vendors/types.js';

/** The part of the guard this check needs. */
export interface GuardCheck {
  check(indicator: NetworkIndicator): { reason: string; detail: string } | null;
}

/**
 * The indicator a set value stands for, or null when the value is not exactly in canonical form for its
 * family (what `compile` writes): anything else never reaches a device.
 */
export function canonicalIndicator(family: SetFamily, value: string): NetworkIndicator | null {
  const c = classify(value, family === 'domain' ? 'domain' : 'ip');
  if (!c.ok || c.indicators.length !== 1) return null;
  const ind = c.indicators[0];
  if (ind?.value !== value) return null;
  if (family === 'domain') return ind.type === 'domain' ? ind : null;
  return ind.type === 'ip' && ind.family === (family === 'ipv4' ? 4 : 6) ? ind : null;
}

function assertValuesAllowed(
  target: string,
  family: SetFamily,
  values: Iterable<string>,
  guard: GuardCheck,
): void {
  for (const value of values) {
    const indicator = canonicalIndicator(family, value);
    if (!indicator) {
      throw new GuardViolationError(
        `refusing to push ${JSON.stringify(value)} to ${target}: not a canonical ${family} value`,
      );
    }
    const verdict = guard.check(indicator);
    if (verdict) {
      throw new GuardViolationError(
        `refusing to push ${value} to ${target}: ${verdict.reason} (${verdict.detail})`,
      );
    }
  }
}

/** Throws GuardViolationError naming the first value a change would leave on a device that may not be there. */
export function assertNothingGuarded(target: string, changes: readonly Change[], guard: GuardCheck): void {
  for (const change of changes) {
    if (change.kind !== 'set') continue;
    assertValuesAllowed(target, change.family, new Set([...change.entries, ...change.add]), guard);
  }
}

/**
 * Throws GuardViolationError for the first value of a desired state that may not be on a device, changed
 * or not: a saved plan's desired state comes from a file, and what it leaves in place it vouches for too.
 */
export function assertDesiredAllowed(target: string, desired: DesiredState, guard: GuardCheck): void {
  for (const set of desired.sets) assertValuesAllowed(target, set.family, set.entries, guard);
}
