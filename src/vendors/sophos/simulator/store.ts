/**
 * The configuration a simulated SFOS holds, and the reference rules between its objects. Objects are
 * kept as the XML trees the API speaks, so an update is literally a replacement of the stored tree
 * (sophos-facts.md §5.2: "update replaces the whole entity; anything not sent is cleared or defaulted").
 * Group membership is stored once, on the group, and shown on both sides on read (§5.4, D-IPH195), so the
 * two sides can never disagree.
 */
import type { XmlNode } from '../xml.js';
import { listOf, text } from '../xml.js';
import type { ReleaseProfile, SfosRelease } from './releases.js';

/**
 * Behaviours no public source settles (sophos-facts.md §14), each a switch. Defaults are the answer the
 * facts lean to; tests run the adapter against the other answer too.
 */
export interface SophosSwitches {
  /** Remove of a non-existent object: 200 false success (JW measured on other entities; default) or 504 (§4, §14.2). */
  removeMissing: 'false-success' | 'refuse';
  /** Code for deleting an object in use: 504 (SFOS 22 measured, JW-VPN; default), 500 or 510 (mocks). */
  inUseCode: 500 | 504 | 510;
  /** Deleting an IPHost/FQDNHost that is a group member: refused (default) or silently detached (§14.3). */
  memberDelete: 'refuse' | 'detach';
  /** An IPHost/FQDNHost update without its group list leaves its groups (default, whole-entity rule §5.2) or not (§14.3). */
  hostUpdateDropsGroups: boolean;
  /** Most addresses per IPList host: 1000 (F2B, GHQ, TIB; not in the help). */
  ipListMax: number;
  /** Rule-group name every API-created rule is appended to (§14.7: unknown whether SFOS does it); none by default. */
  autoRuleGroup?: string;
  /** Overrides the release's zero-record text (§14.9). */
  zeroRecords?: string;
  /** Overrides the release's APIVersion (§14.9). */
  apiVersion?: string;
}

/** Default switches. */
export const DEFAULT_SWITCHES: SophosSwitches = {
  removeMissing: 'false-success',
  inUseCode: 504,
  memberDelete: 'refuse',
  hostUpdateDropsGroups: true,
  ipListMax: 1000,
};

/** Entity tags the simulator serves (an unknown one answers 529 "Input request module is Invalid", §2.5). */
export const ENTITY_TAGS = [
  'IPHost',
  'IPHostGroup',
  'FQDNHost',
  'FQDNHostGroup',
  'FirewallRule',
  'FirewallRuleGroup',
] as const;
/** A served entity tag. */
export type EntityTag = (typeof ENTITY_TAGS)[number];

/** The device's configuration and knobs. */
export interface SophosState {
  release: SfosRelease;
  profile: ReleaseProfile;
  switches: SophosSwitches;
  /** Objects by tag and name, in creation order. */
  objects: Record<Exclude<EntityTag, 'FirewallRule'>, Map<string, XmlNode>>;
  /** Firewall rules in evaluation order (§6.2). */
  rules: XmlNode[];
  /** API configuration (§1.4): on/off and the allow-list (IP list ≤21.5; names of IP hosts on 22.0). */
  api: { enabled: boolean; allowedIps: string[]; allowedHosts: string[] };
  /** Users of the API: name → password. */
  users: Map<string, string>;
  /** Groups left broken by a Remove with a nested HostList (F2B: the next update answers 500, §5.3). */
  broken: Set<string>;
  /** One-shot faults. */
  faults: { noopRemoves: number };
}

/** The name of a stored record. */
export function nameOf(node: XmlNode): string {
  return text(node, 'Name') ?? '';
}

/** The rule with that name. */
export function findRule(state: SophosState, name: string): XmlNode | undefined {
  return state.rules.find((r) => nameOf(r) === name);
}

/** Network names a rule references (source and destination, §7 FirewallRule). */
export function ruleNetworks(rule: XmlNode): string[] {
  const policy = rule.NetworkPolicy as XmlNode | undefined;
  return [
    ...listOf(policy, 'SourceNetworks', 'Network'),
    ...listOf(policy, 'DestinationNetworks', 'Network'),
  ];
}

/** Whether the rule is enabled (data field `Status`, §3.6). */
export function ruleEnabled(rule: XmlNode): boolean {
  return text(rule, 'Status') === 'Enable';
}

/** Who refers to an object (empty: not in use). */
export function referrers(state: SophosState, tag: EntityTag, name: string): string[] {
  const out: string[] = [];
  if (tag === 'IPHost') {
    for (const g of state.objects.IPHostGroup.values())
      if (listOf(g, 'HostList', 'Host').includes(name)) out.push(`IPHostGroup ${nameOf(g)}`);
    if (state.api.allowedHosts.includes(name)) out.push('API configuration');
  }
  if (tag === 'FQDNHost') {
    for (const g of state.objects.FQDNHostGroup.values())
      if (listOf(g, 'FQDNHostList', 'FQDNHost').includes(name)) out.push(`FQDNHostGroup ${nameOf(g)}`);
  }
  if (tag !== 'FirewallRule' && tag !== 'FirewallRuleGroup') {
    for (const r of state.rules) if (ruleNetworks(r).includes(name)) out.push(`FirewallRule ${nameOf(r)}`);
  }
  if (tag === 'FirewallRuleGroup') {
    const g = state.objects.FirewallRuleGroup.get(name);
    if (listOf(g, 'SecurityPolicyList', 'SecurityPolicy').length > 0) out.push('its member rules');
  }
  return out;
}

/**
 * Whether a write to this object makes the device recompile its policy: the object is used, directly or
 * through a group, by an enabled rule (F2B: such writes take 5–8 s, §5.6).
 */
export function usedByEnabledRule(state: SophosState, tag: EntityTag, name: string): boolean {
  if (tag === 'FirewallRule') {
    const rule = findRule(state, name);
    return rule !== undefined && ruleEnabled(rule);
  }
  const direct = new Set([name]);
  if (tag === 'IPHost') {
    for (const g of state.objects.IPHostGroup.values())
      if (listOf(g, 'HostList', 'Host').includes(name)) direct.add(nameOf(g));
  }
  if (tag === 'FQDNHost') {
    for (const g of state.objects.FQDNHostGroup.values())
      if (listOf(g, 'FQDNHostList', 'FQDNHost').includes(name)) direct.add(nameOf(g));
  }
  return state.rules.some((r) => ruleEnabled(r) && ruleNetworks(r).some((n) => direct.has(n)));
}

/** Whether a network name exists (host, group, FQDN host or FQDN group). */
export function networkExists(state: SophosState, name: string): boolean {
  const o = state.objects;
  return o.IPHost.has(name) || o.IPHostGroup.has(name) || o.FQDNHost.has(name) || o.FQDNHostGroup.has(name);
}
