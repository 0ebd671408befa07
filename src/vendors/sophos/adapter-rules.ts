/**
 * The managed firewall rules (sophos-facts.md §7 FirewallRule, §9, §12): one per family, source zones
 * from the options (default LAN), destination zone WAN, the managed groups as destination networks,
 * Drop or Reject, logging on, `Position` Top, outside every rule group.
 *
 * An update replaces the whole rule and resets what is left out — an omitted Position moves the rule, an
 * omitted DestinationNetworks on a drop rule blocks everything (§5.2, §7). So every write starts from the
 * whole record read from the device, changes the managed fields, and always carries Position and the
 * destination list; `assertSendable` refuses anything else before it leaves.
 */
import { ForeignObjectError, InternalError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { Change, DesiredState } from '../types.js';
import type { SophosContext, Snapshot } from './adapter-records.js';
import { deviceRuleName, destinationsOf, membersOf, nameOf } from './adapter-records.js';
import type { FirewallRuleRecord } from './schema.js';
import type { XmlNode } from './xml.js';

type RuleChange = Extract<Change, { kind: 'rule' }>;

/** Same members, whatever the order (SFOS may reorder lists on read, TF-ML; §6.3). */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const A = new Set(a);
  return A.size === new Set(b).size && b.every((x) => A.has(x));
}

/** The destination networks a managed rule must have: its family's group, and the FQDN group on IPv4. */
export function wantedDestinations(ctx: SophosContext, snap: Snapshot, family: 'IPv4' | 'IPv6'): string[] {
  const out = [ctx.names[family === 'IPv6' ? 'ipv6' : 'ipv4']];
  const dns = snap.fqdnGroups.find(
    (g) => nameOf(g.v) === ctx.names.dns && hasMarker(g.v.Description, ctx.marker),
  );
  // FQDN hosts in IPv6 rules are Open (§14.5): domains are blocked by the IPv4 rule only.
  if (family === 'IPv4' && dns !== undefined) out.push(ctx.names.dns);
  return out;
}

/** What differs from the shape iocwall gives its rules (empty: as made). */
export function ruleShapeProblems(ctx: SophosContext, snap: Snapshot, r: FirewallRuleRecord): string[] {
  const p = r.NetworkPolicy;
  const problems: string[] = [];
  const family = r.IPFamily === 'IPv6' ? 'IPv6' : 'IPv4';
  if (!sameSet(destinationsOf(r), wantedDestinations(ctx, snap, family)))
    problems.push('destination networks differ');
  if (!sameSet(membersOf(p?.SourceZones, 'Zone'), ctx.sourceZones)) problems.push('source zones differ');
  if (!sameSet(membersOf(p?.DestinationZones, 'Zone'), ctx.destinationZones))
    problems.push('destination zones differ');
  if (membersOf(p?.SourceNetworks, 'Network').length > 0) problems.push('source networks set');
  if (membersOf(p?.Services, 'Service').length > 0) problems.push('services set');
  if (p?.LogTraffic !== 'Enable') problems.push('logging off');
  return problems;
}

/**
 * The rule record to send: the device's whole record when there is one (fields iocwall does not manage
 * are kept), with every managed field set, Position Top and no After/Before anchor.
 */
export function ruleRecord(
  ctx: SophosContext,
  snap: Snapshot,
  existing: XmlNode | undefined,
  rule: { name: string; family: 'ipv4' | 'ipv6'; action: 'drop' | 'reject' },
): XmlNode {
  const family = rule.family === 'ipv6' ? 'IPv6' : 'IPv4';
  const base: XmlNode = existing === undefined ? {} : structuredClone(existing);
  delete base['@_transactionid'];
  delete base.After;
  delete base.Before;
  const policy: XmlNode = { ...((base.NetworkPolicy as XmlNode | undefined) ?? {}) };
  for (const f of ['SourceNetworks', 'Services']) Reflect.deleteProperty(policy, f);
  Object.assign(policy, {
    Action: rule.action === 'drop' ? 'Drop' : 'Reject',
    LogTraffic: 'Enable',
    SkipLocalDestined: 'Disable',
    SourceZones: { Zone: [...ctx.sourceZones] },
    DestinationZones: { Zone: [...ctx.destinationZones] },
    Schedule: (policy.Schedule as string | undefined) ?? 'All The Time',
    DestinationNetworks: { Network: wantedDestinations(ctx, snap, family) },
  });
  const out: XmlNode = {
    ...base,
    Name: [deviceRuleName(rule.name, ctx.marker)],
    Description: rule.name,
    IPFamily: family,
    Status: ['Enable'],
    Position: 'Top',
    PolicyType: 'Network',
    NetworkPolicy: policy,
  };
  assertSendable(out);
  return out;
}

/** Never send a rule without Position or without destination networks (it would block everything). */
export function assertSendable(rule: XmlNode): void {
  const policy = rule.NetworkPolicy as XmlNode | undefined;
  const dst = policy?.DestinationNetworks as XmlNode | undefined;
  const nets = dst?.Network;
  if (rule.Position === undefined || !Array.isArray(nets) || nets.length === 0 || rule.IPFamily === undefined)
    throw new InternalError(
      'refusing to send a firewall rule without Position, family or destination networks',
    );
}

/** The device record of a managed rule by device name (ours), or undefined; a foreign holder throws. */
function findOwn(ctx: SophosContext, snap: Snapshot, deviceName: string): XmlNode | undefined {
  const hit = snap.rules.find((r) => nameOf(r.v) === deviceName);
  if (hit === undefined) return undefined;
  if (!hasMarker(hit.v.Description, ctx.marker))
    throw new ForeignObjectError(
      `firewall rule ${deviceName} exists without marker ${ctx.marker}; not modified`,
    );
  return hit.raw;
}

/** Creates, updates, moves or deletes one managed rule. */
export async function writeRule(ctx: SophosContext, snap: Snapshot, c: RuleChange): Promise<void> {
  const deviceName = deviceRuleName(c.rule.name, ctx.marker);
  const existing = findOwn(ctx, snap, deviceName);
  if (c.op === 'delete') {
    if (existing === undefined) return;
    const [status] = await ctx.client.remove('FirewallRule', [deviceName]);
    if (status === undefined || status.code !== 200)
      throw ctx.client.statusError('Remove FirewallRule', status, deviceName);
    return;
  }
  const record = ruleRecord(ctx, snap, existing, c.rule);
  await ctx.client.set(existing === undefined ? 'add' : 'update', 'FirewallRule', record);
}

/** Re-points the IPv4 rule at the current groups (after the FQDN group came or before it goes). */
export async function refreshV4Rule(
  ctx: SophosContext,
  snap: Snapshot,
  desired: DesiredState,
): Promise<boolean> {
  const rule = desired.rules.find((r) => r.family === 'ipv4');
  const name = rule === undefined ? undefined : deviceRuleName(rule.name, ctx.marker);
  const rec = snap.rules.find((r) => nameOf(r.v) === name && hasMarker(r.v.Description, ctx.marker));
  if (rec === undefined || rule === undefined) return false;
  if (sameSet(destinationsOf(rec.v), wantedDestinations(ctx, snap, 'IPv4'))) return false;
  await ctx.client.set('update', 'FirewallRule', ruleRecord(ctx, snap, rec.raw, rule));
  return true;
}
