/**
 * `apply()` of the OPNsense adapter. Changes are written to the configuration in the order the planner
 * gives (types.ts), then made live:
 * 1. with rule changes: a savepoint first (where the release has them), and after the writes
 *    `filter/apply/{rev}` with its rollback timer, cancelled as soon as the device still answers
 *    (adapter-savepoint.ts); without a savepoint `filter/apply`;
 * 2. alias deletions (see below);
 * 3. `alias/reconfigure`, then proof that the written pf tables loaded (adapter-tables.ts);
 * 4. `unbound/service/dnsbl` when the DNS set changed.
 * Every action's status is checked: an answer other than success is a `VendorError` naming the action.
 *
 * One vendor-specific phase: deleting an alias is held back until the filter with the new rules is live.
 * OPNsense refuses to delete an alias that anything in config.xml still names ("Alias in use": legacy
 * rules, NAT, plugins — `Alias::whereUsed()` searches the whole configuration), which iocwall cannot see
 * or change. Deleted in the planner's place, that refusal aborted the apply after the rules had been
 * saved but before they were applied, on every run. Held back, the rules are live first and a refused
 * delete is a warning naming the users; the planner asks again next run.
 *
 * Objects are found by name: after a prefix change the planner creates the new-named objects, re-points
 * or replaces the rules, and then deletes the old-named ones, so both names exist for a while and each
 * change must touch exactly the object it names.
 */
import { ForeignObjectError, VendorError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { ApplyResult, Change, DesiredState } from '../types.js';
import { writeDns } from './adapter-dns.js';
import { fetchSnapshot } from './adapter-read.js';
import { placeRules, writeRule } from './adapter-rules.js';
import {
  ROLLBACK_RISK,
  applyWithRollback,
  cancelLeftovers,
  othersDigest,
  takeSavepoint,
  type ApplyMemory,
} from './adapter-savepoint.js';
import { reconfigureAndVerify } from './adapter-tables.js';
import type { OpnsenseContext, Snapshot } from './adapter-types.js';
import { resultSchema } from './schema.js';

export type { ApplyMemory } from './adapter-savepoint.js';

type SetChange = Extract<Change, { kind: 'set' }>;

/** Performs `changes`; returns calls made and warnings. */
export async function applyChanges(
  ctx: OpnsenseContext,
  memory: ApplyMemory,
  changes: readonly Change[],
  desired: DesiredState,
): Promise<ApplyResult> {
  const { client } = ctx;
  const start = client.calls;
  const warnings: string[] = [];
  const snap = await fetchSnapshot(ctx);
  const concurrent =
    memory.othersAtRead !== undefined && memory.othersAtRead !== othersDigest(snap.rules, ctx.marker);
  const ruleChanges = changes.filter((c) => c.kind === 'rule');
  const applyAll = changes.some((c) => c.kind === 'apply');

  warnings.push(...(await cancelLeftovers(ctx, snap, memory)));
  const revision = ruleChanges.length > 0 ? await takeSavepoint(ctx) : undefined;

  const written: SetChange[] = [];
  const deferred: SetChange[] = [];
  let dnsChanged = false;
  for (const c of changes) {
    if (c.kind === 'apply') continue;
    if (c.kind === 'rule') await writeRule(ctx, snap, c, desired);
    else if (c.setId === 'dns') {
      await writeDns(ctx, snap, c, desired);
      dnsChanged = true;
    } else if (c.op === 'delete') deferred.push(c);
    else {
      await writeAlias(ctx, snap, c);
      written.push(c);
    }
  }
  if (ruleChanges.some((c) => c.op !== 'delete')) warnings.push(...(await placeRules(ctx)));

  if (ruleChanges.length > 0) {
    const deleting = deferred.map((c) => c.name);
    if (revision !== undefined) await applyWithRollback(ctx, memory, revision, deleting);
    else await client.expectStatus('firewall/filter/apply', 'filter apply');
    if (revision !== undefined && concurrent) warnings.push(ROLLBACK_RISK);
  }
  for (const c of deferred) {
    const refused = await deleteAlias(ctx, snap, c);
    if (refused !== undefined) warnings.push(refused);
  }
  // Rules alone are live after filter/apply; tables (and a pending apply) need the reconfigure.
  if (written.length > 0 || deferred.length > 0 || applyAll) await reconfigureAndVerify(ctx, written);
  if (dnsChanged || (applyAll && desired.sets.some((s) => s.id === 'dns'))) {
    await client.expectStatus('unbound/service/dnsbl', 'DNSBL reload');
  }
  return { calls: client.calls - start, warnings };
}

/** The alias holding `name`; throws when it is not ours. */
function ownAlias(ctx: OpnsenseContext, snap: Snapshot, name: string): string | undefined {
  const hit = snap.aliases.find((a) => a.name === name);
  if (hit === undefined) return undefined;
  if (!hasMarker(hit.description, ctx.marker)) {
    throw new ForeignObjectError(`alias ${name} exists without marker ${ctx.marker}; not modified`);
  }
  return hit.uuid;
}

/** Creates or replaces a network alias with its whole content in one call (upsert by name). */
async function writeAlias(ctx: OpnsenseContext, snap: Snapshot, c: SetChange): Promise<void> {
  const uuid = ownAlias(ctx, snap, c.name);
  const alias = {
    enabled: '1',
    name: c.name,
    type: 'network',
    content: c.entries.join('\n'),
    description: `${ctx.marker} ${c.setId}`,
  };
  if (uuid === undefined) await ctx.client.save('firewall/alias/add_item', { alias });
  else await ctx.client.save(`firewall/alias/set_item/${uuid}`, { alias });
}

/**
 * Deletes our alias of exactly that name (already absent counts as done; other names are untouched).
 * Returns a warning when the device refuses because something else still uses it.
 */
async function deleteAlias(ctx: OpnsenseContext, snap: Snapshot, c: SetChange): Promise<string | undefined> {
  const hit = snap.aliases.find((a) => a.name === c.name && hasMarker(a.description, ctx.marker));
  if (hit === undefined) return undefined;
  try {
    await ctx.client.post(`firewall/alias/del_item/${hit.uuid}`, {}, resultSchema);
    return undefined;
  } catch (err) {
    if (!(err instanceof VendorError) || !/Alias in use/i.test(err.message)) throw err;
    return `alias ${c.name} was not deleted: it is still in use elsewhere on the device (${err.message.replace(/^.*?\(/, '(')}); remove that use and run again`;
  }
}
