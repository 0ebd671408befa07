/**
 * The DNS set of the OPNsense adapter (Unbound DNSBL `wildcards`: a domain and all its subdomains).
 *
 * Which model the device has is read from the device (adapter-read.ts), not from its version: the
 * multi-policy model arrived in 25.7.8, in the middle of the 25.7 series.
 *
 * 25.7.8 and later: one DNSBL policy per set name, description `<marker> dns <name>`, `nxdomain` on;
 * every marked policy is reported under its own name, so old and new names coexist while a prefix change
 * is applied. A policy whose `wildcards` hold iocwall's sentinel (below) is the old single object that the
 * upgrade migration `M1_0_13` (opnsense/core 25.7.8) turned into a policy named `default`: it is
 * iocwall's, adopted under the DNS set name (its description is rewritten on the next write), or, when a
 * marked policy of that name exists already, reported under its own description so the planner deletes it.
 *
 * ≤25.7.7: there is one DNSBL object and it has no description, so nothing on it can carry the marker.
 * iocwall's evidence of ownership is a **sentinel entry** it writes into `wildcards` next to its domains:
 * `<instance>.iocwall.invalid` (see `dnsSentinel`). `.invalid` never resolves (RFC 6761), so blocking it
 * changes no answer; it lives in the very field it vouches for, so it survives backups and restores and
 * needs no state outside the device. Consequences:
 * - a non-empty `wildcards` without our sentinel is someone else's: reported as a foreign object and
 *   never read, changed or cleared (move those names to `blocklists`, or clear the field);
 * - once the sentinel is there the whole field is iocwall's (entries added by hand later are removed);
 * - `enabled` is switched on only on first contact, when the object is off and holds no list of the
 *   administrator (`type`, `lists`, `blocklists`): then only iocwall's entries become active. Otherwise
 *   iocwall never changes `enabled`; a disabled object blocks nothing, reads as empty (drift), and an
 *   apply writes the domains and then fails with an explanation instead of switching on the
 *   administrator's predefined lists.
 */
import { createHash } from 'node:crypto';
import { ForeignObjectError, VendorError } from '../../errors.js';
import type { Change, DesiredState, ForeignObject, ObservedSet } from '../types.js';
import { hasMarker } from '../ownership.js';
import type { OpnsenseContext, SingleDnsbl, Snapshot } from './adapter-types.js';
import { dedupe, splitEntries } from './adapter-util.js';
import { resultSchema, type DnsblRow } from './schema.js';

type SetChange = Extract<Change, { kind: 'set' }>;

/** Handle of the ≤25.7.7 DNSBL object. */
export const SINGLE_DNSBL_HANDLE = 'unbound.dnsbl';
/** A DNS label as the `wildcards` mask accepts it. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The ≤25.7 ownership sentinel of `marker` (`iocwall:<instanceId>`): `<instanceId>.iocwall.invalid`, or
 * a hash of the marker when the instance id is not a valid DNS label.
 */
export function dnsSentinel(marker: string): string {
  const id = marker.slice(marker.indexOf(':') + 1).toLowerCase();
  const label = LABEL.test(id) ? id : createHash('sha256').update(marker).digest('hex').slice(0, 16);
  return `${label}.iocwall.invalid`;
}

/** The set name a marked policy was written for (`<marker> dns <name>`), else the current name. */
function policyName(ctx: OpnsenseContext, p: DnsblRow): string {
  const words = p.description.split(/\s+/);
  const at = words.indexOf(ctx.marker);
  const name = words[at + 2];
  return words[at + 1] === 'dns' && name !== undefined ? name : ctx.names.dns;
}

/** Our policies with the set name each is reported under (marked ones, then migrated ones). */
function ourPolicies(ctx: OpnsenseContext, snap: Snapshot): { policy: DnsblRow; name: string }[] {
  const sentinel = dnsSentinel(ctx.marker);
  const marked = snap.policies
    .filter((p) => hasMarker(p.description, ctx.marker))
    .map((policy) => ({ policy, name: policyName(ctx, policy) }));
  const migrated = snap.policies
    .filter((p) => !hasMarker(p.description, ctx.marker) && splitEntries(p.wildcards, ',').includes(sentinel))
    .map((policy) => ({
      policy,
      name: marked.some((m) => m.name === ctx.names.dns) ? policy.description.trim() : ctx.names.dns,
    }));
  return [...marked, ...migrated];
}

/** The DNS sets on the device; what holds our DNS name without being ours goes to `foreign`. */
export function observeDns(ctx: OpnsenseContext, snap: Snapshot, foreign: ForeignObject[]): ObservedSet[] {
  if (snap.single !== undefined) {
    const single = singleState(ctx, snap.single);
    if (!single.ours) {
      if (single.values.length > 0) foreign.push(foreignWildcards(ctx, single.values.length));
      return [];
    }
    // A disabled object blocks nothing, so its entries read as empty.
    const { entries, duplicates } = dedupe(snap.single.enabled === '1' ? single.values : []);
    return [{ id: 'dns', name: ctx.names.dns, handle: SINGLE_DNSBL_HANDLE, entries, ...dupes(duplicates) }];
  }
  const ours = ourPolicies(ctx, snap);
  for (const p of snap.policies) {
    if (ours.some((o) => o.policy === p) || !p.description.split(/\s+/).includes(ctx.names.dns)) continue;
    foreign.push({
      kind: 'set',
      name: ctx.names.dns,
      detail: `DNSBL policy "${p.description}" names ${ctx.names.dns} without marker ${ctx.marker}`,
    });
  }
  const sentinel = dnsSentinel(ctx.marker);
  return ours.map(({ policy, name }) => {
    const values = splitEntries(policy.wildcards, ',').filter((w) => w !== sentinel);
    const { entries, duplicates } = dedupe(policy.enabled === '1' ? values : []);
    return { id: 'dns', name, handle: policy.uuid, entries, ...dupes(duplicates) };
  });
}

