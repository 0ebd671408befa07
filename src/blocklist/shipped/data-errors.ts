/**
 * Publisher data errors (ioc-sources §4, §6): values a feed lists by mistake, such as Maltrail's
 * `acharryblogs.com` (a truncation of `zacharryblogs.com`) or `philip.je` (a fragment of the WHOIS e-mail
 * `philip.je@proton.me`). They are curated in the shipped sets (`rejected`), reviewed like any IOC, and
 * rejected in every compile whichever feed brings them.
 */
import type { Aggregator } from '../aggregate/aggregate.js';
import type { KnownDataError } from './shipped.js';
import type { SourceSets } from '../aggregate/provenance.js';
import type { RejectLog } from '../rejects.js';

/**
 * Removes known data errors from the aggregated domains, logging one rejection per source that listed
 * them; returns the values removed. Runs before subdomain collapse, so arrival order does not matter.
 */
export function rejectDataErrors(
  agg: Aggregator,
  sets: SourceSets,
  rejects: RejectLog,
  known: ReadonlyMap<string, KnownDataError>,
): string[] {
  const removed: string[] = [];
  for (const [value, error] of known) {
    if (!agg.hasDomain(value)) continue;
    const s = agg.removeDomain(value);
    if (s === undefined) continue;
    for (const source of sets.namesOf(s)) rejects.add(value, sets.source(source), error.rejectAs, error.why);
    removed.push(value);
  }
  return removed;
}
