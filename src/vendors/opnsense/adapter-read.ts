/**
 * `read()` of the OPNsense adapter: one snapshot of aliases, automation rules and DNSBL, turned into the
 * engine's `ObservedState`. Nothing here writes (all calls are GETs or the read-only searches).
 */
import type { ForeignObject, ObservedRule, ObservedSet, ObservedState, RuleId, SetId } from '../types.js';
import { lineOf, type OpnsenseClient, type OpnsenseLine } from './client.js';
import {
  aliasSearchSchema,
  aliasUtilListSchema,
  dnsblSearchSchema,
  ruleSearchSchema,
  tableSizeSchema,
  unboundSettingsSchema,
  type AliasRow,
  type DnsblRow,
  type RuleRow,
  type TableSize,
} from './schema.js';

/** What the adapter knows about its target beyond the connection. */
export interface OpnsenseContext {
  client: OpnsenseClient;
  /** `iocwall:<instanceId>`. */
  marker: string;
  /** Interface the egress rules sit on (default `lan`). */
  iface: string;
  /** Device names of the managed sets (options, then the last desired state, then defaults). */
  names: Record<SetId, string>;
}

/** Everything read from the device in one pass. */
export interface Snapshot {
  version: string;
  line: OpnsenseLine;
  aliases: AliasRow[];
  /** Automation rules only (legacy/automatic rows removed). */
  rules: RuleRow[];
  /** 26.1+: DNSBL policies. */
  policies: DnsblRow[];
  /** ≤25.7: the single `unbound.dnsbl` object. */
  single: { enabled: string; wildcards: string[] } | undefined;
}

/** Handle of the ≤25.7 DNSBL object. */
export const SINGLE_DNSBL_HANDLE = 'unbound.dnsbl';
/** All rows, first page (searches read their parameters from the POST body in 26.x). */
const ALL_ROWS = { current: 1, rowCount: -1 };

/** Whether a description carries exactly this marker as one of its words. */
export function hasMarker(description: string, marker: string): boolean {
  return description.split(/\s+/).includes(marker);
}

/** Entries of a newline- or comma-separated field: trimmed, lower-cased, non-empty. */
export function splitEntries(value: string, sep: '\n' | ','): string[] {
  return value
    .split(sep)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
}

/** Sorted unique values and the values seen more than once. */
function dedupe(values: string[]): { entries: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return { entries: [...seen].sort(), duplicates: [...dup].sort() };
}

/** Reads the device once. */
export async function fetchSnapshot(client: OpnsenseClient): Promise<Snapshot> {
  const version = await client.version();
  const line = lineOf(version);
  const aliases = (await client.post('firewall/alias/search_item', ALL_ROWS, aliasSearchSchema)).rows;
  const rules = await fetchRules(client);
  let policies: DnsblRow[] = [];
  let single: Snapshot['single'];
  if (line === '25.7') {
    const dnsbl = (await client.get('unbound/settings/get', unboundSettingsSchema)).unbound.dnsbl;
    single = { enabled: dnsbl.enabled, wildcards: dnsbl.wildcards };
  } else {
    policies = (await client.post('unbound/settings/search_dnsbl', ALL_ROWS, dnsblSearchSchema)).rows;
  }
  return { version, line, aliases, rules, policies, single };
}

/** Automation filter rules (legacy and automatic rows, which this API cannot change, removed). */
export async function fetchRules(client: OpnsenseClient): Promise<RuleRow[]> {
  const rows = (await client.post('firewall/filter/search_rule', ALL_ROWS, ruleSearchSchema)).rows;
  return rows.filter((r) => r.legacy !== true && r.uuid !== '');
}

/** Which managed set a marked alias is: the word after the marker, else its name, else its entries. */
export function aliasSetId(ctx: OpnsenseContext, alias: AliasRow): SetId | undefined {
  const words = alias.description.split(/\s+/);
  const word = words[words.indexOf(ctx.marker) + 1];
  if (word === 'ipv4' || word === 'ipv6') return word;
  if (alias.name === ctx.names.ipv4) return 'ipv4';
  if (alias.name === ctx.names.ipv6) return 'ipv6';
  const entries = splitEntries(alias.content, '\n');
  if (entries.length === 0) return undefined;
  return entries.every((e) => e.includes(':'))
    ? 'ipv6'
    : entries.every((e) => !e.includes(':'))
      ? 'ipv4'
      : undefined;
}

/** Which managed rule a marked rule is: named in its description, else by the alias it blocks, else family. */
export function ruleIdOf(ctx: OpnsenseContext, rule: RuleRow): RuleId {
  if (rule.description.includes('egress-ipv6')) return 'egress-ipv6';
  if (rule.description.includes('egress-ipv4')) return 'egress-ipv4';
  if (rule.destination_net === ctx.names.ipv6) return 'egress-ipv6';
  if (rule.destination_net === ctx.names.ipv4) return 'egress-ipv4';
  return rule.ipprotocol === 'inet6' ? 'egress-ipv6' : 'egress-ipv4';
}

/**
 * Enabled `quick` pass automation rules on `iface` (inbound) whose address family overlaps `ipprotocol`:
 * the rules a block rule must precede. Automation rules are evaluated before the legacy interface rules
 * (where the default LAN allow rules live), in `sequence` order, so a lower sequence is "above" them.
 */
