/**
 * The last line of defence: right before anything is sent to a device, every value a plan would add is
 * checked against the guard again. A plan file could have been edited, or the guard widened since.
 */
import { GuardViolationError } from '../errors.js';
import type { NetworkIndicator } from '../indicators/types.js';
import type { Change } from '../vendors/types.js';

/** The part of the guard this check needs. */
export interface GuardCheck {
  check(indicator: NetworkIndicator): { reason: string; detail: string } | null;
}

/** Turns a set value back into the indicator the guard understands. */
function indicatorOf(family: 'ipv4' | 'ipv6' | 'domain', value: string): NetworkIndicator {
  if (family === 'domain') return { type: 'domain', value, wildcard: true };
  return { type: 'ip', family: family === 'ipv4' ? 4 : 6, value };
}

/** Throws GuardViolationError naming the first guarded value any change would add. */
export function assertNothingGuarded(target: string, changes: readonly Change[], guard: GuardCheck): void {
  for (const change of changes) {
    if (change.kind !== 'set') continue;
    for (const value of change.add) {
      const verdict = guard.check(indicatorOf(change.family, value));
      if (verdict) {
        throw new GuardViolationError(
          `refusing to push ${value} to ${target}: ${verdict.reason} (${verdict.detail})`,
        );
      }
    }
  }
}
