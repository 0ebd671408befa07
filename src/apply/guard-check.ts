/**
 * The last line of defence: right before anything is sent to a device, every value a change would leave
 * on it is checked again — canonical syntax first (a plan file can be edited; a value with a newline or a
 * comma would smuggle a second entry into an alias or DNSBL list), then the guard (the guard may have been
 * widened since the plan was made).
 */
import { GuardViolationError } from '../errors.js';
import { classify } from '../indicators/classify.js';
import type { NetworkIndicator } from '../indicators/types.js';
import type { Change, SetFamily } from '../vendors/types.js';

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

/** Throws GuardViolationError naming the first value a change would leave on a device that may not be there. */
export function assertNothingGuarded(target: string, changes: readonly Change[], guard: GuardCheck): void {
  for (const change of changes) {
    if (change.kind !== 'set') continue;
    for (const value of new Set([...change.entries, ...change.add])) {
      const indicator = canonicalIndicator(change.family, value);
      if (!indicator) {
        throw new GuardViolationError(
          `refusing to push ${JSON.stringify(value)} to ${target}: not a canonical ${change.family} value`,
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
}
