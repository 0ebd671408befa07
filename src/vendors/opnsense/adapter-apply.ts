/**
 * `apply()` of the OPNsense adapter. Order: alias content (whole set in one `add_item`/`set_item`), rules,
 * alias deletions (after the rules that used them), then the filter is applied under a savepoint (≤26.1:
 * `apply/{rev}` arms the 60 s rollback, cancelled once the device still answers), the tables are refreshed
 * (`alias/reconfigure`), and finally the DNSBL is reloaded when the DNS set changed.
 */
import { ForeignObjectError } from '../../errors.js';
import type { ApplyResult, Change, DesiredRule, DesiredState } from '../types.js';
import { z } from 'zod';
import { resultSchema } from './schema.js';
import {
  aliasSetId,
  fetchRules,
  fetchSnapshot,
  hasMarker,
  passRulesAhead,
  ruleIdOf,
  type OpnsenseContext,
  type Snapshot,
} from './adapter-read.js';

type SetChange = Extract<Change, { kind: 'set' }>;
type RuleChange = Extract<Change, { kind: 'rule' }>;

/** `savepoint` answer. */
const savepointSchema = z.looseObject({ revision: z.string().min(1) });
/** Most `move_rule_before` rounds while placing our rules above the pass rules. */
const MAX_MOVES = 6;

/** State carried between applies of one adapter instance. */
export interface ApplyMemory {
  /** Revision whose rollback timer may still be armed (an earlier apply failed before cancelling it). */
  pendingRollback?: string;
}

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
  const dnsChanges = setChanges.filter((c) => c.setId === 'dns');
  const applyAll = changes.some((c) => c.kind === 'apply');
  const touchesFilter = aliasChanges.length > 0 || ruleChanges.length > 0 || applyAll;

  if (memory.pendingRollback !== undefined && snap.line !== '26.7') {
    await client.action(`firewall/filter/cancelRollback/${memory.pendingRollback}`);
    memory.pendingRollback = undefined;
  }
  let revision: string | undefined;
  if (touchesFilter && ruleChanges.length > 0 && snap.line !== '26.7') {
    revision = (await client.post('firewall/filter/savepoint', {}, savepointSchema)).revision;
  }

  for (const c of aliasChanges.filter((x) => x.op !== 'delete')) await writeAlias(ctx, snap, c);
  for (const c of ruleChanges) await writeRule(ctx, snap, c, desired);
  if (ruleChanges.some((c) => c.op !== 'delete')) warnings.push(...(await placeRules(ctx)));
  for (const c of aliasChanges.filter((x) => x.op === 'delete')) await deleteAlias(ctx, snap, c);

  if (touchesFilter) {
    if (revision !== undefined) {
      memory.pendingRollback = revision;
      await client.action(`firewall/filter/apply/${revision}`);
    } else {
      await client.action('firewall/filter/apply');
    }
    const status = await client.action('firewall/alias/reconfigure');
    if (status.toLowerCase() !== 'ok') warnings.push(`alias reconfigure answered "${status}"`);
    if (revision !== undefined) {
      await client.version(); // still reachable with the new rules: keep them
      await client.action(`firewall/filter/cancelRollback/${revision}`);
      memory.pendingRollback = undefined;
    }
  }
  for (const c of dnsChanges) await writeDns(ctx, snap, c);
  if (dnsChanges.length > 0 || (applyAll && desired.sets.some((s) => s.id === 'dns'))) {
    await client.action('unbound/service/dnsbl');
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

/** Deletes our alias (already absent counts as done). */
async function deleteAlias(ctx: OpnsenseContext, snap: Snapshot, c: SetChange): Promise<void> {
  const hit = snap.aliases.find(
    (a) => hasMarker(a.description, ctx.marker) && (a.name === c.name || aliasSetId(ctx, a) === c.setId),
  );
  if (hit === undefined) return;
  await ctx.client.post(`firewall/alias/del_item/${hit.uuid}`, {}, resultSchema);
}

/** Our existing rule for `ruleId`, if any. */
function ownRule(ctx: OpnsenseContext, snap: Snapshot, ruleId: string): string | undefined {
  return snap.rules.find((r) => hasMarker(r.description, ctx.marker) && ruleIdOf(ctx, r) === ruleId)?.uuid;
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
    description: hasMarker(rule.name, ctx.marker) ? rule.name : `${rule.name} ${ctx.marker}`,
  };
}

/** Creates, updates, re-sequences or deletes one of our rules. */
async function writeRule(
  ctx: OpnsenseContext,
  snap: Snapshot,
  c: RuleChange,
  desired: DesiredState,
): Promise<void> {
  const uuid = ownRule(ctx, snap, c.ruleId);
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
      await ctx.client.action(`firewall/filter/move_rule_before/${r.uuid}/${first.uuid}`);
      moved = true;
      break;
    }
    if (!moved) return [];
  }
  return ['could not place the block rules above every pass rule'];
}

/** Writes the DNS set: 26.1+ our policy (upsert), ≤25.7 the `wildcards` field iocwall owns. */
async function writeDns(ctx: OpnsenseContext, snap: Snapshot, c: SetChange): Promise<void> {
  const wildcards = c.entries.join(',');
  if (snap.single !== undefined) {
    const dnsbl = c.op === 'delete' ? { wildcards: '' } : { enabled: '1', wildcards };
    await ctx.client.save('unbound/settings/set', { unbound: { dnsbl } });
    return;
  }
  const policy = snap.policies.find((p) => hasMarker(p.description, ctx.marker));
  if (c.op === 'delete') {
    if (policy !== undefined)
      await ctx.client.post(`unbound/settings/del_dnsbl/${policy.uuid}`, {}, resultSchema);
    return;
  }
  const blocklist = { enabled: '1', wildcards, description: `${ctx.marker} dns ${c.name}` };
  if (policy === undefined) {
    await ctx.client.save('unbound/settings/add_dnsbl', {
      blocklist: { ...blocklist, type: '', lists: '', blocklists: '', allowlists: '', nxdomain: '1' },
    });
  } else {
    await ctx.client.save(`unbound/settings/set_dnsbl/${policy.uuid}`, { blocklist });
  }
}
