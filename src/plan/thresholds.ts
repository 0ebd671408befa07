/**
 * octoDNS-style safety thresholds: refuse a plan that would remove too large a share of what a target
 * holds, because an empty or broken feed must never empty a firewall.
 */

/** Threshold settings (from the target's policy). */
export interface Thresholds {
  maxRemovePercent: number;
  minEntries: number;
}

/** Returns a one-line reason when the removals exceed the threshold, else null. */
export function checkThresholds(counts: { remove: number; managed: number }, t: Thresholds): string | null {
  if (counts.managed < t.minEntries || counts.remove === 0) return null;
  const percent = (counts.remove / counts.managed) * 100;
  if (percent <= t.maxRemovePercent) return null;
  return `plan removes ${counts.remove} of ${counts.managed} managed entries (${percent.toFixed(1)} % > ${t.maxRemovePercent} %)`;
}
