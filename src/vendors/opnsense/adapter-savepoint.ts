/**
 * The savepoint/rollback flow of OPNsense ≤ 26.1, and why it needs care (docs/vendors/opnsense.md,
 * "Known risks").
 *
 * `apply/{rev}` starts `rollback_timer.php` detached; the script creates `/tmp/filter_<rev>.lock` once PHP
 * has started and reverts the filter rules of savepoint `rev` 60 s later unless `cancelRollback/{rev}`
 * deleted the lock first (opnsense/core 26.1.9 scripts/filter/rollback_{timer,cancel}.php). Three things
 * follow, none visible through the API (`cancelRollback` answers '' whether it stopped a timer or not):
 * - a cancel that arrives before the script created its lock stops nothing: iocwall cancels at once and
 *   again `ARM_WAIT_MS` after arming, so a timer that started late is cancelled too;
 * - a cancel after 60 s is too late: iocwall cancels right after a cheap liveness check, before the slow
 *   alias reconfigure;
 * - one timer at a time (`flock -n`): while another timer is armed, `apply/{rev}` arms none and that
 *   other timer reverts the filter rules — iocwall's included — when it fires.
 *
 * Against its own leftovers: before arming, the revision is recorded in the description of one of
 * iocwall's aliases (`rollback:<rev>`; alias configuration is not part of a rollback and outlives the
 * process); the next apply cancels every recorded revision, and the one this adapter instance remembers,
 * before taking its own savepoint.
 *
 * Against someone else's timer nothing can be done through the API, and the risk is real only while
 * someone else is changing filter rules (a savepoint apply comes with a rule change). So an apply warns
 * only when the automation rules of others changed between iocwall's read and its apply in that run, and
 * the next `iocwall audit` reports reverted rules as drift either way.
 */
import { VendorError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { OpnsenseContext, ScopedRule, Snapshot } from './adapter-types.js';
import { ALL_ROWS } from './adapter-types.js';
import { aliasSearchSchema, type AliasRow } from './schema.js';
import { z } from 'zod';

/** Description word prefix recording a revision whose rollback timer iocwall armed. */
const RECORD = 'rollback:';
/** Longest time a real box may take to start the detached timer script (PHP start-up). */
export const ARM_WAIT_MS = 2_000;

/** `savepoint` answer. */
const savepointSchema = z.looseObject({ status: z.string().catch(''), revision: z.string().min(1) });

/** The warning of an apply that changed rules while someone else was changing them too. */
export const ROLLBACK_RISK =
  'filter rules of someone else changed while iocwall applied its rule changes: if they applied with a ' +
  "rollback timer (savepoint), OPNsense runs only that one timer and it reverts iocwall's rules too " +
  'within 60 s; run iocwall audit after a minute (it reports reverted rules as drift)';

/** State carried between calls of one adapter instance. */
export interface ApplyMemory {
  /** Revision whose rollback timer may still be armed (an earlier apply failed before cancelling it). */
  pendingRollback?: string;
  /** The rules of others as the last `read()` saw them (`othersDigest`). */
  othersAtRead?: string;
}

/** A digest of the automation rules that are not ours: what a concurrent administrator changes. */
export function othersDigest(rules: readonly ScopedRule[], marker: string): string {
  return rules
    .filter((r) => !hasMarker(r.description, marker))
    .map((r) => [r.uuid, r.enabled, r.sequence, r.action, r.interface, r.description].join('|'))
    .sort()
    .join('\n');
}

/** Whether an error is the device's 404 for an endpoint this release does not have. */
function notFound(err: unknown): boolean {
  return err instanceof VendorError && err.details.status === 404;
}

/** Takes a savepoint; undefined on a release without them (26.7: no rollback, no timer). */
export async function takeSavepoint(ctx: OpnsenseContext): Promise<string | undefined> {
  let sp: z.output<typeof savepointSchema>;
  try {
    sp = await ctx.client.post('firewall/filter/savepoint', {}, savepointSchema);
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
  // Without a savepoint there is no rollback: refuse rather than change rules unprotected.
  if (sp.status.trim().toLowerCase() !== 'ok')
    throw ctx.client.statusError('firewall/filter/savepoint', 'filter savepoint', sp.status);
  return sp.revision;
}

/**
 * Applies the filter with the rollback timer of `revision` and cancels it once the device still answers:
 * at once, and again when a late-starting timer script has certainly armed (`ARM_WAIT_MS`).
 */
export async function applyWithRollback(
  ctx: OpnsenseContext,
  memory: ApplyMemory,
  revision: string,
  deleting: readonly string[],
): Promise<void> {
  // Recorded on the device first, so a later run can cancel this timer if we stop half-way.
  const holder = await recordRevision(ctx, revision, deleting);
  memory.pendingRollback = revision;
  const armed = Date.now();
  await ctx.client.expectStatus(`firewall/filter/apply/${revision}`, 'filter apply with rollback timer');
  await ctx.client.alive(); // still reachable with the new rules: keep them
  await cancelRollback(ctx, revision);
  const wait = armed + ARM_WAIT_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await cancelRollback(ctx, revision);
  memory.pendingRollback = undefined;
  if (holder !== undefined) await clearRecord(ctx, holder);
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
  let timers = true;
  for (const rev of revisions) {
    try {
      await cancelRollback(ctx, rev);
    } catch (err) {
      // 26.7 has no timers (nor the endpoint): a record left from before an upgrade is only removed.
      if (!notFound(err)) throw err;
      timers = false;
    }
  }
  memory.pendingRollback = undefined;
  for (const a of holders) await setDescription(ctx, a.uuid, withoutRecords(a.description));
  if (!timers) return [];
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
