/**
 * `apply()` of the pfSense adapter (pfsense-facts.md "Recommended design"):
 * 1. read the device; changes pending before iocwall started are named in a warning (the plan reported
 *    them as `not-applied`), never applied silently;
 * 2. firewall changes in the planner's order: aliases written whole in one POST/PATCH each (no `apply`),
 *    rules created/changed/deleted (no `apply`), alias deletions;
 * 3. `POST /firewall/apply {"async":false}` (control parameters in the JSON body: the JSON decoder never reads
 *    the query string), then `GET /firewall/apply` must show `applied:true` and nothing pending: rule writes
 *    never mark a subsystem dirty, so the apply is always sent; on pfrest 2.6+ the live pf tables must equal
 *    the configuration;
 * 4. DNS changes last (independent of the firewall, so the order's effect is kept): read, merge, write, apply
 *    synchronously, Unbound must run, else the previous text is restored and applied again.
 *
 * Ids are array indexes that shift when anything before them is deleted. An alias PATCH sends `id` AND
 * `name`: the name is not editable, so a shifted id makes pfrest refuse the PATCH instead of overwriting
 * another alias. Rules have no such field: the rule at the id is read back first and must still be ours.
 */
import { ForeignObjectError, SafetyError, VendorError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { ApplyResult, Change, DesiredState } from '../types.js';
import { writeDns } from './adapter-dns-write.js';
import {
  CAP_REASON,
  fetchSnapshot,
  refreshObjects,
  type PfsenseContext,
  type Snapshot,
} from './adapter-read.js';
import { ruleBody, ruleDescription, ruleIdOf, shadowingRules } from './adapter-rules.js';
import { aliasSchema, firewallApplySchema, ruleSchema, tableSchema, type Rule } from './schema.js';
import { canonicalEntry } from './adapter-read.js';

type SetChange = Extract<Change, { kind: 'set' }>;
type RuleChange = Extract<Change, { kind: 'rule' }>;

/** Performs `changes`; returns calls made and warnings. */
export async function applyChanges(
  ctx: PfsenseContext,
  changes: readonly Change[],
  desired: DesiredState,
): Promise<ApplyResult> {
  const { client } = ctx;
  const start = client.calls;
  const warnings: string[] = [];
  let snap = await fetchSnapshot(client);
  if (snap.pending.length > 0)
    warnings.push(
      `applied firewall changes saved before iocwall started (pending: ${snap.pending.join(', ')})`,
    );
  const firewall = changes.filter((c) => !(c.kind === 'set' && c.setId === 'dns'));
  const touchesFirewall = firewall.length > 0;
  for (const c of firewall) {
    if (c.kind === 'set') await writeAlias(ctx, snap, c);
    else if (c.kind === 'rule') await writeRule(ctx, snap, c, desired);
    // Every write may shift ids: the next change works on a fresh read.
    if (c.kind !== 'apply') snap = await refreshObjects(client, snap);
  }
  if (touchesFirewall) await applyFirewall(ctx, snap, desired);
  const dns = changes.filter((c): c is SetChange => c.kind === 'set' && c.setId === 'dns');
  // The resolver is only touched where iocwall manages DNS.
  const reapplyDns =
    changes.some((c) => c.kind === 'apply') &&
    desired.sets.some((s) => s.id === 'dns') &&
    (!snap.dnsApplied || !snap.unboundRunning);
  warnings.push(...(await writeDns(ctx, dns, reapplyDns)));
  return { calls: client.calls - start, warnings };
}

/** The entries as pfSense network aliases take them: every entry a CIDR. */
function aliasAddresses(entries: readonly string[]): string[] {
  return entries.map((e) => (e.includes('/') ? e : e.includes(':') ? `${e}/128` : `${e}/32`));
}

/** An id shift detected by the device: nothing was overwritten. */
function shifted(ctx: PfsenseContext, what: string, err: unknown): never {
  throw new VendorError(
    `pfsense ${ctx.client.target}: ${what} moved between read and write (ids are array indexes that shift ` +
      'when objects are deleted); nothing was overwritten; run again',
    { vendor: 'pfsense', target: ctx.client.target, operation: what, transient: true },
    { cause: err },
  );
}

/** Creates, replaces (one PATCH with `id` and `name`) or deletes one of our aliases. */
async function writeAlias(ctx: PfsenseContext, snap: Snapshot, c: SetChange): Promise<void> {
  const hit = snap.aliases.find((a) => a.name === c.name);
  if (hit !== undefined && !hasMarker(hit.descr, ctx.marker))
    throw new ForeignObjectError(`alias ${c.name} exists without marker ${ctx.marker}; not modified`);
  if (c.op === 'delete') {
    if (hit === undefined) return;
    const users = snap.rules.filter((r) => r.destination === hit.name || r.source === hit.name);
    // Deleting a referenced alias is not refused by pfrest; the rule would silently stop matching.
    if (users.length > 0)
      throw new SafetyError(`alias ${hit.name} is still used by rule id ${users[0]?.id}; not deleted`);
    const now = await ctx.client.get('firewall/alias', aliasSchema, { id: hit.id });
    if (now.name !== hit.name) shifted(ctx, `alias ${hit.name}`, undefined);
    await ctx.client.deleteOne('firewall/alias', hit.id);
    return;
  }
  if (snap.features.aliasCap128 && c.entries.length > 128)
    throw new SafetyError(`${c.name} needs ${c.entries.length} entries: ${CAP_REASON}`);
  const body = {
    name: c.name,
    type: 'network',
    descr: `${ctx.marker} ${c.setId}`,
    address: aliasAddresses(c.entries),
    // Exactly one detail per entry: pfrest's padding of missing details is discarded (facts §6).
    detail: c.entries.map(() => 'iocwall'),
  };
  if (hit === undefined) {
    await ctx.client.post('firewall/alias', body, aliasSchema);
    return;
  }
  try {
    await ctx.client.patch('firewall/alias', { id: hit.id, ...body }, aliasSchema);
  } catch (err) {
    if (
      err instanceof VendorError &&
      /FIELD_VALUE_CHANGED_WHEN_NOT_EDITABLE|MODEL_OBJECT_NOT_FOUND/.test(err.message)
    )
      shifted(ctx, `alias ${c.name}`, err);
    throw err;
  }
}

/** Our rule a change is about: by description, else (update/move after a rename) one of that family. */
function ownRule(
  ctx: PfsenseContext,
  snap: Snapshot,
  c: RuleChange,
  desired: DesiredState,
): Rule | undefined {
  const ours = snap.rules.filter((r) => hasMarker(r.descr, ctx.marker));
  const named = [c.name, c.rule.name].map((n) => ruleDescription(ctx, n));
  const exact = ours.find((r) => named.includes(r.descr ?? ''));
  if (exact !== undefined || c.op === 'create' || c.op === 'delete') return exact;
  const wanted = desired.rules.map((d) => ruleDescription(ctx, d.name));
  return ours.find((r) => ruleIdOf(r) === c.ruleId && !wanted.includes(r.descr ?? ''));
}

/** Re-reads the rule at `r.id` right before a write: it must still be the same rule (tracker and marker). */
async function confirmRule(ctx: PfsenseContext, r: Rule): Promise<void> {
  const now = await ctx.client.get('firewall/rule', ruleSchema, { id: r.id });
  if (now.tracker !== r.tracker || now.descr !== r.descr) shifted(ctx, `rule ${r.descr ?? r.id}`, undefined);
}

/** Creates, rewrites (update and move), or deletes one of our rules. */
async function writeRule(
  ctx: PfsenseContext,
  snap: Snapshot,
  c: RuleChange,
  desired: DesiredState,
): Promise<void> {
  const found = ownRule(ctx, snap, c, desired);
  if (c.op === 'delete') {
    if (found === undefined) return;
    await confirmRule(ctx, found);
    await ctx.client.deleteOne('firewall/rule', found.id);
    return;
  }
  const alias = desired.sets.find((s) => s.id === c.rule.setId)?.name ?? ctx.names[c.rule.setId];
  const body = ruleBody(ctx, snap, c.rule, alias);
  if (found === undefined) {
    // Appended (no id shifts) unless an administrator's floating quick pass rule would then come first.
    const appended = { ...(body as Rule), id: snap.rules.length, tracker: null, descr: body.descr as string };
    const first = shadowingRules(ctx, snap, appended)[0];
    await ctx.client.post(
      'firewall/rule',
      first === undefined ? body : { ...body, placement: first.id },
      ruleSchema,
    );
    return;
  }
  await confirmRule(ctx, found);
  // Shadowed by an earlier floating quick pass rule: move ours to that rule's index (it and everything
  // after it shift down by one). The only write that uses `placement`.
  const first = shadowingRules(ctx, snap, found)[0];
  const editable = { ...body };
  delete editable.floating; // not editable (sending it would only be checked for equality)
  await ctx.client.patch(
    'firewall/rule',
    { id: found.id, ...editable, ...(first === undefined ? {} : { placement: first.id }) },
    ruleSchema,
  );
}

/** Applies the firewall synchronously and checks that configuration and running state agree. */
async function applyFirewall(ctx: PfsenseContext, snap: Snapshot, desired: DesiredState): Promise<void> {
  const { client } = ctx;
  await client.post('firewall/apply', { async: false }, firewallApplySchema);
  const after = await client.get('firewall/apply', firewallApplySchema);
  const fail = (why: string): never => {
    throw new VendorError(`pfsense ${client.target}: firewall apply: ${why}`, {
      vendor: 'pfsense',
      target: client.target,
      operation: 'POST firewall/apply',
      transient: false,
    });
  };
  if (!after.applied || after.pending_subsystems.length > 0)
    fail(
      `still pending (${after.pending_subsystems.join(', ')}); pf refused the ruleset? see Status › System Logs › Notices`,
    );
  if (!snap.features.tables) return;
  for (const s of desired.sets.filter((x) => x.id !== 'dns')) {
    const live = await client
      .get('diagnostics/table', tableSchema, { id: s.name })
      .catch(() => ({ entries: [] }));
    const running = new Set(live.entries.map(canonicalEntry));
    if (running.size !== s.entries.length || s.entries.some((e) => !running.has(e)))
      fail(`live table ${s.name} holds ${running.size} entries, configuration ${s.entries.length}`);
  }
}
