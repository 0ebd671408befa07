/**
 * The savepoint/rollback flow of OPNsense ≤ 26.1 (vendor-opnsense.md §6), and why it needs care.
 *
 * `apply/{rev}` arms a detached 60 s timer that restores the filter rules of savepoint `rev` unless
 * `cancelRollback/{rev}` comes first. OPNsense runs **one timer at a time** (`flock -n`) and its API
 * shows none: `apply/{rev}` answers the same whether it armed a timer or not, and `cancelRollback/{rev}`
 * answers the same whether it stopped one or not. So when an earlier timer is still armed, our
 * `apply/{rev}` arms nothing, our cancel stops nothing, and the earlier timer reverts the filter rules —
 * ours included — up to 60 s after iocwall reported success.
 *
 * What iocwall does about it:
 * - before arming, it records the revision in the description of one of its own aliases
 *   (`rollback:<rev>`). Alias configuration is not part of a rollback and outlives the process, so the
 *   record survives an apply that fails between `apply/{rev}` and `cancelRollback` (connection reset,
 *   crash); it is removed once the cancel succeeded;
 * - before taking its own savepoint, it cancels every revision so recorded, and the one this adapter
 *   instance remembers: the device answers, so the earlier change did not cut it off, and an armed timer
 *   of ours can never outlive the apply that follows;
 * - every action's status is checked; a failed cancel is an error, never a success.
 *
 * Residual risk: a timer armed by someone else in the last 60 s (the GUI's apply with rollback, another
 * tool) can be neither seen nor cancelled; it would revert iocwall's rule changes. Each apply that
 * changed rules under a savepoint returns `ROLLBACK_RESIDUAL_RISK` as a warning, and the next
 * `iocwall audit` reports the reverted rules as drift.
 */
import type { OpnsenseContext, Snapshot } from './adapter-read.js';
import { hasMarker } from './adapter-util.js';
import { aliasSearchSchema, type AliasRow } from './schema.js';

/** Description word prefix recording a revision whose rollback timer iocwall armed. */
const RECORD = 'rollback:';
/** All rows, first page. */
const ALL_ROWS = { current: 1, rowCount: -1 };

/** The warning of every apply that changed rules under a savepoint. */
export const ROLLBACK_RESIDUAL_RISK =
  'rule changes were applied under a savepoint: OPNsense runs one rollback timer at a time and cannot ' +
  'show it, so a timer armed by someone else in the last 60 s (GUI apply with rollback, another tool) ' +
  'would revert them; iocwall audit reports that as drift';

/** State carried between applies of one adapter instance. */
export interface ApplyMemory {
  /** Revision whose rollback timer may still be armed (an earlier apply failed before cancelling it). */
  pendingRollback?: string;
}

/** The revisions recorded in an alias description. */
function recorded(description: string): string[] {
  return description
    .split(/\s+/)
    .filter((w) => w.startsWith(RECORD) && w.length > RECORD.length)
    .map((w) => w.slice(RECORD.length));
}

/** A description without its records. */
function withoutRecords(description: string): string {
  return description
    .split(/\s+/)
    .filter((w) => !w.startsWith(RECORD))
    .join(' ');
}

/** `cancelRollback/{rev}`: the script prints nothing on success (an empty or `ok` status). */
export async function cancelRollback(ctx: OpnsenseContext, revision: string): Promise<void> {
  await ctx.client.expectStatus(
    `firewall/filter/cancelRollback/${encodeURIComponent(revision)}`,
    `cancelling the rollback timer of revision ${revision}`,
    ['', 'ok'],
  );
}

/**
 * Cancels the timers of earlier applies that did not finish (recorded on our aliases, or remembered by
 * this instance) and removes their records. Returns warnings saying what was cancelled.
 */
export async function cancelLeftovers(
  ctx: OpnsenseContext,
  snap: Snapshot,
  memory: ApplyMemory,
): Promise<string[]> {
  const holders = snap.aliases.filter(
    (a) => hasMarker(a.description, ctx.marker) && recorded(a.description).length > 0,
  );
  const revisions = new Set(holders.flatMap((a) => recorded(a.description)));
  if (memory.pendingRollback !== undefined) revisions.add(memory.pendingRollback);
  // 26.7 has no timers (nor the endpoint): a record left from before an upgrade is only removed.
  if (snap.line !== '26.7') for (const rev of revisions) await cancelRollback(ctx, rev);
  memory.pendingRollback = undefined;
  for (const a of holders) await setDescription(ctx, a.uuid, withoutRecords(a.description));
  if (snap.line === '26.7') return [];
  return [...revisions].map(
    (rev) => `cancelled the rollback timer of an earlier apply that did not finish (revision ${rev})`,
  );
}

/**
 * Records `revision` on one of our aliases that this apply keeps (not in `deleting`). Returns the alias
 * to clear after the cancel, or undefined when there is none to hold the record.
 */
export async function recordRevision(
  ctx: OpnsenseContext,
  revision: string,
  deleting: readonly string[],
): Promise<AliasRow | undefined> {
  const rows = (await ctx.client.post('firewall/alias/search_item', ALL_ROWS, aliasSearchSchema)).rows;
  const holder = rows.find((a) => hasMarker(a.description, ctx.marker) && !deleting.includes(a.name));
  if (holder === undefined) return undefined;
  const base = withoutRecords(holder.description);
  await setDescription(ctx, holder.uuid, `${base} ${RECORD}${revision}`);
  return { ...holder, description: base };
}

/** Removes the record written by `recordRevision`. */
export async function clearRecord(ctx: OpnsenseContext, holder: AliasRow): Promise<void> {
  await setDescription(ctx, holder.uuid, holder.description);
}

/** Changes only the description of an alias (a configuration-only change: no reconfigure needed). */
async function setDescription(ctx: OpnsenseContext, uuid: string, description: string): Promise<void> {
  await ctx.client.save(`firewall/alias/set_item/${uuid}`, { alias: { description } });
}
