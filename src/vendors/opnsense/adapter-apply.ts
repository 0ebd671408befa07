/**
 * `apply()` of the OPNsense adapter. Order: alias content (whole set in one `add_item`/`set_item`), rules,
 * alias deletions (after the rules that used them), then the filter is applied — on ≤26.1 under a savepoint
 * when rules changed (`apply/{rev}` arms the 60 s rollback, cancelled once the device still answers; see
 * adapter-savepoint.ts for the one-timer-at-a-time problem) — the tables are refreshed
 * (`alias/reconfigure`), and finally the DNSBL is written and reloaded when the DNS set changed. Every
 * action's status is checked: an answer other than success is a `VendorError` naming the action.
 *
 * Objects are found by name: after a prefix change the planner creates the new-named objects, re-points
 * or replaces the rules, and then deletes the old-named ones, so both names exist for a while and each
 * change must touch exactly the object it names.
 */
import { ForeignObjectError } from '../../errors.js';
import type { ApplyResult, Change, DesiredRule, DesiredState } from '../types.js';
import { z } from 'zod';
import { resultSchema, type RuleRow } from './schema.js';
import {
  fetchRules,
  fetchSnapshot,
  hasMarker,
  passRulesAhead,
  ruleIdOf,
  type OpnsenseContext,
  type Snapshot,
} from './adapter-read.js';
import { writeDns } from './adapter-dns.js';
import {
  ROLLBACK_RESIDUAL_RISK,
  cancelLeftovers,
  cancelRollback,
  clearRecord,
  recordRevision,
  type ApplyMemory,
} from './adapter-savepoint.js';

export type { ApplyMemory } from './adapter-savepoint.js';

type SetChange = Extract<Change, { kind: 'set' }>;
type RuleChange = Extract<Change, { kind: 'rule' }>;

