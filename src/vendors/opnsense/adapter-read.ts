/**
 * `read()` of the OPNsense adapter: one snapshot of aliases, automation rules and DNSBL, turned into the
 * engine's `ObservedState`. Nothing here writes (all calls are GETs or the read-only searches).
 */
import type { ForeignObject, ObservedRule, ObservedSet, ObservedState, RuleId, SetId } from '../types.js';
import { observeDns } from './adapter-dns.js';
import { dedupe, hasMarker, splitEntries } from './adapter-util.js';
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

export { hasMarker, splitEntries } from './adapter-util.js';

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
  single: SingleDnsbl | undefined;
}

/** ≤25.7: the fields of the single `unbound.dnsbl` object the adapter looks at (list fields as items). */
export interface SingleDnsbl {
  enabled: string;
  wildcards: string[];
  /** The administrator's lists: predefined feeds (`type`), list URLs and exact names. */
  type: string[];
  lists: string[];
  blocklists: string[];
}

/** All rows, first page (searches read their parameters from the POST body in 26.x). */
const ALL_ROWS = { current: 1, rowCount: -1 };

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
    single = {
      enabled: dnsbl.enabled,
      wildcards: dnsbl.wildcards,
      type: dnsbl.type,
      lists: dnsbl.lists,
      blocklists: dnsbl.blocklists,
    };
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

/**
 * Which managed rule a marked rule is: by its address family (`ipprotocol`, which iocwall always writes as
 * `inet` or `inet6`). Neither its description (which carries the policy prefix, e.g. `acme_egress_v6`) nor
 * the alias it blocks (old and new names coexist while a prefix change is applied) says it reliably.
 */
export function ruleIdOf(rule: Pick<RuleRow, 'ipprotocol'>): RuleId {
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
    // Every marked alias is reported under its own name: after a prefix change the old and the new alias
    // of one set id coexist until the planner has re-pointed the rules and deleted the old one.
    const id = aliasSetId(ctx, alias);
    if (id === undefined) continue;
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
  sets.push(...observeDns(ctx, snap, foreign));

  const ours = snap.rules.filter((r) => hasMarker(r.description, ctx.marker));
  const ourUuids = ours.map((r) => r.uuid);
  const rules: ObservedRule[] = [];
  for (const r of ours) {
    const id = ruleIdOf(r);
    // Old- and new-named rules of one id are both reported; only an exact duplicate is skipped.
    if (rules.some((x) => x.id === id && x.name === r.description)) continue;
    rules.push({
      id,
      name: r.description,
      handle: r.uuid,
      enabled: r.enabled === '1',
      action: r.action === 'block' ? 'drop' : r.action === 'reject' ? 'reject' : 'other',
      references: r.destination_net,
      ...(positionOk(snap.rules, r, ctx.iface, ourUuids)
        ? { positionOk: true }
        : {
            positionOk: false,
            positionProblem: `an enabled pass rule on ${ctx.iface} has a lower sequence than this block rule`,
          }),
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
