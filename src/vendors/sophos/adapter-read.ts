/**
 * `read()` of the Sophos adapter: one Get per entity type (filters are single-key substrings and
 * unreliable, so everything is read and filtered here, JW; sophos-facts.md §6.1), then the engine's
 * `ObservedState`. Nothing here writes.
 */
import { hasMarker } from '../ownership.js';
import type {
  Capabilities,
  ForeignObject,
  ObservedRule,
  ObservedSet,
  ObservedState,
  RuleId,
  SetId,
} from '../types.js';
import type { SophosClient } from './client.js';
import {
  destinationsOf,
  membersOf,
  nameOf,
  type Rec,
  type SophosContext,
  type Snapshot,
} from './adapter-records.js';
import { valuesOfHost } from './adapter-model.js';
import { ruleShapeProblems } from './adapter-rules.js';
import {
  firewallRuleSchema,
  fqdnHostGroupSchema,
  fqdnHostSchema,
  ipHostGroupSchema,
  ipHostSchema,
  type FirewallRuleRecord,
} from './schema.js';
import { VendorError } from '../../errors.js';
import type { z } from 'zod';

export { destinationsOf, deviceRuleName, membersOf, nameOf } from './adapter-records.js';
export type { Rec, SophosContext, Snapshot } from './adapter-records.js';

/** Reads and checks every record of one type. */
export async function getAll<T extends z.ZodType>(
  client: SophosClient,
  tag: string,
  schema: T,
): Promise<Rec<z.output<T>>[]> {
  const out: Rec<z.output<T>>[] = [];
  for (const raw of await client.get(tag)) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success)
      throw new VendorError(`sophos: Get ${tag}: a record does not have the expected shape`, {
        vendor: 'sophos',
        operation: `Get ${tag}`,
        transient: false,
      });
    out.push({ raw, v: parsed.data });
  }
  return out;
}

/** Reads the device once. */
export async function fetchSnapshot(client: SophosClient): Promise<Snapshot> {
  const ipHosts = await getAll(client, 'IPHost', ipHostSchema);
  const ipGroups = await getAll(client, 'IPHostGroup', ipHostGroupSchema);
  const fqdnHosts = await getAll(client, 'FQDNHost', fqdnHostSchema);
  const fqdnGroups = await getAll(client, 'FQDNHostGroup', fqdnHostGroupSchema);
  const rules = await getAll(client, 'FirewallRule', firewallRuleSchema);
  return { apiVersion: client.apiVersion, ipHosts, ipGroups, fqdnHosts, fqdnGroups, rules };
}

/** Which managed rule a marked rule is: by its family. */
export function ruleIdOf(r: FirewallRuleRecord): RuleId {
  return r.IPFamily === 'IPv6' ? 'egress-ipv6' : 'egress-ipv4';
}

/** Sorted unique values and those seen more than once. */
function dedupe(values: string[]): { entries: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return { entries: [...seen].sort(), duplicates: [...dup].sort() };
}

/** The set id a marked group stands for: the word after the marker, else its family. */
function groupSetId(ctx: SophosContext, description: string | undefined, family: string | undefined): SetId {
  const words = (description ?? '').split(/\s+/);
  const word = words[words.indexOf(ctx.marker) + 1];
  if (word === 'ipv4' || word === 'ipv6' || word === 'dns') return word;
  return family === 'IPv6' ? 'ipv6' : 'ipv4';
}

/**
 * Every marked IP group as an observed set, under its own name: after a prefix change the old and the
 * new groups coexist until the planner has re-pointed the rules and deleted the old ones. An unmarked
 * group holding one of our names is foreign.
 */
function observeIpSets(ctx: SophosContext, snap: Snapshot, foreign: ForeignObject[]): ObservedSet[] {
  const out: ObservedSet[] = [];
  for (const group of snap.ipGroups) {
    const name = nameOf(group.v);
    if (!hasMarker(group.v.Description, ctx.marker)) {
      if (name === ctx.names.ipv4 || name === ctx.names.ipv6)
        foreign.push({ kind: 'set', name, detail: `IP host group without marker ${ctx.marker}` });
      continue;
    }
    const values: string[] = [];
    for (const member of membersOf(group.v.HostList, 'Host')) {
      const host = snap.ipHosts.find((h) => nameOf(h.v) === member);
      // A member that is not ours still counts with its values: it is an extra entry of our group, and the
      // next write of the group leaves it out (the host object itself is never touched).
      if (host !== undefined) values.push(...valuesOfHost(host.v));
    }
    const { entries, duplicates } = dedupe(values);
    const id = groupSetId(ctx, group.v.Description, group.v.IPFamily);
    out.push({ id, name, entries, ...(duplicates.length > 0 ? { duplicates } : {}) });
  }
  return out;
}

