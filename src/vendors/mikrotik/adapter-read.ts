/**
 * `read()` of the MikroTik adapter: one bulk `print` per menu (pipelined on the one connection), marked
 * rows only for sets, whole tables for rules (their position is relative to other rules).
 */
import type { ForeignObject, ObservedRule, ObservedSet, ObservedState, RuleId } from '../types.js';
import type { RouterOsClient } from './client.js';
import {
  dnsRowDomain,
  hasMarker,
  positionOk,
  ruleParts,
  type AdapterContext,
  type Family,
  type Session,
} from './adapter-model.js';
import {
  AddressRowSchema,
  DnsRowSchema,
  MENUS,
  parseRows,
  PROPLIST,
  RuleRowSchema,
  type AddressRow,
  type RuleRow,
} from './schema.js';
import { canonicalAddress } from './values.js';

const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

async function print(
  client: RouterOsClient,
  menu: string,
  proplist: string,
  queries: string[] = [],
): Promise<unknown[]> {
  const reply = await client.write({
    command: `${menu}/print`,
    attributes: { '.proplist': proplist },
    queries,
  });
  return reply.rows;
}

/** Every row of a rule table, in order. */
export async function readRules(client: RouterOsClient, menu: string, target: string): Promise<RuleRow[]> {
  return parseRows(RuleRowSchema, await print(client, menu, PROPLIST.rule), menu, target);
}

/** Our (marked, static) rows of one address-list menu, optionally restricted to one list. */
export async function readMarkedEntries(
  client: RouterOsClient,
  family: Family,
  ctx: AdapterContext,
  list?: string,
): Promise<AddressRow[]> {
  const menu = MENUS.list[family];
  const queries = [`?comment=${ctx.marker}`, ...(list === undefined ? [] : [`?list=${list}`])];
  const rows = parseRows(
    AddressRowSchema,
    await print(client, menu, PROPLIST.address, queries),
    menu,
    ctx.target,
  );
  return rows.filter((r) => r.dynamic !== true); // FQDN children and timeout entries are the router's, not ours
}

/** Groups marked rows into sets: canonical sorted entries, disabled rows left out, duplicates reported. */
function toSets(family: Family, rows: readonly AddressRow[]): ObservedSet[] {
  const byList = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.disabled === true) continue;
    const counts = byList.get(r.list) ?? new Map<string, number>();
    const v = canonicalAddress(r.address);
    counts.set(v, (counts.get(v) ?? 0) + 1);
    byList.set(r.list, counts);
  }
  return [...byList].map(([name, counts]) => {
    const dup = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    const set: ObservedSet = { id: family, name, entries: [...counts.keys()].sort() };
    if (dup.length > 0) set.duplicates = dup.sort();
    return set;
  });
}

/**
 * Unmarked static entries inside lists that are ours. Our block rule drops them too, so they change what
 * iocwall enforces, and an add of the same value would collide: reported as a foreign `set` (exit 3).
 */
async function foreignEntries(
  client: RouterOsClient,
  family: Family,
  lists: readonly string[],
  ctx: AdapterContext,
): Promise<ForeignObject[]> {
  if (lists.length === 0) return [];
  const menu = MENUS.list[family];
  const queries = [
    ...lists.map((l) => `?list=${l}`),
    ...(lists.length > 1 ? [`?#${'|'.repeat(lists.length - 1)}`] : []),
  ];
  queries.push(`?comment=${ctx.marker}`, '?#!', '?dynamic=false');
  const rows = parseRows(
    AddressRowSchema,
    await print(client, menu, PROPLIST.address, queries),
    menu,
    ctx.target,
  );
  const byList = new Map<string, string[]>();
  for (const r of rows) byList.set(r.list, [...(byList.get(r.list) ?? []), canonicalAddress(r.address)]);
  return [...byList].map(([name, values]) => ({
    kind: 'set' as const,
    name,
    detail: `${values.length} entr${values.length === 1 ? 'y' : 'ies'} in ${menu} list ${name} without marker ${ctx.marker} (e.g. ${values.slice(0, 3).join(', ')})`,
  }));
}

/**
 * The egress rules of one family, one `ObservedRule` per rule name: every marked rule is reported under
 * its own comment, so a rule left behind by an earlier policy (another prefix) shows up as a rule of its
 * own that the planner can delete by name, instead of as shape drift of the wanted rule.
 */
function observeRules(
  family: Family,
  tables: ReadonlyMap<string, RuleRow[]>,
  ctx: AdapterContext,
): ObservedRule[] {
  const byName = new Map<string, { menu: string; row: RuleRow }[]>();
  for (const menu of [MENUS.filter[family], MENUS.raw[family]]) {
    for (const row of tables.get(menu) ?? []) {
      if (row.dynamic === true || !hasMarker(row.comment, ctx.marker)) continue;
      const name = row.comment ?? '';
      byName.set(name, [...(byName.get(name) ?? []), { menu, row }]);
    }
  }
  return [...byName].map(([name, rows]) => observeRule(family, name, rows, tables, ctx));
}

