/**
 * FirewallRule and FirewallRuleGroup on the simulated SFOS (sophos-facts.md §5.2, §5.5, §6.3, §7, §9).
 * Rules live in one list in evaluation order; an update replaces the whole rule, and fields left out
 * get their defaults — which is what makes partial updates dangerous on the real device.
 */
import type { XmlNode } from '../xml.js';
import { listOf, text } from '../xml.js';
import { TEXT } from './releases.js';
import { INVALID, NOT_FOUND, OK, SAME_NAME, setMembers, type OpResult } from './entities.js';
import { findRule, nameOf, networkExists, ruleNetworks, type SophosState } from './store.js';
import { validDescription, validName } from './values.js';

/** Zones of the simulated device (factory zones of SFOS). */
export const ZONES = ['LAN', 'WAN', 'DMZ', 'VPN', 'WiFi'];

/** NetworkPolicy fields kept (SDK createfwrule.j2); others are ignored silently (§2.5). */
const POLICY_FIELDS = [
  'Action',
  'LogTraffic',
  'SkipLocalDestined',
  'SourceZones',
  'DestinationZones',
  'Schedule',
  'SourceNetworks',
  'DestinationNetworks',
  'Services',
  'WebFilter',
  'ScanVirus',
  'IntrusionPrevention',
  'ApplicationControl',
  'TrafficShappingPolicy',
  'DSCPMarking',
];

/** Where a rule goes: `Top`, `Bottom`, `After`/`Before` + anchor (§9); undefined when invalid. */
function targetIndex(state: SophosState, node: XmlNode, without: string): number | 'missing' | undefined {
  const rules = state.rules.filter((r) => nameOf(r) !== without);
  const pos = text(node, 'Position');
  if (pos === undefined) return 'missing';
  if (pos === 'Top') return 0;
  if (pos === 'Bottom') return rules.length;
  if (pos === 'After' || pos === 'Before') {
    const anchor = text(node[pos] as XmlNode | undefined, 'Name');
    const i = rules.findIndex((r) => nameOf(r) === anchor);
    if (i < 0) return undefined;
    return pos === 'After' ? i + 1 : i;
  }
  return undefined;
}

/** The rule as stored: known fields only, defaults for the omitted ones (§5.2, D-MD defaults). */
function normaliseRule(state: SophosState, node: XmlNode): XmlNode {
  const policyIn = (node.NetworkPolicy as XmlNode | undefined) ?? {};
  const policy: XmlNode = {};
  for (const f of POLICY_FIELDS) if (policyIn[f] !== undefined) policy[f] = policyIn[f];
  const defaults: Record<string, string> = {
    Action: 'Drop',
    LogTraffic: 'Disable',
    Schedule: 'All The Time',
  };
  // D-MD: Action defaults to Drop; logging off and "All The Time" as the GUI's defaults.
  for (const [f, v] of Object.entries(defaults)) if (policy[f] === undefined) policy[f] = v;
  const rule: XmlNode = {
    Name: text(node, 'Name') ?? '',
    Description: text(node, 'Description') ?? '',
    IPFamily: text(node, 'IPFamily') ?? 'IPv4', // omitted family → IPv4 (JW, §5.2)
    // ASSUMPTION: an omitted Status enables the rule (every public client sends it).
    Status: text(node, 'Status') ?? 'Enable',
    PolicyType: text(node, 'PolicyType') ?? 'Network',
    NetworkPolicy: policy,
  };
  if (state.profile.ruleSection) rule.Section = text(node, 'Section') ?? 'Local';
  return rule;
}

/** Validates a normalised rule: names, zones, referenced networks (501), > 1024 objects (541, D-MD). */
function checkRule(state: SophosState, rule: XmlNode): OpResult | undefined {
  const policy = rule.NetworkPolicy as XmlNode;
  if (!validName(text(rule, 'Name')) || !validDescription(text(rule, 'Description'))) return INVALID;
  if (!['Enable', 'Disable'].includes(text(rule, 'Status') ?? '')) return INVALID;
  if (!['IPv4', 'IPv6'].includes(text(rule, 'IPFamily') ?? '')) return INVALID;
  if (!['Accept', 'Drop', 'Reject'].includes(text(policy, 'Action') ?? '')) return INVALID;
  const zones = [...listOf(policy, 'SourceZones', 'Zone'), ...listOf(policy, 'DestinationZones', 'Zone')];
  if (zones.some((z) => !ZONES.includes(z))) return INVALID;
  const networks = ruleNetworks(rule);
  if (networks.length > 1024) return { code: 541, text: TEXT.tooMany };
  if (networks.some((n) => !networkExists(state, n))) return INVALID;
  // A rule of one family may not use a group of the other (ASSUMPTION, §7: rules and groups are per family).
  for (const n of networks) {
    const g = state.objects.IPHostGroup.get(n) ?? state.objects.IPHost.get(n);
    if (g !== undefined && (text(g, 'IPFamily') ?? 'IPv4') !== text(rule, 'IPFamily')) return INVALID;
  }
  return undefined;
}

