/**
 * Set changes on RouterOS: pipelined `add`s (window ≥ 128) and `remove`s by `.id` lists in batches, on
 * the firewall address lists and `/ip/dns/static`. Converges after an interrupted push: an `add` refused
 * with `already have such entry` is a success when the existing entry is ours.
 */
import { VendorError } from '../../errors.js';
import type { Change, DesiredState } from '../types.js';
import type { RouterOsClient, RouterOsCommand, RouterOsResult } from './client.js';
import {
  chunks,
  dnsAddAttributes,
  dnsRowDomain,
  type AdapterContext,
  type Family,
  type Session,
} from './adapter-model.js';
import { readMarkedEntries } from './adapter-read.js';
import { DnsRowSchema, MENUS, parseRows, PROPLIST, type DnsRow } from './schema.js';
import { canonicalAddress } from './values.js';

type SetChange = Extract<Change, { kind: 'set' }>;

/** Ids per `remove` command (keeps each sentence small; many removes are still pipelined). */
const REMOVE_BATCH = 500;
/**
 * Trap texts matched as substrings: routers append codes and punctuation (`no such item (4)`, tik4net
 * #13; firmware-fidelity M3/M8), so an exact or suffix match breaks on real devices.
 */
const DUPLICATE = 'already have such entry';
const NO_SUCH_ITEM = 'no such item';

/** Throws the first failure of a batch, with how many commands failed. */
function failOn(results: readonly RouterOsResult[], what: string, ctx: AdapterContext): void {
  const failed = results.filter((r): r is Extract<RouterOsResult, { ok: false }> => !r.ok);
  const first = failed[0];
  if (first === undefined) return;
  throw new VendorError(
    `${what} on ${ctx.target}: ${failed.length} of ${results.length} commands failed, first: ${first.error.message}`,
    { ...first.error.details, vendor: 'mikrotik', target: ctx.target },
    { cause: first.error },
  );
}

/** Removes rows by id, in pipelined batches; ids already gone are not an error. */
async function removeIds(
  client: RouterOsClient,
  menu: string,
  ids: readonly string[],
  ctx: AdapterContext,
): Promise<void> {
  if (ids.length === 0) return;
  const cmds = chunks(ids, REMOVE_BATCH).map((b) => ({
    command: `${menu}/remove`,
    attributes: { '.id': b.join(',') },
  }));
  const results = await client.writeMany(cmds, { window: ctx.options.window });
  // A batch is refused whole when one id vanished meanwhile: retry its ids one by one, ignoring `no such item`.
  const retry = cmds
    .filter((_, i) => results[i]?.ok === false)
    .flatMap((c) => c.attributes['.id'].split(','));
  if (retry.length === 0) return;
  const again = await client.writeMany(
    retry.map((id) => ({ command: `${menu}/remove`, attributes: { '.id': id } })),
    { window: ctx.options.window },
  );
  failOn(
    again.filter((r) => r.ok || !r.error.message.includes(NO_SUCH_ITEM)),
    `remove from ${menu}`,
    ctx,
  );
}

/**
 * Applies one address-list set change (ipv4/ipv6). Everything is scoped to the list `c.name`: a `create`
 * adds to that list even when a marked list of another name exists for the same set id (a prefix change
 * plans create-new, re-point the rule, delete-old), and a `delete` removes only our entries of the named
 * list — except values a desired set of the same list still holds (a contradictory plan must not empty a
 * wanted list).
 */
