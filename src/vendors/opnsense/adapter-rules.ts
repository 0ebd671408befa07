/**
 * The egress rules of the OPNsense adapter: which of the device's automation rules are ours, whether
 * they are evaluated before every pass rule that could let the traffic out, and the writes that create,
 * change, re-sequence or delete them.
 *
 * Order on the device: pf evaluates automation rules by priority group first — floating rules, then
 * interface-group rules, then single-interface rules (FilterRuleField::getPriority(), opnsense/core 25.7.11
 * and 26.1.9) — and by `sequence` within a group; the legacy interface rules (the default LAN allow rules)
 * come after all of them. iocwall's rules are single-interface rules on `options.interface`, so:
 * - a pass rule of the same group with a lower (or equal) sequence is fixed by `move_rule_before`;
 * - a floating or group pass rule that applies to the interface always wins, and no move can change that
 *   (`move_rule_before` across groups is a 500 "Cannot move 'Interface Rule' before 'Floating Rule'."): it
 *   is reported as a position problem naming the rule, for the administrator to resolve.
 */
import { hasMarker } from '../ownership.js';
import type { Change, DesiredRule, DesiredState, ObservedRule, RuleId } from '../types.js';
import { ALL_ROWS, type OpnsenseContext, type ScopedRule, type Snapshot } from './adapter-types.js';
import { resultSchema, ruleSearchSchema } from './schema.js';

type RuleChange = Extract<Change, { kind: 'rule' }>;

/** Most `move_rule_before` rounds while placing our rules above the pass rules. */
const MAX_MOVES = 6;

/**
 * Which managed rule a marked rule is: by its address family (`ipprotocol`, which iocwall always writes as
 * `inet` or `inet6`). Neither its description (which carries the policy prefix, e.g. `acme_egress_v6`) nor
 * the alias it blocks (old and new names coexist while a prefix change is applied) says it reliably.
 */
export function ruleIdOf(rule: Pick<ScopedRule, 'ipprotocol'>): RuleId {
  return rule.ipprotocol === 'inet6' ? 'egress-ipv6' : 'egress-ipv4';
}

/**
 * Automation filter rules (legacy and automatic rows, which this API cannot change, removed), each with
 * its scope relative to `ctx.iface`. Two searches, because what `search_rule` returns depends on the
 * release (FilterController.php `searchRuleAction`): without `interface`, 25.7.x and 26.1.0 list only
 * floating rules and 26.1.1+ every rule; with `interface` and `show_all`, every release lists the rules
 * that apply to that interface (its own, its groups' and the floating ones). Together: every rule that
 * can matter, on every release.
 */
export async function fetchRules(ctx: OpnsenseContext): Promise<ScopedRule[]> {
  const search = (body: Record<string, unknown>) =>
    ctx.client.post('firewall/filter/search_rule', { ...ALL_ROWS, ...body }, ruleSearchSchema);
  const touching = (await search({ interface: ctx.iface, show_all: '1' })).rows;
  const plain = (await search({})).rows;
  const near = new Set(touching.map((r) => r.uuid));
  const seen = new Set<string>();
  const out: ScopedRule[] = [];
  for (const r of [...touching, ...plain]) {
    if (r.legacy === true || r.uuid === '' || seen.has(r.uuid)) continue;
    seen.add(r.uuid);
    const ifs = r.interface.split(',').filter((i) => i !== '');
    const single = ifs.length === 1 && r.interfacenot !== '1';
    const scope = single && ifs[0] === ctx.iface ? 'same' : near.has(r.uuid) ? 'before' : 'other';
    out.push({ ...r, scope });
  }
  return out;
}

/** Enabled inbound `quick` pass rules of another owner whose address family overlaps `ipprotocol`. */
function passRules(rules: ScopedRule[], ipprotocol: string, ourUuids: string[]): ScopedRule[] {
  return rules.filter(
    (r) =>
      !ourUuids.includes(r.uuid) &&
      r.enabled === '1' &&
      r.action === 'pass' &&
      r.quick === '1' &&
      r.direction !== 'out' &&
      (r.ipprotocol === 'inet46' || ipprotocol === 'inet46' || r.ipprotocol === ipprotocol),
  );
}

