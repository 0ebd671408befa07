/**
 * `read()` of the pfSense adapter: one snapshot of the device through pfrest GETs, turned into the
 * engine's `ObservedState`. Nothing here writes.
 */
import { hasMarker } from '../ownership.js';
import type { ForeignObject, ObservedSet, ObservedState, SetId } from '../types.js';
import { observeDnsBlocks } from './adapter-dns.js';
import { observeRules, type Repr } from './adapter-rules.js';
import type { PfsenseClient } from './client.js';
import { featuresOf, type PfrestFeatures } from './releases.js';
import {
  aliasSchema,
  dnsApplySchema,
  dnsSettingsSchema,
  firewallApplySchema,
  interfacesSchema,
  restapiVersionSchema,
  ruleSchema,
  servicesSchema,
  systemVersionSchema,
  tableSchema,
  type Alias,
  type DnsSettings,
  type Interface,
  type Rule,
} from './schema.js';
import { z } from 'zod';

/** What the adapter knows about its target beyond the connection. */
export interface PfsenseContext {
  client: PfsenseClient;
  marker: string;
  /** Interface ids the egress rules sit on (option `interfaces`, default `lan`). */
  interfaces: string[];
  names: Record<SetId, string>;
}

/** Everything read from the device in one pass. */
export interface Snapshot {
  pfsense: string;
  pfrest: string;
  features: PfrestFeatures;
  interfaces: Interface[];
  repr: Repr;
  aliases: Alias[];
  rules: Rule[];
  /** Firewall subsystems with saved but unapplied changes. */
  pending: string[];
  dns: DnsSettings;
  dnsApplied: boolean;
  unboundRunning: boolean;
}

/** Reads the device once. */
export async function fetchSnapshot(client: PfsenseClient): Promise<Snapshot> {
  const version = (await client.get('system/version', systemVersionSchema)).version;
  const api = (await client.get('system/restapi/version', restapiVersionSchema)).current_version;
  const pfsense = /\d+\.\d+(?:\.\d+)?/.exec(version)?.[0] ?? version;
  const pfrest = api.replace(/^v/, '');
  const interfaces = await client.get('interfaces', interfacesSchema);
  const aliases = await client.get('firewall/aliases', z.array(aliasSchema));
  const rules = await client.get('firewall/rules', z.array(ruleSchema));
  const applyState = await client.get('firewall/apply', firewallApplySchema);
  const dns = await client.get('services/dns_resolver/settings', dnsSettingsSchema);
  const dnsApplied = (await client.get('services/dns_resolver/apply', dnsApplySchema)).applied;
  const services = await client.get('status/services', servicesSchema);
  return {
    pfsense,
    pfrest,
    features: featuresOf(pfrest),
    interfaces,
    repr: representation(interfaces, rules),
    aliases,
    rules,
    pending: applyState.pending_subsystems,
    dns,
    dnsApplied,
    unboundRunning: services.some((s) => s.name === 'unbound' && s.status),
  };
}

/** Re-reads what a firewall write can change (aliases and rules, whose ids may have shifted). */
export async function refreshObjects(client: PfsenseClient, snap: Snapshot): Promise<Snapshot> {
  const aliases = await client.get('firewall/aliases', z.array(aliasSchema));
  const rules = await client.get('firewall/rules', z.array(ruleSchema));
  return { ...snap, aliases, rules };
}

/**
 * Which `represent_interfaces_as` the device uses (a global pfrest setting, default `descr`), inferred
 * from the interface values of the rules it returns, so iocwall needs no privilege on the API settings.
 */
function representation(interfaces: Interface[], rules: Rule[]): Repr {
  const values = new Set(rules.flatMap((r) => r.interface));
  const descr = (i: Interface): string => (i.descr !== null && i.descr !== '' ? i.descr : i.id.toUpperCase());
  if (interfaces.some((i) => values.has(descr(i)) && descr(i) !== i.id)) return 'descr';
  if (interfaces.some((i) => values.has(i.if) && i.if !== i.id)) return 'if';
  if (interfaces.some((i) => values.has(i.id))) return 'id';
  return 'descr';
}

