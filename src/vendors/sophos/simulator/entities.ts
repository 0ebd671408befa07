/**
 * Set and Remove of hosts and groups on the simulated SFOS (sophos-facts.md §5, §7). Each function answers
 * the `<Status>` the device would (code + device text, §4) and changes the store only on success.
 */
import type { XmlNode } from '../xml.js';
import { listOf, text } from '../xml.js';
import { TEXT } from './releases.js';
import { nameOf, referrers, type EntityTag, type SophosState } from './store.js';
import { prefixOfSubnet, validAddress, validDescription, validFqdn, validName } from './values.js';

/** One status answer. */
export interface OpResult {
  code: number;
  text: string;
}

/** Success (device text, not the help's per-entity text: SDK live functional tests, §3.4). */
export const OK: OpResult = { code: 200, text: TEXT.ok };
/** 501 (F2B: group add with a non-existent member; JW: field errors). */
export const INVALID: OpResult = { code: 501, text: TEXT.validation };
/** 502 on `add` of an existing name — never an append (F2B, twice on a real device; §5.1). */
export const SAME_NAME: OpResult = { code: 502, text: TEXT.sameName };
/** Update of a name that does not exist: code Open (§13); 526 is the documented ThirdPartyFeed code. */
export const NOT_FOUND: OpResult = { code: 526, text: TEXT.notExist };

/** The member-list field of each group entity and the group-list field of its members. */
const MEMBERSHIP = {
  IPHost: { group: 'IPHostGroup', onMember: 'HostGroupList', memberItem: 'HostGroup' },
  FQDNHost: { group: 'FQDNHostGroup', onMember: 'FQDNHostGroupList', memberItem: 'FQDNHostGroup' },
} as const;
const GROUP_LIST = {
  IPHostGroup: { list: 'HostList', item: 'Host', member: 'IPHost' },
  FQDNHostGroup: { list: 'FQDNHostList', item: 'FQDNHost', member: 'FQDNHost' },
} as const;

/** Copies the fields the entity has (unknown child elements are ignored silently, JW Firewall tests, §2.5). */
function pick(node: XmlNode, fields: readonly string[]): XmlNode {
  const out: XmlNode = {};
  for (const f of fields) if (node[f] !== undefined) out[f] = node[f];
  return out;
}

/** Validates and normalises an IPHost; omitted IPFamily defaults to IPv4 (§5.2). */
function normaliseIpHost(state: SophosState, node: XmlNode): XmlNode | undefined {
  const host = pick(node, [
    'Name',
    'IPFamily',
    'HostType',
    'IPAddress',
    'Subnet',
    'StartIPAddress',
    'EndIPAddress',
    'ListOfIPAddresses',
    'Description',
  ]);
  const family = text(host, 'IPFamily') ?? 'IPv4';
  host.IPFamily = family;
  if (family !== 'IPv4' && family !== 'IPv6') return undefined;
  if (!validName(text(host, 'Name')) || !validDescription(text(host, 'Description'))) return undefined;
  const type = text(host, 'HostType');
  if (type === 'IP') return validAddress(text(host, 'IPAddress'), family) ? host : undefined;
  if (type === 'Network') {
    const ok = validAddress(text(host, 'IPAddress'), family);
    return ok && prefixOfSubnet(text(host, 'Subnet'), family) !== undefined ? host : undefined;
  }
  if (type === 'IPRange') {
    const ok =
      validAddress(text(host, 'StartIPAddress'), family) && validAddress(text(host, 'EndIPAddress'), family);
    return ok ? host : undefined;
  }
  if (type === 'IPList') {
    // IPv4 only: IPv6 IP lists are Open (§14.5); ≥ 1 address (F2B) and ≤ ipListMax (1000, F2B/GHQ/TIB).
    const items = (text(host, 'ListOfIPAddresses') ?? '').split(',').map((a) => a.trim());
    const ok =
      family === 'IPv4' &&
      items.length >= 1 &&
      items.length <= state.switches.ipListMax &&
      items.every((a) => validAddress(a, 'IPv4'));
    if (!ok) return undefined;
    host.ListOfIPAddresses = items.join(',');
    return host;
  }
  return undefined;
}

function normaliseFqdnHost(node: XmlNode): XmlNode | undefined {
  const host = pick(node, ['Name', 'FQDN', 'Description']);
  const ok =
    validName(text(host, 'Name')) &&
    validDescription(text(host, 'Description')) &&
    validFqdn(text(host, 'FQDN'));
  return ok ? host : undefined;
}

function familyOf(node: XmlNode | undefined): string {
  return text(node, 'IPFamily') ?? 'IPv4';
}

