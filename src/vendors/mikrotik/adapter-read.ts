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

/** Unmarked static entries of lists iocwall manages, reported once per list as a foreign `set`. */
function foreignOf(family: Family, rows: readonly AddressRow[], ctx: AdapterContext): ForeignObject[] {
  const menu = MENUS.list[family];
  const byList = new Map<string, string[]>();
  for (const r of rows) byList.set(r.list, [...(byList.get(r.list) ?? []), canonicalAddress(r.address)]);
  return [...byList].map(([name, values]) => ({
    kind: 'set' as const,
    name,
    detail: `${values.length} entr${values.length === 1 ? 'y' : 'ies'} in ${menu} list ${name} without marker ${ctx.marker} (e.g. ${values.slice(0, 3).join(', ')})`,
  }));
}

/**
 * One family's address lists as iocwall sees them, in one scan: our marked rows in any list, and the
 * unmarked static rows inside the lists iocwall manages. Those are foreign: our block rule drops them
 * too, so they change what iocwall enforces, and an add of the same value would collide (exit 3).
 *
 * One `print` (`?list=A ?list=B ?comment=<marker> ?#||`) instead of a marked read plus a foreign
 * query: the router scans a list once per print, silently when nothing matches (firmware-fidelity M5:
 * ~1.9 s per 23k rows, and concurrent prints compete for the CPU), and the marked rows it streams keep
 * the connection visibly alive. Only marked lists iocwall did not know of (left over from another
 * prefix) need a second, narrow query.
 */
async function readFamily(
  client: RouterOsClient,
  family: Family,
  ctx: AdapterContext,
): Promise<{ ours: AddressRow[]; foreign: ForeignObject[] }> {
  const menu = MENUS.list[family];
  const scan = async (lists: readonly string[], withMarked: boolean): Promise<AddressRow[]> => {
    const queries = [...lists.map((l) => `?list=${l}`), ...(withMarked ? [`?comment=${ctx.marker}`] : [])];
    if (queries.length > 1) queries.push(`?#${'|'.repeat(queries.length - 1)}`);
    const rows = parseRows(
      AddressRowSchema,
      await print(client, menu, PROPLIST.address, queries),
      menu,
      ctx.target,
    );
    return rows.filter((r) => r.dynamic !== true); // FQDN children and timeout entries are the router's
  };
  const known = new Set(ctx.knownLists[family]);
  const rows = await scan([...known].sort(), true);
  const ours = rows.filter((r) => hasMarker(r.comment, ctx.marker));
  const unknownMarked = [...new Set(ours.map((r) => r.list))].filter((l) => !known.has(l)).sort();
  const others = unknownMarked.length > 0 ? await scan(unknownMarked, false) : [];
  const unmarked = [...rows, ...others].filter(
    (r) => !hasMarker(r.comment, ctx.marker) && (known.has(r.list) || unknownMarked.includes(r.list)),
  );
  return { ours, foreign: foreignOf(family, unmarked, ctx) };
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
  // Without the RouterOS 6 `ipv6` package there is no /ipv6 menu to read (firmware-fidelity M1).
  const families = session.ipv6 ? FAMILIES : (['ipv4'] as const);
  const ruleMenus = families.flatMap((f) => [MENUS.filter[f], MENUS.raw[f]]);
  const [dnsRaw, lists, ruleTables] = await Promise.all([
    print(client, MENUS.dns, PROPLIST.dns, [`?comment=${ctx.marker}`]),
    Promise.all(families.map((f) => readFamily(client, f, ctx))),
    Promise.all(ruleMenus.map((m) => readRules(client, m, ctx.target))),
  ]);
  const tables = new Map(ruleMenus.map((m, i) => [m, ruleTables[i] ?? []]));
  const sets = families.flatMap((f, i) => toSets(f, lists[i]?.ours ?? []));
  const foreign = lists.flatMap((l) => l.foreign);
  const dnsRows = parseRows(DnsRowSchema, dnsRaw, MENUS.dns, ctx.target).filter(
    (r) => r.dynamic !== true && r.disabled !== true && hasMarker(r.comment, ctx.marker),
  );
  const domains = new Map<string, number>();
  for (const r of dnsRows) {
    const d = dnsRowDomain(r, session.dnsForm);
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
  const rules = families.flatMap((f) => observeRules(f, tables, ctx));
  return {
    version: session.version,
    capabilities: {
      ipv6: session.ipv6,
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
