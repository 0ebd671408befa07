/**
 * Egress rules on RouterOS. One logical rule is one or more RouterOS rules ("parts": `forward`, plus
 * `output` and raw `prerouting` on request), each placed above the first accept rule of its chain.
 * Create, update and move all converge the same way — read the table, then add (`place-before`), fix
 * properties (`set`), drop duplicates and `move` — so whichever drift was seen, one pass repairs it.
 */
import { VendorError } from '../../errors.js';
import type { DesiredRule, DesiredState } from '../types.js';
import type { RouterOsClient } from './client.js';
import {
  anchorRule,
  hasMarker,
  positionOk,
  REJECT_WITH,
  ruleParts,
  type AdapterContext,
  type RulePart,
  type Session,
} from './adapter-model.js';
import { readRules } from './adapter-read.js';
import { MENUS } from './schema.js';

/** Every filter and raw table of the families the router has: a rule delete looks in all of them. */
function ruleMenus(session: Session): string[] {
  const v4 = [MENUS.filter.ipv4, MENUS.raw.ipv4];
  return session.ipv6 ? [...v4, MENUS.filter.ipv6, MENUS.raw.ipv6] : v4;
}

/**
 * Removes every static RouterOS rule of ours whose comment is exactly `name`, in every chain of every
 * filter and raw table (v4 and v6): a delete planned for a rule left behind by an earlier policy (another
 * prefix) clears all its parts and duplicates, wherever they ended up.
 */
export async function deleteRule(session: Session, name: string, ctx: AdapterContext): Promise<void> {
  const { client } = session;
  const tables = await Promise.all(
    ruleMenus(session).map(async (menu) => ({ menu, rows: await readRules(client, menu, ctx.target) })),
  );
  for (const { menu, rows } of tables) {
    const ids = rows
      .filter((r) => r.comment === name && r.dynamic !== true && hasMarker(r.comment, ctx.marker))
      .map((r) => r['.id']);
    if (ids.length > 0)
      await client.write({ command: `${menu}/remove`, attributes: { '.id': ids.join(',') } });
  }
}

async function ensurePart(
  client: RouterOsClient,
  part: RulePart,
  rule: DesiredRule,
  list: string,
  ctx: AdapterContext,
): Promise<void> {
  const rows = await readRules(client, part.menu, ctx.target);
  const ours = rows.filter((r) => r.chain === part.chain && r.comment === rule.name && r.dynamic !== true);
  const anchor = anchorRule(rows, part.chain, ctx.marker);
  const wanted: Record<string, string> = { action: part.action, 'dst-address-list': list };
  if (part.action === 'reject') wanted['reject-with'] = REJECT_WITH;
  const [keep, ...extra] = ours;
  if (keep === undefined) {
    const attributes: Record<string, string> = { chain: part.chain, ...wanted, comment: rule.name };
    if (anchor !== undefined) attributes['place-before'] = anchor['.id'];
    await client.write({ command: `${part.menu}/add`, attributes });
    return;
  }
  if (extra.length > 0) {
    await client.write({
      command: `${part.menu}/remove`,
      attributes: { '.id': extra.map((r) => r['.id']).join(',') },
    });
  }
  const fix: Record<string, string> = {};
  for (const [k, v] of Object.entries(wanted)) {
    if ((keep as Record<string, unknown>)[k] !== v) fix[k] = v;
  }
  if (keep.disabled === true) fix.disabled = 'no';
  if (Object.keys(fix).length > 0) {
    await client.write({ command: `${part.menu}/set`, attributes: { '.id': keep['.id'], ...fix } });
  }
  if (anchor !== undefined && !positionOk(rows, keep, ctx.marker)) {
    await client.write({
      command: `${part.menu}/move`,
      attributes: { numbers: keep['.id'], destination: anchor['.id'] },
    });
  }
}

/**
 * Makes the rule exactly as desired: every expected part present once, enabled, right action and list,
 * above its chain's first accept rule; parts the options no longer ask for are removed.
 * @throws VendorError when the rule references a set that is not in the desired state.
 */
export async function ensureRule(
  client: RouterOsClient,
  rule: DesiredRule,
  desired: DesiredState,
  ctx: AdapterContext,
): Promise<void> {
  const list = desired.sets.find((s) => s.id === rule.setId)?.name;
  if (list === undefined) {
    throw new VendorError(`rule ${rule.name} references set ${rule.setId}, which is not desired`, {
      vendor: 'mikrotik',
      target: ctx.target,
      operation: 'apply rule',
      transient: false,
    });
  }
  const parts = ruleParts(rule.family, rule.action, ctx.options);
  for (const part of parts) await ensurePart(client, part, rule, list, ctx);
  // Parts no longer wanted (e.g. `raw` switched off) and rows of ours in chains we do not use.
  for (const menu of [MENUS.filter[rule.family], MENUS.raw[rule.family]]) {
    const rows = await readRules(client, menu, ctx.target);
    const stray = rows.filter(
      (r) =>
        r.comment === rule.name &&
        r.dynamic !== true &&
        !parts.some((p) => p.menu === menu && p.chain === r.chain),
    );
    if (stray.length > 0) {
      await client.write({
        command: `${menu}/remove`,
        attributes: { '.id': stray.map((r) => r['.id']).join(',') },
      });
    }
  }
}