/**
 * Folds the rows of one named rule into an `ObservedRule`. A second row of the same name in the same
 * chain is a duplicate: the first one (table order) is the rule, the rest are left out of every check (the
 * first one alone decides whether traffic is blocked) and removed by the next apply touching the rule
 * (`ensurePart` keeps the first as well).
 */
function observeRule(
  family: Family,
  name: string,
  rows: readonly { menu: string; row: RuleRow }[],
  tables: ReadonlyMap<string, RuleRow[]>,
  ctx: AdapterContext,
): ObservedRule {
  const ours = rows.filter(
    (p, i) => rows.findIndex((q) => q.menu === p.menu && q.row.chain === p.row.chain) === i,
  );
  const primary = ours.find((p) => p.menu === MENUS.filter[family] && p.row.chain === 'forward') ?? ours[0];
  const primaryRow = primary?.row;
  const action =
    primaryRow?.action === 'drop' || primaryRow?.action === 'reject' ? primaryRow.action : 'other';
  const expected = ruleParts(family, action === 'reject' ? 'reject' : 'drop', ctx.options);
  // Shape drift (a part missing, a part in a chain we do not use, a part pointing elsewhere) is reported as
  // a position problem: the resulting `move` makes apply re-establish every part (see adapter-rules.ts).
  const shapeOk =
    ours.length === expected.length &&
    expected.every((e) => ours.some((p) => p.menu === e.menu && p.row.chain === e.chain)) &&
    ours.every((p) => p.row['dst-address-list'] === primaryRow?.['dst-address-list']);
  return {
    id: `egress-${family}` as RuleId,
    name,
    handle: rows.map((p) => p.row['.id']).join(','),
    enabled: ours.every((p) => p.row.disabled !== true),
    action: ours.every((p) => p.menu !== primary?.menu || p.row.action === primaryRow?.action)
      ? action
      : 'other',
    references: primaryRow?.['dst-address-list'] ?? '',
    ...placement(
      shapeOk,
      ours.every((p) => positionOk(tables.get(p.menu) ?? [], p.row, ctx.marker)),
    ),
  };
}

/** The rule's placement verdict with a reason a person can act on. */
function placement(
  shapeOk: boolean,
  aboveAccepts: boolean,
): Pick<ObservedRule, 'positionOk' | 'positionProblem'> {
  if (!shapeOk) {
    return {
      positionOk: false,
      positionProblem:
        'rule parts missing, in an unexpected chain, or pointing at another list than the rest',
    };
  }
  return aboveAccepts
    ? { positionOk: true }
    : { positionOk: false, positionProblem: 'rule is not above the accept rules of its chain' };
}

/** Observes everything iocwall manages on the router. Sends prints only. */
export async function observe(session: Session, ctx: AdapterContext): Promise<ObservedState> {
  const { client } = session;
  const ruleMenus = FAMILIES.flatMap((f) => [MENUS.filter[f], MENUS.raw[f]]);
  const [v4, v6, dnsRaw, ...ruleTables] = await Promise.all([
    readMarkedEntries(client, 'ipv4', ctx),
    readMarkedEntries(client, 'ipv6', ctx),
    print(client, MENUS.dns, PROPLIST.dns, [`?comment=${ctx.marker}`]),
    ...ruleMenus.map((m) => readRules(client, m, ctx.target)),
  ]);
  const tables = new Map(ruleMenus.map((m, i) => [m, ruleTables[i] ?? []]));
  const marked = { ipv4: v4, ipv6: v6 };
  const foreign = (
    await Promise.all(
      FAMILIES.map((f) => {
        const lists = new Set([...marked[f].map((r) => r.list), ...ctx.knownLists[f]]);
        return foreignEntries(client, f, [...lists].sort(), ctx);
      }),
    )
  ).flat();
  const sets = [...toSets('ipv4', v4), ...toSets('ipv6', v6)];
  const dnsRows = parseRows(DnsRowSchema, dnsRaw, MENUS.dns, ctx.target).filter(
    (r) => r.dynamic !== true && r.disabled !== true,
  );
  const domains = new Map<string, number>();
  for (const r of dnsRows) {
    const d = dnsRowDomain(r, session.v7);
    if (d !== undefined) domains.set(d, (domains.get(d) ?? 0) + 1);
  }
  if (domains.size > 0) {
    const dup = [...domains].filter(([, n]) => n > 1).map(([d]) => d);
    const set: ObservedSet = {
      id: 'dns',
      // DNS entries carry no set name: the set is reported under the current policy's name (see README).
      name: ctx.dnsName ?? ctx.options.dnsSetName ?? 'dns',
      entries: [...domains.keys()].sort(),
    };
    if (dup.length > 0) set.duplicates = dup.sort();
    sets.push(set);
  }
  const rules = FAMILIES.flatMap((f) => observeRules(f, tables, ctx));
  return {
    version: session.version,
    capabilities: {
      ipv6: true,
      cidr: true,
      dnsSubdomainBlock: true,
      implicitSets: true,
      maxEntriesPerSet: ctx.options.maxEntriesPerSet,
    },
    sets,
    rules,
    foreign,
    pendingApply: false, // RouterOS applies every accepted command at once; there is no separate commit
  };
}