async function applyListChange(
  session: Session,
  c: SetChange,
  family: Family,
  desired: DesiredState,
  ctx: AdapterContext,
  warnings: string[],
): Promise<void> {
  const { client } = session;
  const menu = MENUS.list[family];
  const wanted = desired.sets.find((s) => s.id === family && s.name === c.name);
  if (c.op === 'delete' || c.remove.length > 0) {
    const rows = await readMarkedEntries(client, family, ctx, c.name);
    const keep = new Set(c.op === 'delete' ? (wanted?.entries ?? []).map(canonicalAddress) : []);
    const drop = new Set(
      c.op === 'delete' ? rows.map((r) => canonicalAddress(r.address)) : c.remove.map(canonicalAddress),
    );
    await removeIds(
      client,
      menu,
      rows
        .filter((r) => drop.has(canonicalAddress(r.address)) && !keep.has(canonicalAddress(r.address)))
        .map((r) => r['.id']),
      ctx,
    );
  }
  if (c.op === 'delete') {
    // No longer ours: unmarked entries left in it belong to the administrator, not reported as foreign.
    if (wanted === undefined) ctx.knownLists[family].delete(c.name);
    return;
  }
  ctx.knownLists[family].add(c.name);
  if (c.add.length === 0) return;
  const cmds: RouterOsCommand[] = c.add.map((address) => ({
    command: `${menu}/add`,
    attributes: { list: c.name, address, comment: ctx.marker },
  }));
  const results = await client.writeMany(cmds, { window: ctx.options.window });
  const dupes = new Set(
    c.add.filter((_, i) => {
      const r = results[i];
      return r !== undefined && !r.ok && r.error.message.includes(DUPLICATE);
    }),
  );
  failOn(
    results.filter((r, i) => !r.ok && !dupes.has(c.add[i] ?? '')),
    `add to ${menu} list ${c.name}`,
    ctx,
  );
  if (dupes.size === 0) return;
  // Already there: ours (an earlier, interrupted push) is fine — re-enabled if disabled; not ours is reported.
  const ours = await readMarkedEntries(client, family, ctx, c.name);
  const byValue = new Map(ours.map((r) => [canonicalAddress(r.address), r]));
  const enable: string[] = [];
  for (const v of dupes) {
    const row = byValue.get(canonicalAddress(v));
    if (row === undefined)
      warnings.push(`${v} is already in ${menu} list ${c.name} without marker ${ctx.marker}; left untouched`);
    else if (row.disabled === true) enable.push(row['.id']);
  }
  const sets = chunks(enable, REMOVE_BATCH).map((b) => ({
    command: `${menu}/set`,
    attributes: { '.id': b.join(','), disabled: 'no' },
  }));
  failOn(await client.writeMany(sets, { window: ctx.options.window }), `enable in ${menu}`, ctx);
}

/**
 * Applies the DNS set change. DNS static entries allow duplicates (no trap to lean on), so the current rows
 * are read first and only missing names are added; rows of ours in another form (the regexp form after an
 * upgrade to 7.5+, the `A 0.0.0.0` form older iocwall wrote) are swept.
 *
 * DNS entries carry no set name, so the set's name is informational: a `delete` while a DNS set is still
 * desired (a rename planned as create-new + delete-old) removes only domains the desired set no longer
 * holds, whatever the order of the two changes.
 */
async function applyDnsChange(
  session: Session,
  c: SetChange,
  desired: DesiredState,
  ctx: AdapterContext,
): Promise<void> {
  const { client, dnsForm } = session;
  const reply = await client.write({
    command: `${MENUS.dns}/print`,
    attributes: { '.proplist': PROPLIST.dns },
    queries: [`?comment=${ctx.marker}`],
  });
  const rows = parseRows(DnsRowSchema, reply.rows, MENUS.dns, ctx.target).filter((r) => r.dynamic !== true);
  const byDomain = new Map<string, DnsRow[]>();
  const stale: string[] = [];
  for (const r of rows) {
    const d = dnsRowDomain(r, dnsForm);
    if (d === undefined) stale.push(r['.id']);
    else byDomain.set(d, [...(byDomain.get(d) ?? []), r]);
  }
  const keep = new Set(c.op === 'delete' ? (desired.sets.find((s) => s.id === 'dns')?.entries ?? []) : []);
  const drop = new Set(c.op === 'delete' ? [...byDomain.keys()].filter((d) => !keep.has(d)) : c.remove);
  const removeIdsList = [...stale, ...[...drop].flatMap((d) => (byDomain.get(d) ?? []).map((r) => r['.id']))];
  await removeIds(client, MENUS.dns, removeIdsList, ctx);
  if (c.op === 'delete') return;
  const adds: RouterOsCommand[] = [];
  const enable: string[] = [];
  for (const d of c.add) {
    const existing = byDomain.get(d);
    if (existing === undefined)
      adds.push({ command: `${MENUS.dns}/add`, attributes: dnsAddAttributes(d, dnsForm, ctx.marker) });
    else if (existing.every((r) => r.disabled === true) && existing[0] !== undefined)
      enable.push(existing[0]['.id']);
  }
  failOn(await client.writeMany(adds, { window: ctx.options.window }), `add to ${MENUS.dns}`, ctx);
  if (enable.length > 0) {
    await client.write({
      command: `${MENUS.dns}/set`,
      attributes: { '.id': enable.join(','), disabled: 'no' },
    });
  }
}

/** Applies one set change in the RouterOS idiom for its set. */
export async function applySetChange(
  session: Session,
  c: SetChange,
  desired: DesiredState,
  ctx: AdapterContext,
  warnings: string[],
): Promise<void> {
  switch (c.setId) {
    case 'ipv4':
    case 'ipv6':
      return applyListChange(session, c, c.setId, desired, ctx, warnings);
    case 'dns':
      return applyDnsChange(session, c, desired, ctx);
  }
}