/** What is wrong with the position of `ours`, or undefined when it precedes every pass rule it must. */
export function positionProblem(
  ctx: OpnsenseContext,
  rules: ScopedRule[],
  ours: ScopedRule,
  ourUuids: string[],
): string | undefined {
  if (ours.scope !== 'same') return `the rule is not a single-interface rule on ${ctx.iface}`;
  const pass = passRules(rules, ours.ipprotocol, ourUuids);
  const first = pass.find((r) => r.scope === 'before');
  if (first !== undefined) {
    const kind = first.interface.split(',').filter((i) => i).length === 1 && first.interfacenot !== '1';
    return (
      `${kind ? 'the interface-group' : 'the floating'} pass rule "${first.description}" is evaluated before ` +
      `every ${ctx.iface} rule whatever its sequence; iocwall cannot move its rule above it: make that rule ` +
      'non-quick, narrow it, or disable it'
    );
  }
  const seq = Number(ours.sequence);
  if (pass.some((r) => r.scope === 'same' && Number(r.sequence) <= seq))
    return `an enabled pass rule on ${ctx.iface} has a lower sequence than this block rule`;
  return undefined;
}

/** Our rules as the engine sees them. */
export function observeRules(ctx: OpnsenseContext, all: ScopedRule[]): ObservedRule[] {
  const ours = all.filter((r) => hasMarker(r.description, ctx.marker));
  const ourUuids = ours.map((r) => r.uuid);
  const rules: ObservedRule[] = [];
  for (const r of ours) {
    const id = ruleIdOf(r);
    // Old- and new-named rules of one id are both reported; only an exact duplicate is skipped.
    if (rules.some((x) => x.id === id && x.name === r.description)) continue;
    const problem = positionProblem(ctx, all, r, ourUuids);
    rules.push({
      id,
      name: r.description,
      handle: r.uuid,
      enabled: r.enabled === '1',
      action: r.action === 'block' ? 'drop' : r.action === 'reject' ? 'reject' : 'other',
      references: r.destination_net,
      ...(problem === undefined ? { positionOk: true } : { positionOk: false, positionProblem: problem }),
    });
  }
  return rules;
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
): ScopedRule | undefined {
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
    interfacenot: '0',
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

/** Creates, updates, re-sequences or deletes one of our rules (configuration only). */
export async function writeRule(
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
 * Moves our rules before any pass rule of the same priority group that would otherwise be evaluated
 * first, as `move_rule_before` does in the GUI; each move renumbers, so re-read and repeat. Returns the
 * problems no move can fix (floating or group pass rules ahead), for the apply's warnings.
 */
export async function placeRules(ctx: OpnsenseContext): Promise<string[]> {
  for (let round = 0; round < MAX_MOVES; round++) {
    const rules = await fetchRules(ctx);
    const ours = rules.filter((r) => hasMarker(r.description, ctx.marker) && r.scope === 'same');
    const ourUuids = ours.map((r) => r.uuid);
    let moved = false;
    for (const r of ours) {
      const first = passRules(rules, r.ipprotocol, ourUuids)
        .filter((p) => p.scope === 'same' && Number(p.sequence) <= Number(r.sequence))
        .sort((a, b) => Number(a.sequence) - Number(b.sequence))[0];
      if (first === undefined) continue;
      await ctx.client.expectStatus(
        `firewall/filter/move_rule_before/${r.uuid}/${first.uuid}`,
        'moving a block rule above a pass rule',
      );
      moved = true;
      break;
    }
    if (!moved) {
      return [...new Set(ours.flatMap((r) => positionProblem(ctx, rules, r, ourUuids) ?? []))];
    }
  }
  return ['could not place the block rules above every pass rule'];
}