/** Add or update of a FirewallRule. */
export function setRule(state: SophosState, op: 'add' | 'update', node: XmlNode): OpResult {
  const name = text(node, 'Name') ?? '';
  const existing = findRule(state, name);
  if (op === 'add' && existing !== undefined) return SAME_NAME;
  if (op === 'update' && existing === undefined) return NOT_FOUND;
  let index = targetIndex(state, node, name);
  // Position is mandatory on add (D-MD); an update without it moves the rule — JW Firewall module header.
  // Where to is not written down: ASSUMPTION, to the bottom (the SDK template's default position).
  if (index === 'missing') {
    if (op === 'add') return INVALID;
    index = state.rules.length - 1;
  }
  if (index === undefined) return INVALID;
  const rule = normaliseRule(state, node);
  const bad = checkRule(state, rule);
  if (bad !== undefined) return bad;
  state.rules = state.rules.filter((r) => nameOf(r) !== name);
  state.rules.splice(index, 0, rule);
  if (op === 'add' && state.switches.autoRuleGroup !== undefined) {
    // ASSUMPTION switch (§14.7): whether SFOS auto-assigns API-created rules to a group.
    const g = state.objects.FirewallRuleGroup.get(state.switches.autoRuleGroup);
    const group = g ?? { Name: state.switches.autoRuleGroup };
    setMembers(group, 'SecurityPolicyList', 'SecurityPolicy', [
      ...listOf(group, 'SecurityPolicyList', 'SecurityPolicy'),
      name,
    ]);
    state.objects.FirewallRuleGroup.set(state.switches.autoRuleGroup, group);
  }
  return OK;
}

/** Remove of a rule; it also leaves its rule group (the only way out, SDK PR #89, §5.5). */
export function removeRule(state: SophosState, name: string): OpResult {
  if (findRule(state, name) === undefined)
    return state.switches.removeMissing === 'false-success' ? OK : { code: 504, text: TEXT.inUse };
  state.rules = state.rules.filter((r) => nameOf(r) !== name);
  for (const g of state.objects.FirewallRuleGroup.values()) {
    const left = listOf(g, 'SecurityPolicyList', 'SecurityPolicy').filter((x) => x !== name);
    setMembers(g, 'SecurityPolicyList', 'SecurityPolicy', left);
  }
  return OK;
}

/** A rule as read back: Top at index 0, otherwise After + predecessor (TF-ML commits, §6.3). */
export function readRule(state: SophosState, rule: XmlNode, index: number): XmlNode {
  const out: XmlNode = { '@_transactionid': '', ...structuredClone(rule) };
  const policy = out.NetworkPolicy as XmlNode;
  // Any zones/networks/services are represented by omitting the list (§6.3); an empty list is Any too.
  for (const f of ['SourceZones', 'DestinationZones', 'SourceNetworks', 'DestinationNetworks', 'Services'])
    if (policy[f] === '') Reflect.deleteProperty(policy, f);
  if (index === 0) out.Position = 'Top';
  else {
    out.Position = 'After';
    const prev = state.rules[index - 1];
    out.After = { Name: [prev === undefined ? '' : nameOf(prev)] };
  }
  return out;
}

/**
 * Add or update of a FirewallRuleGroup: members only ever grow (JW reads back and throws; SDK PR #89), an
 * empty group can't be created (TF-ML docs), and a rule sits in one group at most.
 */
export function setRuleGroup(state: SophosState, op: 'add' | 'update', node: XmlNode): OpResult {
  const name = text(node, 'Name') ?? '';
  const store = state.objects.FirewallRuleGroup;
  if (op === 'add' && store.has(name)) return SAME_NAME;
  if (op === 'update' && !store.has(name)) return NOT_FOUND;
  if (!validName(name, 150)) return INVALID;
  const sent = listOf(node, 'SecurityPolicyList', 'SecurityPolicy');
  if (sent.some((r) => findRule(state, r) === undefined)) return INVALID;
  if (op === 'add' && sent.length === 0) return INVALID;
  const before = listOf(store.get(name), 'SecurityPolicyList', 'SecurityPolicy');
  const members = [...new Set([...before, ...sent])];
  if (members.length > 200) return INVALID; // ≤ 200 rules per group (D-MD)
  for (const [other, g] of store) {
    if (other === name) continue;
    const left = listOf(g, 'SecurityPolicyList', 'SecurityPolicy').filter((r) => !members.includes(r));
    setMembers(g, 'SecurityPolicyList', 'SecurityPolicy', left);
  }
  const group: XmlNode = { Name: name };
  setMembers(group, 'SecurityPolicyList', 'SecurityPolicy', members);
  store.set(name, group);
  return OK;
}
