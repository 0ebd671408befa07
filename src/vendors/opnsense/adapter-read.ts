/**
 * `read()` of the OPNsense adapter: one snapshot of aliases, automation rules and DNSBL, turned into the
 * engine's `ObservedState`. Nothing here writes (all calls are GETs or the read-only searches).
 *
 * What differs between releases is found by asking the device, never by its version (which needs the
 * "System: Firmware" privilege, see docs/vendors/opnsense.md): the DNSBL model by the shape of
 * `unbound/settings/get`, the rules by two searches that together list every rule on every release.
 */
import { VendorError } from '../../errors.js';
import { hasMarker } from '../ownership.js';
import type { ForeignObject, ObservedSet, ObservedState, SetId } from '../types.js';
import { observeDns } from './adapter-dns.js';
import { fetchRules, observeRules } from './adapter-rules.js';
import { ALL_ROWS, type OpnsenseContext, type Snapshot } from './adapter-types.js';
import { dedupe, splitEntries } from './adapter-util.js';
import type { OpnsenseClient } from './client.js';
import {
  aliasSearchSchema,
  aliasUtilListSchema,
  dnsblSearchSchema,
  tableSizeSchema,
  unboundDnsblSchema,
  unboundSettingsSchema,
  type AliasRow,
  type TableSize,
} from './schema.js';

/** Tables larger than this are compared by their size only: listing them can exhaust PHP (#10854). */
const LIST_LIMIT = 100_000;

/** Reads the device once. */
export async function fetchSnapshot(ctx: OpnsenseContext): Promise<Snapshot> {
  const { client } = ctx;
  const aliases = (await client.post('firewall/alias/search_item', ALL_ROWS, aliasSearchSchema)).rows;
  const rules = await fetchRules(ctx);
  const shape = await client.get('unbound/settings/get', unboundDnsblSchema);
  if (shape.unbound.dnsbl.blocklist !== undefined) {
    const policies = (await client.post('unbound/settings/search_dnsbl', ALL_ROWS, dnsblSearchSchema)).rows;
    return {
      version: 'OPNsense 25.7.8 or later (DNSBL policies)',
      dnsblModel: 'policies',
      aliases,
      rules,
      policies,
      single: undefined,
    };
  }
  const dnsbl = unboundSettingsSchema.parse(shape).unbound.dnsbl;
  return {
    version: 'OPNsense 25.7.7 or earlier (single DNSBL)',
    dnsblModel: 'single',
    aliases,
    rules,
    policies: [],
    single: { ...dnsbl },
  };
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
 * Largest set the device can take: a table replacement needs room for old and new entries at once, and
 * both managed tables may be replaced in one reconfigure, so (limit − entries of other tables) / 3 keeps
 * every replacement of either set within `table-entries`.
 */
export function maxEntries(size: TableSize, ourTables: string[]): number {
  const ours = ourTables.reduce((n, t) => n + (size.details[t]?.count ?? 0), 0);
  return Math.max(0, Math.floor((size.size - Math.max(0, size.used - ours)) / 3));
}

/**
 * The running pf table of an alias: listed when it is small enough, else (or when listing fails, as it
 * does for huge tables) only its size is known and `runtimeEntries` stays undefined.
 */
async function runtimeOf(
  client: OpnsenseClient,
  name: string,
  count: number | undefined,
): Promise<string[] | undefined> {
  if (count !== undefined && count > LIST_LIMIT) return undefined;
  try {
    const live = await client.post(
      `firewall/alias_util/list/${encodeURIComponent(name)}`,
      ALL_ROWS,
      aliasUtilListSchema,
    );
    return dedupe(live.rows.map((r) => r.ip.toLowerCase())).entries;
  } catch (err) {
    if (err instanceof VendorError && (err.details.status ?? 0) >= 500) return undefined;
    throw err;
  }
}

/** Builds the observed state from a snapshot (plus the runtime tables and table size). */
export async function observe(ctx: OpnsenseContext, snap: Snapshot): Promise<ObservedState> {
  const sets: ObservedSet[] = [];
  const foreign: ForeignObject[] = [];
  const known = new Set(Object.values(ctx.names));
  let size: TableSize;
  try {
    size = await ctx.client.get('firewall/alias/get_table_size', tableSizeSchema);
  } catch {
    size = { size: 1_000_000, used: 0, details: {} };
  }
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
    const count = size.details[alias.name]?.count;
    const runtimeEntries = await runtimeOf(ctx.client, alias.name, count);
    if (
      runtimeEntries === undefined
        ? count !== entries.length
        : runtimeEntries.join('\n') !== entries.join('\n')
    )
      pendingApply = true;
    sets.push({
      id,
      name: alias.name,
      handle: alias.uuid,
      entries,
      ...(runtimeEntries !== undefined ? { runtimeEntries } : {}),
      ...(duplicates.length > 0 ? { duplicates } : {}),
    });
  }
  sets.push(...observeDns(ctx, snap, foreign));
  const capabilities = {
    ipv6: true,
    cidr: true,
    dnsSubdomainBlock: true,
    maxEntriesPerSet: maxEntries(
      size,
      sets.filter((s) => s.id !== 'dns').map((s) => s.name),
    ),
  };
  const rules = observeRules(ctx, snap.rules);
  return { version: snap.version, capabilities, sets, rules, foreign, pendingApply };
}
