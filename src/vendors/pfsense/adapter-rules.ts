/**
 * The egress rules on pfSense: one floating `quick` block/reject rule per address family, direction `in`,
 * on the LAN-side interfaces, destination = our alias, appended without `placement`.
 *
 * Why floating (pfsense/pfsense RELENG_2_7_2 `filter.inc` ~L3376-3390, 2.8.0 branch point ~L3593): pfSense
 * writes all floating rules before every interface rule, so the LAN allow rules — whatever order an
 * administrator gives them — are evaluated after ours; appending shifts nobody's id and moves no GUI
 * separator (pfrest issue #325). `quick` must be set (default false, pfrest `Models/FirewallRule.inc`):
 * a non-quick floating block loses to the quick LAN pass rules. What can still beat it is an earlier
 * floating quick pass rule matching LAN traffic: reported as a position problem and repaired by moving our
 * rule (`placement`) directly above the first such rule.
 */
import { hasMarker } from '../ownership.js';
import type { DesiredRule, ForeignObject, ObservedRule, RuleId } from '../types.js';
import type { PfsenseContext, Snapshot } from './adapter-read.js';
import type { Interface, Rule } from './schema.js';

/** `represent_interfaces_as`: how interface values travel in both directions. */
export type Repr = 'descr' | 'id' | 'if';

/** An interface value as the device represents it. */
export function ifaceValue(interfaces: Interface[], repr: Repr, id: string): string {
  const i = interfaces.find((x) => x.id === id);
  if (i === undefined || repr === 'id') return id;
  if (repr === 'if') return i.if;
  return i.descr !== null && i.descr !== '' ? i.descr : i.id.toUpperCase();
}

/** An interface value from the device to its id (`any` stays `any`). */
export function ifaceId(interfaces: Interface[], value: string): string {
  const i = interfaces.find(
    (x) => x.id === value || x.if === value || x.descr === value || x.id.toUpperCase() === value,
  );
  return i?.id ?? value;
}

/** Which managed rule a marked rule is: by address family (`inet6` → IPv6). */
export function ruleIdOf(r: Pick<Rule, 'ipprotocol'>): RuleId {
  return r.ipprotocol === 'inet6' ? 'egress-ipv6' : 'egress-ipv4';
}

/** The fields iocwall writes for a desired rule. */
export function ruleBody(
  ctx: PfsenseContext,
  snap: Snapshot,
  rule: DesiredRule,
  alias: string,
): Record<string, unknown> {
  return {
    type: rule.action === 'drop' ? 'block' : 'reject',
    interface: ctx.interfaces.map((id) => ifaceValue(snap.interfaces, snap.repr, id)),
    ipprotocol: rule.family === 'ipv6' ? 'inet6' : 'inet',
    protocol: null,
    source: 'any',
    destination: alias,
    descr: ruleDescription(ctx, rule.name),
    disabled: false,
    log: true,
    floating: true,
    quick: true,
    direction: 'in',
  };
}

/** The description iocwall writes for a rule name (the name itself when it already carries the marker). */
export function ruleDescription(ctx: PfsenseContext, name: string): string {
  return hasMarker(name, ctx.marker) ? name : `${name} ${ctx.marker}`;
}

/**
 * Enabled floating quick pass rules before `ours` in the array that would match traffic entering one of
 * our interfaces for our family: those win over our block. Destinations limited to the firewall itself
 * never reach an egress address and are ignored.
 */
export function shadowingRules(ctx: PfsenseContext, snap: Snapshot, ours: Rule): Rule[] {
  return snap.rules.filter(
    (r) =>
      r.id < ours.id &&
      r.floating &&
      r.quick === true &&
      !r.disabled &&
      r.type === 'pass' &&
      r.direction !== 'out' &&
      (r.ipprotocol === 'inet46' || r.ipprotocol === ours.ipprotocol) &&
      !['(self)', 'This Firewall (self)'].includes(r.destination) &&
      r.interface.some((v) => v === 'any' || ctx.interfaces.includes(ifaceId(snap.interfaces, v))),
  );
}

/** What is wrong with the shape of our rule (empty when it is as iocwall writes it). */
export function shapeProblems(ctx: PfsenseContext, snap: Snapshot, r: Rule): string[] {
  const problems: string[] = [];
  if (!r.floating) problems.push('not a floating rule');
  if (r.quick !== true) problems.push('not quick (a LAN pass rule would win)');
  if (r.direction !== 'in') problems.push(`direction ${String(r.direction)}, want in`);
  const ifaces = r.interface.map((v) => ifaceId(snap.interfaces, v)).sort();
  if (ifaces.join(',') !== [...ctx.interfaces].sort().join(','))
    problems.push(`interfaces ${ifaces.join(',')}, want ${[...ctx.interfaces].sort().join(',')}`);
  if (r.source !== 'any') problems.push(`source ${r.source}, want any`);
  if (r.protocol !== null && r.protocol !== 'any') problems.push(`protocol ${r.protocol}, want any`);
  const shadows = shadowingRules(ctx, snap, r);
  if (shadows.length > 0)
    problems.push(
      `an earlier floating quick pass rule (id ${shadows[0]?.id}, "${shadows[0]?.descr ?? ''}") matches first`,
    );
  return problems;
}

/** Our rules, and unmarked rules whose description names one of our rules. */
export function observeRules(ctx: PfsenseContext, snap: Snapshot, foreign: ForeignObject[]): ObservedRule[] {
  const out: ObservedRule[] = [];
  const prefix = ctx.names.ipv4.replace(/_v4$/, '');
  const ruleNames = [`${prefix}_egress_v4`, `${prefix}_egress_v6`];
  for (const r of snap.rules) {
    const descr = r.descr ?? '';
    if (!hasMarker(descr, ctx.marker)) {
      const first = descr.split(/\s+/)[0] ?? '';
      if (ruleNames.includes(first))
        foreign.push({ kind: 'rule', name: first, detail: `rule id ${r.id} without marker ${ctx.marker}` });
      continue;
    }
    const id = ruleIdOf(r);
    if (out.some((x) => x.id === id && x.name === descr)) continue;
    const problems = shapeProblems(ctx, snap, r);
    out.push({
      id,
      name: descr,
      handle: String(r.id),
      enabled: !r.disabled,
      action: r.type === 'block' ? 'drop' : r.type === 'reject' ? 'reject' : 'other',
      references: r.destination,
      ...(problems.length === 0
        ? { positionOk: true }
        : { positionOk: false, positionProblem: problems.join('; ') }),
    });
  }
  return out;
}