/** Add or update of an IPHost/FQDNHost, including the group side of its membership (§5.4). */
export function setHost(
  state: SophosState,
  op: 'add' | 'update',
  tag: 'IPHost' | 'FQDNHost',
  node: XmlNode,
): OpResult {
  const store = state.objects[tag];
  const name = text(node, 'Name') ?? '';
  if (op === 'add' && store.has(name)) return SAME_NAME;
  if (op === 'update' && !store.has(name)) return NOT_FOUND;
  const host = tag === 'IPHost' ? normaliseIpHost(state, node) : normaliseFqdnHost(node);
  if (host === undefined) return INVALID;
  const m = MEMBERSHIP[tag];
  const groups = state.objects[m.group];
  const wanted = listOf(node, m.onMember, m.memberItem);
  for (const g of wanted) {
    const group = groups.get(g);
    // Group family = member family: ASSUMPTION (§13 "group family = member family").
    if (group === undefined || (tag === 'IPHost' && familyOf(group) !== familyOf(host))) return INVALID;
  }
  store.set(name, host);
  const { list, item } = GROUP_LIST[m.group];
  for (const [gName, group] of groups) {
    const current = listOf(group, list, item);
    const has = current.includes(name);
    if (wanted.includes(gName) && !has) setMembers(group, list, item, [...current, name]);
    // Whole-entity update: an omitted group list leaves the groups (switch, §14.3).
    if (!wanted.includes(gName) && has && op === 'update' && state.switches.hostUpdateDropsGroups)
      setMembers(
        group,
        list,
        item,
        current.filter((x) => x !== name),
      );
  }
  return OK;
}

/** Writes a group's member list; an empty list is omitted, as SFOS reads it back (§3.7). */
export function setMembers(group: XmlNode, list: string, item: string, names: string[]): void {
  if (names.length === 0) Reflect.deleteProperty(group, list);
  else group[list] = { [item]: names };
}

/** Add or update of an IPHostGroup/FQDNHostGroup: the member list is replaced whole (§5.2). */
export function setGroup(
  state: SophosState,
  op: 'add' | 'update',
  tag: 'IPHostGroup' | 'FQDNHostGroup',
  node: XmlNode,
): OpResult {
  const store = state.objects[tag];
  const name = text(node, 'Name') ?? '';
  if (op === 'add' && store.has(name)) return SAME_NAME;
  if (op === 'update' && !store.has(name)) return NOT_FOUND;
  // F2B: after a Remove with a nested HostList the next update fails with 500 (§5.3).
  if (op === 'update' && state.broken.has(`${tag}/${name}`)) return { code: 500, text: TEXT.couldNot };
  const { list, item, member } = GROUP_LIST[tag];
  const group = pick(
    node,
    tag === 'IPHostGroup' ? ['Name', 'IPFamily', 'Description'] : ['Name', 'Description'],
  );
  if (tag === 'IPHostGroup') group.IPFamily = familyOf(group); // omitted → IPv4 (JW Set-SfosIPHostGroup, §5.2)
  if (!validName(name) || !validDescription(text(group, 'Description'))) return INVALID;
  if (tag === 'IPHostGroup' && group.IPFamily !== 'IPv4' && group.IPFamily !== 'IPv6') return INVALID;
  const names = [...new Set(listOf(node, list, item))];
  for (const n of names) {
    const m = state.objects[member].get(n);
    if (m === undefined || (tag === 'IPHostGroup' && familyOf(m) !== familyOf(group))) return INVALID;
  }
  setMembers(group, list, item, names);
  store.set(name, group);
  return OK;
}

/** Remove of one object by name; `node` is the request element (for the nested-HostList fault). */
export function removeObject(
  state: SophosState,
  tag: Exclude<EntityTag, 'FirewallRule'>,
  name: string,
  nested: XmlNode | undefined,
): OpResult {
  const store = state.objects[tag];
  const existing = store.get(name);
  if (existing === undefined) {
    // Remove of a non-existent object: 200 false success by default (JW measured on other entities), §4.
    return state.switches.removeMissing === 'false-success' ? OK : { code: 504, text: TEXT.inUse };
  }
  if ((tag === 'IPHostGroup' || tag === 'FQDNHostGroup') && nested !== undefined) {
    const { list } = GROUP_LIST[tag];
    if (nested[list] !== undefined) {
      // F2B: a Remove with a nested HostList empties the WHOLE group and breaks the next update (§5.3).
      Reflect.deleteProperty(existing, list);
      state.broken.add(`${tag}/${name}`);
      return OK;
    }
  }
  let users = referrers(state, tag, name);
  if ((tag === 'IPHost' || tag === 'FQDNHost') && state.switches.memberDelete === 'detach') {
    const groupTag = MEMBERSHIP[tag].group;
    if (users.every((u) => u.startsWith(`${groupTag} `))) {
      const { list, item } = GROUP_LIST[groupTag];
      for (const g of state.objects[groupTag].values())
        setMembers(
          g,
          list,
          item,
          listOf(g, list, item).filter((x) => x !== name),
        );
      users = [];
    }
  }
  if (users.length > 0) {
    const code = state.switches.inUseCode;
    return { code, text: code === 510 ? TEXT.inUse510 : code === 500 ? TEXT.partialDelete : TEXT.inUse };
  }
  store.delete(name);
  return OK;
}

/** A stored host or group as the API reads it: membership shown on the member too (§5.4). */
export function readObject(
  state: SophosState,
  tag: Exclude<EntityTag, 'FirewallRule'>,
  node: XmlNode,
): XmlNode {
  const out: XmlNode = { '@_transactionid': '', ...structuredClone(node) };
  if (tag === 'IPHost' || tag === 'FQDNHost') {
    const m = MEMBERSHIP[tag];
    const { list, item } = GROUP_LIST[m.group];
    const name = nameOf(node);
    const groups = [...state.objects[m.group].values()]
      .filter((g) => listOf(g, list, item).includes(name))
      .map(nameOf);
    if (groups.length > 0) out[m.onMember] = { [m.memberItem]: groups };
  }
  return out;
}