export function passRulesAhead(
  rules: RuleRow[],
  iface: string,
  ipprotocol: string,
  except: string[],
): RuleRow[] {
  return rules.filter(
    (r) =>
      !except.includes(r.uuid) &&
      r.enabled === '1' &&
      r.action === 'pass' &&
      r.quick === '1' &&
      r.direction !== 'out' &&
      r.interface.split(',').includes(iface) &&
      (r.ipprotocol === 'inet46' || ipprotocol === 'inet46' || r.ipprotocol === ipprotocol),
  );
}

/** Our rule is placed correctly when its sequence is lower than that of every pass rule it must precede. */
export function positionOk(rules: RuleRow[], ours: RuleRow, iface: string, ourUuids: string[]): boolean {
  const seq = Number(ours.sequence);
  return passRulesAhead(rules, iface, ours.ipprotocol, ourUuids).every((r) => Number(r.sequence) > seq);
}

/**
 * Largest set the device can take: a table replacement needs room for old and new entries at once, and
 * both managed tables may be replaced in one reconfigure, so (limit − entries of other tables) / 3 keeps
 * every replacement of either set within `table-entries`.
 */
export function maxEntries(size: TableSize, ourTables: string[]): number {
  const ours = ourTables.reduce((n, t) => n + (size.details[t]?.count ?? 0), 0);
  return Math.max(0, Math.floor((size.size - Math.max(0, size.used - ours)) / 3));
}

/** Builds the observed state from a snapshot (plus the runtime tables and table size). */
export async function observe(ctx: OpnsenseContext, snap: Snapshot): Promise<ObservedState> {
  const sets: ObservedSet[] = [];
  const foreign: ForeignObject[] = [];
  const known = new Set(Object.values(ctx.names));
  let pendingApply = false;
  for (const alias of snap.aliases) {
    if (!hasMarker(alias.description, ctx.marker)) {
      if (known.has(alias.name)) {
        foreign.push({
          kind: 'set',
          name: alias.name,
          detail: `alias without marker ${ctx.marker} (description "${alias.description}")`,
        });
      }
      continue;
    }
    const id = aliasSetId(ctx, alias);
    if (id === undefined || sets.some((s) => s.id === id)) continue;
    const configured = alias.enabled === '1' ? splitEntries(alias.content, '\n') : [];
    const { entries, duplicates } = dedupe(configured);
    const live = await ctx.client.post(
      `firewall/alias_util/list/${encodeURIComponent(alias.name)}`,
      ALL_ROWS,
      aliasUtilListSchema,
    );
    const runtimeEntries = dedupe(live.rows.map((r) => r.ip.toLowerCase())).entries;
    if (runtimeEntries.join('\n') !== entries.join('\n')) pendingApply = true;
    sets.push({
      id,
      name: alias.name,
      handle: alias.uuid,
      entries,
      runtimeEntries,
      ...(duplicates.length > 0 ? { duplicates } : {}),
    });
  }
  const dns = observeDns(ctx, snap);
  if (dns !== undefined) sets.push(dns);

  const ours = snap.rules.filter((r) => hasMarker(r.description, ctx.marker));
  const ourUuids = ours.map((r) => r.uuid);
  const rules: ObservedRule[] = [];
  for (const r of ours) {
    const id = ruleIdOf(ctx, r);
    if (rules.some((x) => x.id === id)) continue;
    rules.push({
      id,
      name: r.description,
      handle: r.uuid,
      enabled: r.enabled === '1',
      action: r.action === 'block' ? 'drop' : r.action === 'reject' ? 'reject' : 'other',
      references: r.destination_net,
      positionOk: positionOk(snap.rules, r, ctx.iface, ourUuids),
    });
  }

  let size: TableSize;
  try {
    size = await ctx.client.get('firewall/alias/get_table_size', tableSizeSchema);
  } catch {
    size = { size: 1_000_000, used: 0, details: {} };
  }
  const capabilities = {
    ipv6: true,
    cidr: true,
    dnsSubdomainBlock: true,
    maxEntriesPerSet: maxEntries(
      size,
      sets.filter((s) => s.id !== 'dns').map((s) => s.name),
    ),
  };
  return { version: snap.version, capabilities, sets, rules, foreign, pendingApply };
}

/**
 * The DNS set: 26.1+ the policy whose description carries the marker; ≤25.7 the `wildcards` field of the
 * single DNSBL object, which iocwall owns (there is no per-object marker to tell ours from an
 * administrator's entries; they belong in `blocklists` or, from 26.1, in their own policy). A disabled
 * policy/object blocks nothing, so its entries read as empty.
 */
function observeDns(ctx: OpnsenseContext, snap: Snapshot): ObservedSet | undefined {
  if (snap.single !== undefined) {
    if (snap.single.wildcards.length === 0) return undefined;
    const values =
      snap.single.enabled === '1' ? snap.single.wildcards.map((w) => w.trim().toLowerCase()) : [];
    const { entries, duplicates } = dedupe(values);
    return {
      id: 'dns',
      name: ctx.names.dns,
      handle: SINGLE_DNSBL_HANDLE,
      entries,
      ...(duplicates.length > 0 ? { duplicates } : {}),
    };
  }
  const policy = snap.policies.find((p) => hasMarker(p.description, ctx.marker));
  if (policy === undefined) return undefined;
  const { entries, duplicates } = dedupe(policy.enabled === '1' ? splitEntries(policy.wildcards, ',') : []);
  return {
    id: 'dns',
    name: ctx.names.dns,
    handle: policy.uuid,
    entries,
    ...(duplicates.length > 0 ? { duplicates } : {}),
  };
}