/** Entries of an alias in canonical form: `/32` and `/128` hosts as bare addresses, lower case. */
export function canonicalEntry(entry: string): string {
  const e = entry.trim().toLowerCase();
  return e.endsWith('/32') && !e.includes(':') ? e.slice(0, -3) : e.endsWith('/128') ? e.slice(0, -4) : e;
}

/** Sorted unique values and the values seen more than once. */
function dedupe(values: string[]): { entries: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return { entries: [...seen].sort(), duplicates: [...dup].sort() };
}

/** Which managed set a marked alias is: the word after the marker, else its name. */
function aliasSetId(ctx: PfsenseContext, a: Alias): SetId | undefined {
  const words = (a.descr ?? '').split(/\s+/);
  const word = words[words.indexOf(ctx.marker) + 1];
  if (word === 'ipv4' || word === 'ipv6') return word;
  return a.name === ctx.names.ipv4 ? 'ipv4' : a.name === ctx.names.ipv6 ? 'ipv6' : undefined;
}

/** Builds the observed state (plus, on pfrest 2.6+, the live pf tables of our aliases). */
export async function observe(ctx: PfsenseContext, snap: Snapshot): Promise<ObservedState> {
  const sets: ObservedSet[] = [];
  const foreign: ForeignObject[] = [];
  for (const a of snap.aliases) {
    if (!hasMarker(a.descr, ctx.marker)) {
      if (a.name === ctx.names.ipv4 || a.name === ctx.names.ipv6)
        foreign.push({
          kind: 'set',
          name: a.name,
          detail: `alias without marker ${ctx.marker} (description "${a.descr ?? ''}")`,
        });
      continue;
    }
    const id = aliasSetId(ctx, a);
    if (id === undefined) continue;
    const { entries, duplicates } = dedupe(a.address.map(canonicalEntry));
    const set: ObservedSet = {
      id,
      name: a.name,
      handle: String(a.id),
      entries,
      ...(duplicates.length > 0 ? { duplicates } : {}),
    };
    if (snap.features.tables) {
      // pf prints hosts bare and IPv6 canonically; a missing table means nothing of the alias is loaded.
      const live = await ctx.client
        .get('diagnostics/table', tableSchema, { id: a.name })
        .catch(() => ({ entries: [] }));
      set.runtimeEntries = dedupe(live.entries.map(canonicalEntry)).entries;
    }
    sets.push(set);
  }
  const effective = snap.dns.enable && snap.unboundRunning && snap.dnsApplied;
  sets.push(
    ...observeDnsBlocks(snap.dns.custom_options ?? '', ctx.names.dns, ctx.marker, effective, foreign),
  );
  const rules = observeRules(ctx, snap, foreign);
  const capped = snap.features.aliasCap128;
  return {
    version: `${snap.pfsense}+pfrest-${snap.pfrest}`,
    capabilities: {
      ipv6: true,
      cidr: true,
      dnsSubdomainBlock: true,
      // pfrest < 2.5.4 caps alias `address` at 128 entries (Core/Field.inc many_maximum; v2.5.4 lifts it).
      maxEntriesPerSet: capped ? 128 : Number.MAX_SAFE_INTEGER,
      ...(capped ? { maxEntriesBySet: { dns: Number.MAX_SAFE_INTEGER }, limitReason: CAP_REASON } : {}),
    },
    sets,
    rules,
    foreign,
    // Unapplied resolver settings matter only where our DNS block lives.
    pendingApply: snap.pending.length > 0 || (!snap.dnsApplied && sets.some((s) => s.id === 'dns')),
  };
}

/** Why a capped device refuses larger sets, and what lifts the limit. */
export const CAP_REASON =
  'pfrest before 2.5.4 refuses aliases of more than 128 entries (LENGTH_VALIDATOR_MAXIMUM_CONSTRAINT); ' +
  'upgrade to pfSense CE 2.8.0+ with pfSense-pkg-RESTAPI 2.5.4 or later to lift it';
