/**
 * Writes of the managed groups and their member hosts, in the fewest requests the API allows
 * (sophos-facts.md §12 "Writes"): create the new hosts (one request each: several entities in one Set
 * is Open, §14.1), update changed IP list shards, ONE group update with the complete member list built
 * from a fresh read, ONE multi-name Remove of the stale hosts — then read back, because a write can
 * answer success without doing it (§4, JW-VPN), and retry a remove that did nothing once.
 */
import { ForeignObjectError, VendorError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { Change, DesiredState } from '../types.js';
import {
  description,
  fqdnHostsFor,
  ipHostFor,
  ownsHost,
  shardName,
  valuesOfHost,
  type WantedHost,
} from './adapter-model.js';
import { getAll, membersOf, nameOf, type SophosContext, type Snapshot } from './adapter-read.js';
import { refreshV4Rule } from './adapter-rules.js';
import {
  firewallRuleSchema,
  fqdnHostGroupSchema,
  fqdnHostSchema,
  ipHostGroupSchema,
  ipHostSchema,
  type IpHostRecord,
} from './schema.js';
import type { XmlNode } from './xml.js';

type SetChange = Extract<Change, { kind: 'set' }>;

/** Entity names of the two kinds of managed groups. */
const KINDS = {
  ip: {
    host: 'IPHost',
    group: 'IPHostGroup',
    list: 'HostList',
    item: 'Host',
    onHost: 'HostGroupList',
    onHostItem: 'HostGroup',
  },
  fqdn: {
    host: 'FQDNHost',
    group: 'FQDNHostGroup',
    list: 'FQDNHostList',
    item: 'FQDNHost',
    onHost: 'FQDNHostGroupList',
    onHostItem: 'FQDNHostGroup',
  },
} as const;
type Kind = keyof typeof KINDS;

/** A host as read: name, description, what it stands for (sorted values) and its raw record. */
interface HostRead {
  name: string;
  description: string | undefined;
  content: string;
  raw: XmlNode;
  shardValues?: string[];
}

/** Group and hosts of one kind, freshly read. */
interface KindRead {
  hosts: HostRead[];
  group: { raw: XmlNode; members: string[]; description: string | undefined } | undefined;
}

async function readKind(ctx: SophosContext, kind: Kind, groupName: string): Promise<KindRead> {
  const hosts: HostRead[] =
    kind === 'ip'
      ? (await getAll(ctx.client, 'IPHost', ipHostSchema)).map((h) => ({
          name: nameOf(h.v),
          description: h.v.Description,
          content: contentOfIp(h.v),
          raw: h.raw,
          ...(h.v.HostType === 'IPList' ? { shardValues: valuesOfHost(h.v) } : {}),
        }))
      : (await getAll(ctx.client, 'FQDNHost', fqdnHostSchema)).map((h) => ({
          name: nameOf(h.v),
          description: h.v.Description,
          content: h.v.FQDN,
          raw: h.raw,
        }));
  const groups =
    kind === 'ip'
      ? (await getAll(ctx.client, 'IPHostGroup', ipHostGroupSchema)).map((g) => ({
          raw: g.raw,
          name: nameOf(g.v),
          members: membersOf(g.v.HostList, 'Host'),
          description: g.v.Description,
        }))
      : (await getAll(ctx.client, 'FQDNHostGroup', fqdnHostGroupSchema)).map((g) => ({
          raw: g.raw,
          name: nameOf(g.v),
          members: membersOf(g.v.FQDNHostList, 'FQDNHost'),
          description: g.v.Description,
        }));
  return { hosts, group: groups.find((g) => g.name === groupName) };
}

function contentOfIp(h: IpHostRecord): string {
  return `${h.HostType}:${[...valuesOfHost(h)].sort().join(',')}`;
}

/** The hosts the set needs: unchanged shards keep their addresses, new addresses fill shards with room. */
function wantedHosts(ctx: SophosContext, c: SetChange, ours: HostRead[]): WantedHost[] {
  if (c.setId === 'dns')
    return c.entries.flatMap((d) =>
      fqdnHostsFor(c.name, d).map((h) => ({ name: h.name, values: [d], fields: { FQDN: h.fqdn } })),
    );
  const singles = c.setId === 'ipv4' && ctx.ipListSize > 0 ? c.entries.filter((e) => !e.includes('/')) : [];
  const single = new Set(singles);
  const out = c.entries.filter((e) => !single.has(e)).map((e) => ipHostFor(c.name, e));
  const placed = new Set<string>();
  const shards: { name: string; values: string[] }[] = [];
  for (const h of ours
    .filter((x) => x.shardValues !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
    const keep = (h.shardValues ?? []).filter((v) => single.has(v) && !placed.has(v));
    keep.forEach((v) => placed.add(v));
    if (keep.length > 0) shards.push({ name: h.name, values: keep });
  }
  let next = 1;
  for (const v of singles.filter((x) => !placed.has(x))) {
    let shard = shards.find((s) => s.values.length < ctx.ipListSize);
    if (shard === undefined) {
      while (shards.some((s) => s.name === shardName(c.name, next))) next++;
      shard = { name: shardName(c.name, next), values: [] };
      shards.push(shard);
    }
    shard.values.push(v);
  }
  for (const s of shards)
    out.push({
      name: s.name,
      values: s.values,
      fields: { IPFamily: 'IPv4', HostType: 'IPList', ListOfIPAddresses: s.values.join(',') },
    });
  return out;
}

/** What a wanted host's record stands for, in the form `readKind` reports. */
function wantedContent(kind: Kind, h: WantedHost): string {
  if (kind === 'fqdn') return h.fields.FQDN ?? '';
  return `${h.fields.HostType}:${[...h.values].sort().join(',')}`;
}

/** Creates or updates a set: new hosts, changed shards, one group write, one remove; then verifies. */
export async function writeSet(
  ctx: SophosContext,
  c: SetChange,
  desired: DesiredState,
  warnings: string[],
): Promise<void> {
  const kind: Kind = c.setId === 'dns' ? 'fqdn' : 'ip';
  const k = KINDS[kind];
  const read = await readKind(ctx, kind, c.name);
  if (read.group !== undefined && !hasMarker(read.group.description, ctx.marker))
    throw new ForeignObjectError(`${k.group} ${c.name} exists without marker ${ctx.marker}; not modified`);
  const ours = read.hosts.filter((h) => ownsHost(c.name, h.name, h.description, ctx.marker));
  const wanted = wantedHosts(ctx, c, ours);
  const desc = description(ctx.marker, c.setId);
  for (const w of wanted) {
    const found = read.hosts.find((h) => h.name === w.name);
    if (found !== undefined && !ours.includes(found))
      throw new ForeignObjectError(`${k.host} ${w.name} exists without marker ${ctx.marker}; not modified`);
    if (found !== undefined && found.content === wantedContent(kind, w)) continue;
    const record: XmlNode = { Name: [w.name], ...w.fields, Description: desc };
    // An update replaces the whole host; its group list goes with it so the membership survives (§5.4, §14.3).
    if (found !== undefined && read.group?.members.includes(w.name))
      record[k.onHost] = { [k.onHostItem]: [c.name] };
    await ctx.client.set(found === undefined ? 'add' : 'update', k.host, record);
  }
  const names = wanted.map((w) => w.name);
  const group: XmlNode = {
    ...(read.group === undefined ? {} : structuredClone(read.group.raw)),
    Name: [c.name],
    Description: desc,
  };
  delete group['@_transactionid'];
  if (kind === 'ip') group.IPFamily = c.setId === 'ipv6' ? 'IPv6' : 'IPv4'; // omitted → IPv4 (§5.2)
  if (names.length > 0) group[k.list] = { [k.item]: names };
  else Reflect.deleteProperty(group, k.list);
  const same =
    read.group !== undefined &&
    sameMembers(read.group.members, names) &&
    hasMarker(read.group.description, ctx.marker);
  if (!same) await ctx.client.set(read.group === undefined ? 'add' : 'update', k.group, group);
  if (c.setId === 'dns' && read.group === undefined) await refreshV4Rule(ctx, await ruleSnap(ctx), desired);
  const stale = ours.filter((h) => !names.includes(h.name)).map((h) => h.name);
  // The read that verifies the remove also verifies the group write (one read-back, not two).
  const after =
    (await removeVerified(ctx, kind, c.name, stale, warnings)) ?? (await readKind(ctx, kind, c.name));
  if (after.group === undefined || !sameMembers(after.group.members, names))
    throw new VendorError(
      `sophos ${ctx.target}: ${k.group} ${c.name} does not hold the members just written`,
      {
        vendor: 'sophos',
        target: ctx.target,
        operation: `Set ${k.group}`,
        transient: true,
      },
    );
}

/** Deletes a managed set: the IPv4 rule lets go of the FQDN group first, then the group, then its hosts. */
export async function deleteSet(
  ctx: SophosContext,
  c: SetChange,
  desired: DesiredState,
  warnings: string[],
): Promise<void> {
  const kind: Kind = c.setId === 'dns' ? 'fqdn' : 'ip';
  const k = KINDS[kind];
  const read = await readKind(ctx, kind, c.name);
  if (c.setId === 'dns') {
    const snap = await ruleSnap(ctx);
    await refreshV4Rule(
      ctx,
      { ...snap, fqdnGroups: snap.fqdnGroups.filter((g) => nameOf(g.v) !== c.name) },
      desired,
    );
  }
  if (read.group !== undefined && hasMarker(read.group.description, ctx.marker)) {
    const [status] = await ctx.client.remove(k.group, [c.name]);
    if (status?.code !== 200) throw ctx.client.statusError(`Remove ${k.group}`, status, c.name);
  }
  const ours = read.hosts
    .filter((h) => ownsHost(c.name, h.name, h.description, ctx.marker))
    .map((h) => h.name);
  await removeVerified(ctx, kind, c.name, ours, warnings);
}

/** Removes hosts in one request, checks each status, re-reads, retries once what is still there; returns the last read. */
async function removeVerified(
  ctx: SophosContext,
  kind: Kind,
  set: string,
  names: string[],
  warnings: string[],
): Promise<KindRead | undefined> {
  const k = KINDS[kind];
  let left = names;
  let last: KindRead | undefined;
  for (let attempt = 0; attempt < 2 && left.length > 0; attempt++) {
    const statuses = await ctx.client.remove(k.host, left);
    statuses.forEach((s, i) => {
      if (s.code !== 200)
        warnings.push(`${k.host} ${left[i] ?? '?'} of ${set} not removed: ${s.code ?? ''} ${s.text}`.trim());
    });
    last = await readKind(ctx, kind, set);
    const still = new Set(last.hosts.map((h) => h.name));
    left = left.filter((n) => still.has(n));
  }
  if (left.length > 0)
    warnings.push(
      `${left.length} stale ${k.host} object(s) of ${set} remain after the remove answered success (not in the group, so not enforced): ${left.slice(0, 5).join(', ')}`,
    );
  return last;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const A = new Set(a);
  return A.size === new Set(b).size && b.every((x) => A.has(x));
}

/** The parts of a snapshot the rule writes need (rules and FQDN groups). */
export async function ruleSnap(ctx: SophosContext): Promise<Snapshot> {
  return {
    apiVersion: ctx.client.apiVersion,
    ipHosts: [],
    ipGroups: [],
    fqdnHosts: [],
    fqdnGroups: await getAll(ctx.client, 'FQDNHostGroup', fqdnHostGroupSchema),
    rules: await getAll(ctx.client, 'FirewallRule', firewallRuleSchema),
  };
}