/** Every marked FQDN group: a domain is present when both its hosts (`d`, `*.d`) are members. */
function observeDnsSets(ctx: SophosContext, snap: Snapshot, foreign: ForeignObject[]): ObservedSet[] {
  const out: ObservedSet[] = [];
  for (const group of snap.fqdnGroups) {
    const name = nameOf(group.v);
    if (!hasMarker(group.v.Description, ctx.marker)) {
      if (name === ctx.names.dns)
        foreign.push({ kind: 'set', name, detail: `FQDN host group without marker ${ctx.marker}` });
      continue;
    }
    const fqdns = new Set<string>();
    for (const member of membersOf(group.v.FQDNHostList, 'FQDNHost')) {
      const host = snap.fqdnHosts.find((h) => nameOf(h.v) === member);
      if (host !== undefined) fqdns.add(host.v.FQDN.toLowerCase());
    }
    // A domain is blocked with its subdomains only when both `d` and `*.d` are members; a lone `*.d` is
    // reported as that text (an extra entry, so the next write repairs it), a lone `d` as missing.
    const entries = [...fqdns]
      .filter((f) => (f.startsWith('*.') ? !fqdns.has(f.slice(2)) : fqdns.has(`*.${f}`)))
      .sort();
    out.push({ id: 'dns', name, entries });
  }
  return out;
}

/** The managed rules, each with its problems (drift signals), and foreign rules holding our names. */
function observeRules(
  ctx: SophosContext,
  snap: Snapshot,
  ruleNames: string[],
  foreign: ForeignObject[],
): ObservedRule[] {
  const out: ObservedRule[] = [];
  const ours = (r: FirewallRuleRecord): boolean => hasMarker(r.Description, ctx.marker);
  snap.rules.forEach((rec, index) => {
    const r = rec.v;
    if (!ours(r)) {
      if (ruleNames.includes(nameOf(r)))
        foreign.push({ kind: 'rule', name: nameOf(r), detail: `firewall rule without marker ${ctx.marker}` });
      return;
    }
    const id = ruleIdOf(r);
    const setName = ctx.names[id === 'egress-ipv6' ? 'ipv6' : 'ipv4'];
    const problems = ruleShapeProblems(ctx, snap, r);
    const action = r.NetworkPolicy?.Action;
    // Position by index in the full list (§9): only our own rules may come first.
    // Only enabled rules of the same family can match the traffic first.
    const before = snap.rules
      .slice(0, index)
      .filter(
        (x) =>
          !ours(x.v) && x.v.Status?.[0] === 'Enable' && (x.v.IPFamily ?? 'IPv4') === (r.IPFamily ?? 'IPv4'),
      );
    out.push({
      id,
      name: r.Description ?? nameOf(r),
      enabled: r.Status?.[0] === 'Enable',
      action: action === 'Drop' ? 'drop' : action === 'Reject' ? 'reject' : 'other',
      references:
        problems.length === 0 ? setName : `${destinationsOf(r).join(',') || 'Any'} (${problems.join('; ')})`,
      ...(before.length === 0
        ? { positionOk: true }
        : {
            positionOk: false,
            positionProblem: `rule is at index ${index}; "${before[0] === undefined ? '' : nameOf(before[0].v)}" is evaluated first`,
          }),
    });
  });
  return out;
}

/** Builds the observed state from a snapshot. */
export function observe(ctx: SophosContext, snap: Snapshot, ruleNames: string[]): ObservedState {
  const foreign: ForeignObject[] = [];
  const sets: ObservedSet[] = [];
  sets.push(...observeIpSets(ctx, snap, foreign), ...observeDnsSets(ctx, snap, foreign));
  const rules = observeRules(ctx, snap, ruleNames, foreign);
  const capabilities: Capabilities = {
    ipv6: true,
    cidr: true,
    dnsSubdomainBlock: true,
    maxEntriesPerSet: ctx.maxEntries,
  };
  return { version: `SFOS API ${snap.apiVersion}`, capabilities, sets, rules, foreign, pendingApply: false };
}