/** Writes one DNS set change: our policy of that name, or (≤25.7.7) the `wildcards` field. */
export async function writeDns(
  ctx: OpnsenseContext,
  snap: Snapshot,
  c: SetChange,
  desired: DesiredState,
): Promise<void> {
  if (snap.single !== undefined) return writeSingle(ctx, snap.single, c, desired);
  const policy = ourPolicies(ctx, snap).find((p) => p.name === c.name)?.policy;
  if (c.op === 'delete') {
    if (policy !== undefined)
      await ctx.client.post(`unbound/settings/del_dnsbl/${policy.uuid}`, {}, resultSchema);
    return;
  }
  const blocklist = {
    enabled: '1',
    wildcards: c.entries.join(','),
    description: `${ctx.marker} dns ${c.name}`,
    nxdomain: '1',
  };
  if (policy === undefined) {
    await ctx.client.save('unbound/settings/add_dnsbl', {
      blocklist: { ...blocklist, type: '', lists: '', blocklists: '', allowlists: '' },
    });
  } else {
    await ctx.client.save(`unbound/settings/set_dnsbl/${policy.uuid}`, { blocklist });
  }
}

/** ≤25.7: whether the field is ours (sentinel present) and its entries without the sentinel. */
function singleState(ctx: OpnsenseContext, s: SingleDnsbl): { ours: boolean; values: string[] } {
  const sentinel = dnsSentinel(ctx.marker);
  const all = s.wildcards.map((w) => w.trim().toLowerCase()).filter((w) => w !== '');
  return { ours: all.includes(sentinel), values: all.filter((w) => w !== sentinel) };
}

/** The foreign-object report for a `wildcards` field iocwall did not write. */
function foreignWildcards(ctx: OpnsenseContext, n: number): ForeignObject {
  return {
    kind: 'set',
    name: ctx.names.dns,
    detail:
      `the DNSBL wildcards field already holds ${n} entries iocwall did not write; move them to ` +
      '`blocklists` (exact names) or clear the field, then run again',
  };
}

/**
 * ≤25.7: writes our domains plus the sentinel into `wildcards`. The one object holds one DNS set, so a
 * delete (clearing the field) happens only when the desired state has no DNS set at all: during a
 * prefix change the old name's delete must not clear what the new name's create just wrote.
 */
async function writeSingle(
  ctx: OpnsenseContext,
  s: SingleDnsbl,
  c: SetChange,
  desired: DesiredState,
): Promise<void> {
  const { ours, values } = singleState(ctx, s);
  if (!ours && values.length > 0) {
    throw new ForeignObjectError(
      `opnsense ${ctx.client.target}: ${foreignWildcards(ctx, values.length).detail}; not modified`,
    );
  }
  if (c.op === 'delete') {
    if (ours && !desired.sets.some((d) => d.id === 'dns')) {
      await ctx.client.save('unbound/settings/set', { unbound: { dnsbl: { wildcards: '' } } });
    }
    return;
  }
  const dnsbl: Record<string, string> = { wildcards: [dnsSentinel(ctx.marker), ...c.entries].join(',') };
  const adminLists = s.type.length + s.lists.length + s.blocklists.length;
  const enable = s.enabled !== '1' && !ours && adminLists === 0;
  // First contact with an empty, disabled object: only iocwall's names will be in it, so it may also
  // choose the answer (NXDOMAIN, as the policies from 25.7.8 get; the default answers 0.0.0.0).
  if (enable) Object.assign(dnsbl, { enabled: '1', nxdomain: '1' });
  await ctx.client.save('unbound/settings/set', { unbound: { dnsbl } });
  if (s.enabled !== '1' && !enable) {
    const why = ours
      ? 'iocwall switched it on only when it first wrote there and leaves it as the administrator set it'
      : 'switching it on would also switch on the lists selected there that iocwall did not set';
    throw new VendorError(
      `opnsense ${ctx.client.target}: the DNS blocklist (Services › Unbound DNS › Blocklist) is disabled; ` +
        `iocwall wrote its ${c.entries.length} domains but did not enable it (${why}): enable it, or ` +
        'turn DNS blocking off in the policy, then run again',
      {
        vendor: 'opnsense',
        target: ctx.client.target,
        operation: 'POST unbound/settings/set',
        transient: false,
      },
    );
  }
}

/** `duplicates` only when there are some. */
function dupes(duplicates: string[]): { duplicates?: string[] } {
  return duplicates.length > 0 ? { duplicates } : {};
}