/** `savepoint` answer. */
const savepointSchema = z.looseObject({ status: z.string().catch(''), revision: z.string().min(1) });
/** Most `move_rule_before` rounds while placing our rules above the pass rules. */
const MAX_MOVES = 6;

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
  const snap = await fetchSnapshot(client);
  const setChanges = changes.filter((c): c is SetChange => c.kind === 'set');
  const ruleChanges = changes.filter((c): c is RuleChange => c.kind === 'rule');
  const aliasChanges = setChanges.filter((c) => c.setId !== 'dns');
  const aliasDeletes = aliasChanges.filter((x) => x.op === 'delete');
  const dnsChanges = setChanges.filter((c) => c.setId === 'dns');
  const applyAll = changes.some((c) => c.kind === 'apply');
  const touchesFilter = aliasChanges.length > 0 || ruleChanges.length > 0 || applyAll;

  warnings.push(...(await cancelLeftovers(ctx, snap, memory)));
  let revision: string | undefined;
  if (touchesFilter && ruleChanges.length > 0 && snap.line !== '26.7') {
    const sp = await client.post('firewall/filter/savepoint', {}, savepointSchema);
    // Without a savepoint there is no rollback: refuse rather than change rules unprotected.
    if (sp.status.trim().toLowerCase() !== 'ok')
      throw client.statusError('firewall/filter/savepoint', 'filter savepoint', sp.status);
    revision = sp.revision;
  }

  for (const c of aliasChanges.filter((x) => x.op !== 'delete')) await writeAlias(ctx, snap, c);
  for (const c of ruleChanges) await writeRule(ctx, snap, c, desired);
  if (ruleChanges.some((c) => c.op !== 'delete')) warnings.push(...(await placeRules(ctx)));
  for (const c of aliasDeletes) await deleteAlias(ctx, snap, c);

  if (touchesFilter) {
    if (revision !== undefined) {
      // Recorded on the device first, so a later run can cancel this timer if we stop half-way.
      const holder = await recordRevision(
        ctx,
        revision,
        aliasDeletes.map((c) => c.name),
      );
      memory.pendingRollback = revision;
      await client.expectStatus(`firewall/filter/apply/${revision}`, 'filter apply with rollback timer');
      await client.expectStatus('firewall/alias/reconfigure', 'alias reconfigure');
      await client.version(); // still reachable with the new rules: keep them
      await cancelRollback(ctx, revision);
      memory.pendingRollback = undefined;
      if (holder !== undefined) await clearRecord(ctx, holder);
      warnings.push(ROLLBACK_RESIDUAL_RISK);
    } else {
      await client.expectStatus('firewall/filter/apply', 'filter apply');
      await client.expectStatus('firewall/alias/reconfigure', 'alias reconfigure');
    }
  }
  for (const c of dnsChanges) await writeDns(ctx, snap, c, desired);
  if (dnsChanges.length > 0 || (applyAll && desired.sets.some((s) => s.id === 'dns'))) {
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

/** Deletes our alias of exactly that name (already absent counts as done; other names are untouched). */
async function deleteAlias(ctx: OpnsenseContext, snap: Snapshot, c: SetChange): Promise<void> {
  const hit = snap.aliases.find((a) => a.name === c.name && hasMarker(a.description, ctx.marker));
  if (hit === undefined) return;
  await ctx.client.post(`firewall/alias/del_item/${hit.uuid}`, {}, resultSchema);
}

/** The description iocwall writes for a rule name (the name itself when it already carries the marker). */
function ruleDescription(ctx: OpnsenseContext, name: string): string {
  return hasMarker(name, ctx.marker) ? name : `${name} ${ctx.marker}`;
}

/**
 * Our rule a change is about: the marked rule of exactly that name. An update or move whose name is not
 * on the device yet re-points an old-named rule of the same id (a prefix change planned as an update);
 * a rule whose name a desired rule still uses is never taken. Create (an upsert by name, so a retried
 * apply adds no duplicate) and delete never fall back to another name.
 */
function ownRule(
  ctx: OpnsenseContext,
  snap: Snapshot,
  c: RuleChange,
  desired: DesiredState,
): RuleRow | undefined {
  const ours = snap.rules.filter((r) => hasMarker(r.description, ctx.marker));
  const named = [c.name, c.rule.name].map((n) => ruleDescription(ctx, n));
  const exact = ours.find((r) => named.includes(r.description));
  if (exact !== undefined || c.op === 'create' || c.op === 'delete') return exact;
  const wanted = desired.rules.map((d) => ruleDescription(ctx, d.name));
  return ours.find((r) => ruleIdOf(r) === c.ruleId && !wanted.includes(r.description));
}

/** The automation rule fields iocwall sets. */
function ruleFields(ctx: OpnsenseContext, rule: DesiredRule, desired: DesiredState): Record<string, string> {
  const target = desired.sets.find((s) => s.id === rule.setId)?.name ?? ctx.names[rule.setId];
  return {
    enabled: '1',
    action: rule.action === 'drop' ? 'block' : 'reject',
    quick: '1',
    interface: ctx.iface,
    direction: 'in',
    ipprotocol: rule.family === 'ipv6' ? 'inet6' : 'inet',
    protocol: 'any',
    source_net: 'any',
    destination_net: target,
    log: '1',
    sequence: '1',
    description: ruleDescription(ctx, rule.name),
  };
}

/** Creates, updates, re-sequences or deletes one of our rules. */
async function writeRule(
  ctx: OpnsenseContext,
  snap: Snapshot,
  c: RuleChange,
  desired: DesiredState,
): Promise<void> {
  const uuid = ownRule(ctx, snap, c, desired)?.uuid;
  if (c.op === 'delete') {
    if (uuid !== undefined) await ctx.client.post(`firewall/filter/del_rule/${uuid}`, {}, resultSchema);
    return;
  }
  const rule = c.op === 'move' && uuid !== undefined ? { sequence: '1' } : ruleFields(ctx, c.rule, desired);
  if (uuid === undefined) await ctx.client.save('firewall/filter/add_rule', { rule });
  else await ctx.client.save(`firewall/filter/set_rule/${uuid}`, { rule });
}

/**
 * Moves our rules before any pass rule that would otherwise be evaluated first (same sequence), as
 * `move_rule_before` does in the GUI. Each move renumbers the rules after the target, so re-read and repeat.
 */
async function placeRules(ctx: OpnsenseContext): Promise<string[]> {
  for (let round = 0; round < MAX_MOVES; round++) {
    const rules = await fetchRules(ctx.client);
    const ours = rules.filter((r) => hasMarker(r.description, ctx.marker));
    const ourUuids = ours.map((r) => r.uuid);
    let moved = false;
    for (const r of ours) {
      const ahead = passRulesAhead(rules, ctx.iface, r.ipprotocol, ourUuids)
        .filter((p) => Number(p.sequence) <= Number(r.sequence))
        .sort((a, b) => Number(a.sequence) - Number(b.sequence));
      const first = ahead[0];
      if (first === undefined) continue;
      await ctx.client.expectStatus(
        `firewall/filter/move_rule_before/${r.uuid}/${first.uuid}`,
        'moving a block rule above a pass rule',
      );
      moved = true;
      break;
    }
    if (!moved) return [];
  }
  return ['could not place the block rules above every pass rule'];
}
